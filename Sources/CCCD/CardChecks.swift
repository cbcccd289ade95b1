import Foundation
import LDS
import Verification

/// Every check made on a card, each with its outcome: what the verdict is decided from.
public struct CardChecks: Sendable, Hashable {
    /// Passive authentication: data group hashes, the SOD's signature, the signer's chain.
    public var passive: PassiveCheck
    /// Chip authentication with DG14's key (`passed`, `failed` or `not-supported`, with the reason).
    public var chipAuthentication: Verdict
    /// Active authentication with DG15's key.
    public var activeAuthentication: Verdict
    /// The data groups EF.SOD lists (empty when EF.SOD was not read or does not parse): what must be proven.
    public var dataGroupsInSOD: [Int]
    /// The chip against the QR.
    public var qr: QRCheck
    /// The card's validity on the day of reading.
    public var validity: Validity
    /// The fields of the level-1 identity the chip lacks (`personalIdNumber`, `fullName`, `dateOfBirth`,
    /// `portrait`); empty when complete.
    public var identityMissing: [String]

    /// The checks.
    public init(passive: PassiveCheck, chipAuthentication: Verdict, activeAuthentication: Verdict,
                dataGroupsInSOD: [Int], qr: QRCheck, validity: Validity, identityMissing: [String]) {
        self.passive = passive
        self.chipAuthentication = chipAuthentication
        self.activeAuthentication = activeAuthentication
        self.dataGroupsInSOD = dataGroupsInSOD
        self.qr = qr
        self.validity = validity
        self.identityMissing = identityMissing
    }

    /// The problems each check gives, in the order of `shared/CLI.md`'s verdict rule: passive authentication, chip
    /// and active authentication where EF.SOD lists DG14 and DG15, the QR, the validity, the identity.
    public var problems: [Problem] {
        var out = passive.problems
        out += Self.chipCheckProblems(chipAuthentication, listed: dataGroupsInSOD.contains(14), dataGroup: "DG14",
                                      failed: .chipAuthenticationFailed, notPerformed: .chipAuthenticationNotPerformed)
        out += Self.chipCheckProblems(activeAuthentication, listed: dataGroupsInSOD.contains(15), dataGroup: "DG15",
                                      failed: .activeAuthenticationFailed,
                                      notPerformed: .activeAuthenticationNotPerformed)
        if case .mismatched(let mismatches) = qr { out += mismatches }
        switch validity {
        case .expired(let on):
            out.append(Problem(code: .documentExpired, field: "expiryDate", detail: "the card expired on \(on)"))
        case .unknown:
            out.append(Problem(code: .documentValidityUnknown, field: "expiryDate",
                               detail: "neither DG13 nor DG1 gives the expiry date"))
        case .valid, .validForLife:
            break
        }
        let identity = identityMissing.filter { $0 != "portrait" }
        if !identity.isEmpty {
            out.append(Problem(code: .identityIncomplete, field: "DG13",
                               detail: "the chip lacks " + identity.joined(separator: ", ")))
        }
        if identityMissing.contains("portrait") {
            out.append(Problem(code: .portraitMissing, field: "DG2", detail: "no portrait was read"))
        }
        return out
    }

    /// A chip check must pass where EF.SOD lists its data group (ICAO 9303-11 §6.1, §6.2); a failed check is a
    /// failure wherever it ran.
    static func chipCheckProblems(_ verdict: Verdict, listed: Bool, dataGroup: String, failed: Problem.Code,
                                  notPerformed: Problem.Code) -> [Problem] {
        switch verdict {
        case .passed:
            return []
        case .failed(let why):
            return [Problem(code: failed, field: dataGroup, detail: why)]
        case .notSupported(let why):
            return listed ? [Problem(code: notPerformed, field: dataGroup, detail: why)] : []
        case .noTrustAnchor:
            return listed ? [Problem(code: notPerformed, field: dataGroup, detail: "not run")] : []
        }
    }
}

/// The chip against the card's QR (`shared/LEVEL1.md`'s comparison rules).
public enum QRCheck: Sendable, Hashable {
    /// No QR was given.
    case absent
    /// Every field agrees.
    case matched
    /// These fields differ (`QR_MISMATCH`, with both values).
    case mismatched([Problem])

    /// `absent`, `matched` or `mismatched`: `evidence.qr` of the level-1 payload.
    public var name: String {
        switch self {
        case .absent: return "absent"
        case .matched: return "matched"
        case .mismatched: return "mismatched"
        }
    }

    /// Compares the record with the QR, when one was given.
    public init(record: CitizenRecord, qr: CardQRCode?) {
        guard let qr else {
            self = .absent
            return
        }
        let mismatches = CrossCheck.compare(record, qr)
        self = mismatches.isEmpty ? .matched : .mismatched(mismatches)
    }
}

/// Whether the card was valid on the day it was read.
public enum Validity: Sendable, Hashable {
    /// Valid, until this date (included).
    case valid(until: PartialDate)
    /// The card does not expire (DG13 "Không thời hạn", or the MRZ's `991231`).
    case validForLife
    /// Expired on this date, before the day of reading.
    case expired(on: PartialDate)
    /// Neither DG13 nor DG1 says.
    case unknown

