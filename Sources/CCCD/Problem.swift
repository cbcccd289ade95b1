import Verification

/// Something found wrong, or unproven, about a card: a stable code (documented in the README's problem-code table),
/// what it concerns, and for a QR mismatch both values.
///
/// Every problem has a ``Kind``: whether it makes the card's verdict `reject` (``Kind/failure``), keeps it from
/// `accept` without saying the card is bad (``Kind/unproven``: no trust anchor, a replay), or is shown without
/// weighing on the verdict (``Kind/notice``).
public struct Problem: Sendable, Hashable, CustomStringConvertible {
    /// The stable code, upper snake case.
    public var code: Code
    /// How the problem weighs on the verdict (by default the code's own kind, ``Code/kind``).
    public var kind: Kind
    /// The field, file or step it concerns (`fullName`, `DG13`, `EF.SOD`).
    public var field: String?
    /// One line for people.
    public var detail: String?
    /// The chip's value, for mismatches.
    public var chip: String?
    /// The QR's value, for mismatches.
    public var qr: String?

    /// A problem; its kind is the code's (``Code/kind(field:)``) unless given.
    public init(code: Code, kind: Kind? = nil, field: String? = nil, detail: String? = nil, chip: String? = nil,
                qr: String? = nil) {
        self.code = code
        self.kind = kind ?? code.kind(field: field)
        self.field = field
        self.detail = detail
        self.chip = chip
        self.qr = qr
    }

