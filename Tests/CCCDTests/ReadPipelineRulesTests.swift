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
}
