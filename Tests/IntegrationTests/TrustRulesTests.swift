import CardIO
import CCCD
import Foundation
import ICAOSession
import LDS
import Testing
import Verification
import VirtualCard

/// The read pipeline's trust rules (issue 12), in process: EF.SOD decides what must be there, nothing unprotected is
/// believed, no downgrade, a glitch is not a clone. Each with the genuine card passing beside it.
@Suite struct TrustRulesTests {
    static let trust = RealCardShapesReadTests.trust
    static let day = RealCardShapesReadTests.readDay

    static func read(_ card: PersonalizedCard, chip: VirtualChip? = nil, _ plan: FaultInjectingChip.Plan? = nil,
                     key: AccessKey? = nil, options: ReadOptions = ReadOptions()) throws(CCCDError) -> CardReadResult {
        let base = chip ?? card.makeChip()
        let served: VirtualChip = plan.map { FaultInjectingChip(wrapping: base, plan: $0) } ?? base
        return try CardReader.read(over: InProcessChannel(chip: served), key: key ?? .can(card.cardAccessNumber),
                                   trust: trust, options: options, readAt: day)
    }

    static func codes(_ result: CardReadResult) -> Set<String> { Set(result.problems.map(\.code.rawValue)) }

    /// The genuine cards pass, every one, in process (RealCardShapesReadTests checks every field).
    @Test(arguments: Repository.cardNames)
    func genuine_isAccepted(_ name: String) throws {
        let card = try Repository.card(name)
        let key = card.configuration.pace == nil ? AccessKey.mrz(try MRZKey(mrz: card.mrz)) : .can(card.cardAccessNumber)
        let result = try Self.read(card, key: key)
        #expect(result.verdict == .accept, "\(name): \(result.problems)")
    }

    // MARK: EF.SOD decides what must be there.

