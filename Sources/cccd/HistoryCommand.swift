import ArgumentParser
import CCCD
import CCCDConfiguration
import DeskRecord
import Foundation

/// `cccd history`: the audit log, every attempt accepted or not, newest last.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show the desk's audit log: every attempt, accepted or not, newest last.",
        discussion: """
            Each entry: the time, the command (read, level1, watch, desk, or a purge), the reader, the operator, \
            the kind of key given (never the key), the holder's ID number and name when known, the verdict and \
            its reasons, the error, the exit code, and the folder the card was saved in with the SHA-256 of its \
            files. A table on a terminal; --json gives one cccd-attempt/1 line per entry, --csv RFC 4180 CSV \
            (cells a spreadsheet would run as formulas are prefixed with '). DATE is 2025-06-02 (a day of this \
            machine's time zone: --until includes it) or 2025-06-02T09:00:00Z. The log is the configuration's \
            `log` (--log FILE for another).

            Examples:
              cccd history --json
              cccd history --since 2025-06-01 --verdict reject --csv
            """
    )

    @Option(name: .long, help: ArgumentHelp("Entries from this day or time on.", valueName: "DATE"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Entries up to this day (included) or before this time.", valueName: "DATE"))
    var until: String?

    @Option(name: .long, help: ArgumentHelp("Only this 12-digit ID number's attempts.", valueName: "ID"))
    var id: String?

    @Option(name: .long, help: ArgumentHelp("Only attempts with this verdict: accept, reject or retry.", valueName: "V"))
    var verdict: String?

    @Flag(name: .long, help: "Print RFC 4180 CSV on stdout.")
    var csv = false

    @Option(name: .long, help: ArgumentHelp("The audit log to read (default: the configuration's log).", valueName: "FILE"))
    var log: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if csv && output.isJSON { throw ValidationError("give --json or --csv, not both") }
    }

    func run() throws {
        try runCommand(json: output.isJSON) {
            let filter = HistoryFilter(since: try since.map { try Self.date($0, endOfDay: false, option: "--since") },
                                       until: try until.map { try Self.date($0, endOfDay: true, option: "--until") },
                                       personalIdNumber: try id.map(Self.personalIdNumber),
                                       verdict: try verdict.map(Self.verdictName))
            let path = try CCCDConfiguration.load(overrides: .init(log: log)).log.value
            let entries: [AttemptEntry]
            if FileManager.default.fileExists(atPath: path) {
                entries = try AuditLog(path: path, create: false).entries(filter)
            } else {
                entries = []
            }
            if output.isJSON {
                for entry in entries { output.print(entry.json) }
            } else if csv {
                FileHandle.standardOutput.write(Data(HistoryFormat.csv(entries).utf8))
            } else if entries.isEmpty {
                Standard.error("no attempts in \(path)" + (filter == HistoryFilter() ? "" : " match"))
            } else {
                for line in HistoryFormat.table(entries) { Standard.output(line) }
            }
        }
    }

    /// A day (midnight of this machine's time zone; with `endOfDay`, the next midnight) or a date-time.
    static func date(_ text: String, endOfDay: Bool, option: String) throws -> Date {
        if let date = ISO8601.date(text) { return date }
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = .current
        day.dateFormat = "yyyy-MM-dd"
        guard text.count == 10, let start = day.date(from: text) else {
            throw CommandFailure(.usage, "\(option) \(text) is not a day (2025-06-02) or a time (2025-06-02T09:00:00Z)")
        }
        return endOfDay ? Calendar.current.date(byAdding: .day, value: 1, to: start)! : start
    }

    static func personalIdNumber(_ text: String) throws -> String {
        guard text.count == 12, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw CommandFailure(.usage, "--id \(text) is not a 12-digit ID number")
        }
        return text
    }

    static func verdictName(_ text: String) throws -> String {
        guard ["accept", "reject", "retry"].contains(text) else {
            throw CommandFailure(.usage, "--verdict \(text) is not accept, reject or retry")
        }
        return text
    }
}
