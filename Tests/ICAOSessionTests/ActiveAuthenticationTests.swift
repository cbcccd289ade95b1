import CardIO
import Foundation
import ICAOCrypto
import LDS
import Testing
import VirtualCard
@testable import ICAOSession

/// Vectors/icao/aa-vectors.json, written by Vectors/icao/make-aa-vectors.py (Python integers and `cryptography`,
/// no code shared with Sources/): ISO/IEC 9796-2 representatives built field by field and signed with the raw RSA
/// private operation, ECDSA signatures, each with the outcome expected.
struct AAVectors: Decodable {
    struct Case: Decodable, CustomTestStringConvertible {
        var name: String
        var challenge: String
        var signature: String
        var algorithm: String?
        var expect: String
        var testDescription: String { name }
    }
    struct Set: Decodable {
        var dg15: String
        var cases: [Case]
    }
    var rsa: Set
    var ecdsa: Set

    static let loaded: AAVectors = {
        let url = Cards.root.appendingPathComponent("Vectors/icao/aa-vectors.json")
        return try! JSONDecoder().decode(AAVectors.self, from: Data(contentsOf: url))
    }()

    /// The outcome a vector's `expect` names.
    static func outcome(_ c: Case) -> ActiveAuthenticationOutcome {
        switch c.expect {
        case "passed": return .passed
        case "headerInvalid": return .failed(.headerInvalid)
        case "paddingInvalid": return .failed(.paddingInvalid)
        case "trailerMissing": return .failed(.trailerMissing)
        case "trailerHashUnsupported": return .failed(.trailerHashUnsupported(0x37))
        case "hashMismatch": return .failed(.hashMismatch)
        case "challengeNotRecovered": return .failed(.challengeNotRecovered)
        case "messageTooShort": return .failed(.messageTooShort)
        case "rsaSignatureOutOfRange": return .failed(.rsaSignatureOutOfRange)
        case "ecdsaSignatureInvalid": return .failed(.ecdsaSignatureInvalid)
        case "ecdsaSignatureMalformed": return .failed(.ecdsaSignatureMalformed)
        case "signatureAlgorithmMissing": return .failed(.signatureAlgorithmMissing)
        case "signatureAlgorithmUnsupported": return .failed(.signatureAlgorithmUnsupported(c.algorithm ?? ""))
        default: fatalError("unknown expectation \(c.expect)")
        }
    }
}

@Suite struct ActiveAuthenticationTests {
    /// ISO/IEC 9796-2 scheme 1 with DG15's RSA key: partial recovery with every trailer hash, total recovery with
    /// and without padding, the n − F form; and each check failing alone (header bits, padding, trailer, the
    /// recovered M1, the final hash comparison, the challenge in a totally recovered message, the range).
    @Test(arguments: AAVectors.loaded.rsa.cases)
    func rsaISO9796_2(_ vector: AAVectors.Case) throws {
        let dg15 = try DataGroup15(bytes: hx(AAVectors.loaded.rsa.dg15))
        let outcome = ActiveAuthentication.verify(signature: hx(vector.signature), challenge: hx(vector.challenge),
                                                  dg15: dg15, signatureAlgorithm: nil)
        #expect(outcome == AAVectors.outcome(vector))
    }

    /// ECDSA with the hash DG14's ActiveAuthenticationInfo names (BSI TR-03111 plain r ‖ s, or DER); a clone, a
    /// signature of another challenge or with another hash, no ActiveAuthenticationInfo, a non-ECDSA algorithm,
    /// a truncated signature.
    @Test(arguments: AAVectors.loaded.ecdsa.cases)
    func ecdsa(_ vector: AAVectors.Case) throws {
        let dg15 = try DataGroup15(bytes: hx(AAVectors.loaded.ecdsa.dg15))
        let outcome = ActiveAuthentication.verify(signature: hx(vector.signature), challenge: hx(vector.challenge),
                                                  dg15: dg15, signatureAlgorithm: vector.algorithm.flatMap { OID(dotted: $0) })
        #expect(outcome == AAVectors.outcome(vector))
    }

