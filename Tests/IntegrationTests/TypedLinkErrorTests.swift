import CardIO
import CCCD
import Foundation
import ICAOSession
import LDS
import Testing
import VirtualCard

/// A card that leaves at a given moment surfaces as a typed "card removed", whatever step it left in, never as a
/// message to be parsed (in process: the project's chip behind a fault injector).
@Suite struct TypedLinkErrorTests {
    /// Pulled during the extended-length READ BINARY of EF.CardAccess (the first exchange of every read).
    @Test func cardPulledDuringCardAccessProbe_isCardRemoved_atThatStep() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(removeAtExchange: 1))
        let channel = InProcessChannel(chip: chip)
        #expect(throws: SessionError.channel(.cardRemoved, step: .readCardAccess)) {
            try ChipAccess.open(over: channel, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        }
    }

    /// Pulled during the short READ BINARY that follows a chip's 6700 to the extended probe.
    @Test func cardPulledDuringShortCardAccessRead_isCardRemoved_atThatStep() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        var configuration = card.configuration
        configuration.acceptsExtendedLength = false
        let chip = FaultInjectingChip(wrapping: EMRTDChip(configuration: configuration),
                                      plan: .init(removeAtExchange: 2))
        let channel = InProcessChannel(chip: chip)
        #expect(throws: SessionError.channel(.cardRemoved, step: .readCardAccess)) {
            try ChipAccess.open(over: channel, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        }
    }

    /// The read as the command line runs it: a card pulled while EF.CardAccess is read and not put back is a lost
    /// card (exit 3), not an answer that does not verify (exit 5).
    @Test(arguments: [1, 2])
    func cardPulledDuringCardAccess_endsTheReadAsCardLost(_ exchange: Int) throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        var configuration = card.configuration
        configuration.acceptsExtendedLength = exchange == 1
        let chip = FaultInjectingChip(wrapping: EMRTDChip(configuration: configuration),
                                      plan: .init(removeAtExchange: exchange))
        do {
            _ = try CardReader.read(over: CardThatStaysAway(chip), key: .can(card.cardAccessNumber))
            Issue.record("the read succeeded without a card")
        } catch {
            #expect(error == .cardRemoved(during: .readCardAccess))
            #expect(error.kind.exitCode == 3)
        }
    }

    /// Pulled while EF.CardAccess is read and put back: the opening is tried again once the link is recovered, and
    /// the read goes through.
    @Test(arguments: [1, 2])
    func cardPulledDuringCardAccess_andPutBack_isReadThrough(_ exchange: Int) throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        var configuration = card.configuration
        configuration.acceptsExtendedLength = exchange == 1
        let chip = FaultInjectingChip(wrapping: EMRTDChip(configuration: configuration),
                                      plan: .init(removeAtExchange: exchange))
        let result = try CardReader.read(over: InProcessChannel(chip: chip), key: .can(card.cardAccessNumber))
        #expect(result.files[.dataGroup(13)] == card.files[0x010D])
        #expect(result.checks.chipAuthentication == .passed && result.checks.activeAuthentication == .passed)
    }

    /// A corrupted MAC with no re-opening offered: the cause is the secure messaging failure itself.
    @Test func corruptedMAC_withoutReopen_isLinkLost_withTheSecureMessagingFailure() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        // Exchanges: EF.CardAccess 1, PACE 5, SELECT 1, then DG1's read: corrupt it.
        let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(corruptResponseAtExchange: 8))
        let opened = try ChipAccess.open(over: InProcessChannel(chip: chip), key: .can(card.cardAccessNumber),
                                         entropy: SystemEntropy())
        #expect(throws: FileReadError.linkLost(.dataGroup(1), offset: 0, cause: .secureMessaging(.macMismatch))) {
            try opened.fileReader().read(.dataGroup(1))
        }
    }

    /// A re-opening that waits in vain for the card ends the attempts at once, with that failure as the cause.
    @Test func reopeningWithoutTheCard_stopsAtTheFirstAttempt() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(removeAtExchange: 8))
        let opened = try ChipAccess.open(over: InProcessChannel(chip: chip), key: .can(card.cardAccessNumber),
                                         entropy: SystemEntropy())
        let reader = opened.fileReader()
        var attempts = 0
        reader.reopen = { () throws(SessionError) -> CardChannel in
            attempts += 1
            throw .channel(.cardRemoved, step: .reopen)
        }
        #expect(throws: FileReadError.linkLost(.com, offset: 0, cause: .channel(.cardRemoved, step: .reopen))) {
            try reader.read(.com)
        }
        #expect(attempts == 1)
    }
}

