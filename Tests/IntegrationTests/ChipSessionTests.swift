import CardIO
import Foundation
import ICAOCrypto
import ICAOSession
import LDS
import Testing
import VirtualCard

/// The repository's folders, found from this file.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let cards = root.appendingPathComponent("Vectors/cards")
    static let cardNames = ((try? FileManager.default.contentsOfDirectory(atPath: cards.path)) ?? [])
        .filter { $0.hasSuffix(".json") }.sorted()
    static func card(_ name: String) throws -> PersonalizedCard {
        try Personalization.load(cards.appendingPathComponent(name))
    }
    /// The cards whose chip runs PACE (all but the BAC-only one).
    static let paceCardNames = cardNames.filter { (try? card($0))?.configuration.pace != nil }
}

/// The names of the files a full read takes, in order.
let readOrder: [ElementaryFile] = [.com, .sod, .dataGroup(1), .dataGroup(2), .dataGroup(13), .dataGroup(14),
                                   .dataGroup(15)]

/// The reader's terminal side (ICAOSession) against the project's chip (VirtualCard), in process: two
/// implementations written from the specification that must agree on every byte.
@Suite struct ChipSessionInProcessTests {
    @Test(arguments: Repository.paceCardNames)
    func pace_withTheCAN_readsEveryFile_exactly(_ name: String) throws {
        let card = try Repository.card(name)
        let channel = InProcessChannel(chip: card.makeChip())
        let opened = try ChipAccess.open(over: channel, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        guard case .pace = opened.access else { Issue.record("not PACE: \(opened.access)"); return }
        #expect(opened.extendedLength)
        let reader = opened.fileReader()
        for file in readOrder where card.files[file.fileIdentifier ?? 0] != nil {
            #expect(try reader.read(file) == card.files[file.fileIdentifier ?? 0], "\(file)")
        }
        // One READ BINARY per file on an extended-length link.
        #expect(reader.commandCount == readOrder.filter { card.files[$0.fileIdentifier ?? 0] != nil }.count)
    }

    @Test(arguments: ["nguyen-van-an-2021.json", "ly-tu-2024.json"])
    func shortOnlyChip_readsInChunksOfTheCipherLimit(_ name: String) throws {
        let card = try Repository.card(name)
        var configuration = card.configuration
        configuration.acceptsExtendedLength = false
        let channel = InProcessChannel(chip: EMRTDChip(configuration: configuration))
        let opened = try ChipAccess.open(over: channel, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        #expect(!opened.extendedLength)
        let reader = opened.fileReader()
        let dg2 = try reader.read(.dataGroup(2))
        #expect(dg2 == card.files[0x0102])
        let limit = FileReader.shortLimit(forBlockSize: opened.channel.session.keys.cipher.blockSize)
        #expect(reader.commandCount == (dg2.count + limit - 1) / limit)
    }

    @Test func bac_withTheMRZ_whenTheChipHasNoPACE() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        var configuration = card.configuration
        configuration.pace = nil
        configuration.files[0x011C] = nil
        let channel = InProcessChannel(chip: EMRTDChip(configuration: configuration))
        let key = try MRZKey(mrz: card.mrz)
        let opened = try ChipAccess.open(over: channel, key: .mrz(key), entropy: SystemEntropy())
        #expect(opened.access == .bac(reason: "the chip offers no PACE"))
        #expect(try opened.fileReader().read(.dataGroup(13)) == card.files[0x010D])
    }

    @Test func paceWithTheMRZ_works_too() throws {
        let card = try Repository.card("he-le-khue-2024.json")
        let channel = InProcessChannel(chip: card.makeChip())
        let opened = try ChipAccess.open(over: channel, key: .mrz(try MRZKey(mrz: card.mrz)), entropy: SystemEntropy())
        #expect(opened.access == .pace("PACE-ECDH-GM-AES-CBC-CMAC-128"))
        #expect(try opened.fileReader().read(.dataGroup(1)) == card.files[0x0101])
    }

    @Test func wrongCAN_isWrongPassword_andTheChipIsNotLocked() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let chip = card.makeChip()
        let channel = InProcessChannel(chip: chip)
        #expect(throws: SessionError.wrongPassword(step: .mutualAuthentication)) {
            try ChipAccess.open(over: channel, key: .can(try CardAccessNumber("000000")), entropy: SystemEntropy())
        }
        #expect(chip.failedAuthentications == 1)
        // The right CAN still opens the same chip: nothing was locked.
        let opened = try ChipAccess.open(over: channel, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        #expect(try opened.fileReader().read(.com) == card.files[0x011E])
    }

