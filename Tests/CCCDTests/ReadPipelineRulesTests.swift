@testable import CCCD
import CardIO
import Foundation
import Testing
import VirtualCard

/// The read pipeline's trust rules (issue 12) as unit tests: the whole read (``CardReader``) against the virtual chip
/// in process, no pcscd. EF.SOD decides what must be there; a glitch is not a clone. Each rule fails alone here,
/// the genuine card beside it passing.
@Suite struct ReadPipelineRulesTests {
    /// A virtual card of Vectors/cards (EF.SOD of nguyen-van-an-2021 lists DG1, DG2, DG13, DG14 and DG15).
    static func card(_ name: String = "nguyen-van-an-2021.json") throws -> PersonalizedCard {
        try Personalization.load(Domain.root.appendingPathComponent("Vectors/cards/\(name)"))
    }

    static func read(_ card: PersonalizedCard, chip: VirtualChip? = nil, _ plan: FaultInjectingChip.Plan? = nil,
                     options: ReadOptions = ReadOptions()) throws(CCCDError) -> CardReadResult {
        let base = chip ?? card.makeChip()
        let served: VirtualChip = plan.map { FaultInjectingChip(wrapping: base, plan: $0) } ?? base
        return try CardReader.read(over: InProcessChannel(chip: served), key: .can(card.cardAccessNumber),
                                   trust: Domain.trust, options: options, readAt: ISO8601.date("2026-11-22T10:00:00Z")!)
    }

    @Test func theGenuineCard_isAccepted_bothChecksPassing() throws {
        let result = try Self.read(try Self.card())
        #expect(result.checks.chipAuthentication == .passed)
        #expect(result.checks.activeAuthentication == .passed)
        #expect(result.verdict == .accept, "\(result.problems)")
        #expect(result.link.reopenings == 0)
    }

    // MARK: EF.SOD decides what must be there.

    /// Asked for DG1 only, the read still takes the DG14 and DG15 that EF.SOD lists, and runs both checks on them.
    @Test func dataGroupsEFSODListsForTheChipChecks_areReadUnasked() throws {
        let card = try Self.card()
        let result = try Self.read(card, options: ReadOptions(files: [.dataGroup(1)]))
        #expect(result.files[.dataGroup(14)] == card.files[0x010E])
        #expect(result.files[.dataGroup(15)] == card.files[0x010F])
        #expect(result.checks.chipAuthentication == .passed)
        #expect(result.checks.activeAuthentication == .passed)
    }

    /// DG14 (or DG15) listed by EF.SOD and absent from the chip (6A82 under valid secure messaging): chip (or
    /// active) authentication failed — never "not supported" — and DG_LISTED_UNREADABLE.
    @Test(arguments: [14, 15])
    func listedDataGroup_missing_failsItsCheck(_ number: Int) throws {
        let card = try Self.card()
        var configuration = card.configuration
        configuration.files[0x0100 + UInt16(number)] = nil
        let result = try Self.read(card, chip: EMRTDChip(configuration: configuration))
        let (check, other) = number == 14 ? (result.checks.chipAuthentication, result.checks.activeAuthentication)
            : (result.checks.activeAuthentication, result.checks.chipAuthentication)
        #expect(check.name == "failed")
        #expect(check.reason?.contains("EF.SOD lists DG\(number)") == true)
        // Without DG14 this ECDSA chip has no ActiveAuthenticationInfo either: active authentication fails too.
        #expect(number == 14 || other == .passed)
        #expect(result.problems.filter { $0.code == .dataGroupListedUnreadable }.map(\.field) == ["DG\(number)"])
        #expect(result.verdict.name == "reject")
    }

    // MARK: A glitch is not a clone.

    /// One corrupted protected answer during chip authentication's key agreement (GENERAL AUTHENTICATE, 86), then
    /// one during active authentication (INTERNAL AUTHENTICATE, 88): each check is repeated once on a re-opened
    /// session and passes.
    @Test(arguments: [UInt8(0x86), 0x88])
    func oneCorruptedFrame_duringAChipCheck_passesAfterTheRepeat(_ instruction: UInt8) throws {
        let plan = FaultInjectingChip.Plan(rules: [.init(.corrupt, instruction: instruction, protectedOnly: true)])
        let result = try Self.read(try Self.card(), plan)
        #expect(result.checks.chipAuthentication == .passed)
        #expect(result.checks.activeAuthentication == .passed)
        #expect(result.verdict == .accept, "\(result.problems)")
        #expect(result.link.reopenings >= 1)
    }