    /// How a problem weighs on the verdict.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A check failed: the verdict is `reject`.
        case failure
        /// Nothing proves the card genuine or present (no trust anchor, a replay): not `accept`, and not a failure
        /// of the card either. `--allow-unverified` (and, for a replay, nothing) turns such a read into `unverified`.
        case unproven
        /// Shown, with no weight on the verdict (a file the chip keeps for other terminals, a weak algorithm).
        case notice
    }

    /// A stable problem code. The codes this library produces are the static members; the codes of
    /// `Verification` (`Verification.ProblemCode`) keep their own spelling.
    public struct Code: RawRepresentable, Sendable, Hashable, Comparable, ExpressibleByStringLiteral,
                        CustomStringConvertible {
        /// `QR_MISMATCH` and the like.
        public let rawValue: String

        /// A code by its spelling.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A code by its spelling.
        public init(stringLiteral value: String) { self.rawValue = value }

        /// The code's spelling (``rawValue``).
        public var description: String { rawValue }

        /// Alphabetical order of the spellings.
        public static func < (a: Code, b: Code) -> Bool { a.rawValue < b.rawValue }

        /// The QR and the chip differ on `field` (both values given).
        public static let qrMismatch: Code = "QR_MISMATCH"
        /// The level-1 payload was made without a QR to cross-check the chip with.
        public static let qrAbsent: Code = "QR_ABSENT"
        /// DG13 and DG1 (the MRZ) disagree on `field`.
        public static let chipInconsistent: Code = "CHIP_INCONSISTENT"
        /// DG13 lacks the ID number, the name or the birth date.
        public static let identityIncomplete: Code = "IDENTITY_INCOMPLETE"
        /// No face image was read.
        public static let portraitMissing: Code = "PORTRAIT_MISSING"
        /// The card's expiry date is past on the day of reading.
        public static let documentExpired: Code = "DOCUMENT_EXPIRED"
        /// Neither DG13 nor DG1 says until when the card is valid.
        public static let documentValidityUnknown: Code = "DOCUMENT_VALIDITY_UNKNOWN"
        /// A file read from the chip does not parse (`field` names it).
        public static let fileMalformed: Code = "FILE_MALFORMED"
        /// The chip has no such file or refuses it.
        public static let fileUnreadable: Code = "FILE_UNREADABLE"
        /// Chip authentication ran and the chip did not prove it holds DG14's private key (a clone).
        public static let chipAuthenticationFailed: Code = "CHIP_AUTHENTICATION_FAILED"
        /// EF.SOD lists DG14, but chip authentication did not run to a result.
        public static let chipAuthenticationNotPerformed: Code = "CHIP_AUTHENTICATION_NOT_PERFORMED"
        /// Active authentication ran and the signature does not verify with DG15's key (a clone).
        public static let activeAuthenticationFailed: Code = "ACTIVE_AUTHENTICATION_FAILED"
        /// EF.SOD lists DG15, but active authentication did not run to a result.
        public static let activeAuthenticationNotPerformed: Code = "ACTIVE_AUTHENTICATION_NOT_PERFORMED"
        /// EF.SOD was not read.
        public static let sodMissing: Code = "SOD_MISSING"
        /// Passive authentication failed without a more precise code.
        public static let passiveAuthenticationFailed: Code = "PASSIVE_AUTHENTICATION_FAILED"
        /// No CSCA in the trust store to chain the document signer to.
        public static let noTrustAnchor: Code = "NO_TRUST_ANCHOR"
        /// The read was replayed from a recorded trace: nothing proves the card was there, or when.
        public static let replayed: Code = "REPLAYED"
        /// The chip refused the access key (a `retry` reason; see ``CCCDError/accessDenied``).
        public static let accessDenied: Code = "ACCESS_DENIED"
        /// One DG13 field does not parse (`field` is `DG13.n`): kept raw, it costs no other field.
        public static let dg13FieldMalformed: Code = "DG13_FIELD_MALFORMED"
        /// DG13's structure around its fields is broken; the fields before the damage are kept.
        public static let dg13Damaged: Code = "DG13_DAMAGED"
        /// DG2's ISO/IEC 19794-5 record disagrees with its data; the face was found by its own structure.
        public static let dg2RecordInconsistent: Code = "DG2_RECORD_INCONSISTENT"
        /// EF.SOD lists this data group, and the chip lacks it, refuses it or answers its READ BINARY with an
        /// error: what the signed EF.SOD says is there must be there (DG3 and DG4, which need terminal
        /// authentication, excepted).
        public static let dataGroupListedUnreadable: Code = "DG_LISTED_UNREADABLE"
        /// The session was opened with BAC although DG14, which EF.SOD signs, lists PACE: a downgrade (a man in the
        /// middle hiding EF.CardAccess, or a chip refusing PACE).
        public static let bacOnPACEChip: Code = "BAC_ON_PACE_CHIP"
        /// No problem stood against the card, yet a check did not pass (an internal safeguard: a check that did
        /// not report its failure). The card is rejected; the detail names the check.
        public static let acceptanceUnearned: Code = "ACCEPTANCE_UNEARNED"

        /// How a problem with this code weighs on the verdict, unless it says otherwise. A code this table does
        /// not know is a failure: a wrong "genuine" is the worst bug.
        public var kind: Kind { kind(field: nil) }

        /// How a problem with this code about `field` weighs on the verdict. How the card is written, without
        /// doubt on who the holder is, on the card's validity or on its being genuine, is a notice: a file the
        /// chip keeps for other terminals, a DG2 record whose lengths disagree with its image (the DG2 hash still
        /// decides), a malformed DG13 field other than the ID number, name, birth, sex and the dates of issue and
        /// expiry (fields 1–4, 11, 12).
        public func kind(field: String?) -> Kind {
            switch self {
            case .noTrustAnchor, .replayed: return .unproven
            case .fileUnreadable, .dg2RecordInconsistent: return .notice
            case .dg13FieldMalformed:
                guard let field, field.hasPrefix("DG13."), let n = Int(field.dropFirst(5)) else { return .failure }
                return [1, 2, 3, 4, 11, 12].contains(n) ? .failure : .notice
            default: return .failure
            }
        }
    }

    /// The code, the field, then the chip's and the QR's values or the detail.
    public var description: String {
        var text = code.rawValue
        if let field { text += " \(field)" }
        if let chip, let qr { text += ": chip \"\(chip)\", QR \"\(qr)\"" } else if let detail { text += ": \(detail)" }
        return text
    }

    /// As a JSON object, keys in a fixed order, absent ones left out.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("code", .string(code.rawValue))]
        if let field { members.append(("field", .string(field))) }
        if let chip { members.append(("chip", .string(chip))) }
        if let qr { members.append(("qr", .string(qr))) }
        if let detail { members.append(("detail", .string(detail))) }
        members.append(("severity", .string(severity)))
        return .object(members)
    }
}

extension Problem {
    /// A problem of passive authentication, in the domain's terms: the data group or certificate as `field`; a
    /// warning (`Verification.VerificationProblem.severity`) is a notice, never a reason to reject.
    public init(_ problem: VerificationProblem) {
        let code = Code(rawValue: problem.code.rawValue)
        self.init(code: code, kind: problem.isError ? code.kind : .notice,
                  field: problem.dataGroup.map { "DG\($0)" } ?? problem.certificate, detail: problem.message)
    }

    /// The weight as the JSON writes it: `error` (a failure), `unproven`, or `warning` (a notice).
    public var severity: String {
        switch kind {
        case .failure: return "error"
        case .unproven: return "unproven"
        case .notice: return "warning"
        }
    }
}
