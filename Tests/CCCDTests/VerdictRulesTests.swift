@testable import CCCD
import Testing

/// The verdict rules of shared/CLI.md ("Verdicts are the library's"), one by one: accept needs passive
/// authentication passed, chip and active authentication passed where EF.SOD lists DG14 and DG15, the QR matched
/// when one was given, the card valid on the day of reading, the identity complete, and a live read.
@Suite struct VerdictRulesTests {
    @Test func everyCheckPassing_isAccept() {
        #expect(CardChecks.allPassing().verdict == .accept)
    }

    @Test func passiveAuthenticationFailed_isReject_withItsCodes() {
        var checks = CardChecks.allPassing()
        checks.passive = .with(.failed, problems: [Problem(code: "DG_HASH_MISMATCH", field: "DG13")])
        #expect(checks.verdict == .reject([Problem(code: "DG_HASH_MISMATCH", field: "DG13")]))
    }

    @Test func noTrustAnchor_isReject_unverifiedOnlyWhenAllowed() {
        var checks = CardChecks.allPassing()
        checks.passive = .with(.noTrustAnchor, problems: [Problem(code: "NO_TRUST_ANCHOR", field: "EF.SOD")])
        let verdict = checks.verdict
        #expect(verdict.name == "reject")
        #expect(verdict.reasons.map(\.code) == ["NO_TRUST_ANCHOR"])
        #expect(verdict.reasons.first?.kind == .unproven)
        #expect(verdict.exitCode(allowUnverified: false) == 5)
        #expect(verdict.exitCode(allowUnverified: true) == 0)
        #expect(Level1Status(verdict, allowUnverified: false) == .rejected)
        #expect(Level1Status(verdict, allowUnverified: true) == .unverified)
    }

    @Test func chipAuthenticationNotRun_whereSODListsDG14_isReject() {
        var checks = CardChecks.allPassing()
        checks.chipAuthentication = .notSupported(reason: "DG14 was not read")
        #expect(checks.verdict.reasons.map(\.code) == ["CHIP_AUTHENTICATION_NOT_PERFORMED"])
        #expect(checks.verdict.reasons.first?.field == "DG14")
    }

    @Test func chipAuthenticationNotRun_whereSODDoesNotListDG14_isAccept() {
        var checks = CardChecks.allPassing()
        checks.dataGroupsInSOD = [1, 2, 13, 15]
        checks.chipAuthentication = .notSupported(reason: "DG14 was not read")
        #expect(checks.verdict == .accept)
    }

    @Test func chipAuthenticationFailed_isReject_evenWhereSODDoesNotListDG14() {
        var checks = CardChecks.allPassing()
        checks.dataGroupsInSOD = [1, 2, 13, 15]
        checks.chipAuthentication = .failed(reason: "no answer under the new keys")
        #expect(checks.verdict.reasons.map(\.code) == ["CHIP_AUTHENTICATION_FAILED"])
    }

    @Test func activeAuthenticationNotRun_whereSODListsDG15_isReject() {
        var checks = CardChecks.allPassing()
        checks.activeAuthentication = .notSupported(reason: "not asked for")
        #expect(checks.verdict.reasons.map(\.code) == ["ACTIVE_AUTHENTICATION_NOT_PERFORMED"])
        #expect(checks.verdict.reasons.first?.field == "DG15")
    }

    @Test func activeAuthenticationNotRun_whereSODDoesNotListDG15_isAccept() {
        var checks = CardChecks.allPassing()
        checks.dataGroupsInSOD = [1, 2, 13, 14]
        checks.activeAuthentication = .notSupported(reason: "the chip has no DG15")
        #expect(checks.verdict == .accept)
    }

    @Test func activeAuthenticationFailed_isReject() {
        var checks = CardChecks.allPassing()
        checks.activeAuthentication = .failed(reason: "the signature does not verify")
        #expect(checks.verdict.reasons.map(\.code) == ["ACTIVE_AUTHENTICATION_FAILED"])
    }

    @Test func qrMismatched_isReject_withEachField() {
        var checks = CardChecks.allPassing()
        let mismatch = Problem(code: .qrMismatch, field: "fullName", chip: "Nguyễn Văn An", qr: "Nguyễn Văn Ân")
        checks.qr = .mismatched([mismatch])
        #expect(checks.verdict == .reject([mismatch]))
    }

    @Test func noQR_isNoReason() {
        var checks = CardChecks.allPassing()
        checks.qr = .absent
        #expect(checks.verdict == .accept)
    }

    @Test func expiredCard_isReject() {
        var checks = CardChecks.allPassing()
        checks.validity = .expired(on: PartialDate(year: 2026, month: 1, day: 1))
        #expect(checks.verdict.reasons.map(\.code) == ["DOCUMENT_EXPIRED"])
        #expect(checks.verdict.reasons.first?.detail == "the card expired on 2026-01-01")
    }

    @Test func cardValidForLife_isAccept() {
        var checks = CardChecks.allPassing()
        checks.validity = .validForLife
        #expect(checks.verdict == .accept)
    }

    @Test func unknownValidity_isReject() {
        var checks = CardChecks.allPassing()
        checks.validity = .unknown
        #expect(checks.verdict.reasons.map(\.code) == ["DOCUMENT_VALIDITY_UNKNOWN"])
    }

