import CCCD
import Foundation

/// The desk's state as `cccd-desk/1` (`shared/CLI.md`, `Schemas/cccd-desk-1.schema.json`): what `GET /api/state`
/// answers and each server-sent event carries. Every text the officer reads is in the desk's language, from
/// ``DeskMessages``.
enum DeskState {
    static func json(phase: DeskPhase, progress: Double, reader: String?, cardPresent: Bool, cardLifted: Bool,
                     settings: DeskSettings, attemptNumber: Int, attempt: DeskController.Attempt?,
                     refusal: DeskRefusal?) -> JSONValue {
        let language = settings.language
        let status = statusKey(phase: phase, cardPresent: cardPresent, cardLifted: cardLifted)
        let name = attempt?.result?.record.fullName ?? attempt?.input.qr?.fullName
        let readerText = reader ?? DeskMessages.text("check.reader", language).lowercased()
        var values = ["reader": readerText, "name": name ?? "", "percent": String(Int(progress * 100))]
        if status == "status.waitingForCard" && name == nil { values["name"] = "" }
        let statusText = DeskMessages.text(status == "status.waitingForCard" && name == nil
                                           ? "status.waitingForCardAnyone" : status, language, values)
        var refusalJSON: JSONValue = .null
        if let refusal {
            refusalJSON = .object([("code", .string(refusal.code)), ("message", .string(refusal.message(language)))])
        }
        return .object([
            ("schema", .string(OutputSchema.desk.rawValue)),
            ("state", .string(phase.rawValue)),
            ("progress", .decimal(progress, places: 2)),
            ("reader", .optional(reader)),
            ("cardPresent", .bool(cardPresent)),
            ("cardLifted", .bool(cardLifted)),
            ("language", .string(language.rawValue)),
            ("operator", .optional(settings.operatorName)),
            ("attempt", .integer(attemptNumber)),
            ("status", .object([("code", .string(String(status.dropFirst("status.".count)))),
                                ("message", .string(statusText))])),
            ("refusal", refusalJSON),
            ("result", attempt.map { result($0, settings: settings) } ?? .null),
        ])
    }

    /// The status line's key for where the desk is.
    static func statusKey(phase: DeskPhase, cardPresent: Bool, cardLifted: Bool) -> String {
        switch phase {
        case .waitingForSecret: return cardPresent ? "status.cardWaitingForSecret" : "status.waitingForSecret"
        case .waitingForCard: return "status.waitingForCard"
        case .reading: return cardLifted ? "status.cardLifted" : "status.reading"
        case .awaitingContact: return "status.awaitingContact"
        case .done: return "status.done"
        case .error: return "status.error"
        }
    }

