import CardIO
import CCCD
import Foundation
import ICAOCrypto
import ICAOSession
import LDS
import Testing
import Verification
import VirtualCard

/// Full reads (CardReader, in process) of every virtual card, including those in the shapes real cards have:
/// DG13 in the real-card layout (and one nested), explicit-parameter DG14/DG15 keys on a Table 4 curve and on one
/// outside it, a JPEG 2000 face, a sloppy DG2, a BAC-only chip. Every field of the record is checked against the
/// card's description, every verdict must pass, and the level-1 payload must be ready.
@Suite struct RealCardShapesReadTests {
    static let trust = try! TrustStore.load(paths: ["csca-a.pem", "csca-a2-link.pem"].map {
        Repository.root.appendingPathComponent("Vectors/pki/\($0)").path
    })
    /// A day on which every test certificate and card is valid.
    static let readDay = ISO8601.date("2025-06-01T10:00:00Z")!

    /// The access key a desk would use: the CAN for a PACE chip, the MRZ for a BAC-only one.
    static func key(_ card: PersonalizedCard) throws -> AccessKey {
        card.configuration.pace == nil ? .mrz(try MRZKey(mrz: card.mrz)) : .can(card.cardAccessNumber)
    }

    static func read(_ card: PersonalizedCard, qr: CardQRCode? = nil) throws -> CardReadResult {
        // Extended length is tried on every card: the BAC-only chip, which refuses it under secure messaging and
        // tells nothing beforehand, is read after the file reader steps down to short APDUs.
        return try CardReader.read(over: InProcessChannel(chip: card.makeChip()), key: try key(card), trust: trust,
                                   qr: qr, readAt: readDay)
    }

    /// `dd/MM/yyyy` or `yyyy` as ISO 8601 (`00` parts left out), by hand.
    static func iso(_ text: String?) -> String? {
        guard let text else { return nil }
        let parts = text.split(separator: "/").map(String.init)
        guard parts.count == 3 else { return text }
        return parts[2] + (parts[1] == "00" ? "" : "-" + parts[1] + (parts[0] == "00" ? "" : "-" + parts[0]))
    }

    static func nonEmpty(_ s: String?) -> String? { s?.isEmpty == false ? s : nil }

    @Test(arguments: Repository.cardNames)
    func fullRead_everyFieldRight_everyVerdictPassed(_ name: String) throws {
        let card = try Repository.card(name)
        let qr = try CardQRCode(text: try #require(card.description.qr))
        let readout = try Self.read(card, qr: qr)
        let i = card.description.identity

        // Verdicts.
        let passive = readout.checks.passive
        #expect(passive.verdict == .passed, "\(name): \(passive.problems.map(\.code))")
        #expect(readout.checks.chipAuthentication == .passed, "\(name)")
        #expect(readout.checks.activeAuthentication == .passed, "\(name)")
        #expect(readout.verdict == .accept, "\(name): \(readout.verdict)")
        // The only problems are the sloppy DG2's warnings.
        let expectedCodes: [Problem.Code] = card.description.portraitRecord == nil ? [] : [.dg2RecordInconsistent]
        #expect(Set(readout.problems.map(\.code)) == Set(expectedCodes), "\(name): \(readout.problems)")
        #expect(readout.problems.allSatisfy { $0.kind == .notice })

        // Every field of the record, against the description.
        let r = readout.record
        #expect(r.problems.isEmpty, "\(name): \(r.problems)")
        #expect(r.personalIdNumber == i.personalIdNumber)
        #expect(r.fullName == i.fullName.precomposedStringWithCanonicalMapping)
        #expect(r.dateOfBirth?.iso8601 == Self.iso(i.dateOfBirth))
        #expect(r.sex == (i.sex == "Nam" ? "male" : "female"))
        #expect(r.nationality == "VNM")
        #expect(r.nationalityText == i.nationality)
        #expect(r.permanentAddress == i.placeOfResidence)
        #expect(r.placeOfOrigin == i.placeOfOrigin)
        #expect(r.ethnicity == i.ethnicity)
        #expect(r.religion == i.religion)
        #expect(r.identifyingCharacteristics == Self.nonEmpty(i.identifyingCharacteristics))
        #expect(r.issueDate?.iso8601 == Self.iso(i.dateOfIssue))
        if i.dateOfExpiry == "Không thời hạn" {
            #expect(r.validForLife && r.expiryDate == nil)
        } else {
            #expect(!r.validForLife && r.expiryDate?.iso8601 == Self.iso(i.dateOfExpiry))
        }
        #expect(r.fatherName == i.fatherName)
        #expect(r.motherName == i.motherName)
        #expect(r.spouseName == i.spouseName)  // an unmarried holder's empty field reads as nil
        #expect(r.oldIdNumber == i.oldIdNumber)
        #expect(r.documentNumber == String(i.personalIdNumber.suffix(9)))
        var others: [(Int, String)] = i.field16.map { [(16, $0)] } ?? []
        others += (i.otherFields ?? [:]).map { (Int($0.key)!, $0.value) }.sorted { $0.0 < $1.0 }
        #expect(r.otherFields.map(\.number) == others.map(\.0))
        #expect(r.otherFields.map(\.texts) == others.map { [$0.1] })

        // The face is the portrait, byte for byte, whatever its format and however its record is written.
        let portrait = Array(try Data(contentsOf: Repository.cards.appendingPathComponent(card.description.portrait)))
        #expect(readout.parsed.dg2?.faces.map { Array($0.image) } == [portrait])

        // The level-1 payload is ready when the card's QR is given. A JPEG 2000 face needs the JPEG transcoder of
        // CCCDQR, which this target does not link: without it there is no payload, and the portrait is named.
        let contact = try Level1Payload.Contact(phone: "+84912345678")
        if readout.portrait?.mediaType == "image/jp2" {
            #expect(throws: CCCDError.payloadIncomplete(missing: ["portrait"])) {
                try Level1Payload(result: readout, contact: contact, allowUnverified: false)
            }
        } else {
            let payload = try Level1Payload(result: readout, contact: contact, allowUnverified: false)
            #expect(payload.status == .ready, "\(name): \(payload.problems.map(\.code))")
        }
    }

