@testable import CCCD
import Foundation
import Testing

/// The trust rules a read's result applies on top of each check (issue 12), each failing alone on the files of
/// Vectors/dumps/nguyen-van-an-2021, whose EF.SOD lists DG1, DG2, DG13, DG14 and DG15.
@Suite struct ReadResultRulesTests {
    /// What EF.SOD lists must be there: DG15, listed and refused by the chip, is DG_LISTED_UNREADABLE (a failure),
    /// not a file merely unreadable.
    @Test func aListedDataGroupTheChipRefuses_isDGListedUnreadable() throws {
        let files = try Domain.files("nguyen-van-an-2021").filter { $0.key != .dataGroup(15) }
        let result = CardReadResult(files: files, unreadable: [.dataGroup(15): "the chip answered 6A82"],
                                    chipAuthentication: .passed,
                                    activeAuthentication: .failed(reason: "EF.SOD lists DG15, but DG15 was not read"),
                                    trust: Domain.trust, qr: try CardQRCode(text: Domain.anQR),
                                    readAt: ISO8601.date("2026-11-22T10:00:00Z")!, source: .live)
        let listed = result.problems.filter { $0.code == .dataGroupListedUnreadable }
        #expect(listed.map(\.field) == ["DG15"])
        #expect(listed.first?.kind == .failure)
        #expect(!result.problems.contains { $0.code == .fileUnreadable })
        #expect(result.verdict.name == "reject")
    }

    /// A file EF.SOD does not list (DG11 here) that the chip refuses is only a notice: the verdict stands.
    @Test func anUnlistedFileTheChipRefuses_isOnlyANotice() throws {
        let result = CardReadResult(files: try Domain.files("nguyen-van-an-2021"),
                                    unreadable: [.dataGroup(11): "the chip answered 6A82"],
                                    chipAuthentication: .passed, activeAuthentication: .passed, trust: Domain.trust,
                                    qr: try CardQRCode(text: Domain.anQR),
                                    readAt: ISO8601.date("2026-11-22T10:00:00Z")!, source: .live)
        #expect(result.problems.map(\.code) == [.fileUnreadable])
        #expect(result.verdict == .accept)
    }

    /// Chip authentication counts only when DG14 verifies against EF.SOD, active authentication only when DG15
    /// does: a chip proving it holds a key EF.SOD does not vouch for proves nothing. One byte of the data group's
    /// key changed, the check "passed": it is failed, the other check untouched.
    @Test(arguments: [14, 15])
    func aChipCheck_overADataGroupThatDoesNotVerify_isFailed(_ number: Int) throws {
        let result = try Domain.result(qr: Domain.anQR) { files in
            files[.dataGroup(number)]![files[.dataGroup(number)]!.count - 1] ^= 0x01
        }
        #expect(result.checks.passive.dataGroups[number] != .passed)
        let (check, other) = number == 14 ? (result.checks.chipAuthentication, result.checks.activeAuthentication)
            : (result.checks.activeAuthentication, result.checks.chipAuthentication)
        guard case .failed(let reason) = check else {
            Issue.record("the check over an unverified DG\(number) counted: \(check)")
            return
        }
        #expect(reason.contains("DG\(number) does not verify against EF.SOD"))
        #expect(result.problems.contains { $0.code == (number == 14 ? .chipAuthenticationFailed : .activeAuthenticationFailed) })
        #expect(other == .passed)
    }

    /// And both count when their data groups verify (the same files, untouched).
    @Test func chipAndActiveAuthentication_overVerifiedDataGroups_pass() throws {
        let result = try Domain.result(qr: Domain.anQR)
        #expect(result.checks.chipAuthentication == .passed)
        #expect(result.checks.activeAuthentication == .passed)
        #expect(result.verdict == .accept, "\(result.problems)")
    }
}