    @Test(arguments: Repository.paceCardNames)
    func chipAndActiveAuthentication_pass_onTheGenuineChip(_ name: String) throws {
        let card = try Repository.card(name)
        let channel = InProcessChannel(chip: card.makeChip())
        let opened = try ChipAccess.open(over: channel, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        let reader = opened.fileReader()
        let dg14 = try DataGroup14(bytes: try reader.read(.dataGroup(14)))
        let dg15 = try DataGroup15(bytes: try reader.read(.dataGroup(15)))
        let ca = try ChipAuthentication.perform(over: opened.channel, dg14: dg14, entropy: SystemEntropy())
        let aaInfo = dg14.securityInfos.infos.compactMap { info -> ActiveAuthenticationInfo? in
            if case .activeAuthentication(let a) = info { return a } else { return nil }
        }.first
        let outcome = try ActiveAuthentication.perform(
            over: ca.channel, dg15: dg15, signatureAlgorithm: aaInfo?.signatureAlgorithm, entropy: SystemEntropy())
        #expect(outcome == .passed)
        #expect(ca.isConfirmed)
        // Files still read under the chip-authentication keys.
        let after = FileReader(channel: ca.channel, extendedLength: true, shortLimit: 0xDF)
        #expect(try after.read(.dataGroup(1)) == card.files[0x0101])
    }

    @Test func clonedChip_failsChipAndActiveAuthentication() throws {
        // A clone: every file copied, but the chip's own keys are not those DG14 and DG15 name.
        let card = try Repository.card("nguyen-van-an-2021.json")
        let other = try Repository.card("he-le-khue-2024.json")
        var configuration = card.configuration
        configuration.chipAuthentication = other.configuration.chipAuthentication
        configuration.activeAuthentication = other.configuration.activeAuthentication
        let channel = InProcessChannel(chip: EMRTDChip(configuration: configuration))
        let opened = try ChipAccess.open(over: channel, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        let reader = opened.fileReader()
        let dg14 = try DataGroup14(bytes: try reader.read(.dataGroup(14)))
        let dg15 = try DataGroup15(bytes: try reader.read(.dataGroup(15)))
        let outcome = try ActiveAuthentication.perform(over: opened.channel, dg15: dg15, signatureAlgorithm: nil,
                                                            entropy: SystemEntropy())
        if case .failed = outcome {} else { Issue.record("active authentication passed on a clone") }
        let ca = try ChipAuthentication.perform(over: opened.channel, dg14: dg14, entropy: SystemEntropy())
        // The clone derives other keys: the next protected exchange does not verify.
        let answer = try? ca.channel.send(CommandAPDU(cla: 0, ins: 0xB0, p1: 0x81, p2: 0, expectedLength: 4))
        if let answer { #expect(answer.statusWord == .secureMessagingObjectsIncorrect) }
        #expect(!ca.isConfirmed)
        #expect(try ca.confirm() == false)
    }

    @Test func corruptedMAC_midRead_reopensTheSession_andResumes() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        var configuration = card.configuration
        configuration.acceptsExtendedLength = false
        let base = EMRTDChip(configuration: configuration)
        // Exchanges: CardAccess (short retry after 6700: 2), PACE 5, SELECT 1, then DG2 reads; corrupt the 20th.
        let chip = FaultInjectingChip(wrapping: base, plan: .init(corruptResponseAtExchange: 20))
        let channel = InProcessChannel(chip: chip)
        let opened = try ChipAccess.open(over: channel, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        let reader = opened.fileReader()
        reader.reopen = { () throws(SessionError) -> CardChannel in
            try ChipAccess.open(over: channel, key: .can(card.cardAccessNumber), entropy: SystemEntropy()).channel
        }
        let dg2 = try reader.read(.dataGroup(2))
        #expect(dg2 == card.files[0x0102])
        #expect(reader.reopenCount == 1)
    }

    @Test func cardRemovedMidRead_isLinkLost_withoutReopen() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(removeAtExchange: 9))
        let channel = InProcessChannel(chip: chip)
        let opened = try ChipAccess.open(over: channel, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        let reader = opened.fileReader()
        _ = try reader.read(.com)
        // The file reader's error carries the channel's own case and the step, not a sentence.
        #expect(throws: FileReadError.linkLost(.dataGroup(2), offset: 0, cause: .channel(.cardRemoved, step: .readFile))) {
            try reader.read(.dataGroup(2))
        }
    }

    @Test func garbageAnswer_isAnErrorNeverData() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(garbageAtExchange: 8))
        let channel = InProcessChannel(chip: chip)
        let opened = try ChipAccess.open(over: channel, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        #expect(throws: FileReadError.self) { try opened.fileReader().read(.dataGroup(2)) }
    }
}