    @Test func identityIncomplete_isReject_namingWhatIsMissing() {
        var checks = CardChecks.allPassing()
        checks.identityMissing = ["fullName", "dateOfBirth"]
        #expect(checks.verdict.reasons.map(\.code) == ["IDENTITY_INCOMPLETE"])
        #expect(checks.verdict.reasons.first?.detail == "the chip lacks fullName, dateOfBirth")
    }

    @Test func portraitMissing_isReject() {
        var checks = CardChecks.allPassing()
        checks.identityMissing = ["portrait"]
        #expect(checks.verdict.reasons.map(\.code) == ["PORTRAIT_MISSING"])
    }

    @Test func replay_isNeverAccept_butUnverifiedWithoutAnOption() {
        let verdict = CardVerdict.deciding([Problem(code: .replayed)])
        #expect(verdict.name == "reject")
        #expect(verdict.isUnverifiedOnly(allowUnverified: false))
        #expect(verdict.exitCode(allowUnverified: false) == 0)
        #expect(Level1Status(verdict, allowUnverified: false) == .unverified)
    }

    @Test func replayWithoutTrustAnchor_needsTheOption() {
        let verdict = CardVerdict.deciding([Problem(code: .noTrustAnchor), Problem(code: .replayed)])
        #expect(Level1Status(verdict, allowUnverified: false) == .rejected)
        #expect(Level1Status(verdict, allowUnverified: true) == .unverified)
    }

    @Test func replayOfAClone_isRejected() {
        let verdict = CardVerdict.deciding([Problem(code: .chipAuthenticationFailed), Problem(code: .replayed)])
        #expect(Level1Status(verdict, allowUnverified: true) == .rejected)
        #expect(verdict.exitCode(allowUnverified: true) == 5)
    }

    @Test func notices_doNotWeigh() {
        let verdict = CardVerdict.deciding([Problem(code: .fileUnreadable, field: "DG3")])
        #expect(verdict == .accept)
    }

    @Test func anUnknownCode_isAFailure() {
        #expect(Problem(code: "SOMETHING_NEW").kind == .failure)
    }

    @Test func linkFailures_areRetry_withTheirExitCodes() {
        #expect(CCCDError.cardRemoved(during: .readFile(.dataGroup(2))).verdict?.name == "retry")
        #expect(CCCDError.cardRemoved(during: .chipAuthentication).verdict?.exitCode(allowUnverified: false) == 3)
        #expect(CCCDError.accessDenied.verdict?.exitCode(allowUnverified: false) == 4)
        #expect(CCCDError.noCard(reader: "ACR122U").verdict?.name == "retry")
        #expect(CCCDError.linkFailed(.timeout, during: .accessControl).verdict?.name == "retry")
        #expect(CCCDError.cancelled.verdict?.name == "retry")
    }

    @Test func aChipThatBreaksTheProtocol_isReject() {
        let error = CCCDError.chipProtocol(.secureMessaging(.macMismatch), during: .accessControl)
        #expect(error.verdict?.name == "reject")
        #expect(error.verdict?.exitCode(allowUnverified: true) == 5)
    }

    @Test func failuresNotAboutACard_haveNoVerdict() {
        #expect(CCCDError.replayDiverged(index: 3, expected: [0], actual: [1]).verdict == nil)
        #expect(CCCDError.unrecognizedInput.verdict == nil)
        #expect(CCCDError.internalFailure("x").verdict == nil)
    }
}

/// The safeguard under `accept`: a check that failed without reporting a problem never becomes "genuine".
@Suite struct UnearnedAcceptanceTests {
    @Test func checksThatAllPass_earnTheAcceptance() {
        #expect(CardReadResult.unearnedAcceptance(.allPassing()) == nil)
    }

    @Test(arguments: ["passive", "signature", "chain", "a hash", "no hash", "no list", "chip authentication",
                      "active authentication"])
    func oneCheckNotPassing_silently_isNamed(_ what: String) throws {
        var checks = CardChecks.allPassing()
        switch what {
        case "passive": checks.passive.verdict = .failed
        case "signature": checks.passive.signature = .failed(reason: "x")
        case "chain": checks.passive.chain = .noTrustAnchor
        case "a hash": checks.passive.dataGroups[2] = .failed(reason: "x")
        case "no hash": checks.passive.dataGroups = [:]
        case "no list": checks.dataGroupsInSOD = []
        case "chip authentication": checks.chipAuthentication = .notSupported(reason: "x")
        default: checks.activeAuthentication = .noTrustAnchor
        }
        let problem = try #require(CardReadResult.unearnedAcceptance(checks), "\(what)")
        #expect(problem.code == .acceptanceUnearned)
        #expect(problem.kind == .failure)
        #expect(CardVerdict.deciding([problem]) != .accept)
    }

    @Test func chipChecks_areNotRequired_whereEFSODDoesNotListTheirDataGroups() {
        var checks = CardChecks.allPassing()
        checks.dataGroupsInSOD = [1, 2, 13]
        checks.chipAuthentication = .notSupported(reason: "no DG14")
        checks.activeAuthentication = .notSupported(reason: "no DG15")
        #expect(CardReadResult.unearnedAcceptance(checks) == nil)
    }
}
