import ArgumentParser
import Foundation

/// The `cccd` command line: see `shared/CLI.md` for the contract.
@main
struct CCCDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cccd",
        abstract: "Read Vietnam's chip identity card (CCCD / Căn cước) on PC/SC readers.",
        discussion: """
            Exit codes: 0 done and verified, 1 unexpected failure, 2 bad usage, 3 no reader/card or card removed,
            4 the chip refused access, 5 verification failed, 6 an input file is unreadable or malformed.
            """,
        subcommands: [ReadCommand.self, Level1Command.self, QRCommand.self, ReplayCommand.self, WatchCommand.self,
                      VerifyCommand.self, ReadersCommand.self, EmulateCommand.self]
    )

    /// Parses and runs, mapping the argument parser's usage errors to exit code 2 with a one-line message.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad usage"
                let sub = arguments.first { !$0.hasPrefix("-") }.map { " \($0)" } ?? ""
                Standard.error("cccd: \(message) (see 'cccd\(sub) --help')")
                Foundation.exit(CCCDExit.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
