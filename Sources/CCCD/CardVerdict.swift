/// The library's one verdict on a card (`shared/CLI.md`, "Verdicts are the library's"): the same in `read`,
/// `level1`, `replay`, `watch` and the desk, and what the exit codes follow.
public enum CardVerdict: Sendable, Hashable, CustomStringConvertible {
    /// Passive authentication passed; chip and active authentication passed where EF.SOD lists DG14 and DG15;
    /// the QR matched when one was given; the card is valid on the day of reading; the identity is complete;
    /// and the read was live.
    case accept
    /// A check failed, or nothing proves the card genuine (a reason each).
    case reject([Problem])
    /// The link failed, or the key was refused: nothing is concluded about the card. Read it again.
    case retry([Problem])

    /// `accept`, `reject` or `retry`: the JSON name.
    public var name: String {
        switch self {
        case .accept: return "accept"
        case .reject: return "reject"
        case .retry: return "retry"
        }
    }

    /// The reasons of a `reject` or `retry`; empty for `accept`.
    public var reasons: [Problem] {
        switch self {
        case .accept: return []
        case .reject(let reasons), .retry(let reasons): return reasons
        }
    }

    /// The verdict that `problems` call for: `reject` when any is a failure or unproven, with those as reasons;
    /// `accept` when every problem is a notice.
    public static func deciding(_ problems: [Problem]) -> CardVerdict {
        let reasons = problems.filter { $0.kind != .notice }
        return reasons.isEmpty ? .accept : .reject(reasons)
    }

    /// Whether a `reject` holds nothing against the card but a lack of proof that may be waived: a replay (which
    /// is at best unverified, with no option needed) and, with `allowUnverified`, a signer no trusted CSCA
    /// vouches for.
    public func isUnverifiedOnly(allowUnverified: Bool) -> Bool {
        guard case .reject(let reasons) = self, !reasons.isEmpty else { return false }
        return reasons.allSatisfy { reason in
            reason.kind == .unproven && (reason.code == .replayed || allowUnverified)
        }
    }

    /// The exit code of a command that read a card (`shared/CLI.md`): 0 for `accept`, and for a `reject` that is
    /// only unverified (see ``isUnverifiedOnly(allowUnverified:)``); 5 for `reject`; for `retry`, the code of its
    /// first reason's kind (3 for the link, 4 for a refused key).
    public func exitCode(allowUnverified: Bool) -> Int32 {
        switch self {
        case .accept: return 0
        case .reject: return isUnverifiedOnly(allowUnverified: allowUnverified) ? 0 : FailureKind.verification.exitCode
        case .retry(let reasons):
            return reasons.first?.code == .accessDenied ? FailureKind.accessDenied.exitCode : FailureKind.link.exitCode
        }
    }

    /// The verdict's name, then its reasons: `reject: SOD_SIGNATURE_INVALID; …`.
    public var description: String {
        let reasons = self.reasons
        if reasons.isEmpty { return name }
        return name + ": " + reasons.map(\.description).joined(separator: "; ")
    }
}

/// The `status` of a level-1 payload (`shared/LEVEL1.md`), from the card's verdict.
public enum Level1Status: String, Sendable, Hashable, CaseIterable {
    /// From a live read whose verdict is `accept`.
    case ready
    /// Only a lack of proof stands: a replay, or (with `allowUnverified`) no trust anchor.
    case unverified
    /// Anything else.
    case rejected

    /// The status a verdict gives.
    public init(_ verdict: CardVerdict, allowUnverified: Bool) {
        switch verdict {
        case .accept: self = .ready
        case .reject where verdict.isUnverifiedOnly(allowUnverified: allowUnverified): self = .unverified
        case .reject, .retry: self = .rejected
        }
    }
}
