import CCCD
import Foundation

/// The commands that make entries in the audit log.
public enum AttemptCommand: String, Sendable, Hashable, CaseIterable {
    /// A reading command: `cccd read`, `cccd level1`, `cccd watch` or the desk page (`cccd desk`).
    case read, level1, watch, desk
    /// A purge: the entry says what it removed.
    case purge
}

/// One entry of the audit log: an attempt to read a card (accepted or not), or a purge. Never the portrait, the
/// CAN or the MRZ: only how the chip was opened, who the holder is when known, and what came of it.
public struct AttemptEntry: Sendable, Hashable {
    /// The log's number for it, growing; nil before it is appended.
    public var id: Int64?
    /// When the attempt ended.
    public var time: Date
    /// The command that made it.
    public var command: AttemptCommand
    /// The reader's name (or what was asked for, when the read never reached a reader).
    public var reader: String?
    /// Who was at the desk: the configuration's `operator`, else the login name.
    public var operatorName: String
    /// The kind of key given: `can` or `mrz` (never the key).
    public var accessKey: String?
    /// How the chip was opened: `PACE-ECDH-GM-AES-CBC-CMAC-128`, `BAC`.
    public var accessProtocol: String?
    /// The holder's ID number, from the chip or else the QR, when known.
    public var personalIdNumber: String?
    /// The holder's name, from the chip or else the QR, when known.
    public var fullName: String?
    /// `accept`, `reject` or `retry`; nil for a purge and for a failure that says nothing about a card.
    public var verdict: String?
    /// The verdict's reasons: each problem code with the field it concerns.
    public var reasons: [Reason]
    /// The error code the attempt ended with (`CARD_REMOVED`), if it ended in an error.
    public var error: String?
    /// The exit code of the command for this attempt.
    public var exitCode: Int32
    /// The folder the card was saved in.
    public var saved: String?
    /// `CardDump.filesHash(ofFolder:)` of that folder when it was saved.
    public var savedHash: String?
    /// What a purge removed.
    public var purge: PurgeFacts?

    /// A reason of the verdict: the problem code and its field, without values.
    public struct Reason: Sendable, Hashable {
        /// The problem code, e.g. `QR_MISMATCH`.
        public var code: String
        /// The field the problem concerns, e.g. `fullName`, when it concerns one.
        public var field: String?

        /// A reason from its code and field.
        public init(code: String, field: String? = nil) {
            self.code = code
            self.field = field
        }
    }

    /// What a purge removed.
    public struct PurgeFacts: Sendable, Hashable {
        /// Everything older than this was removed.
        public var before: Date
        /// Log entries removed.
        public var entries: Int
        /// Saved cards removed.
        public var cards: Int

        /// Facts from their parts.
        public init(before: Date, entries: Int, cards: Int) {
            self.before = before
            self.entries = entries
            self.cards = cards
        }
    }

    /// An entry.
    public init(id: Int64? = nil, time: Date = Date(), command: AttemptCommand, reader: String? = nil,
                operatorName: String, accessKey: String? = nil, accessProtocol: String? = nil,
                personalIdNumber: String? = nil, fullName: String? = nil, verdict: String? = nil,
                reasons: [Reason] = [], error: String? = nil, exitCode: Int32, saved: String? = nil,
                savedHash: String? = nil, purge: PurgeFacts? = nil) {
        self.id = id
        self.time = time
        self.command = command
        self.reader = reader
        self.operatorName = operatorName
        self.accessKey = accessKey
        self.accessProtocol = accessProtocol
        self.personalIdNumber = personalIdNumber
        self.fullName = fullName
        self.verdict = verdict
        self.reasons = reasons
        self.error = error
        self.exitCode = exitCode
        self.saved = saved
        self.savedHash = savedHash
        self.purge = purge
    }

