import Foundation
import ICAOCrypto
import LDS
import Verification

/// The names of the JSON documents the library and the command line print (`shared/CLI.md`, "Every JSON output"),
/// each with a JSON Schema file in `Schemas/` (`Schemas/cccd-read-1.schema.json` for `cccd-read/1`).
public enum OutputSchema: String, Sendable, CaseIterable {
    /// One card read (`cccd read --json`, `cccd replay --json`, each line of `cccd watch --json`, a dump's `card.json`).
    case read = "cccd-read/1"
    /// The level-1 payload (`shared/LEVEL1.md`).
    case level1 = "cccd-level1/1"
    /// A QR decoded from an image or a text (`cccd qr --json`).
    case qr = "cccd-qr/1"
    /// A dump checked offline (`cccd verify --json`).
    case verify = "cccd-verify/1"
    /// The PC/SC readers (`cccd readers --json`).
    case readers = "cccd-readers/1"
    /// One attempt at the desk, for the audit log (reserved for `cccd history`).
    case attempt = "cccd-attempt/1"
    /// The desk page's state (reserved for `cccd desk`).
    case desk = "cccd-desk/1"
    /// The effective configuration and where each value came from (`cccd config --json`).
    case config = "cccd-config/1"
    /// A failure, under `--json`.
    case error = "cccd-error/1"

    /// The schema file's name in `Schemas/`: `cccd-read-1.schema.json`.
    public var fileName: String { rawValue.replacingOccurrences(of: "/", with: "-") + ".schema.json" }
}

/// The card as `cccd read` prints it: the verdict and its reasons, every parsed field, every check, the portrait.
public enum CardReport {
    /// The `cccd-read/1` document of one read, keys in a fixed order.
    ///
    /// - Parameters:
    ///   - result: the read.
    ///   - includePortrait: whether to include the portrait's bytes as base64 (`--no-portrait` leaves them out;
    ///   a dump's `card.json` does too, the image being beside it).
    public static func json(_ result: CardReadResult, portrait includePortrait: Bool = true) -> JSONValue {
        let record = result.record
        let checks = result.checks
        var portrait: JSONValue = .null
        if let face = result.portrait {
            var members: [(String, JSONValue)] = [
                ("mediaType", .string(face.mediaType)),
                ("width", face.width.map(JSONValue.integer) ?? .null),
                ("height", face.height.map(JSONValue.integer) ?? .null),
                ("bytes", .integer(face.bytes.count)),
                ("sha256", .string(face.sha256)),
            ]
            if includePortrait { members.append(("base64", .string(Data(face.bytes).base64EncodedString()))) }
            portrait = .object(members)
        }
        let passive = checks.passive
        var verification: [(String, JSONValue)] = [
            ("passiveAuthentication", .string(passive.verdict.name)),
            ("signer", .optional(passive.signer)),
            ("trustAnchor", .optional(passive.trustAnchor)),
            ("signature", .string(passive.signature.name)),
            ("chain", .string(passive.chain.name)),
            ("dataGroups", .object(passive.dataGroups.keys.sorted().map { ("DG\($0)", .string(passive.dataGroups[$0]!.name)) })),
            ("chipAuthentication", .string(checks.chipAuthentication.name)),
            ("activeAuthentication", .string(checks.activeAuthentication.name)),
        ]
        if let why = checks.chipAuthentication.reason { verification.append(("chipAuthenticationNote", .string(why))) }
        if let why = checks.activeAuthentication.reason {
            verification.append(("activeAuthenticationNote", .string(why)))
        }
        let files = result.files.keys.sorted().map { file -> (String, JSONValue) in
            let bytes = result.files[file]!
            return (file.name, .object([("bytes", .integer(bytes.count)),
                                        ("sha256", .string(HashAlgorithm.sha256.hash(bytes).hexLower))]))
        }
        return .object([
            ("schema", .string(OutputSchema.read.rawValue)),
            ("source", .string(result.source.rawValue)),
            ("reader", .optional(result.reader)),
            ("readAt", .string(ISO8601.string(result.readAt))),
            ("verdict", .string(result.verdict.name)),
            ("reasons", .array(result.verdict.reasons.map(\.json))),
            ("access", .optional(result.access?.description)),
            ("subject", record.fullJSON),
            ("document", .object([("documentNumber", .optional(record.documentNumber)),
                                  ("issuingState", .optional(result.parsed.dg1?.mrz.issuingState)),
                                  ("mrz", .optional(record.mrz)),
                                  ("nationalityText", .optional(record.nationalityText)),
                                  ("validForLife", .bool(record.validForLife)),
                                  ("validity", .string(checks.validity.name))])),
            ("portrait", portrait),
            ("verification", .object(verification)),
            ("qr", .string(checks.qr.name)),
            ("files", .object(files)),
            ("link", .object([("extendedLength", .bool(result.link.extendedLength)),
                              ("commands", .integer(result.link.commands)),
                              ("reopenings", .integer(result.link.reopenings))])),
            ("problems", .array(result.problems.map(\.json))),
        ])
    }