    /// A chip without DG14 and DG15 that EF.SOD lists, answering 6A82 under valid secure messaging: each is a
    /// failure of its own (never "not supported"), and neither chip nor active authentication counts as done.
    @Test func listedDG14AndDG15_answered6A82_underValidSecureMessaging_fails() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        var configuration = card.configuration
        configuration.files[0x010E] = nil
        configuration.files[0x010F] = nil
        let result = try Self.read(card, chip: EMRTDChip(configuration: configuration))
        #expect(result.verdict.name == "reject")
        let listed = result.problems.filter { $0.code == .dataGroupListedUnreadable }
        #expect(Set(listed.compactMap(\.field)) == ["DG14", "DG15"])
        #expect(listed.allSatisfy { $0.kind == .failure })
        #expect(result.checks.chipAuthentication.name == "failed")
        #expect(result.checks.activeAuthentication.name == "failed")
        #expect(!result.problems.contains { $0.code == .fileUnreadable && ($0.field == "DG14" || $0.field == "DG15") })
    }

    /// A man in the middle answering DG14's and DG15's protected READ BINARY with a plain 6A82 and staying in the way:
    /// the plain status is a secure messaging failure, never "file not found", and the read fails on it.
    @Test func plain6A82SlippedIn_forDG14_isNeverFileNotFound() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let mitm = FaultInjectingChip.Plan(rules: [.init(.replace(.fileNotFound), instruction: 0xB0, protectedOnly: true,
                                                         p1: 0x8E, persistsOnProtected: true)])
        do {
            let result = try Self.read(card, mitm)
            Issue.record("the read ended \(result.verdict)")
        } catch {
            guard case .chipProtocol(let cause, let step) = error else {
                Issue.record("not a protocol failure: \(error)")
                return
            }
            #expect(cause == .secureMessaging(.unprotectedStatus(.fileNotFound)))
            #expect(step == .readFile(.dataGroup(14)))
            #expect(error.kind.exitCode == 5)
        }
    }

    /// The same man in the middle slipping a plain 6A82 in once: not believed, the session re-opened, the genuine
    /// DG14 read and verified.
    @Test func plain6A82SlippedInOnce_isNotBelieved_andTheCardReadsThrough() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let result = try Self.read(card, .init(rules: [.init(.replace(.fileNotFound), instruction: 0xB0,
                                                             protectedOnly: true, p1: 0x8E)]))
        #expect(result.verdict == .accept, "\(result.problems)")
        #expect(result.link.reopenings == 1)
    }

    /// EF.SOD lists DG14 and DG15: they are read and both checks run even when only DG1 was asked for.
    @Test func dataGroupsOwedToTheChipChecks_areReadUnasked() throws {
        let card = try Repository.card("he-le-khue-2024.json")
        let result = try Self.read(card, options: ReadOptions(files: [.dataGroup(1)]))
        #expect(result.files[.dataGroup(14)] == card.files[0x010E])
        #expect(result.files[.dataGroup(15)] == card.files[0x010F])
        #expect(result.checks.chipAuthentication == .passed)
        #expect(result.checks.activeAuthentication == .passed)
    }

    /// EF.COM decides nothing: a chip whose EF.COM lists no DG14 or DG15 (or has no EF.COM) is still held to what
    /// EF.SOD lists.
    @Test(arguments: [true, false])
    func efCOM_decidesNothing(_ withoutCOM: Bool) throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        var configuration = card.configuration
        configuration.files[0x011E] = withoutCOM ? nil : EFCOM(dataGroups: [1, 2]).encoded()
        let result = try Self.read(card, chip: EMRTDChip(configuration: configuration))
        #expect(result.checks.chipAuthentication == .passed)
        #expect(result.checks.activeAuthentication == .passed)
        #expect(result.verdict == .accept, "\(result.problems)")
        configuration.files[0x010F] = nil
        let hidden = try Self.read(card, chip: EMRTDChip(configuration: configuration))
        #expect(Self.codes(hidden).contains("DG_LISTED_UNREADABLE"))
    }

    /// Chip authentication counts only when DG14 verifies against EF.SOD: a chip holding the key of a DG14 of its
    /// own making passes the protocol, and the check still fails.
    @Test func chipAuthentication_withADG14TheSODDoesNotVouchFor_fails() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let other = try Repository.card("he-le-khue-2024.json")
        var configuration = card.configuration
        configuration.chipAuthentication = other.configuration.chipAuthentication
        configuration.files[0x010E] = other.files[0x010E]
        let result = try Self.read(card, chip: EMRTDChip(configuration: configuration))
        #expect(result.checks.passive.dataGroups[14]?.name == "failed")
        #expect(result.checks.chipAuthentication.reason?.contains("does not verify against EF.SOD") == true)
        #expect(Self.codes(result).isSuperset(of: ["DG_HASH_MISMATCH", "CHIP_AUTHENTICATION_FAILED"]))
    }

    // MARK: No downgrade.

    /// A man in the middle hiding EF.CardAccess (a plain 6A82 before any session), the desk using the MRZ: the
    /// chip opens with BAC, and DG14 (signed) says it runs PACE: BAC_ON_PACE_CHIP, a failure.
    @Test func bacSessionOnAPACEChip_isAFailure() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let hide = FaultInjectingChip.Plan(rules: [.init(.replace(.fileNotFound), instruction: 0xB0, p1: 0x9C,
                                                         count: nil)])
        let result = try Self.read(card, hide, key: .mrz(try MRZKey(mrz: card.mrz)))
        #expect(result.access == .bac(reason: "the chip offers no PACE"))
        let problem = try #require(result.problems.first { $0.code == .bacOnPACEChip })
        #expect(problem.kind == .failure)
        #expect(result.verdict.name == "reject")
    }

    /// The chip refusing PACE in its own words, every time: BAC follows, and is still flagged, DG14 listing PACE
    /// (after the one re-opening from the start).
    @Test func chipRefusingPACE_fallsBackToBAC_flagged() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let result = try Self.read(card, .init(rules: [.init(.replace(.referencedDataNotFound), instruction: 0x22,
                                                             count: nil)]),
                                   key: .mrz(try MRZKey(mrz: card.mrz)))
        #expect(result.access == .bac(reason: "the chip refused PACE: MSE:Set AT answered 6A88"))
        #expect(Self.codes(result).contains("BAC_ON_PACE_CHIP"))
        #expect(result.link.reopenings >= 1)
    }

    /// PACE refused once (or EF.CardAccess corrupted once in its plain read): the BAC session that follows is not
    /// believed as the chip's choice. DG14 listing PACE, the card is opened again from the start, with PACE, and
    /// the read is accepted.
    @Test(arguments: [FaultInjectingChip.Rule(.replace(.referencedDataNotFound), instruction: 0x22),
                      FaultInjectingChip.Rule(.corrupt, instruction: 0xB0)])
    func pACERefusedOnce_isOpenedAgainWithPACE_andAccepted(_ rule: FaultInjectingChip.Rule) throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let result = try Self.read(card, .init(rules: [rule]), key: .mrz(try MRZKey(mrz: card.mrz)))
        #expect(result.access?.description.hasPrefix("PACE") == true, "\(String(describing: result.access))")
        #expect(!Self.codes(result).contains("BAC_ON_PACE_CHIP"))
        #expect(result.verdict == .accept, "\(result.problems)")
        #expect(result.link.reopenings >= 1)
    }

    /// A transport error during PACE is a link problem (retry), never a reason to use BAC.
    @Test func transientFailureDuringPACE_isALinkProblem_neverBAC() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        // Both openings fail at the mapping step: the link recovery does not help.
        let plan = FaultInjectingChip.Plan(rules: [.init(.replace(.noPreciseDiagnosis), instruction: 0x86, skip: 1,
                                                         count: nil)])
        let key = AccessKey.mrz(try MRZKey(mrz: card.mrz))
        do {
            _ = try Self.read(card, plan, key: key)
            Issue.record("the read went through")
        } catch {
            #expect(error.kind.exitCode == 3, "\(error)")
            #expect(error.verdict?.name == "retry")
        }
    }

    // MARK: A glitch is not a clone.

    /// One corrupted frame during chip authentication, and one during active authentication: each is repeated
    /// on a re-opened session and passes.
    @Test(arguments: ["nguyen-van-an-2021.json", "ly-tu-2024.json", "dam-anh-hang-2021.json"])
    func oneCorruptedFrame_duringEachCheck_passesAfterTheRepeat(_ name: String) throws {
        let card = try Repository.card(name)
        // AES chip authentication's key agreement is a GENERAL AUTHENTICATE (86), 3DES's an MSE:Set KAT (22).
        let caInstruction: UInt8 = card.configuration.chipAuthentication?.protocolOID == .idCAECDH3DESCBCCBC ? 0x22 : 0x86
        let ca = FaultInjectingChip.Rule(.corrupt, instruction: caInstruction, protectedOnly: true)
        let aa = FaultInjectingChip.Rule(.corrupt, instruction: 0x88, protectedOnly: true)
        for rules in [[ca], [aa], [ca, aa]] {
            let result = try Self.read(card, .init(rules: rules))
            let which = rules.map { String($0.instruction!, radix: 16) }
            #expect(result.checks.chipAuthentication == .passed, "\(name) \(which)")
            #expect(result.checks.activeAuthentication == .passed, "\(name) \(which)")
            #expect(result.verdict == .accept, "\(name) \(which): \(result.problems)")
            #expect(result.link.reopenings >= rules.count, "\(name) \(which)")
        }
    }

    /// A chip whose answers to both checks are corrupted every time: after the repeat, both fail.
    @Test func bothChecksCorruptedEveryTime_fail() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let result = try Self.read(card, .init(rules: [.init(.corrupt, instruction: 0x86, protectedOnly: true, count: nil),
                                                       .init(.corrupt, instruction: 0x88, protectedOnly: true, count: nil)]))
        #expect(result.checks.chipAuthentication.name == "failed")
        #expect(result.checks.activeAuthentication.name == "failed")
        #expect(Self.codes(result).isSuperset(of: ["CHIP_AUTHENTICATION_FAILED", "ACTIVE_AUTHENTICATION_FAILED"]))
        #expect(result.verdict.name == "reject")
    }

    /// A clone (every file, other keys): chip authentication's keys are not taken (its repeat too), active
    /// authentication's signature does not verify: both fail.
    @Test func clone_failsBothChecks() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let other = try Repository.card("ho-ngoc-to-2024.json")
        var configuration = card.configuration
        configuration.chipAuthentication = other.configuration.chipAuthentication
        configuration.activeAuthentication = other.configuration.activeAuthentication
        let result = try Self.read(card, chip: EMRTDChip(configuration: configuration))
        #expect(result.checks.chipAuthentication.name == "failed")
        #expect(result.checks.activeAuthentication.name == "failed")
        #expect(result.verdict.name == "reject")
    }

    /// The link failing during chip authentication every time: a link problem (retry), not a clone.
    @Test func transactionsFailingDuringChipAuthentication_isALinkProblem() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        do {
            _ = try Self.read(card, .init(rules: [.init(.transactionFailed, instruction: 0x86, protectedOnly: true,
                                                        count: nil)]))
            Issue.record("the read went through")
        } catch {
            #expect(error.kind.exitCode == 3, "\(error)")
            #expect(error.step == .chipAuthentication)
        }
    }

    /// A stray 6F00 answering active authentication every time: a link problem (retry), not a clone.
    @Test func stray6F00DuringActiveAuthentication_isALinkProblem() throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        do {
            _ = try Self.read(card, .init(rules: [.init(.replace(.noPreciseDiagnosis), instruction: 0x88, count: nil)]))
            Issue.record("the read went through")
        } catch {
            #expect(error.kind.exitCode == 3, "\(error)")
        }
    }
}

