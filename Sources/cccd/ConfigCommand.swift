import ArgumentParser
import CCCD
import CCCDConfiguration
import Foundation

/// `cccd config`: the effective configuration and where each value came from.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the effective configuration and where each value came from.",
        discussion: """
            The configuration is read from /etc/cccd/cccd.toml, then $XDG_CONFIG_HOME/cccd/cccd.toml \
            (~/.config/cccd/cccd.toml), then the command line, each overriding the one before. Keys: trust (a \
            path or a list of paths), out, log, reader, lang (vi or en), operator, retentionDays, listen \
            (HOST:PORT), tokenFile. Relative paths in a file are relative to its folder. An unknown key or a \
            value of the wrong type names the file and the key and exits 6. The options below show what a \
            command given them would use. $CCCD_SYSTEM_CONFIG names another system file.

            Examples:
              cccd config --json
              cccd config --lang en --operator "Trần Thị Bình" --json
            """
    )

    @Option(name: .long, help: ArgumentHelp("A trust path, as --trust of the reading commands (repeatable).", valueName: "PATH"))
    var trust: [String] = []

    @Option(name: .long, help: ArgumentHelp("The folder saved cards go to.", valueName: "DIR"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("The audit log file.", valueName: "FILE"))
    var log: String?

    @Option(name: .long, help: "The reader: a name, a unique part of one, or an index.")
    var reader: String?

    @Option(name: .long, help: "The officer's language: vi or en.")
    var lang: String?

    @Option(name: .customLong("operator"), help: "Who works at the desk, as the audit log names them.")
    var operatorName: String?

    @Option(name: .customLong("retention-days"), help: "Days saved cards and log entries are kept.")
    var retentionDays: Int?

    @Option(name: .long, help: ArgumentHelp("Where cccd desk listens.", valueName: "HOST:PORT"))
    var listen: String?

    @Option(name: .customLong("token-file"), help: ArgumentHelp("The desk's access token file.", valueName: "FILE"))
    var tokenFile: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        try runCommand(json: output.isJSON) {
            let settings = try CCCDConfiguration.load(overrides: .init(
                trust: trust, out: out, log: log, reader: reader, lang: lang, operatorName: operatorName,
                retentionDays: retentionDays, listen: listen, tokenFile: tokenFile))
            if output.isJSON {
                output.print(settings.json)
            } else {
                let files = settings.filesRead.isEmpty ? "none" : settings.filesRead.joined(separator: ", ")
                Standard.output("# files read: \(files)")
                for line in settings.lines { Standard.output(line) }
            }
        }
    }
}