    /// Corrupted every time: after the one repeat, the check fails (a chip that does not hold the keys).
    @Test(arguments: [UInt8(0x86), 0x88])
    func corruptedEveryTime_failsAfterTheRepeat(_ instruction: UInt8) throws {
        let plan = FaultInjectingChip.Plan(rules: [.init(.corrupt, instruction: instruction, protectedOnly: true,
                                                         count: nil)])
        let result = try Self.read(try Self.card(), plan)
        let check = instruction == 0x86 ? result.checks.chipAuthentication : result.checks.activeAuthentication
        #expect(check.name == "failed")
        #expect(result.verdict.name == "reject")
    }

    // MARK: A glitch while the chip is being opened is not a clone either.

    /// The exchanges of the opening a frame can be corrupted at, in plain (PACE) or under the new session:
    /// the second GENERAL AUTHENTICATE's answer (the chip's mapping key: off the curve once a bit flips), the fourth
    /// (the chip's token T_IC: it no longer verifies), and the protected SELECT of the application (its MAC).
    static let openingFaults: [FaultInjectingChip.Rule] = [
        .init(.corrupt, instruction: 0x86, skip: 1),
        .init(.corrupt, instruction: 0x86, skip: 3),
        .init(.corrupt, instruction: 0xA4, protectedOnly: true),
        .init(.garbage, instruction: 0x86, skip: 3),
        .init(.corrupt, instruction: 0xB0),
    ]