    /// The entry of an attempt that ended with `outcome`.
    ///
    /// - Parameters:
    ///   - outcome: the read, or the error the attempt ended with.
    ///   - command: the command that made the attempt.
    ///   - reader: the reader's name, for a failure (a read names its own).
    ///   - operatorName: who was at the desk.
    ///   - input: what the officer gave (its key's kind; its QR names the holder when the chip could not).
    ///   - allowUnverified: as for the exit code of a read.
    ///   - exitCode: the command's exit code, when it is not the one the outcome gives.
    ///   - time: when the attempt ended.
    public init(_ outcome: AttemptOutcome, command: AttemptCommand, reader: String?, operatorName: String,
                input: CardInput?, allowUnverified: Bool = false, exitCode: Int32? = nil, time: Date = Date()) {
        let key: String?
        switch input?.key {
        case .can?: key = "can"
        case .mrz?: key = "mrz"
        case nil: key = nil
        }
        switch outcome {
        case .read(let result):
            self.init(time: time, command: command, reader: result.reader ?? reader, operatorName: operatorName,
                      accessKey: key, accessProtocol: result.access?.description,
                      personalIdNumber: result.record.personalIdNumber ?? input?.qr?.personalIdNumber,
                      fullName: result.record.fullName ?? input?.qr?.fullName, verdict: result.verdict.name,
                      reasons: result.verdict.reasons.map { Reason(code: $0.code.rawValue, field: $0.field) },
                      exitCode: exitCode ?? result.verdict.exitCode(allowUnverified: allowUnverified))
        case .failed(let failure):
            let classified = failure as? any ClassifiedError
            let verdict = (failure as? CCCDError)?.verdict
            self.init(time: time, command: command, reader: reader, operatorName: operatorName, accessKey: key,
                      personalIdNumber: input?.qr?.personalIdNumber, fullName: input?.qr?.fullName,
                      verdict: verdict?.name,
                      reasons: verdict?.reasons.map { Reason(code: $0.code.rawValue, field: $0.field) } ?? [],
                      error: classified?.code ?? "INTERNAL",
                      exitCode: exitCode ?? classified?.kind.exitCode ?? FailureKind.bug.exitCode)
        }
    }

    // MARK: Outputs.

    /// The `cccd-attempt/1` document (`Schemas/cccd-attempt-1.schema.json`), keys in a fixed order.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("schema", .string(OutputSchema.attempt.rawValue)),
            ("id", id.map { .integer(Int($0)) } ?? .null),
            ("time", .string(ISO8601.string(time))),
            ("command", .string(command.rawValue)),
            ("reader", .optional(reader)),
            ("operator", .string(operatorName)),
            ("access", .object([("key", .optional(accessKey)), ("protocol", .optional(accessProtocol))])),
            ("personalIdNumber", .optional(personalIdNumber)),
            ("fullName", .optional(fullName)),
            ("verdict", .optional(verdict)),
            ("reasons", .array(reasons.map { reason in
                .object([("code", .string(reason.code))] + (reason.field.map { [("field", JSONValue.string($0))] } ?? []))
            })),
            ("error", .optional(error)),
            ("exit", .integer(Int(exitCode))),
            ("saved", .optional(saved)),
            ("savedHash", .optional(savedHash)),
        ]
        if let purge {
            members.append(("purge", .object([("before", .string(ISO8601.string(purge.before))),
                                              ("entries", .integer(purge.entries)), ("cards", .integer(purge.cards))])))
        }
        return .object(members)
    }

    /// The reasons as one cell: `QR_MISMATCH fullName; DOCUMENT_EXPIRED`.
    public var reasonsText: String {
        reasons.map { $0.code + ($0.field.map { " \($0)" } ?? "") }.joined(separator: "; ")
    }

    /// The CSV columns, in order.
    public static let csvHeader = ["id", "time", "command", "reader", "operator", "accessKey", "accessProtocol",
                                   "personalIdNumber", "fullName", "verdict", "reasons", "error", "exit", "saved",
                                   "savedHash", "purgedBefore", "purgedEntries", "purgedCards"]

    /// The entry's CSV cells, in ``csvHeader`` order.
    public var csvCells: [String] {
        [id.map(String.init) ?? "", ISO8601.string(time), command.rawValue, reader ?? "", operatorName,
         accessKey ?? "", accessProtocol ?? "", personalIdNumber ?? "", fullName ?? "", verdict ?? "", reasonsText,
         error ?? "", String(exitCode), saved ?? "", savedHash ?? "",
         purge.map { ISO8601.string($0.before) } ?? "", purge.map { String($0.entries) } ?? "",
         purge.map { String($0.cards) } ?? ""]
    }
}

/// How an attempt ended: with a read (whatever its verdict), or with an error before a result.
public enum AttemptOutcome: Sendable {
    /// The card was read and judged: its result.
    case read(CardReadResult)
    /// The attempt ended in an error before a result; the entry keeps the code of a `ClassifiedError`.
    case failed(any Error & Sendable)
}
