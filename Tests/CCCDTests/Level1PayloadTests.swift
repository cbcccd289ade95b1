@testable import CCCD
import Foundation
import Testing

/// LEVEL1.md's status rules, one by one, over the files of the virtual cards (Vectors/dumps); each payload is
/// validated against Schemas/cccd-level1-1.schema.json.
@Suite struct Level1PayloadTests {
    static let contact = try! Level1Payload.Contact(phone: "0912 345 678", email: "an@example.vn")

    func payload(_ result: CardReadResult, allowUnverified: Bool = false) throws -> Level1Payload {
        let payload = try Level1Payload(result: result, contact: Self.contact, allowUnverified: allowUnverified)
        try Domain.validate(payload.json.serialized(), against: .level1)
        return payload
    }

    func member(_ json: JSONValue, _ path: String...) -> JSONValue? {
        var current = json
        for key in path {
            guard case .object(let members) = current, let next = members.first(where: { $0.0 == key })?.1 else { return nil }
            current = next
        }
        return current
    }

    @Test func aLiveRead_everyCheckPassed_theQRMatched_isReady() throws {
        let payload = try payload(try Domain.result(qr: Domain.anQR))
        #expect(payload.status == .ready)
        #expect(payload.problems.isEmpty)
        #expect(member(payload.json, "subject", "personalIdNumber") == .string("001099012345"))
        #expect(member(payload.json, "subject", "fullName") == .string("Nguyễn Văn An"))
        #expect(member(payload.json, "subject", "dateOfBirth") == .string("1999-03-15"))
        #expect(member(payload.json, "contact", "phone") == .string("+84912345678"))
        #expect(member(payload.json, "evidence", "source") == .string("live"))
        #expect(member(payload.json, "evidence", "qr") == .string("matched"))
        #expect(member(payload.json, "document", "documentNumber") == .string("099012345"))
        #expect(member(payload.json, "document", "expiryDate") == .string("2039-03-15"))
    }

    @Test func withoutAQR_isRejected_QRAbsent() throws {
        let payload = try payload(try Domain.result())
        #expect(payload.status == .rejected)
        #expect(payload.problems.map(\.code) == ["QR_ABSENT"])
        #expect(member(payload.json, "evidence", "qr") == .string("absent"))
    }

    @Test func aQROfAnotherPerson_isRejected_eachFieldWithBothValues() throws {
        let other = "001099012345|123456789|Nguyễn Văn Ân|15031998|Nam|Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, "
            + "Quận Đống Đa, Hà Nội|01062022"
        let payload = try payload(try Domain.result(qr: other))
        #expect(payload.status == .rejected)
        #expect(payload.problems.map(\.field) == ["fullName", "dateOfBirth"])
        #expect(payload.problems.first?.chip == "Nguyễn Văn An" && payload.problems.first?.qr == "Nguyễn Văn Ân")
        #expect(member(payload.json, "evidence", "qr") == .string("mismatched"))
    }

    @Test func noTrustAnchor_isRejected_unverifiedOnlyWithTheOption() throws {
        let result = try Domain.result(qr: Domain.anQR, trust: nil)
        #expect(try payload(result).status == .rejected)
        let allowed = try payload(result, allowUnverified: true)
        #expect(allowed.status == .unverified)
        #expect(allowed.problems.map(\.code) == ["NO_TRUST_ANCHOR"])
        #expect(member(allowed.json, "evidence", "passiveAuthentication") == .string("no-trust-anchor"))
    }

    @Test func aReplay_isAtBestUnverified_REPLAYED() throws {
        let payload = try payload(try Domain.result(qr: Domain.anQR, source: .replay))
        #expect(payload.status == .unverified)
        #expect(payload.problems.map(\.code) == ["REPLAYED"])
        #expect(member(payload.json, "evidence", "source") == .string("replay"))
    }

    @Test func anExpiredCard_isRejected() throws {
        // truong-thuy-duong-2021 expired on 2026-01-01.
        let result = try Domain.result("truong-thuy-duong-2021", at: "2026-01-02T10:00:00Z")
        #expect(result.checks.validity == .expired(on: PartialDate(year: 2026, month: 1, day: 1)))
        let payload = try payload(result)
        #expect(payload.status == .rejected)
        #expect(payload.problems.map(\.code) == ["DOCUMENT_EXPIRED", "QR_ABSENT"])
    }

