import CardIO
import Foundation
import ICAOCrypto
import LDS
import Testing
@testable import VirtualCard

/// The virtual cards that take the shapes real cards have (CCCD.md, issue 13): DG13 in the real-card layout by
/// default and one card in the older nested form, explicit-parameter keys, a JPEG 2000 face, a sloppy DG2, and a
/// BAC-only chip without EF.CardAccess that refuses extended length under secure messaging.
@Suite struct RealCardShapesTests {
    static func card(_ name: String) throws -> PersonalizedCard {
        try Personalization.load(Repository.cards.appendingPathComponent(name))
    }

    static func contains(_ bytes: [UInt8], _ part: [UInt8]) -> Bool {
        (0...(bytes.count - part.count)).contains { bytes[$0..<($0 + part.count)].elementsEqual(part) }
    }

    /// CCCD.md's prefixes: the ID as PrintableString (`30 11 02 01 01 13 0C`), the parents as sibling
    /// SEQUENCEs (`30 L 02 01 0D 30 L 0C L`), an unmarried holder's field 14 with no value (`30 03 02 01 0E`).
    @Test func realCardLayout_isTheDefault() throws {
        let dg13 = try #require(try Self.card("ly-tu-2024.json").files[0x010D])
        #expect(Self.contains(dg13, [0x30, 0x11, 0x02, 0x01, 0x01, 0x13, 0x0C]))
        #expect(Self.contains(dg13, [0x30, 0x03, 0x02, 0x01, 0x0E]))
        // Father "Lý Văn Phúc" (14 bytes in UTF-8) and mother "Trịnh Thị Yến" (19), each in its own SEQUENCE.
        #expect(Self.contains(dg13, [0x30, 0x2C, 0x02, 0x01, 0x0D, 0x30, 0x10, 0x0C, 0x0E]))
        #expect(Self.contains(dg13, [0x30, 0x15, 0x0C, 0x13]))
        // Dates of birth and issue as PrintableString, expiry ("Không thời hạn") as UTF8String.
        #expect(Self.contains(dg13, [0x02, 0x01, 0x03, 0x13, 0x0A] + Array("05/05/1997".utf8)))
        #expect(Self.contains(dg13, [0x02, 0x01, 0x0B, 0x13, 0x0A] + Array("10/09/2024".utf8)))
        #expect(Self.contains(dg13, [0x02, 0x01, 0x0C, 0x0C]))
        // The old ID and field 16 as PrintableString.
        let an = try #require(try Self.card("nguyen-van-an-2021.json").files[0x010D])
        #expect(Self.contains(an, [0x02, 0x01, 0x0F, 0x13, 0x09] + Array("123456789".utf8)))
        #expect(Self.contains(an, [0x02, 0x01, 0x10, 0x13, 0x10] + Array("0123456789ABCDEF".utf8)))
    }

    @Test func oneCard_keepsTheNestedLayout() throws {
        let card = try Self.card("dam-anh-hang-2021.json")
        let dg13 = try #require(card.files[0x010D])
        // Both parents in one SEQUENCE of UTF8Strings: "Đàm Văn Đức" (17 bytes in UTF-8), "Hà Thị Ấm" (14).
        #expect(Self.contains(dg13, [0x02, 0x01, 0x0D, 0x30, 0x23, 0x0C, 0x11]))
        #expect(!Self.contains(dg13, [0x30, 0x03, 0x02, 0x01, 0x0E]))
        #expect(try DataGroup13(bytes: dg13).spouseName == nil)
        #expect(Self.contains(dg13, [0x02, 0x01, 0x01, 0x0C, 0x0C]))  // the ID as UTF8String
    }

