import CardIO
import ICAOCrypto
import LDS
import Testing
@testable import ICAOSession

@Suite struct MRZKeyTests {
    /// ICAO 9303-11 Appendix D.2: MRZ_information of L898902C< / 690806 / 940623.
    @Test func mrzInformation_matchesICAO_D2() throws {
        let key = try MRZKey(documentNumber: "L898902C<", dateOfBirth: "690806", dateOfExpiry: "940623")
        #expect(key.mrzInformation == Array("L898902C<369080619406236".utf8))
        #expect(key.bacSeed == hx("239AB9CB282DAF66231DC5A4DF6BFBAE"))
        // The filler is optional, and case does not matter.
        #expect(try MRZKey(documentNumber: "l898902c", dateOfBirth: "690806", dateOfExpiry: "940623") == key)
    }

    /// A TD1 document number longer than 9 characters is used whole, its check digit computed over all of it:
    /// ICAO 9303-11 Appendix D.2's TD1 example "I<UTOD23145890<7349<<<…" (document number D23145890734).
    /// The check digits (ICAO 9303-3 §4.9, 7-3-1: D23145890734 → 9, 340712 → 7, 950712 → 2) were recomputed
    /// independently in Python.
    @Test func longDocumentNumber_isUsedWhole() throws {
        let key = try MRZKey(documentNumber: "D23145890734", dateOfBirth: "340712", dateOfExpiry: "950712")
        #expect(key.mrzInformation == Array("D23145890734934071279507122".utf8))
    }

    /// The synthetic CCCD of CCCD.md: DG1 "IDVNM0990123459001099012345<<0 / 9903159M3903157VNM…", parsed by
    /// LDS; the key is document number 099012345 (check digit 9), birth 990315 (9), expiry 390315 (7), the
    /// digits as printed in that MRZ.
    @Test func cccdKey_fromParsedMRZ() throws {
        let mrz = try MRZ(characters: "IDVNM0990123459001099012345<<0" + "9903159M3903157VNM<<<<<<<<<<<0"
            + "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<")
        let key = try MRZKey(mrz: mrz)
        #expect(String(decoding: key.mrzInformation, as: UTF8.self) == "099012345999031593903157")
    }

    /// A 12-digit CCCD ID number given as the document number is reduced to its last nine digits, the CCCD's
    /// document number: the key is then that of CCCD.md's synthetic card.
    @Test func cccdIdNumber_asDocumentNumber_givesTheSameKey() throws {
        let fromID = try MRZKey(documentNumber: "001099012345", dateOfBirth: "990315", dateOfExpiry: "390315")
        #expect(String(decoding: fromID.mrzInformation, as: UTF8.self) == "099012345999031593903157")
    }

    @Test func descriptions_holdNoSecret() throws {
        let key = try MRZKey(documentNumber: "L898902C<", dateOfBirth: "690806", dateOfExpiry: "940623")
        #expect(!"\(key)".contains("L898902C"))
        #expect(!"\(can("123456"))".contains("123456"))
        let keys = SecureMessagingKeys(sharedSecret: [1, 2, 3], cipher: .aes128)
        #expect("\(keys)" == "SecureMessagingKeys(AES-128)")
    }
}

@Suite struct BasicAccessControlTests {
    /// ICAO 9303-11 Appendix D.3 and D.4, replayed from Vectors/icao/bac-d3-d4.json: BAC with the D.3 nonces,
    /// then SELECT EF.COM and READ BINARY (4 bytes, then 18) under 3DES secure messaging, byte for byte.
    @Test func appendixD3D4_replaysByteForByte() throws {
        let trace = try icaoTrace("bac-d3-d4.json")
        #expect(trace.origin == "icao-9303-11")
        guard case .mrz(let key) = trace.access else {
            Issue.record("the D.3 trace carries an MRZ key")
            return
        }
        let card = ReplayChannel(trace: trace)
        let entropy = RecordedEntropy(trace.entropy)
        let secure = try BasicAccessControl.establish(over: card, key: key, entropy: entropy)
        #expect(entropy.consumed == 2)
        #expect(secure.session.keys.encryptionKey == hx("979EC13B1CBFE9DCD01AB0FED307EAE5"))
        #expect(secure.session.keys.macKey == hx("F1CB1F1FB5ADF208806B89DC579DC1F8"))
        #expect(secure.session.counter.bytes == hx("887022120C06C226"))

        let select = try secure.send(CommandAPDU(cla: 0x00, ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1E]))
        #expect(select == ResponseAPDU(data: [], statusWord: .success))
        let first = try secure.send(CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x00, p2: 0x00, expectedLength: 4))
        #expect(first == ResponseAPDU(data: hx("60145F01"), statusWord: .success))
        // Through the CardChannel face, as a file reader would.
        let rest = try secure.transmit(CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x00, p2: 0x04, expectedLength: 0x12))
        #expect(rest.data == hx("04303130365F36063034303030305C026175"))
        #expect(first.data + rest.data == (try #require(trace.expectedFiles["EF.COM"])))
        #expect(secure.session.counter.bytes == hx("887022120C06C22C"))
        #expect(card.isFinished)
    }

    /// A wrong MRZ key: the chip answers EXTERNAL AUTHENTICATE with 6300 (D.3's exchange up to there).
    @Test func wrongKey_6300_isWrongPassword() throws {
        let key = try MRZKey(documentNumber: "L898902C<", dateOfBirth: "690806", dateOfExpiry: "940623")
        let card = replay([
            ("0084000008", "4608F919887022129000"),
            ("008200002872C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A728", "6300"),
        ])
        let entropy = RecordedEntropy([hx("781723860C06C226"), hx("0B795240CB7049B01C19B33E32804F0B")])
        #expect(throws: SessionError.wrongPassword(step: .externalAuthenticate)) {
            try BasicAccessControl.establish(over: card, key: key, entropy: entropy)
        }
    }

    /// The chip's M_IC altered in its last byte: BAC must not produce a session.
    @Test func badChipMAC_isChipAuthenticationFailure() throws {
        let key = try MRZKey(documentNumber: "L898902C<", dateOfBirth: "690806", dateOfExpiry: "940623")
        let card = replay([
            ("0084000008", "4608F919887022129000"),
            ("008200002872C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A728",
             "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D74489000"),
        ])
        let entropy = RecordedEntropy([hx("781723860C06C226"), hx("0B795240CB7049B01C19B33E32804F0B")])
        #expect(throws: SessionError.chipAuthenticationFailed(step: .externalAuthenticate, reason: .cryptogramMAC)) {
            try BasicAccessControl.establish(over: card, key: key, entropy: entropy)
        }
    }

    @Test func getChallengeRefused_isReportedWithItsStatus() throws {
        let key = try MRZKey(documentNumber: "L898902C<", dateOfBirth: "690806", dateOfExpiry: "940623")
        let card = replay([("0084000008", "6D00")])
        #expect(throws: SessionError.cardRefused(step: .getChallenge, status: .instructionNotSupported)) {
            try BasicAccessControl.establish(over: card, key: key, entropy: RecordedEntropy([]))
        }
    }
}