    /// One corrupted frame during PACE or the SELECT after it: the card is powered up afresh and opened again,
    /// and the read goes through (`accept`), both chip checks passing; the re-opening is counted.
    @Test(arguments: openingFaults)
    func oneCorruptedFrame_duringTheOpening_isOpenedAgain_andAccepted(_ rule: FaultInjectingChip.Rule) throws {
        let card = try Self.card()
        let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(rules: [rule]))
        let result = try Self.read(card, chip: chip)
        #expect(chip.injected == [rule.fault])
        #expect(result.verdict == .accept, "\(result.problems)")
        #expect(result.checks.chipAuthentication == .passed && result.checks.activeAuthentication == .passed)
        #expect(result.link.reopenings == 1)
        #expect(result.access?.description.hasPrefix("PACE") == true, "\(String(describing: result.access))")
    }

    /// The same with BAC (the BAC-only card, opened with the MRZ): EXTERNAL AUTHENTICATE's answer corrupted once.
    @Test func oneCorruptedFrame_duringBAC_isOpenedAgain_andAccepted() throws {
        let card = try Self.card("ton-nu-hoa-2021.json")
        func read(_ plan: FaultInjectingChip.Plan) throws -> CardReadResult {
            let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: plan)
            let result = try CardReader.read(over: InProcessChannel(chip: chip), key: .mrz(try MRZKey(mrz: card.mrz)),
                                             trust: Domain.trust, readAt: ISO8601.date("2026-11-22T10:00:00Z")!)
            #expect(chip.injected == plan.rules.map(\.fault))
            return result
        }
        // This short-only chip ends its session once on its own (6988 to an extended command): one re-opening.
        let clean = try read(.init())
        let result = try read(.init(rules: [.init(.corrupt, instruction: 0x82)]))
        #expect(result.verdict == .accept, "\(result.problems)")
        #expect(result.link.reopenings == clean.link.reopenings + 1)
    }

    /// With the MRZ, PACE refused once by the chip (6A88 to MSE:Set AT) ends in a BAC session; DG14 (signed) listing
    /// PACE, the card is opened again from the start, with PACE this time, and accepted: no BAC_ON_PACE_CHIP.
    @Test func paceRefusedOnce_withTheMRZ_isOpenedAgainWithPACE() throws {
        let card = try Self.card()
        let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(rules: [
            .init(.replace(.referencedDataNotFound), instruction: 0x22),
        ]))
        let result = try CardReader.read(over: InProcessChannel(chip: chip), key: .mrz(try MRZKey(mrz: card.mrz)),
                                         trust: Domain.trust, readAt: ISO8601.date("2026-11-22T10:00:00Z")!)
        #expect(chip.injected == [.replace(.referencedDataNotFound)])
        #expect(result.access?.description.hasPrefix("PACE") == true, "\(String(describing: result.access))")
        #expect(result.verdict == .accept, "\(result.problems)")
    }

    /// Opened with PACE, the card slips off mid-read, and from then on PACE is refused (6A88 to the plain MSE:Set AT):
    /// the re-opened session is BAC, and that downgrade is reported as the first opening's would be, the result
    /// saying BAC, never the first session's PACE.
    @Test func aReopeningThatEndsInBAC_isADowngrade_notHiddenBehindTheFirstPACE() throws {
        let card = try Self.card()
        let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(removeAtExchange: 12, rules: [
            .init(.replace(.referencedDataNotFound), instruction: 0x22, p1: 0xC1, skip: 1, count: nil),
        ]))
        let result = try CardReader.read(over: InProcessChannel(chip: chip), key: .mrz(try MRZKey(mrz: card.mrz)),
                                         trust: Domain.trust, readAt: ISO8601.date("2026-11-22T10:00:00Z")!)
        #expect(chip.injected.first == .remove)
        #expect(result.access?.description == "BAC", "\(String(describing: result.access))")
        #expect(result.problems.contains { $0.code == .bacOnPACEChip })
        #expect(result.verdict.name == "reject")
    }

    /// The chip's token fails to verify at both openings: no third attempt, and a proof failure is the chip's
    /// (`reject`, exit 5), not a link problem; PACE's failure never falls back to BAC.
    @Test func tokenFailingAtBothOpenings_isTheChipsFailure_noThirdAttempt() throws {
        let card = try Self.card()
        // GENERAL AUTHENTICATE 4 and 8 (each PACE sends four) and 12, were there a third PACE. A rule does not see
        // the exchanges a rule before it took: the second counts from the first's, the third from both.
        let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(rules: [
            .init(.corrupt, instruction: 0x86, skip: 3), .init(.corrupt, instruction: 0x86, skip: 6),
            .init(.corrupt, instruction: 0x86, skip: 9),
        ]))
        do {
            let result = try Self.read(card, chip: chip)
            Issue.record("the read ended \(result.verdict)")
        } catch {
            guard case .chipProtocol(.chipAuthenticationFailed(.mutualAuthentication, .tokenMismatch), .accessControl) = error
            else {
                Issue.record("not the token's failure: \(error)")
                return
            }
            #expect(error.kind.exitCode == 5)
            #expect(error.verdict?.name == "reject")
        }
        #expect(chip.injected == [.corrupt, .corrupt])
    }

    /// A corrupted frame, then a link that fails at the second opening: the last failure is the link's (`retry`).
    @Test func corruptedThenLinkFailure_atTheOpening_isALinkProblem() throws {
        let card = try Self.card()
        let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(rules: [
            .init(.corrupt, instruction: 0x86, skip: 3), .init(.transactionFailed, instruction: 0x86, skip: 6),
        ]))
        do {
            let result = try Self.read(card, chip: chip)
            Issue.record("the read ended \(result.verdict)")
        } catch {
            #expect(error.kind.exitCode == 3, "\(error)")
            #expect(error.verdict?.name == "retry")
        }
    }

    /// A wrong CAN is never tried twice: the chip's own answer (63xx), one PACE only.
    @Test func wrongCAN_isNotTriedAgain() throws {
        let card = try Self.card()
        let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init())
        let recorder = RecordingChannel(wrapping: InProcessChannel(chip: chip))
        let wrong = try CardAccessNumber(card.cardAccessNumber.digits == "000000" ? "111111" : "000000")
        #expect(throws: CCCDError.accessDenied) {
            try CardReader.read(over: recorder, key: .can(wrong), trust: Domain.trust)
        }
        #expect(recorder.exchanges.filter { $0.command.starts(with: [0x00, 0x22, 0xC1, 0xA4]) }.count == 1)
    }
}