    /// A summary for people: the verdict with its reasons, the person, every check, the validity.
    public static func lines(_ result: CardReadResult) -> [String] {
        let r = result.record
        let checks = result.checks
        var lines = [
            "\(r.fullName ?? "?")  ID \(r.personalIdNumber ?? "?")  born \(r.dateOfBirth?.iso8601 ?? "?")  \(r.sex)",
            "verdict: \(result.verdict.name.uppercased())" + (result.source == .replay ? " (replayed from a trace)" : ""),
        ]
        for reason in result.verdict.reasons { lines.append("  because \(reason)") }
        switch checks.validity {
        case .valid(let until): lines.append("valid until \(until)")
        case .validForLife: lines.append("valid for life")
        case .expired(let on): lines.append("EXPIRED on \(on)")
        case .unknown: lines.append("validity unknown")
        }
        lines.append("access \(result.access?.description ?? "?"); passive authentication \(checks.passive.verdict.name)"
                     + (checks.passive.signer.map { " (signer \($0))" } ?? "")
                     + "; chip authentication \(checks.chipAuthentication.name)"
                     + "; active authentication \(checks.activeAuthentication.name)"
                     + (checks.qr == .absent ? "" : "; QR \(checks.qr.name)"))
        let reasons = Set(result.verdict.reasons)
        for problem in result.problems where !reasons.contains(problem) { lines.append("note \(problem)") }
        return lines
    }
}

/// The PC/SC readers as `cccd readers --json` prints them (`cccd-readers/1`).
public enum ReaderList {
    /// The readers PC/SC lists now, with their cards.
    ///
    /// - Throws: ``CCCDError/pcscUnavailable`` when pcscd is not running.
    public static func current() throws(CCCDError) -> [ReaderStatus] {
        do {
            return try PCSCContext().readerStatuses()
        } catch {
            throw CCCDError(error)
        }
    }

    /// The document: each reader with its index, name, whether a card is on it, and the card's ATR.
    public static func json(_ readers: [ReaderStatus]) -> JSONValue {
        .object([
            ("schema", .string(OutputSchema.readers.rawValue)),
            ("readers", .array(readers.enumerated().map { index, status in
                .object([("index", .integer(index)), ("name", .string(status.name)),
                         ("cardPresent", .bool(status.cardPresent)), ("exclusive", .bool(status.exclusive)),
                         ("atr", status.cardPresent ? .string(status.atr.hexString) : .null)])
            })),
        ])
    }
}

/// A failure as `--json` prints it (`cccd-error/1`): the stable code, the message, the exit code.
public enum ErrorReport {
    /// The document, with extra members (the dump, the reader, the verdict) after the required ones.
    public static func json(code: String, message: String, exit: Int32,
                            extra: [(String, JSONValue)] = []) -> JSONValue {
        .object([("schema", .string(OutputSchema.error.rawValue)), ("code", .string(code)),
                 ("message", .string(message)), ("exit", .integer(Int(exit)))] + extra)
    }

    /// The document of a classified error, with its verdict when it is about a card.
    public static func json(_ error: some ClassifiedError, extra: [(String, JSONValue)] = []) -> JSONValue {
        var members = extra
        if let failure = error as? CCCDError {
            if let step = failure.step { members.insert(("step", .string(step.description)), at: 0) }
            if let verdict = failure.verdict { members.insert(("verdict", .string(verdict.name)), at: 0) }
        }
        return json(code: error.code, message: error.description, exit: error.kind.exitCode, extra: members)
    }
}

/// ISO 8601 timestamps in UTC, second precision (`2026-11-22T10:00:00Z`).
public enum ISO8601 {
    /// The date as `2026-11-22T10:00:00Z`.
    public static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// `2026-11-22T10:00:00Z` (or with an offset) as a date; nil for anything else.
    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// A date-time, or a day (`2026-11-22`, midnight UTC): `--at`'s forms.
    public static func dateOrDay(_ text: String) -> Date? {
        if let date = date(text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        day.timeZone = TimeZone(identifier: "UTC")
        return day.date(from: text)
    }
}
