import CCCD
import Foundation

/// The page's files (resources of this module, served from this origin only) and the HTML made from them.
enum DeskPage {
    /// A file the page loads.
    enum Asset: String, CaseIterable, Sendable {
        case script = "desk.js"
        case style = "desk.css"
        case reportStyle = "report.css"
        case reportScript = "report.js"

        var path: String { "/" + rawValue }

        var mediaType: String {
            rawValue.hasSuffix(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8"
        }

        var contents: String { DeskPage.resource(rawValue) }
    }

    /// A resource of the `Page` folder.
    static func resource(_ name: String) -> String {
        let base = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        guard let url = Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Page")
                ?? Bundle.module.url(forResource: base, withExtension: ext),
              let text = try? String(contentsOf: url, encoding: .utf8)
        else { return "" }
        return text
    }

    private static let template = resource("desk.html")

    /// The keys the page's script shows itself (the state carries the rest, already in the desk's language).
    static let pageKeys = DeskMessages.keys.filter { !$0.hasPrefix("problem.") && !$0.hasPrefix("watch.") }

    /// The page, with the launch token in `<meta name="cccd-token">` and the messages of `language` in
    /// `<meta name="cccd-messages">` (JSON, attribute-escaped: no inline script).
    static func page(language: DeskLanguage, token: String, operatorName: String?) -> String {
        let messages = JSONValue.object(pageKeys.map { ($0, .string(DeskMessages.text($0, language))) }).serialized()
        return template
            .replacingOccurrences(of: "{{lang}}", with: language.rawValue)
            .replacingOccurrences(of: "{{title}}", with: escape(DeskMessages.text("app.title", language)))
            .replacingOccurrences(of: "{{token}}", with: escape(token))
            .replacingOccurrences(of: "{{operator}}", with: escape(operatorName ?? ""))
            .replacingOccurrences(of: "{{messages}}", with: escape(messages))
            .replacingOccurrences(of: "{{inputLabel}}", with: escape(DeskMessages.text("input.label", language)))
            .replacingOccurrences(of: "{{inputPlaceholder}}", with: escape(DeskMessages.text("input.placeholder", language)))
            .replacingOccurrences(of: "{{status}}", with: escape(DeskMessages.text("status.waitingForSecret", language)))
    }