/// Chip authentication confirms itself in the session layer: by the first protected answer that verifies under
/// the new keys, or by the one exchange ``ChipAuthenticationResult/confirm()`` sends.
@Suite struct ChipAuthenticationConfirmationTests {
    @Test func unconfirmedUntilAnAnswerVerifies_thenConfirmSendsOneExchange() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let recorder = RecordingChannel(wrapping: InProcessChannel(chip: card.makeChip()))
        let opened = try ChipAccess.open(over: recorder, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        let dg14 = try DataGroup14(bytes: try opened.fileReader().read(.dataGroup(14)))
        let ca = try ChipAuthentication.perform(over: opened.channel, dg14: dg14, entropy: SystemEntropy())
        #expect(!ca.isConfirmed)
        let before = recorder.exchanges.count
        #expect(try ca.confirm())
        #expect(ca.isConfirmed)
        #expect(recorder.exchanges.count == before + 1)
        // Already confirmed: nothing more is sent.
        #expect(try ca.confirm())
        #expect(recorder.exchanges.count == before + 1)
    }

    @Test func aFileReadUnderTheNewKeys_confirmsWithoutAnExtraExchange() throws {
        let card = try Repository.card("he-le-khue-2024.json")
        let recorder = RecordingChannel(wrapping: InProcessChannel(chip: card.makeChip()))
        let opened = try ChipAccess.open(over: recorder, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        let dg14 = try DataGroup14(bytes: try opened.fileReader().read(.dataGroup(14)))
        let ca = try ChipAuthentication.perform(over: opened.channel, dg14: dg14, entropy: SystemEntropy())
        let after = FileReader(channel: ca.channel, extendedLength: opened.extendedLength, shortLimit: 0xDF)
        #expect(try after.read(.dataGroup(1)) == card.files[0x0101])
        #expect(ca.isConfirmed)
        let count = recorder.exchanges.count
        #expect(try ca.confirm())
        #expect(recorder.exchanges.count == count)
    }

    @Test func aClonedChip_neverConfirms() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        var configuration = card.configuration
        configuration.chipAuthentication = try Repository.card("he-le-khue-2024.json").configuration.chipAuthentication
        let channel = InProcessChannel(chip: EMRTDChip(configuration: configuration))
        let opened = try ChipAccess.open(over: channel, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
        let dg14 = try DataGroup14(bytes: try opened.fileReader().read(.dataGroup(14)))
        let ca = try ChipAuthentication.perform(over: opened.channel, dg14: dg14, entropy: SystemEntropy())
        #expect(try ca.confirm() == false)
        #expect(!ca.isConfirmed)
    }

    @Test func cardPulledWhileConfirming_isAChannelError_notAFailedCheck() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        // Exchanges: EF.CardAccess 1, PACE 5, SELECT 1, DG14 1, chip authentication 2, then the confirming one.
        let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(removeAtExchange: 11))
        let opened = try ChipAccess.open(over: InProcessChannel(chip: chip), key: .can(card.cardAccessNumber),
                                         entropy: SystemEntropy())
        let dg14 = try DataGroup14(bytes: try opened.fileReader().read(.dataGroup(14)))
        let ca = try ChipAuthentication.perform(over: opened.channel, dg14: dg14, entropy: SystemEntropy())
        #expect(throws: SessionError.channel(.cardRemoved, step: .chipAuthentication)) { try ca.confirm() }
        #expect(!ca.isConfirmed)
    }
}
