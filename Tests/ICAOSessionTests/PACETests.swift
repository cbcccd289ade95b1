import CardIO
import ICAOCrypto
import LDS
import Testing
import VirtualCard
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
        #expect(throws: SessionError.chipAuthenticationFailed(step: .mutualAuthentication, reason: .tokenMismatch)) {
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
        #expect(throws: SessionError.invalidChipKey(step: .mapNonce, .invalidPoint(.invalidPoint("not on the curve")))) {
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

/// Each step of PACE failing alone, on ICAO 9303-11 Appendix G.1's session (Vectors/icao/pace-g1.json): the
/// exchanges up to the step as recorded, the chip's answer to it altered.
@Suite struct PACEStepTests {
    /// G.1 with exchange `index`'s answer replaced (`answer` gets the command sent, to echo its key).
    func run(answering index: Int, with answer: ([UInt8]) -> [UInt8]) throws -> (ReplayChannel, () throws -> Void) {
        let trace = try icaoTrace("pace-g1.json")
        var exchanges = Array(trace.exchanges.prefix(index + 1))
        exchanges[index].response = answer(exchanges[index].command)
        let card = ReplayChannel(exchanges: exchanges)
        let key: AccessKey = .mrz(try MRZKey(documentNumber: "T22000129", dateOfBirth: "640812",
                                             dateOfExpiry: "101031"))
        return (card, {
            _ = try PACE.establish(over: card, key: key, protocolOID: "0.4.0.127.0.7.2.2.4.2.2", parameterID: 13,
                                   entropy: RecordedEntropy(trace.entropy))
        })
    }

    /// The terminal's public key in a GENERAL AUTHENTICATE command `10 86 00 00 45 7C 43 8x 41 <point> 00`.
    static func terminalKey(_ command: [UInt8]) -> [UInt8] { Array(command[9..<(9 + 65)]) }

    @Test func nonceRefused_isCardRefused() throws {
        let (_, establish) = try run(answering: 1) { _ in hx("6A80") }
        #expect(throws: SessionError.cardRefused(step: .encryptedNonce, status: .incorrectData)) { try establish() }
    }

    @Test func nonceNotWholeBlocks_isMalformed() throws {
        let (_, establish) = try run(answering: 1) { _ in hx("7C11800F") + [UInt8](repeating: 0x42, count: 15) + hx("9000") }
        #expect(throws: SessionError.malformedResponse(step: .encryptedNonce, reason: "a nonce of 15 bytes")) {
            try establish()
        }
    }

    @Test func nonceWithoutDynamicAuthenticationData_isMalformed() throws {
        let (_, establish) = try run(answering: 1) { _ in hx("8010") + [UInt8](repeating: 0x42, count: 16) + hx("9000") }
        #expect(throws: SessionError.malformedResponse(step: .encryptedNonce,
                                                       reason: "no dynamic authentication data (7C)")) { try establish() }
    }

    @Test func mappingKeyEqualToTheTerminals_isRejected() throws {
        let (card, establish) = try run(answering: 2) { command in
            hx("7C438241") + PACEStepTests.terminalKey(command) + hx("9000")
        }
        #expect(throws: SessionError.invalidChipKey(step: .mapNonce, .equalsTerminalKey)) { try establish() }
        #expect(card.isFinished)
    }

    @Test func mappingKeyAtInfinity_isRejected() throws {
        let (_, establish) = try run(answering: 2) { _ in hx("7C03820100") + hx("9000") }
        #expect(throws: SessionError.invalidChipKey(step: .mapNonce, .pointAtInfinity)) { try establish() }
    }

    @Test func mappingKeyOfAnotherLength_isRejected() throws {
        let (_, establish) = try run(answering: 2) { command in
            hx("7C228220") + Array(PACEStepTests.terminalKey(command)[1..<33]) + hx("9000")
        }
        expectSessionError({ try establish() }) {
            if case .invalidChipKey(.mapNonce, .invalidPoint) = $0 { return true }
            return false
        }
    }

    @Test func keyAgreementKeyEqualToTheTerminals_isRejected() throws {
        let (card, establish) = try run(answering: 3) { command in
            hx("7C438441") + PACEStepTests.terminalKey(command) + hx("9000")
        }
        #expect(throws: SessionError.invalidChipKey(step: .keyAgreement, .equalsTerminalKey)) { try establish() }
        #expect(card.isFinished)
    }

    @Test func keyAgreementKeyOffTheCurve_isRejected() throws {
        let trace = try icaoTrace("pace-g1.json")
        let (_, establish) = try run(answering: 3) { _ in
            var answer = trace.exchanges[3].response
            answer[answer.count - 3] ^= 0x01
            return answer
        }
        #expect(throws: SessionError.invalidChipKey(step: .keyAgreement, .invalidPoint(.invalidPoint("not on the curve")))) {
            try establish()
        }
    }

    @Test func keyAgreementKeyAtInfinity_isRejected() throws {
        let (_, establish) = try run(answering: 3) { _ in hx("7C03840100") + hx("9000") }
        #expect(throws: SessionError.invalidChipKey(step: .keyAgreement, .pointAtInfinity)) { try establish() }
    }

    @Test func mutualAuthenticationRefused_isCardRefused() throws {
        let (_, establish) = try run(answering: 4) { _ in hx("6982") }
        #expect(throws: SessionError.cardRefused(step: .mutualAuthentication, status: .securityStatusNotSatisfied)) {
            try establish()
        }
    }

    @Test func mutualAuthenticationWithRetryCounter_isWrongPassword() throws {
        let (_, establish) = try run(answering: 4) { _ in hx("63C2") }
        #expect(throws: SessionError.wrongPassword(step: .mutualAuthentication)) { try establish() }
    }

    @Test func tokenWithoutTag86_isMalformed() throws {
        let (_, establish) = try run(answering: 4) { _ in hx("7C0A8708CF1F7ABA8C5D1D3E9000") }
        #expect(throws: SessionError.malformedResponse(step: .mutualAuthentication, reason: "7C lacks tag 86")) {
            try establish()
        }
    }

    /// A wrong CAN against the virtual chip: the nonce decrypts to another s, the chip's token check fails, 6300.
    @Test func wrongCAN_isWrongPassword() throws {
        let card = try Cards.standard()
        #expect(throws: SessionError.wrongPassword(step: .mutualAuthentication)) {
            try ChipAccess.open(over: InProcessChannel(chip: card.makeChip()), key: can("000000"),
                                entropy: SystemEntropy())
        }
    }
}
