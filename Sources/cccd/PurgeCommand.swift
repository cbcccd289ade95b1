import ArgumentParser
import CCCD
import CCCDConfiguration
import DeskRecord
import Foundation

/// `cccd purge`: saved cards and log entries past the retention period.
struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Delete saved cards and audit-log entries past the retention period (the purge is logged).",
        discussion: """
            Removes every saved card (under the configuration's out, rejected/ included) read more than DAYS days \
            ago, and every log entry older than that, then logs the purge itself with what it removed. DAYS is \
            --older-than, else the configuration's retentionDays; without either, nothing is removed (exit 2). \
            Only folders that are card dumps are ever removed. cccd desk runs the same purge when it starts.

            Examples:
              cccd purge --older-than 90 --json
            """
    )

    @Option(name: .customLong("older-than"), help: ArgumentHelp("Remove what is older than this many days.", valueName: "DAYS"))
    var olderThan: Int?

    @OptionGroup var output: OutputOptions

    func run() throws {
        try runCommand(json: output.isJSON) {
            let settings = try CCCDConfiguration.load(overrides: .init(retentionDays: olderThan))
            guard let days = settings.retentionDays.value else { throw RecordError.noRetentionPeriod }
            let entry = try AttemptRecorder(configuration: settings).purge(olderThan: days)
            if output.isJSON {
                output.print(entry.json)
            } else if let purge = entry.purge {
                Standard.error("purged \(purge.cards) saved cards and \(purge.entries) log entries older than "
                               + "\(days) days (before \(ISO8601.string(purge.before)))")
            }
        }
    }
}
