import CardIO
import ICAOCrypto
import LDS
import Testing
import VirtualCard
@testable import ICAOSession

/// Chip authentication (ICAO 9303-11 §6.2) step by step against the virtual chip, each check failing alone.
@Suite struct ChipAuthenticationTests {
    func opened(_ configuration: ChipConfiguration, _ plan: FaultInjectingChip.Plan? = nil,
                key: AccessKey) throws -> OpenedChip {
        let (channel, _) = inProcess(EMRTDChip(configuration: configuration), plan)
        return try ChipAccess.open(over: channel, key: key, entropy: SystemEntropy())
    }

    func dg14(_ card: PersonalizedCard) throws -> DataGroup14 {
        try DataGroup14(bytes: try #require(card.file(.dataGroup(14))))
    }

    @Test(arguments: ["nguyen-van-an-2021.json", "ly-tu-2024.json", "truong-thuy-duong-2021.json"])
    func genuine_isConfirmedByTheNextExchange(_ name: String) throws {
        let card = try Cards.load(name)
        let chip = try opened(card.configuration, key: card.canKey)
        let result = try ChipAuthentication.perform(over: chip.channel, dg14: try dg14(card), entropy: SystemEntropy())
        #expect(!result.isConfirmed)
        #expect(try result.confirm())
        #expect(result.isConfirmed)
        let reader = FileReader(channel: result.channel, extendedLength: true, shortLimit: 0xDF)
        #expect(try reader.read(.dataGroup(1)) == card.file(.dataGroup(1)))
    }

    /// A clone with every file but another static key: the keys differ, its next answer does not verify.
    @Test func clone_isNeverConfirmed() throws {
        let card = try Cards.standard()
        var configuration = card.configuration
        configuration.chipAuthentication = try Cards.load("he-le-khue-2024.json").configuration.chipAuthentication
        let chip = try opened(configuration, key: card.canKey)
        let result = try ChipAuthentication.perform(over: chip.channel, dg14: try dg14(card), entropy: SystemEntropy())
        #expect(try result.confirm() == false)
        #expect(!result.isConfirmed)
        // The clone, unable to check the terminal's MAC under the new keys, ended the session with 6988.
        #expect(throws: SessionError.secureMessaging(.sessionClosed(.secureMessagingObjectsIncorrect))) {
            try result.channel.send(.readBinary(shortFileIdentifier: 0x1E, expectedLength: 1))
        }
    }

    @Test func dg14WithoutAPublicKey_isNotSupported() throws {
        let card = try Cards.standard()
        let chip = try opened(card.configuration, key: card.canKey)
        let infos = try dg14(card).securityInfos.infos.filter {
            if case .chipAuthenticationPublicKey = $0 { return false } else { return true }
        }
        #expect(throws: SessionError.notSupported("DG14 has no chip authentication public key")) {
            try ChipAuthentication.perform(over: chip.channel, dg14: DataGroup14(securityInfos: SecurityInfos(infos)),
                                           entropy: SystemEntropy())
        }
    }

    /// DG14's key not on its curve: refused before anything is sent.
    @Test func dg14KeyOffTheCurve_isACryptoError() throws {
        let card = try Cards.standard()
        let chip = try opened(card.configuration, key: card.canKey)
        let infos = try dg14(card).securityInfos.infos.map { info -> SecurityInfo in
            guard case .chipAuthenticationPublicKey(var key) = info, let curve = key.publicKey.namedCurve else {
                return info
            }
            var point = Array(key.publicKey.publicKey)
            point[point.count - 1] ^= 0x01
            key.publicKey = .ec(curve: curve, point: point)
            return .chipAuthenticationPublicKey(key)
        }
        #expect(throws: SessionError.crypto(.invalidPoint("not on the curve"), step: .chipAuthentication)) {
            try ChipAuthentication.perform(over: chip.channel, dg14: DataGroup14(securityInfos: SecurityInfos(infos)),
                                           entropy: SystemEntropy())
        }
    }

    /// The chip refuses MSE:Set AT under valid secure messaging (it runs another protocol than DG14 names).
    @Test func mseSetATRefused_isCardRefused() throws {
        let card = try Cards.standard()
        var configuration = card.configuration
        configuration.chipAuthentication?.protocolOID = .idCAECDHAESCBCCMAC256
        let chip = try opened(configuration, key: card.canKey)
        #expect(throws: SessionError.cardRefused(step: .chipAuthentication, status: .referencedDataNotFound)) {
            try ChipAuthentication.perform(over: chip.channel, dg14: try dg14(card), entropy: SystemEntropy())
        }
    }

    /// A man in the middle answering GENERAL AUTHENTICATE in plain: a secure messaging failure, not success.
    @Test func plainAnswerToGeneralAuthenticate_isASecureMessagingFailure() throws {
        let card = try Cards.standard()
        let chip = try opened(card.configuration, .init(rules: [.init(.replace(.success), instruction: 0x86,
                                                                      protectedOnly: true)]), key: card.canKey)
        #expect(throws: SessionError.secureMessaging(.unprotectedStatus(.success))) {
            try ChipAuthentication.perform(over: chip.channel, dg14: try dg14(card), entropy: SystemEntropy())
        }
    }

    /// The link failing during chip authentication is a link error at that step, told apart from a clone.
    @Test func transactionFailed_isALinkErrorAtThatStep() throws {
        let card = try Cards.standard()
        let chip = try opened(card.configuration, .init(rules: [.init(.transactionFailed, instruction: 0x86,
                                                                      protectedOnly: true)]), key: card.canKey)
        let error = expectSessionError({
            _ = try ChipAuthentication.perform(over: chip.channel, dg14: try dg14(card), entropy: SystemEntropy())
        }) { $0 == .channel(.transactionFailed, step: .chipAuthentication) }
        #expect(error?.isTransientLinkFailure == true)
    }

    /// The confirming exchange lost on the link: thrown, so a card that left is not taken for a clone.
    @Test func confirmationLostOnTheLink_isThrown() throws {
        let card = try Cards.standard()
        let chip = try opened(card.configuration, .init(rules: [.init(.remove, instruction: 0xB0, protectedOnly: true)]),
                              key: card.canKey)
        let result = try ChipAuthentication.perform(over: chip.channel, dg14: try dg14(card), entropy: SystemEntropy())
        #expect(throws: SessionError.channel(.cardRemoved, step: .chipAuthentication)) { try result.confirm() }
    }
}