    /// The whole protocol against the virtual chips: the genuine ones pass (RSA and ECDSA), clones fail — a chip
    /// holding every file of the card but another key.
    @Test(arguments: [("dam-anh-hang-2021.json", "ho-ngoc-to-2024.json"), ("he-le-khue-2024.json", "ly-tu-2024.json")])
    func genuinePasses_cloneFails(_ names: (String, String)) throws {
        let card = try Cards.load(names.0)
        let dg15 = try DataGroup15(bytes: try #require(card.file(.dataGroup(15))))
        let dg14 = try DataGroup14(bytes: try #require(card.file(.dataGroup(14))))
        let algorithm = dg14.securityInfos.infos.compactMap { info -> OID? in
            if case .activeAuthentication(let a) = info { return a.signatureAlgorithm } else { return nil }
        }.first

        let genuine = try ChipAccess.open(over: InProcessChannel(chip: card.makeChip()), key: card.canKey,
                                          entropy: SystemEntropy())
        #expect(try ActiveAuthentication.perform(over: genuine.channel, dg15: dg15, signatureAlgorithm: algorithm,
                                                 entropy: SystemEntropy()) == .passed)

        var configuration = card.configuration
        configuration.activeAuthentication = try Cards.load(names.1).configuration.activeAuthentication
        let clone = try ChipAccess.open(over: InProcessChannel(chip: EMRTDChip(configuration: configuration)),
                                        key: card.canKey, entropy: SystemEntropy())
        let outcome = try ActiveAuthentication.perform(over: clone.channel, dg15: dg15, signatureAlgorithm: algorithm,
                                                       entropy: SystemEntropy())
        guard case .failed = outcome else {
            Issue.record("a clone passed active authentication")
            return
        }
    }

    /// An RSA clone's exact failure: the same chip with another RSA key (generated here), the challenge fixed.
    /// Whatever the clone signs, DG15's key opens it to noise: here the ISO/IEC 9796-2 structure is absent.
    @Test func rsaClone_isNotAnISO9796Signature() throws {
        let dg15 = try DataGroup15(bytes: hx(AAVectors.loaded.rsa.dg15))
        let clone = try #require(AAVectors.loaded.rsa.cases.first { $0.name == "clone" })
        let outcome = ActiveAuthentication.verify(signature: hx(clone.signature), challenge: hx(clone.challenge),
                                                  dg15: dg15, signatureAlgorithm: nil)
        #expect(outcome == .failed(.trailerMissing))
    }

    /// An ECDSA chip whose DG14 has no ActiveAuthenticationInfo fails, whatever it signs: the hash is not guessed.
    @Test func ecdsaChip_withoutActiveAuthenticationInfo_fails() throws {
        let card = try Cards.standard()
        let dg15 = try DataGroup15(bytes: try #require(card.file(.dataGroup(15))))
        let opened = try ChipAccess.open(over: InProcessChannel(chip: card.makeChip()), key: card.canKey,
                                         entropy: SystemEntropy())
        #expect(try ActiveAuthentication.perform(over: opened.channel, dg15: dg15, signatureAlgorithm: nil,
                                                 entropy: SystemEntropy()) == .failed(.signatureAlgorithmMissing))
    }

    /// The chip refusing INTERNAL AUTHENTICATE under valid secure messaging is a typed refusal, not an outcome.
    @Test func refusedUnderSecureMessaging_isCardRefused() throws {
        let card = try Cards.standard()
        var configuration = card.configuration
        configuration.activeAuthentication = nil  // the chip answers 6D00, protected
        let opened = try ChipAccess.open(over: InProcessChannel(chip: EMRTDChip(configuration: configuration)),
                                         key: card.canKey, entropy: SystemEntropy())
        let dg15 = try DataGroup15(bytes: try #require(card.file(.dataGroup(15))))
        #expect(throws: SessionError.cardRefused(step: .activeAuthentication, status: .instructionNotSupported)) {
            try ActiveAuthentication.perform(over: opened.channel, dg15: dg15, signatureAlgorithm: .ecdsaPlainSHA256,
                                             entropy: SystemEntropy())
        }
    }

    /// A corrupted answer (one bit on the link) is a secure messaging failure, thrown: not a verdict about the chip.
    @Test func corruptedAnswer_isASecureMessagingFailure() throws {
        let card = try Cards.standard()
        let (channel, _) = inProcess(card.makeChip(), .init(rules: [.init(.corrupt, instruction: 0x88)]))
        let opened = try ChipAccess.open(over: channel, key: card.canKey, entropy: SystemEntropy())
        let dg15 = try DataGroup15(bytes: try #require(card.file(.dataGroup(15))))
        #expect(throws: SessionError.secureMessaging(.macMismatch)) {
            try ActiveAuthentication.perform(over: opened.channel, dg15: dg15, signatureAlgorithm: .ecdsaPlainSHA256,
                                             entropy: SystemEntropy())
        }
    }
}
