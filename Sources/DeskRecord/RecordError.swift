import CCCD

/// A failure of the desk's record: the audit log or the archive of saved cards.
public enum RecordError: ClassifiedError, Equatable, Sendable {
    /// The audit log cannot be opened, read or written (the file, and SQLite's message).
    case log(path: String, reason: String)
    /// A saved card cannot be written or removed.
    case archive(CCCDError)
    /// A purge was asked for without a retention period (neither `--older-than` nor `retentionDays`).
    case noRetentionPeriod
    /// A history filter is malformed (`--since`, `--until`, `--verdict`, `--id`).
    case invalidFilter(String)

    public var code: String {
        switch self {
        case .log: return "LOG_UNWRITABLE"
        case .archive(let error): return error.code
        case .noRetentionPeriod, .invalidFilter: return "USAGE"
        }
    }

    public var kind: FailureKind {
        switch self {
        case .log: return .input
        case .archive(let error): return error.kind
        case .noRetentionPeriod, .invalidFilter: return .usage
        }
    }

    /// One line saying what failed and why: the log and SQLite's message, the saved card's error, or the option at
    /// fault.
    public var description: String {
        switch self {
        case .log(let path, let reason): return "the audit log \(path): \(reason)"
        case .archive(let error): return error.description
        case .noRetentionPeriod:
            return "no retention period: give --older-than DAYS or set retentionDays in cccd.toml"
        case .invalidFilter(let why): return why
        }
    }
}