    /// `read --json`'s subject shows field 16 and unknown fields with their number and text.
    @Test func otherFields_inTheReadJSON() throws {
        let card = try Repository.card("mai-thi-dao-2024.json")
        let readout = try Self.read(card)
        let json = CardReport.json(readout, portrait: false)
        guard case .object(let top) = json, case .object(let subject)? = top.first(where: { $0.0 == "subject" })?.1,
              case .array(let others)? = subject.first(where: { $0.0 == "otherFields" })?.1 else {
            Issue.record("no subject.otherFields")
            return
        }
        #expect(others == [.object([("field", .integer(17)), ("text", .string("Đào Mai"))])])
    }

    /// A DG13 with a broken field among good ones, on an otherwise genuine chip: the other fields are read, the
    /// broken one is named (`DG13_FIELD_MALFORMED`, `DG13.7`) and shown raw, and every verdict still passes.
    @Test func brokenDG13Field_costsNoOtherField() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        var configuration = card.configuration
        var dg13 = try DataGroup13(bytes: card.files[0x010D]!)
        dg13.religion = nil
        // Field 7 as an OCTET STRING: not a DG13 value.
        var w = TLVWriter()
        w.append(.sequence) { w in
            w.appendInteger(7)
            w.append(.octetString, value: [0x4B])
        }
        dg13.malformedFields = [DG13MalformedField(encoded: w.bytes, error: DG13FieldError(number: 7, offset: 0, kind: .unexpectedValue(found: .octetString)))]
        configuration.files[0x010D] = dg13.encoded()
        // Re-sign the SOD over the new DG13, as a card issued this way would carry it.
        let pki = Repository.root.appendingPathComponent("Vectors/pki")
        let sod = try EFSOD(bytes: card.files[0x011D]!)
        var hashes = sod.securityObject.dataGroupHashes
        let index = try #require(hashes.firstIndex { $0.dataGroupNumber == 13 })
        hashes[index] = DataGroupHash(dataGroupNumber: 13, hashValue: HashAlgorithm.sha256.hash(configuration.files[0x010D]!)[...])
        let securityObject = LDSSecurityObject(hashAlgorithm: sod.securityObject.hashAlgorithm, dataGroupHashes: hashes)
        configuration.files[0x011D] = try Personalization.signSecurityObject(
            securityObject.encoded(), digest: .sha256,
            certificate: Array(try Data(contentsOf: pki.appendingPathComponent("ds-good.der"))),
            privateKey: Array(try Data(contentsOf: pki.appendingPathComponent("ds-good.key.der"))))
        let readout = try CardReader.read(over: InProcessChannel(chip: EMRTDChip(configuration: configuration)),
                                          key: .can(card.cardAccessNumber), trust: Self.trust, readAt: Self.readDay)
        #expect(readout.checks.passive.verdict == .passed)
        #expect(readout.verdict == .accept)
        let r = readout.record
        #expect(r.religion == nil)
        #expect(r.fullName == "Nguyễn Văn An" && r.permanentAddress == card.description.identity.placeOfResidence)
        #expect(r.problems.map(\.code) == ["DG13_FIELD_MALFORMED"])
        #expect(r.problems.first?.field == "DG13.7")
        #expect(r.problems.allSatisfy { $0.kind == .notice })
        let shown = try #require(r.otherFields.first { $0.number == 7 })
        #expect(shown.encoded == w.bytes && shown.error != nil)
    }
}

extension RealPCSCD {
    /// The cards in real-card shapes through the real pcscd (vpcd), read by CardReader as `cccd read` reads them.
    @Suite struct RealCardShapesPCSCTests {
        @Test(arguments: ["mai-thi-dao-2024.json", "luc-van-son-2021.json", "kieu-thi-nga-2024.json",
                          "quach-minh-tri-2021.json", "ton-nu-hoa-2021.json", "dam-anh-hang-2021.json"])
        func fullRead_throughPCSCD_everyVerdictPassed(_ name: String) throws {
            let card = try Repository.card(name)
            let connection = try PCSCDaemon.insert(card.makeChip())
            defer { try? PCSCDaemon.remove(connection) }
            let reader = try PCSCContext().connect(reader: PCSCDaemon.reader1)
            let readout = try CardReader.read(over: reader, key: try RealCardShapesReadTests.key(card),
                                              trust: RealCardShapesReadTests.trust,
                                              readAt: RealCardShapesReadTests.readDay)
            #expect(readout.checks.passive.verdict == .passed)
            #expect(readout.checks.chipAuthentication == .passed && readout.checks.activeAuthentication == .passed)
            for file in readOrder where card.files[file.fileIdentifier ?? 0] != nil {
                #expect(readout.files[file] == card.files[file.fileIdentifier ?? 0], "\(file)")
            }
            let record = readout.record
            #expect(record.fullName == card.description.identity.fullName.precomposedStringWithCanonicalMapping)
            #expect(record.problems.isEmpty)
        }
    }
}