    @Test func aClone_isRejected() throws {
        let result = try Domain.result(qr: Domain.anQR, chip: .failed(reason: "no answer under the agreed keys"))
        let payload = try payload(result)
        #expect(payload.status == .rejected)
        #expect(payload.problems.map(\.code) == ["CHIP_AUTHENTICATION_FAILED"])
        #expect(member(payload.json, "evidence", "chipAuthentication") == .string("failed"))
    }

    @Test func aFlippedDataGroupByte_isRejected_namingIt() throws {
        let result = try Domain.result(qr: Domain.anQR) { files in files[.dataGroup(13)]![40] ^= 0x01 }
        let payload = try payload(result)
        #expect(payload.status == .rejected)
        #expect(payload.problems.contains { $0.code == "DG_HASH_MISMATCH" && $0.field == "DG13" })
    }

    @Test func withoutAPortrait_thereIsNoPayload() throws {
        let result = try Domain.result(qr: Domain.anQR) { files in files[.dataGroup(2)] = nil }
        #expect(throws: CCCDError.payloadIncomplete(missing: ["portrait"])) {
            try Level1Payload(result: result, contact: Self.contact, allowUnverified: false)
        }
    }

    @Test func aJPEG2000Face_goesThroughTheTranscoder_keepingTheChipsHash() throws {
        // A DG2 whose image is a JPEG 2000 codestream (FF4FFF51…): the payload carries the transcoder's JPEG.
        let codestream: [UInt8] = [0xFF, 0x4F, 0xFF, 0x51] + [UInt8](repeating: 0x42, count: 200)
        let result = try Domain.result(qr: Domain.anQR, trust: nil) { files in
            let dg2 = DataGroup2(faces: [FaceImage(encoding: .iso39794, width: 360, height: 480, image: codestream[...])])
            files[.dataGroup(2)] = try! dg2.encoded()
        }
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 0x17, count: 120)
        let payload = try Level1Payload(result: result, contact: Self.contact, allowUnverified: true) { face in
            #expect(face.mediaType == "image/jp2")
            return jpeg
        }
        try Domain.validate(payload.json.serialized(), against: .level1)
        #expect(member(payload.json, "portrait", "mediaType") == .string("image/jpeg"))
        #expect(member(payload.json, "portrait", "sourceMediaType") == .string("image/jp2"))
        #expect(member(payload.json, "portrait", "base64") == .string(Data(jpeg).base64EncodedString()))
        // sha256 of 204 bytes FF4FFF51 42…42, computed with Python's hashlib.
        #expect(member(payload.json, "portrait", "sourceSha256") == .string(Self.codestreamSHA256))
    }

    static let codestreamSHA256 = "268ba47c1673a9f4cefae7d24be097fa95149519b3bf153ca21a17c2088200cc"

    @Test func aJPEG2000FaceWithoutATranscoder_givesNoPayload() throws {
        let codestream: [UInt8] = [0xFF, 0x4F, 0xFF, 0x51] + [UInt8](repeating: 0x42, count: 200)
        let result = try Domain.result(qr: Domain.anQR, trust: nil) { files in
            let dg2 = DataGroup2(faces: [FaceImage(encoding: .iso39794, width: 360, height: 480, image: codestream[...])])
            files[.dataGroup(2)] = try! dg2.encoded()
        }
        #expect(throws: CCCDError.payloadIncomplete(missing: ["portrait"])) {
            try Level1Payload(result: result, contact: Self.contact, allowUnverified: true)
        }
    }

    @Test func contact_isCheckedAndNormalised() throws {
        #expect(try Level1Payload.Contact(phone: "+84 91 234 5678").phone == "+84912345678")
        #expect(try Level1Payload.Contact(phone: "0912345678", email: " An@Example.VN ").email == "An@example.vn")
        #expect(throws: ContactCheck.Refusal.self) { try Level1Payload.Contact(phone: "12345") }
        #expect(throws: ContactCheck.Refusal.self) { try Level1Payload.Contact(phone: "0912345678", email: "an@") }
    }
}