    /// `valid`, `valid-for-life`, `expired` or `unknown`.
    public var name: String {
        switch self {
        case .valid: return "valid"
        case .validForLife: return "valid-for-life"
        case .expired: return "expired"
        case .unknown: return "unknown"
        }
    }

    /// The days are Vietnam's (UTC+7): a card valid until 15 March is valid all of 15 March at the desk.
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? TimeZone(secondsFromGMT: 7 * 3600)!
        return calendar
    }()

    /// The validity of a card with this expiry on the day of `date`: DG13's expiry date, else the MRZ's
    /// (`YYMMDD`, in this century; `991231` means for life, `shared/CCCD.md`). A date known only in part expires
    /// at the end of the year (month) it names.
    public init(record: CitizenRecord, mrzExpiry: String?, on date: Date) {
        var expiry = record.expiryDate
        if record.validForLife {
            self = .validForLife
            return
        }
        if expiry == nil, let text = mrzExpiry, text.count == 6, let number = Int(text) {
            if text == "991231" {
                self = .validForLife
                return
            }
            expiry = PartialDate(year: 2000 + number / 10000, month: number / 100 % 100, day: number % 100)
        }
        guard let expiry else {
            self = .unknown
            return
        }
        let today = Self.calendar.dateComponents([.year, .month, .day], from: date)
        let day = (today.year ?? 0, today.month ?? 0, today.day ?? 0)
        let last = (expiry.year, expiry.month ?? 12, expiry.day ?? 31)
        self = last < day ? .expired(on: expiry) : .valid(until: expiry)
    }
}

/// Passive authentication of a read (ICAO 9303-11 §5.1), in the domain's terms: the same for a live read, a replay
/// and a dump.
public struct PassiveCheck: Sendable, Hashable {
    /// `passed`, `failed` or `no-trust-anchor`.
    public var verdict: PassiveAuthenticationVerdict
    /// The document signer's subject (`CN=…, C=VN`).
    public var signer: String?
    /// The trust anchor the signer chains to.
    public var trustAnchor: String?
    /// The SOD's hash algorithm (`SHA-256`).
    public var hashAlgorithm: String?
    /// Each data group given, by number: its hash against the SOD's.
    public var dataGroups: [Int: Verdict]
    /// Data groups the SOD lists but that were not given.
    public var dataGroupsNotRead: [Int]
    /// The SOD's CMS signature.
    public var signature: Verdict
    /// The signer's certificate and its chain.
    public var chain: Verdict
    /// The certificates from the signer up to the anchor, by subject.
    public var certificatePath: [String]
    /// Every problem found.
    public var problems: [Problem]

    /// Checks the data groups against EF.SOD and the SOD's signer against `trust`, as at `date` (the time of reading).
    public static func run(sod: [UInt8]?, dataGroups: [Int: [UInt8]], trust: TrustStore?, at date: Date) -> PassiveCheck {
        guard let sod else {
            let why = "EF.SOD was not read"
            return PassiveCheck(verdict: .failed, signer: nil, trustAnchor: nil, hashAlgorithm: nil, dataGroups: [:],
                                dataGroupsNotRead: [], signature: .failed(reason: why), chain: .failed(reason: why),
                                certificatePath: [],
                                problems: [Problem(code: .sodMissing, field: "EF.SOD", detail: why)])
        }
        // The issuing state is DG1's (Verification reads it from the data groups given): a Vietnamese card must be
        // signed under a Vietnamese document signer and CSCA (ICAO 9303-12 §5.1).
        return PassiveCheck(PassiveAuthentication.verify(sod: sod, dataGroups: dataGroups, issuingState: nil,
                                                         trust: trust, at: date))
    }

    /// Verification's report in the domain's terms.
    public init(_ report: PassiveAuthenticationReport) {
        verdict = report.verdict
        signer = report.signer
        trustAnchor = report.certificatePath.last?.subject.text
        hashAlgorithm = report.hashAlgorithm.map { $0 == .sha1 ? "SHA-1" : "SHA-" + $0.rawValue.dropFirst(3) }
        dataGroups = report.dataGroups
        dataGroupsNotRead = report.dataGroupsNotRead
        signature = report.signature
        chain = report.chain
        certificatePath = ([report.signerCertificate].compactMap { $0 } + report.certificatePath).map(\.subject.text)
        problems = report.problems.map(Problem.init)
        if verdict == .failed && !problems.contains(where: { $0.kind == .failure }) {
            problems.append(Problem(code: .passiveAuthenticationFailed, field: "EF.SOD",
                                    detail: signature.reason ?? chain.reason ?? "passive authentication failed"))
        }
    }

    init(verdict: PassiveAuthenticationVerdict, signer: String?, trustAnchor: String?, hashAlgorithm: String?,
         dataGroups: [Int: Verdict], dataGroupsNotRead: [Int], signature: Verdict, chain: Verdict,
         certificatePath: [String], problems: [Problem]) {
        self.verdict = verdict
        self.signer = signer
        self.trustAnchor = trustAnchor
        self.hashAlgorithm = hashAlgorithm
        self.dataGroups = dataGroups
        self.dataGroupsNotRead = dataGroupsNotRead
        self.signature = signature
        self.chain = chain
        self.certificatePath = certificatePath
        self.problems = problems
    }
}