    /// Text safe in HTML content and quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// The printable report of the current card (A4, print stylesheet): the portrait, the verdict and its reasons, the
/// fields, chip against QR, the checks, the time, the reader and the operator. No script runs but the print button's.
enum DeskReport {
    static func html(attempt: DeskController.Attempt?, reader: String?, settings: DeskSettings) -> String {
        let language = settings.language
        let e = DeskPage.escape
        func t(_ key: String, _ values: [String: String] = [:]) -> String { e(DeskMessages.text(key, language, values)) }
        var body = "<h1>\(t("report.title"))</h1>\n"
        guard let attempt, let verdict = attempt.verdict else {
            body += "<p>\(t("report.none"))</p>\n"
            return wrap(body, language: language)
        }
        let state = DeskState.result(attempt, settings: settings)
        body += "<section class=\"verdict verdict-\(verdict.name)\"><div class=\"word\">"
            + e(DeskMessages.verdictLabel(verdict, language)) + "</div>"
        if !verdict.reasons.isEmpty {
            body += "<ol class=\"reasons\">"
            for reason in verdict.reasons {
                let words = DeskMessages.explain(reason, language)
                body += "<li><span class=\"code\">\(e(reason.code.rawValue))</span> \(e(words.message)) "
                    + "<em>\(e(words.action))</em></li>"
            }
            body += "</ol>"
        }
        body += "</section>\n"
        var facts: [(String, String)] = [
            (t("check.readAt"), e(attempt.result.map { ISO8601.string($0.readAt) }
                                   ?? attempt.endedAt.map(ISO8601.string) ?? "")),
            (t("check.reader"), e(attempt.result?.reader ?? reader ?? "")),
            (t("check.operator"), e(settings.operatorName ?? "—")),
        ]
        if let result = attempt.result {
            body += "<div class=\"person\">"
            if attempt.portraitJPEG != nil {
                body += "<img class=\"portrait\" alt=\"\(t("section.portrait"))\" src=\"/api/portrait?attempt=\(attempt.number)\">"
            }
            body += "<table class=\"fields\"><caption>\(t("section.fields"))</caption>"
            if case .object(let members) = result.record.fullJSON {
                for (key, value) in members {
                    guard case .string(var text) = value else { continue }
                    if key == "sex" { text = DeskMessages.text("sex.\(text)", language) }
                    if key.hasSuffix("Date") || key == "dateOfBirth" { text = text == "none" ? DeskMessages.text("validity.validForLife", language) : DeskMessages.date(text) }
                    body += "<tr><th>\(e(DeskMessages.fieldLabel(key, language)))</th><td>\(e(text))</td></tr>"
                }
            }
            body += "</table></div>\n"
            if case .object(let qr) = DeskState.comparison(result, qr: attempt.input.qr, language: language),
               case .array(let fields)? = qr.first(where: { $0.0 == "fields" })?.1, !fields.isEmpty {
                body += "<table class=\"compare\"><caption>\(t("section.compare"))</caption><tr><th>\(t("compare.field"))</th>"
                    + "<th>\(t("compare.chip"))</th><th>\(t("compare.qr"))</th><th></th></tr>"
                for case .object(let field) in fields {
                    func value(_ key: String) -> String {
                        if case .string(let s)? = field.first(where: { $0.0 == key })?.1 { return s }
                        return ""
                    }
                    let same = field.first(where: { $0.0 == "same" })?.1 == .bool(true)
                    body += "<tr class=\"\(same ? "same" : "different")\"><th>\(e(value("label")))</th><td>\(e(value("chip")))</td>"
                        + "<td>\(e(value("qr")))</td><td>\(same ? t("compare.same") : t("compare.different"))</td></tr>"
                }
                body += "</table>\n"
            }
            let checks = result.checks
            if case .object(let document)? = (state.objectMembers?.first { $0.0 == "document" }?.1),
               case .string(let validity)? = document.first(where: { $0.0 == "validityText" })?.1 {
                facts.insert((t("section.validity"), e(validity)), at: 0)
            }
            facts += [
                (t("check.access"), e(result.access?.description ?? "")),
                (t("check.passiveAuthentication"), t("outcome.\(checks.passive.verdict.name)")),
                (t("check.signer"), e(checks.passive.signer ?? "—")),
                (t("check.chipAuthentication"), t("outcome.\(checks.chipAuthentication.name)")),
                (t("check.activeAuthentication"), t("outcome.\(checks.activeAuthentication.name)")),
                (t("check.qr"), t("outcome.\(checks.qr.name)")),
            ]
            if let level1 = attempt.level1Saved { facts.append((t("section.level1"), e(level1))) }
        }
        body += "<table class=\"checks\"><caption>\(t("section.checks"))</caption>"
        for (label, value) in facts { body += "<tr><th>\(label)</th><td>\(value)</td></tr>" }
        body += "</table>\n"
        return wrap(body, language: language)
    }

    private static func wrap(_ body: String, language: DeskLanguage) -> String {
        let title = DeskPage.escape(DeskMessages.text("report.title", language))
        let print = DeskPage.escape(DeskMessages.text("button.report", language))
        return """
            <!doctype html>
            <html lang="\(language.rawValue)">
            <head><meta charset="utf-8"><title>\(title)</title>
            <link rel="stylesheet" href="/report.css"><script src="/report.js" defer></script></head>
            <body><button id="print" class="no-print" type="button">\(print)</button>
            \(body)</body>
            </html>
            """
    }
}

extension JSONValue {
    /// An object's members, or nil.
    var objectMembers: [(String, JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }
}