extension RealPCSCD {
    /// Issue 12's and 13's "shown by" through the real pcscd, `cccd read` run as a desk runs it.
    @Suite struct TrustRulesPCSCTests {
        static let trust = ["--trust", Repository.root.appendingPathComponent("Vectors/pki/csca-a.pem").path,
                            "--trust", Repository.root.appendingPathComponent("Vectors/pki/csca-a2-link.pem").path]

        func read(_ chip: VirtualChip, _ access: [String]) throws -> CLITool.Result {
            let connection = try PCSCDaemon.insert(chip, into: PCSCDaemon.reader0)
            defer { try? PCSCDaemon.remove(connection, from: PCSCDaemon.reader0) }
            return try CLITool.run(["read"] + access + ["--reader", "00 00", "--json"] + Self.trust)
        }

        func can(_ card: PersonalizedCard) -> [String] { ["--can", card.cardAccessNumber.digits] }

        func reasons(_ result: CLITool.Result) throws -> [String] {
            let reasons = try result.json["reasons"] as? [[String: Any]] ?? []
            return reasons.compactMap { $0["code"] as? String }
        }

        @Test func dg14AndDG15Missing_underValidSecureMessaging_exit5() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            var configuration = card.configuration
            configuration.files[0x010E] = nil
            configuration.files[0x010F] = nil
            let result = try read(EMRTDChip(configuration: configuration), can(card))
            #expect(result.status == 5, "\(result.stderr)")
            #expect(try reasons(result).filter { $0 == "DG_LISTED_UNREADABLE" }.count == 2)
        }

