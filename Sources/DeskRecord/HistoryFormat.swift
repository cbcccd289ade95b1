import CCCD
import Foundation

/// The audit log as `cccd history` prints it: a table for people, `cccd-attempt/1` lines, or CSV.
public enum HistoryFormat {
    // MARK: CSV.

    /// RFC 4180 CSV: a header line, then one line per entry, lines ended by CRLF; a cell holding `"`, `,`, CR or
    /// LF is quoted, its quotes doubled. A cell a spreadsheet would take for a formula (starting with `=`, `+`,
    /// `-`, `@`, a tab or CR) gets a leading `'` (OWASP's CSV-injection guard): a chip or QR that says
    /// `=HYPERLINK(…)` is shown as text, never run.
    public static func csv(_ entries: [AttemptEntry]) -> String {
        ([AttemptEntry.csvHeader] + entries.map(\.csvCells))
            .map { $0.map(csvCell).joined(separator: ",") + "\r\n" }.joined()
    }

    /// One CSV cell, guarded and quoted.
    public static func csvCell(_ text: String) -> String {
        var cell = text
        if let first = cell.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { cell = "'" + cell }
        guard cell.contains(where: { $0 == "\"" || $0 == "," || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return cell
        }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: The table.

    /// A table for people, one line per entry, newest last: the time in the machine's time zone, the command, the
    /// verdict (or the error), the ID, the name, the reasons. Control characters a chip or QR could carry are
    /// shown as `?`, so no terminal escape is ever printed; cells wider than their column are cut with `…`.
    public static func table(_ entries: [AttemptEntry], timeZone: TimeZone = .current) -> [String] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let header = ["#", "time", "command", "verdict", "ID", "name", "reasons / result", "exit", "operator"]
        let rows: [[String]] = entries.map { entry in
            let outcome: String
            if let purge = entry.purge {
                outcome = "removed \(purge.entries) entries, \(purge.cards) cards before \(ISO8601.string(purge.before))"
            } else {
                outcome = entry.reasonsText.isEmpty ? (entry.error ?? (entry.saved.map { "saved \($0)" } ?? ""))
                    : entry.reasonsText
            }
            return [entry.id.map(String.init) ?? "", formatter.string(from: entry.time), entry.command.rawValue,
                    entry.verdict ?? (entry.command == .purge ? "" : "error"), entry.personalIdNumber ?? "",
                    entry.fullName ?? "", outcome, String(entry.exitCode), entry.operatorName].map(printable)
        }
        let limits = [8, 19, 7, 7, 12, 28, 60, 4, 20]
        let widths = header.indices.map { column in
            min(limits[column], ([header] + rows).map { $0[column].count }.max() ?? 0)
        }
        return ([header] + rows).map { row in
            row.indices.map { column in
                let cell = row[column].count > widths[column]
                    ? String(row[column].prefix(widths[column] - 1)) + "…" : row[column]
                return cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
    }

    /// The text with every control character (C0, DEL, C1, and the bidirectional overrides) replaced by `?`.
    public static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            let value = scalar.value
            let control = value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
                || (0x2066...0x2069).contains(value)
            return control ? "?" : scalar
        }))
    }
}