    /// The attempt's result: null members until the read ends; for a failed attempt, the verdict and its reasons.
    static func result(_ attempt: DeskController.Attempt, settings: DeskSettings) -> JSONValue {
        let language = settings.language
        guard let verdict = attempt.verdict else { return .null }
        let reasons = verdict.reasons
        var notices: [Problem] = []
        if let result = attempt.result {
            notices = result.problems.filter { problem in problem.kind == .notice && !reasons.contains(problem) }
        }
        var members: [(String, JSONValue)] = [
            ("verdict", .string(verdict.name)),
            ("label", .string(DeskMessages.verdictLabel(verdict, language))),
            ("hint", .string(DeskMessages.text("verdict.\(verdict.name).hint", language))),
            ("unverified", .bool(verdict.isUnverifiedOnly(allowUnverified: settings.allowUnverified))),
            ("reasons", .array(reasons.map { explained($0, language) })),
            ("notices", .array(notices.map { explained($0, language) })),
        ]
        guard let result = attempt.result else {
            members += [("readAt", .optional(attempt.endedAt.map(ISO8601.string))), ("reader", .null),
                        ("subject", .null), ("document", .null), ("qr", .null), ("checks", .null),
                        ("portrait", .null), ("saved", .null), ("saveError", .null), ("level1", .null),
                        ("level1Saved", .null)]
            return .object(members)
        }
        let record = result.record
        let checks = result.checks
        let validityText: String
        switch checks.validity {
        case .valid(let until): validityText = DeskMessages.text("validity.valid", language, ["date": DeskMessages.date(until.iso8601)])
        case .validForLife: validityText = DeskMessages.text("validity.validForLife", language)
        case .expired(let on): validityText = DeskMessages.text("validity.expired", language, ["date": DeskMessages.date(on.iso8601)])
        case .unknown: validityText = DeskMessages.text("validity.unknown", language)
        }
        var level1: JSONValue = .null
        if let payload = attempt.level1 { level1 = withoutPortraitBytes(payload.json) }
        members += [
            ("readAt", .string(ISO8601.string(result.readAt))),
            ("reader", .optional(result.reader)),
            ("subject", record.fullJSON),
            ("document", .object([("documentNumber", .optional(record.documentNumber)),
                                  ("issueDate", .optional(record.issueDate?.iso8601)),
                                  ("expiryDate", record.validForLife ? .string("none") : .optional(record.expiryDate?.iso8601)),
                                  ("validity", .string(checks.validity.name)),
                                  ("validityText", .string(validityText))])),
            ("qr", comparison(result, qr: attempt.input.qr, language: language)),
            ("checks", .object([("access", .optional(result.access?.description)),
                                ("passiveAuthentication", .string(checks.passive.verdict.name)),
                                ("signer", .optional(checks.passive.signer)),
                                ("trustAnchor", .optional(checks.passive.trustAnchor)),
                                ("chipAuthentication", .string(checks.chipAuthentication.name)),
                                ("activeAuthentication", .string(checks.activeAuthentication.name)),
                                ("qr", .string(checks.qr.name)),
                                ("validity", .string(checks.validity.name))])),
            ("portrait", attempt.portraitJPEG == nil ? .null : .string("/api/portrait?attempt=\(attempt.number)")),
            ("saved", .optional(attempt.saved)),
            ("saveError", .optional(attempt.saveError.map {
                DeskMessages.text("status.notSaved", language, ["reason": $0])
            })),
            ("level1", level1),
            ("level1Saved", .optional(attempt.level1Saved)),
        ]
        return .object(members)
    }

    /// A problem with its plain words and what to do next.
    static func explained(_ problem: Problem, _ language: DeskLanguage) -> JSONValue {
        let words = DeskMessages.explain(problem, language)
        var members: [(String, JSONValue)] = [("code", .string(problem.code.rawValue))]
        if let field = problem.field { members.append(("field", .string(field))) }
        if let chip = problem.chip { members.append(("chip", .string(chip))) }
        if let qr = problem.qr { members.append(("qr", .string(qr))) }
        members += [("severity", .string(problem.severity)), ("message", .string(words.message)),
                    ("action", .string(words.action))]
        return .object(members)
    }

    /// Chip against QR, field by field, both values side by side; a field differs where the library's cross-check
    /// says so (a `QR_MISMATCH` naming it), never by the page's own comparison.
    static func comparison(_ result: CardReadResult, qr: CardQRCode?, language: DeskLanguage) -> JSONValue {
        guard let qr else { return .object([("status", .string("absent")), ("fields", .array([]))]) }
        var different: Set<String> = []
        if case .mismatched(let problems) = result.checks.qr {
            different = Set(problems.compactMap(\.field))
        }
        var chipValues: [String: String] = [:]
        if case .object(let members) = result.record.fullJSON {
            for (key, value) in members { if case .string(let text) = value { chipValues[key] = text } }
        }
        let fields = qr.namedFields.map { field -> JSONValue in
            .object([("field", .string(field.name)),
                     ("label", .string(DeskMessages.fieldLabel(field.name, language))),
                     ("chip", .optional(chipValues[field.name])),
                     ("qr", .string(field.value)),
                     ("same", .bool(!different.contains(field.name)))])
        }
        return .object([("status", .string(result.checks.qr.name)), ("fields", .array(fields))])
    }

    /// The payload as the page shows it: the portrait's hash, not its bytes.
    static func withoutPortraitBytes(_ payload: JSONValue) -> JSONValue {
        guard case .object(let members) = payload else { return payload }
        return .object(members.map { key, value in
            guard key == "portrait", case .object(let portrait) = value else { return (key, value) }
            return (key, .object(portrait.filter { $0.0 != "base64" }))
        })
    }
}
