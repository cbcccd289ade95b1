import ArgumentParser
import CCCD
import Foundation

/// The `cccd` command line: see `shared/CLI.md` for the contract. It parses arguments, calls the `CCCD` library and
/// prints; every decision (verdicts, exit codes, dumps, reader resolution) is the library's.
@main
struct CCCDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cccd",
        abstract: "Read Vietnam's chip identity card (CCCD / Căn cước) on PC/SC readers.",
        discussion: """
            Exit codes: 0 done and verified, 1 unexpected failure, 2 bad usage, 3 no reader/card or card removed, \
            4 the chip refused access, 5 verification failed, 6 an input file is unreadable or malformed. With \
            --json, a failure prints {"schema": "cccd-error/1", "code", "message", "exit"} on stdout too.
            """,
        // What the parser knows (help, completions, the manual); `--version` itself prints VersionInfo.text, whose
        // library versions are read at run time, only when asked.
        version: "cccd \(CCCDVersion.current)",
        subcommands: [ReadCommand.self, Level1Command.self, QRCommand.self, ReplayCommand.self, WatchCommand.self,
                      DeskCommand.self, VerifyCommand.self, ReadersCommand.self, EmulateCommand.self, ConfigCommand.self,
                      HistoryCommand.self, PurgeCommand.self]
    )

    /// Parses and runs; a usage error exits 2 with one line (and `cccd-error/1` under `--json`).
    static func main() async {
        // Whatever cccd creates (dumps, traces, payloads, the audit log) is its owner's alone.
        PrivateFiles.restrictUmask()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--version"] {
            Standard.output(VersionInfo.text)
            return
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad usage"
                let sub = arguments.first { !$0.hasPrefix("-") }.map { " \($0)" } ?? ""
                let failure = CommandFailure(.usage, "\(message) (see 'cccd\(sub) --help')")
                Foundation.exit(report(failure, json: jsonRequested).rawValue)
            }
            exit(withError: error)
        }
    }
}