/// Each step of BAC failing alone, on ICAO 9303-11 Appendix D.3's session: the chip's answer to EXTERNAL
/// AUTHENTICATE forged with D.3's K_Enc and K_MAC (so its MAC verifies) around a cryptogram that says otherwise.
@Suite struct BACStepTests {
    static let kEnc = hx("AB94FDECF2674FDFB9B391F85D7F76F2")
    static let kMAC = hx("7962D9ECE03D1ACD4C76089DCE131543")
    static let rndIC = hx("4608F91988702212")
    static let rndIFD = hx("781723860C06C226")
    static let kIC = hx("0B4F80323EB3191CB04970CB4052790B")
    static let externalAuthenticate = "008200002872C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A728"

    /// E_IC ‖ M_IC over R = `r`, as the chip computes them (ICAO 9303-11 §9.7.2, Appendix D.3).
    static func answer(_ r: [UInt8]) throws -> String {
        let e = try BlockCipher.encrypt(r, key: kEnc, family: .tripleDES, mode: .cbcZeroIV(.tripleDES))
        return (e + (try RetailMAC.mac(key: kMAC, message: e))).hexString + "9000"
    }

    func establish(answer: String) throws {
        let key = try MRZKey(documentNumber: "L898902C<", dateOfBirth: "690806", dateOfExpiry: "940623")
        let card = replay([("0084000008", "4608F919887022129000"), (Self.externalAuthenticate, answer)])
        let entropy = RecordedEntropy([hx("781723860C06C226"), hx("0B795240CB7049B01C19B33E32804F0B")])
        _ = try BasicAccessControl.establish(over: card, key: key, entropy: entropy)
    }

    /// The forger reproduces D.3's own answer, and BAC accepts it.
    @Test func forger_reproducesAppendixD3() throws {
        let genuine = try Self.answer(Self.rndIC + Self.rndIFD + Self.kIC)
        #expect(genuine.uppercased() == "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D74499000")
        try establish(answer: genuine)
    }

    @Test func chipNonceNotEchoed_isRejected() throws {
        var wrong = Self.rndIC
        wrong[7] ^= 0x01
        #expect(throws: SessionError.chipAuthenticationFailed(step: .externalAuthenticate, reason: .noncesNotEchoed)) {
            try establish(answer: try Self.answer(wrong + Self.rndIFD + Self.kIC))
        }
    }

    @Test func terminalNonceNotEchoed_isRejected() throws {
        var wrong = Self.rndIFD
        wrong[0] ^= 0x80
        #expect(throws: SessionError.chipAuthenticationFailed(step: .externalAuthenticate, reason: .noncesNotEchoed)) {
            try establish(answer: try Self.answer(Self.rndIC + wrong + Self.kIC))
        }
    }

    @Test func answerOfAnotherLength_isMalformed() throws {
        #expect(throws: SessionError.malformedResponse(step: .externalAuthenticate, reason: "32 bytes, expected 40")) {
            try establish(answer: String(try Self.answer(Self.rndIC + Self.rndIFD + Self.kIC).prefix(64)) + "9000")
        }
    }

    @Test func externalAuthenticateRefused_isCardRefused() throws {
        #expect(throws: SessionError.cardRefused(step: .externalAuthenticate, status: .conditionsNotSatisfied)) {
            try establish(answer: "6985")
        }
    }

    @Test func challengeOfAnotherLength_isMalformed() throws {
        let key = try MRZKey(documentNumber: "L898902C<", dateOfBirth: "690806", dateOfExpiry: "940623")
        #expect(throws: SessionError.malformedResponse(step: .getChallenge, reason: "4 bytes, expected 8")) {
            try BasicAccessControl.establish(over: replay([("0084000008", "4608F9199000")]), key: key,
                                             entropy: RecordedEntropy([]))
        }
    }
}
