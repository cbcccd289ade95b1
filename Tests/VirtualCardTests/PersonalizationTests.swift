import CardIO
import Foundation
import ICAOCrypto
import LDS
import Testing
@testable import VirtualCard

/// The repository's folders, found from this file.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let cards = root.appendingPathComponent("Vectors/cards")
    static let pki = root.appendingPathComponent("Vectors/pki")
    static var cardFiles: [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: cards, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}

@Suite struct PersonalizationTests {
    @Test func thereAreAtLeastElevenCards() {
        #expect(Repository.cardFiles.count >= 11)
    }

    @Test(arguments: Repository.cardFiles.map(\.lastPathComponent))
    func everyFile_parsesBack_toTheDescription(_ name: String) throws {
        let card = try Personalization.load(Repository.cards.appendingPathComponent(name))
        let identity = card.description.identity

        let dg1 = try DataGroup1(bytes: try #require(card.files[0x0101]))
        #expect(dg1.mrz.personalIDNumber == identity.personalIdNumber)
        #expect(dg1.mrz.documentNumber == String(identity.personalIdNumber.suffix(9)))

        let dg13 = try DataGroup13(bytes: try #require(card.files[0x010D]))
        #expect(dg13.personalIDNumber == identity.personalIdNumber)
        #expect(dg13.fullName == identity.fullName)
        #expect(dg13.placeOfResidence == identity.placeOfResidence)
        // An unmarried holder's spouse field is present with no value (real-card layout) or absent (nested).
        let nested = card.description.chip.dg13Layout == "nested"
        #expect(dg13.spouseName == identity.spouseName ?? (nested ? nil : ""))
        #expect(dg13.otherDocumentNumber == identity.oldIdNumber)
        #expect(dg13.parents?.fatherName == identity.fatherName)

        let dg2 = try DataGroup2(bytes: try #require(card.files[0x0102]))
        let portrait = try Data(contentsOf: Repository.cards.appendingPathComponent(card.description.portrait))
        #expect(Array(dg2.faces[0].image) == Array(portrait))
        #expect(dg2.faces[0].imageType == (card.description.portrait.hasSuffix(".jp2") ? .jpeg2000 : .jpeg))
        #expect((15_000...25_000).contains(portrait.count))
        // Only a card described with a sloppy record gets warnings.
        #expect(dg2.warnings.isEmpty == (card.description.portraitRecord == nil))
        // Every field of DG13 parses: nothing malformed, no damage, field 17+ as described.
        #expect(dg13.malformedFields.isEmpty && dg13.damage == nil)
        #expect(dg13.parents?.motherName == identity.motherName)
        #expect(dg13.field16 == identity.field16)
        #expect(dg13.unknownFields.map { String($0.number) } == (identity.otherFields ?? [:]).keys.sorted())
        for field in dg13.unknownFields { #expect(field.texts == [identity.otherFields![String(field.number)]!]) }

        let com = try EFCOM(bytes: try #require(card.files[0x011E]))
        #expect(com.dataGroupTags.contains(0x6D))

        // Every data group's hash in the SOD matches the file.
        let sod = try EFSOD(bytes: try #require(card.files[0x011D]))
        let digest = try Personalization.hashAlgorithm(card.description.chip.hashAlgorithm, "")
        for hash in sod.securityObject.dataGroupHashes {
            let file = try #require(card.files[Personalization.dataGroupFID(hash.dataGroupNumber)])
            #expect(Array(hash.hashValue) == digest.hash(file), "DG\(hash.dataGroupNumber)")
        }
        #expect(card.cardAccessNumber.digits == String(identity.personalIdNumber.suffix(6)))
    }

    /// The CCCD's EF.CardAccess as published (shared/CCCD.md), byte for byte from a card with its suite.
    @Test func cccdSuite_givesThePublishedCardAccess() throws {
        let card = try Personalization.load(Repository.cards.appendingPathComponent("nguyen-van-an-2021.json"))
        #expect(card.files[0x011C]?.hexString.lowercased()
            == "3134300d060804007f0007020202020101300f060a04007f000702020302020201013012060a04007f0007020204020202010202010d")
    }

    /// shared/CCCD.md's TD1 example for the same person, byte for byte (line 1 ends with the ID's check digit).
    @Test func td1_matchesTheCCCDExample() throws {
        let card = try Personalization.load(Repository.cards.appendingPathComponent("nguyen-van-an-2021.json"))
        let text = try card.mrz.characters()
        #expect(Array(text)[0..<30].map(String.init).joined() == "IDVNM0990123459001099012345<<0")
        #expect(Array(text)[30..<60].map(String.init).joined() == "9903159M3903157VNM<<<<<<<<<<<0")
        #expect(Array(text)[60..<90].map(String.init).joined() == "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<")
        #expect(card.mrzInformation == "0990123459" + "9903159" + "3903157")
    }

    @Test func yearOnlyBirth_andNoExpiry_inTheMRZ() throws {
        let duong = try Personalization.load(Repository.cards.appendingPathComponent("truong-thuy-duong-2021.json"))
        #expect(duong.mrz.dateOfBirth == "01<<<<")
        let tu = try Personalization.load(Repository.cards.appendingPathComponent("ly-tu-2024.json"))
        #expect(tu.mrz.dateOfExpiry == "991231")
        let dg13 = try DataGroup13(bytes: try #require(tu.files[0x010D]))
        #expect(dg13.spouseName == "" && dg13.otherDocumentNumber == nil)
        if case .unlimited? = dg13.dateOfExpiry {} else { Issue.record("expiry is not unlimited") }
    }

    /// The SOD is a CMS SignedData that OpenSSL's own `cms -verify` accepts against the test CSCA: checked by
    /// a tool that shares no code with ours.
    @Test(arguments: [("nguyen-van-an-2021.json", ["csca-a.pem"]),
                      ("he-le-khue-2024.json", ["csca-a.pem", "csca-a2-link.pem"])])
    func sod_verifiesWithOpenSSL(_ name: String, _ anchors: [String]) throws {
        let card = try Personalization.load(Repository.cards.appendingPathComponent(name))
        let sod = try #require(card.files[0x011D])
        let reader = BERReader(sod)
        let outer = try reader.singleElement(BERTag(rawValue: 0x77))
        let cms = Array(reader.value(of: outer))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-sod-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("sod.der")
        try Data(cms).write(to: input)
        let bundle = folder.appendingPathComponent("anchors.pem")
        try anchors.map { try String(contentsOf: Repository.pki.appendingPathComponent($0), encoding: .utf8) }
            .joined().write(to: bundle, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["cms", "-verify", "-inform", "DER", "-in", input.path, "-CAfile", bundle.path,
                             "-binary", "-purpose", "any", "-out", folder.appendingPathComponent("content").path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let content = try Data(contentsOf: folder.appendingPathComponent("content"))
        let sodParsed = try EFSOD(bytes: sod)
        #expect(Array(content) == Array(sodParsed.encapsulatedContent))
    }

    @Test func badDescriptions_areTypedErrors() throws {
        #expect(throws: PersonalizationError.self) {
            try Personalization.load(URL(fileURLWithPath: "/nonexistent/card.json"))
        }
        let folder = FileManager.default.temporaryDirectory
        let url = folder.appendingPathComponent("cccd-bad-card-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"{"format":"cccd-card/1","generation":"x"}"#.utf8).write(to: url)
        #expect(throws: PersonalizationError.invalidDescription("missing identity")) {
            try Personalization.load(url)
        }
    }
}
