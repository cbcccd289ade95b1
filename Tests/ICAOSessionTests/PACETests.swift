import CardIO
import ICAOCrypto
import LDS
import Testing
@testable import ICAOSession

private let g1OID = "0.4.0.127.0.7.2.2.4.2.2"

private func g1Password() throws -> AccessKey {
    .mrz(try MRZKey(documentNumber: "T22000129", dateOfBirth: "640812", dateOfExpiry: "101031"))
}

@Suite struct PACETests {
    /// ICAO 9303-11 Appendix G.1, replayed from Vectors/icao/pace-g1.json: PACE-ECDH-GM-AES-128 on
    /// brainpoolP256r1 with the MRZ password, every command byte for byte, the session keys of G.1.
    @Test func appendixG1_replaysByteForByte() throws {
        let trace = try icaoTrace("pace-g1.json")
        guard let password = trace.access, case .mrz = password else {
            Issue.record("the G.1 trace carries an MRZ key")
            return
        }
        let card = ReplayChannel(trace: trace)
        let entropy = RecordedEntropy(trace.entropy)
        // G.1's EF.CardAccess: PACEInfo id-PACE-ECDH-GM-AES-CBC-CMAC-128, parameter ID 13 (also in the trace file).
        let result = try PACE.establish(over: card, key: password, protocolOID: g1OID, parameterID: 13,
                                        entropy: entropy)
        #expect(card.isFinished)
        #expect(entropy.consumed == 2)
        #expect(result.channel.session.keys.cipher == .aes128)
        #expect(result.channel.session.keys.encryptionKey == hx("F5F0E35C0D7161EE6724EE513A0D9A7F"))
        #expect(result.channel.session.keys.macKey == hx("FE251C7858B356B24514B3BD5F4297D1"))
        #expect(result.channel.session.counter == .zero(length: 16))
        #expect(result.chipEphemeralPublicKey == hx("04"
            + "9E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
            + "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"))
        #expect("\(result.paceProtocol)" == "PACE-ECDH-GM-AES-128")
    }

    /// PACE-ECDH-GM-3DES on NIST P-256 (parameter ID 12) with CAN 123456: 3DES K_π with parity, the nonce in
    /// 3DES-CBC, tokens as retail MACs over the padded 7F49 object, session keys by the 3DES KDF. No appendix
    /// publishes such a session: the chip's side and every byte were computed independently by
    /// Vectors/icao/verify-icao-vectors.py (plain integer EC arithmetic, cross-checked against `cryptography`).
    @Test func tripleDES_p256_can_matchesIndependentComputation() throws {
        let card = replay([
            ("0022C1A412800A04007F0007020204020183010284010C", "9000"),
            ("10860000027C0000", "7C1280109B36404666805F96D8F1C84BD84BB7269000"),
            ("10860000457C43814104D65A93977CAA3D1B081852FF57A79E465F1660577304BAEAD505DD3A48589CF350185E895372DF62"
                + "21EA3A137557E473FDDB6755F05BD507C3C533FCE9C9128500",
             "7C4382410451A7580833898EA1B183CBD7350A4099078C6EF1C1E18E970CD7683035F25E7D0110522712B0B5A7CFF0816854"
                + "86984A94E6831EDAC46E7360FA9D834A7A81A19000"),
            ("10860000457C43834104215E30CBC0CF72257851BA114D273E4E7E1A582B7C9F98B51CD2549DB7B6C950C1C8522E3361DAC3"
                + "7AFB4442DC3470063EB4CEA2A8356E4EBC25ABE55679406500",
             "7C4384410427974EAEFF2C23EBF84585EF6F5EF0F7086BDD70A8FD81B5B29C0A9C14DE383C9252FEC601885805B59E0F916B"
                + "1701B847C9ECDA69F308C953332856E77F527B9000"),
            ("008600000C7C0A85088706DE272B30461100", "7C0A86084B0741E3AC111FFB9000"),
        ])
        let entropy = RecordedEntropy([[UInt8](repeating: 0x22, count: 32), [UInt8](repeating: 0x44, count: 32)])
        let result = try PACE.establish(over: card, key: can("123456"), protocolOID: "0.4.0.127.0.7.2.2.4.2.1",
                                        parameterID: 12, entropy: entropy)
        #expect(card.isFinished)
        #expect(result.channel.session.keys.cipher == .tripleDES)
        #expect(result.channel.session.keys.encryptionKey == hx("C857F2B0F42923629DB6B904B3EA61C4"))
        #expect(result.channel.session.keys.macKey == hx("6483E68A4567EC4FCB52F892947FC15E"))
        #expect(result.channel.session.counter == .zero(length: 8))
    }

    /// G.1 driven by its EF.CardAccess (ICAO 9303-11 Appendix G.1), parsed by the LDS module.
    @Test func appendixG1_fromCardAccessPACEInfo() throws {
        let trace = try icaoTrace("pace-g1.json")
        let infos = try SecurityInfos(cardAccess: hx("31143012060A04007F0007020204020202010202010D"))
        let info = try #require(infos.pace.first)
        let card = ReplayChannel(trace: trace)
        let result = try PACE.establish(over: card, key: try g1Password(), info: info,
                                        entropy: RecordedEntropy(trace.entropy))
        #expect(card.isFinished)
        #expect(result.channel.session.keys.macKey == hx("FE251C7858B356B24514B3BD5F4297D1"))
    }

    /// The same G.1 session on brainpoolP256r1 given as explicit domain parameters (RFC 5639 §3.4), with the
    /// parameter reference 13 still sent: identical bytes.
    @Test func appendixG1_withExplicitDomainParameters() throws {
        let trace = try icaoTrace("pace-g1.json")
        let curve = try EllipticCurve(
            prime: hx("A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377"),
            a: hx("7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9"),
            b: hx("26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6"),
            generator: hx("04"
                + "8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262"
                + "547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997"),
            order: hx("A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7"),
            cofactor: [1])
        let card = ReplayChannel(trace: trace)
        let result = try PACE.establish(over: card, key: try g1Password(), protocolOID: g1OID,
                                        domainParameters: curve, parameterReference: 13,
                                        entropy: RecordedEntropy(trace.entropy))
        #expect(card.isFinished)
        #expect(result.channel.session.keys.encryptionKey == hx("F5F0E35C0D7161EE6724EE513A0D9A7F"))
    }

    /// G.1 up to mutual authentication, where the chip answers 6300: a typed wrong-password error.
    @Test func wrongPassword_6300_atMutualAuthentication() throws {
        let trace = try icaoTrace("pace-g1.json")
        var exchanges = trace.exchanges
        exchanges[exchanges.count - 1].response = hx("6300")
        let card = ReplayChannel(exchanges: exchanges)
        let entropy = RecordedEntropy(trace.entropy)
        #expect(throws: SessionError.wrongPassword(step: .mutualAuthentication)) {
            try PACE.establish(over: card, key: try g1Password(), protocolOID: g1OID, parameterID: 13,
                               entropy: entropy)
        }
        #expect(card.isFinished)
    }

    /// G.1 with the chip's token altered: the terminal refuses the session.
    @Test func badChipToken_isRejected() throws {
        let trace = try icaoTrace("pace-g1.json")
        var exchanges = trace.exchanges
        exchanges[exchanges.count - 1].response = hx("7C0A86083ABB9674BCE93C099000")
        let card = ReplayChannel(exchanges: exchanges)
        #expect(throws: SessionError.chipAuthenticationFailed(step: .mutualAuthentication,
                                                              reason: "the chip's token T_IC does not verify")) {
            try PACE.establish(over: card, key: try g1Password(), protocolOID: g1OID, parameterID: 13,
                               entropy: RecordedEntropy(trace.entropy))
        }
    }

    /// A chip mapping key off the curve (last byte of y altered) is refused before any further command.
    @Test func chipMappingKeyOffCurve_isRejected() throws {
        let trace = try icaoTrace("pace-g1.json")
        var exchanges = Array(trace.exchanges.prefix(3))
        // The y-coordinate's last byte, just before the status word.
        exchanges[2].response[exchanges[2].response.count - 3] ^= 0x01
        let card = ReplayChannel(exchanges: exchanges)
        #expect(throws: SessionError.crypto(.invalidPoint("not on the curve"), step: .mapNonce)) {
            try PACE.establish(over: card, key: try g1Password(), protocolOID: g1OID, parameterID: 13,
                               entropy: RecordedEntropy(trace.entropy))
        }
        #expect(card.isFinished)
    }

    /// An entropy draw not below the order is discarded and the next one used: G.1 replays with an extra
    /// all-FF draw in front (brainpoolP256r1's order starts A9FB…).
    @Test func outOfRangeScalarDraw_isRedrawn() throws {
        let trace = try icaoTrace("pace-g1.json")
        let entropy = RecordedEntropy([[UInt8](repeating: 0xFF, count: 32)] + trace.entropy)
        let result = try PACE.establish(over: ReplayChannel(trace: trace), key: try g1Password(), protocolOID: g1OID,
                                        parameterID: 13, entropy: entropy)
        #expect(entropy.consumed == 3)
        #expect(result.channel.session.keys.macKey == hx("FE251C7858B356B24514B3BD5F4297D1"))
    }

    /// Integrated mapping, CAM, DH and unknown OIDs: typed "not supported" before any command is sent.
    @Test(arguments: [
        ("0.4.0.127.0.7.2.2.4.4.2", "PACE integrated mapping (PACE-ECDH-IM-AES-128)"),
        ("0.4.0.127.0.7.2.2.4.6.2", "PACE chip authentication mapping (PACE-ECDH-CAM-AES-128)"),
        ("0.4.0.127.0.7.2.2.4.1.2", "PACE over DH groups (PACE-DH-GM-AES-128)"),
        ("0.4.0.127.0.7.2.2.3.2.1", "protocol 0.4.0.127.0.7.2.2.3.2.1 is not a PACE protocol"),
    ])
    func unsupportedProtocols_failBeforeSending(oid: String, message: String) throws {
        let card = replay([])
        #expect(throws: SessionError.notSupported(message)) {
            try PACE.establish(over: card, key: can("123456"), protocolOID: oid, parameterID: 13,
                               entropy: RecordedEntropy([]))
        }
        #expect(card.position == 0)
    }

    @Test func dhParameterID_isNotSupported() throws {
        #expect(throws: SessionError.notSupported("PACE domain parameter ID 2")) {
            try PACE.establish(over: replay([]), key: can("123456"), protocolOID: g1OID,
                               parameterID: 2, entropy: RecordedEntropy([]))
        }
    }

    /// The cipher follows from the OID (BSI TR-03110-3 A.1.1.1 / ICAO 9303-11 §9.2.2).
    @Test func protocolOIDs_giveTheirCipher() throws {
        #expect(try PACEProtocol(oid: "0.4.0.127.0.7.2.2.4.2.1").cipher == .tripleDES)
        #expect(try PACEProtocol(oid: "0.4.0.127.0.7.2.2.4.2.2").cipher == .aes128)
        #expect(try PACEProtocol(oid: "0.4.0.127.0.7.2.2.4.2.3").cipher == .aes192)
        #expect(try PACEProtocol(oid: "0.4.0.127.0.7.2.2.4.2.4").cipher == .aes256)
        #expect(try PACEProtocol(oid: g1OID).oidContent == hx("04007F00070202040202"))
    }

    /// The CAN is sent as reference 2 and is π itself: MSE:Set AT carries 83 01 02, and K_π = KDF_π(CAN).
    /// Expected K_π: SHA-1("123456" ‖ 00000003)[0..16], computed independently with Python's hashlib.
    @Test func can_usesReference2_andItsDigits() throws {
        #expect(can("123456").pacePasswordReference == 2)
        let secret = can("123456").pacePasswordSecret
        #expect(KeyDerivation.derive(sharedSecret: secret, purpose: .password, cipher: .aes128)
            == hx("591468CDA83D65219CCCB8560233600F"))
        let card = replay([("0022C1A412800A04007F0007020204020283010284010D", "6A80")])
        #expect(throws: SessionError.cardRefused(step: .mseSetAT, status: .incorrectData)) {
            try PACE.establish(over: card, key: can("123456"), protocolOID: g1OID, parameterID: 13,
                               entropy: RecordedEntropy([]))
        }
    }
}