        @Test func plain6A82ForDG14_fromAManInTheMiddle_exit5_secureMessaging() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(rules: [
                .init(.replace(.fileNotFound), instruction: 0xB0, protectedOnly: true, p1: 0x8E, persistsOnProtected: true),
            ]))
            let result = try read(chip, can(card))
            #expect(result.status == 5, "\(result.stderr)")
            #expect(try result.json["code"] as? String == "CHIP_PROTOCOL_FAILED")
            #expect(result.stderr.contains("without secure messaging (SW 6A82)"), "\(result.stderr)")
        }

        @Test func bacSessionOnAPACEChip_exit5() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(rules: [
                .init(.replace(.fileNotFound), instruction: 0xB0, p1: 0x9C, count: nil),
            ]))
            let mrz = try MRZKey(mrz: card.mrz)
            let result = try read(chip, ["--mrz", "\(mrz.documentNumber),\(mrz.dateOfBirth),\(mrz.dateOfExpiry)"])
            #expect(result.status == 5, "\(result.stderr)")
            #expect(try reasons(result).contains("BAC_ON_PACE_CHIP"))
        }

        @Test func oneCorruptedFrame_duringChipAndActiveAuthentication_exit0() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(rules: [
                .init(.corrupt, instruction: 0x86, protectedOnly: true), .init(.corrupt, instruction: 0x88, protectedOnly: true),
            ]))
            let result = try read(chip, can(card))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(chip.injected == [.corrupt, .corrupt])
            let verification = try #require(try result.json["verification"] as? [String: Any])
            #expect(verification["chipAuthentication"] as? String == "passed")
            #expect(verification["activeAuthentication"] as? String == "passed")
        }

        /// One corrupted frame while the chip is being opened, as `cccd emulate --corrupt-at 5` makes it (the
        /// chip's mapping key at PACE's second GENERAL AUTHENTICATE) and at PACE's last step (the chip's token): the
        /// card is powered up afresh and opened again, and the read goes through, exit 0.
        @Test(arguments: [FaultInjectingChip.Plan(corruptResponseAtExchange: 5),
                          FaultInjectingChip.Plan(rules: [.init(.corrupt, instruction: 0x86, skip: 3)])])
        func oneCorruptedFrame_duringPACE_exit0(_ plan: FaultInjectingChip.Plan) throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: plan)
            let result = try read(chip, can(card))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(chip.injected == [.corrupt])
            #expect(try result.json["verdict"] as? String == "accept", "\(result.stdout)")
        }

        /// The chip's PACE token fails at both openings: no third, exit 5, the reason named.
        @Test func paceTokenFailingAtBothOpenings_exit5() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            // GENERAL AUTHENTICATE 4 and 8: the second rule counts the exchanges the first let through.
            let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(rules: [
                .init(.corrupt, instruction: 0x86, skip: 3), .init(.corrupt, instruction: 0x86, skip: 6),
            ]))
            let result = try read(chip, can(card))
            #expect(result.status == 5, "\(result.stderr)")
            #expect(try result.json["code"] as? String == "CHIP_PROTOCOL_FAILED")
            #expect(result.stderr.contains("T_IC does not verify"), "\(result.stderr)")
            #expect(chip.injected == [.corrupt, .corrupt])
        }

        @Test func bothChecksFailingEveryTime_exit5() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(rules: [
                .init(.corrupt, instruction: 0x86, protectedOnly: true, count: nil),
                .init(.corrupt, instruction: 0x88, protectedOnly: true, count: nil),
            ]))
            let result = try read(chip, can(card))
            #expect(result.status == 5, "\(result.stderr)")
            #expect(Set(try reasons(result)).isSuperset(of: ["CHIP_AUTHENTICATION_FAILED", "ACTIVE_AUTHENTICATION_FAILED"]))
        }

        /// Issue 13: the short-only, BAC-only chip without EF.CardAccess that answers 6988 to an extended command
        /// under secure messaging, read whole with the MRZ: every field right, exit 0.
        @Test func shortOnlyBACOnlyChipAnswering6988_exit0_everyFieldRight() throws {
            let card = try Repository.card("ton-nu-hoa-2021.json")
            let mrz = try MRZKey(mrz: card.mrz)
            let result = try read(card.makeChip(), ["--mrz", "\(mrz.documentNumber),\(mrz.dateOfBirth),\(mrz.dateOfExpiry)"])
            #expect(result.status == 0, "\(result.stderr)")
            let json = try result.json
            #expect(json["verdict"] as? String == "accept")
            let subject = try #require(json["subject"] as? [String: Any])
            let identity = card.description.identity
            #expect(subject["fullName"] as? String == identity.fullName.precomposedStringWithCanonicalMapping)
            #expect(subject["personalIdNumber"] as? String == identity.personalIdNumber)
            #expect(subject["dateOfBirth"] as? String == RealCardShapesReadTests.iso(identity.dateOfBirth))
            let link = try #require(json["link"] as? [String: Any])
            #expect(link["extendedLength"] as? Bool == false)
            let verification = try #require(json["verification"] as? [String: Any])
            for check in ["passiveAuthentication", "chipAuthentication", "activeAuthentication"] {
                #expect(verification[check] as? String == "passed", "\(check)")
            }
        }
    }
}