    @Test func explicitParameters_ofAStandardCurve_areRecognised() throws {
        let card = try Self.card("kieu-thi-nga-2024.json")
        let dg14 = try DataGroup14(bytes: try #require(card.files[0x010E]))
        let caKey = try #require(dg14.securityInfos.chipAuthenticationPublicKeys.first).publicKey
        let dg15 = try DataGroup15(bytes: try #require(card.files[0x010F]))
        for key in [caKey, dg15.publicKey] {
            guard case .explicit(let p)? = try key.ecParameters() else {
                Issue.record("the key names its curve instead of giving its parameters")
                continue
            }
            let curve = try EllipticCurve(recognizing: p.prime, a: p.a, b: p.b, generator: p.generator, order: p.order,
                                          cofactor: p.cofactor)
            #expect(curve.namedCurve == .brainpoolP256r1)
        }
    }

    @Test func explicitParameters_ofACurveOutsideTable4() throws {
        let card = try Self.card("quach-minh-tri-2021.json")
        let dg15 = try DataGroup15(bytes: try #require(card.files[0x010F]))
        guard case .explicit(let p)? = try dg15.publicKey.ecParameters() else {
            Issue.record("DG15 names its curve")
            return
        }
        // RFC 5639 §3.4 brainpoolP256t1: a = p − 3.
        #expect(p.a == (try [UInt8](hex: "A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5374")))
        let curve = try EllipticCurve(recognizing: p.prime, a: p.a, b: p.b, generator: p.generator, order: p.order,
                                      cofactor: p.cofactor)
        #expect(curve.namedCurve == nil)
        // The chip's AA key signs a challenge that verifies with DG15's key, loaded by OpenSSL.
        guard case .ecdsa(let key, let digest)? = card.configuration.activeAuthentication else {
            Issue.record("no ECDSA key")
            return
        }
        let challenge: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        let signature = try key.sign(message: challenge, digest: digest, encoding: .plain)
        #expect(try PublicKey(subjectPublicKeyInfo: Array(dg15.publicKey.der))
            .verifyECDSA(signature: signature, encoding: .plain, message: challenge, digest: digest))
    }

    @Test func jpeg2000Face() throws {
        let card = try Self.card("mai-thi-dao-2024.json")
        let dg2 = try DataGroup2(bytes: try #require(card.files[0x0102]))
        let face = try #require(dg2.faces.first)
        #expect(face.imageType == .jpeg2000)
        #expect(face.width == 360 && face.height == 480)  // the ihdr box of the JP2 opj_compress wrote
        guard case .iso19794(let record) = face.encoding else {
            Issue.record("not a 19794-5 record")
            return
        }
        #expect(record.imageDataType == 1)  // ISO/IEC 19794-5 Table 6: JPEG 2000
        #expect(dg2.warnings.isEmpty)
    }

    @Test func sloppyDG2_stillGivesThePortrait() throws {
        let card = try Self.card("luc-van-son-2021.json")
        let dg2 = try DataGroup2(bytes: try #require(card.files[0x0102]))
        let portrait = Array(try Data(contentsOf: Repository.cards.appendingPathComponent("portraits/luc-van-son.jpg")))
        #expect(dg2.faces.map { Array($0.image) } == [portrait])
        let block = 32 + portrait.count + 5
        #expect(dg2.warnings.map(\.kind) == [.recordLength(declared: 14 + block + 6, actual: 14 + block),
                                             .imageBlockLength(declared: block - 64, actual: 32 + portrait.count),
                                             .trailingBytes(count: 5)])
    }

    @Test func bacOnlyChip_withoutCardAccess_refusesExtendedLengthUnderSecureMessaging() throws {
        let card = try Self.card("ton-nu-hoa-2021.json")
        #expect(card.files[0x011C] == nil)
        #expect(card.configuration.pace == nil)
        #expect(card.configuration.acceptsExtendedLength == false)
        #expect(card.configuration.extendedLengthRefusal == .underSecureMessaging(.secureMessagingObjectsIncorrect))
        let chip = card.makeChip()
        chip.powerOn()
        // The plain probe for EF.CardAccess with an extended Le learns nothing: the file is not there.
        let probe = try CommandAPDU.readBinary(shortFileIdentifier: 0x1C, expectedLength: 65536, extendedLength: true)
            .encoded()
        #expect(chip.process(probe).map { Array($0.suffix(2)) } == [0x6A, 0x82])
        // Another plain extended command is processed as a short one: EF.COM needs secure messaging (6982).
        #expect(chip.process(try CommandAPDU.selectApplication(EMRTDChip.applicationID).encoded()) == [0x90, 0x00])
        let com = try CommandAPDU.readBinary(shortFileIdentifier: 0x1E, expectedLength: 65536, extendedLength: true)
            .encoded()
        #expect(chip.process(com) == [0x69, 0x82])
        // Any extended command with the secure messaging bits (here with dummy DO'97' and DO'8E'): 6988.
        let protected = try CommandAPDU(cla: 0x0C, ins: 0xB0, p1: 0x81, p2: 0, data: [0x97, 0x02, 0x00, 0x00, 0x8E, 0x08]
                                        + [UInt8](repeating: 0, count: 8), expectedLength: 65536).encoded()
        #expect(chip.process(protected).map { Array($0.suffix(2)) } == [0x69, 0x88])
    }

    /// The knob's default is unchanged: a short-only chip answers every extended command 6700.
    @Test func shortOnlyChip_byDefault_answers6700() throws {
        var configuration = try Self.card("nguyen-van-an-2021.json").configuration
        configuration.acceptsExtendedLength = false
        let chip = EMRTDChip(configuration: configuration)
        chip.powerOn()
        let probe = try CommandAPDU.readBinary(shortFileIdentifier: 0x1C, expectedLength: 65536, extendedLength: true)
            .encoded()
        #expect(chip.process(probe) == [0x67, 0x00])
    }
}
