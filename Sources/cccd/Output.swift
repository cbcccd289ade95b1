import ArgumentParser
import CCCD
import Foundation

/// `--json` and `--pretty`, the same on every command (`shared/CLI.md`): JSON on stdout, people's text on stderr.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON on stdout (one document, or one per line when there are several).")
    var json = false

    @Flag(name: .long, help: "Print JSON indented (implies --json).")
    var pretty = false

    /// Whether JSON goes to stdout.
    var isJSON: Bool { json || pretty }

    /// Prints a JSON document on stdout.
    func print(_ document: JSONValue) {
        Standard.output(document.serialized(pretty: pretty))
    }
}

/// The exit codes of `shared/CLI.md`, for the command line's own failures (the library's errors carry a
/// ``FailureKind``).
enum CCCDExit: Int32 {
    case success = 0, internalFailure = 1, usage = 2, noReaderOrCard = 3, accessDenied = 4, verificationFailed = 5,
         badInput = 6

    var kind: FailureKind {
        switch self {
        case .success, .internalFailure: return .bug
        case .usage: return .usage
        case .noReaderOrCard: return .link
        case .accessDenied: return .accessDenied
        case .verificationFailed: return .verification
        case .badInput: return .input
        }
    }
}

/// A failure of the command line itself, with its exit code.
struct CommandFailure: ClassifiedError {
    let exit: CCCDExit
    let message: String
    init(_ exit: CCCDExit, _ message: String) {
        self.exit = exit
        self.message = message
    }
    var kind: FailureKind { exit.kind }
    var code: String {
        switch exit {
        case .usage: return "USAGE"
        case .badInput: return "INPUT_UNREADABLE"
        case .noReaderOrCard: return "NO_READER_OR_CARD"
        case .accessDenied: return "ACCESS_DENIED"
        case .verificationFailed: return "VERIFICATION_FAILED"
        case .success, .internalFailure: return "INTERNAL"
        }
    }
    var description: String { message }
}

/// A failure already reported (its JSON and its line printed): only the exit code is left to give.
struct Reported: Error {
    let exit: Int32
}

/// Whether `--json` or `--pretty` is on the command line: failures then print `cccd-error/1` on stdout.
let jsonRequested = CommandLine.arguments.dropFirst().contains { $0 == "--json" || $0 == "--pretty" }

/// Whether `--pretty` is on the command line: `cccd-error/1` is then indented like every other document.
let prettyRequested = CommandLine.arguments.dropFirst().contains("--pretty")

/// Runs a command body; a failure leaves with one line on stderr, `cccd-error/1` on stdout under `--json`, and the
/// exit code of its kind. Nothing leaves with a stack trace or the wrong code.
func runCommand(json: Bool = jsonRequested, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        throw report(error, json: json)
    }
}

/// Synchronous commands (`qr`, `emulate`) go through the same reporting.
func runCommand(json: Bool = jsonRequested, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch {
        throw report(error, json: json)
    }
}

/// Prints a failure and returns the exit to throw.
///
/// - Parameter quiet: leave the English line off stderr (`watch` has said it in the officer's language).
func report(_ error: Error, json: Bool, extra: [(String, JSONValue)] = [], quiet: Bool = false) -> ExitCode {
    switch error {
    case let exit as ExitCode:
        return exit
    case let reported as Reported:
        return ExitCode(reported.exit)
    case let classified as any ClassifiedError:
        if !quiet { Standard.error("cccd: \(classified.description)") }
        if json { Standard.output(ErrorReport.json(classified, extra: extra).serialized(pretty: prettyRequested)) }
        return ExitCode(classified.kind.exitCode)
    default:
        let message = "unexpected failure: \(error). Please report it with the command you ran"
        Standard.error("cccd: \(message)")
        if json {
            Standard.output(ErrorReport.json(code: "INTERNAL", message: message, exit: FailureKind.bug.exitCode,
                                             extra: extra).serialized(pretty: prettyRequested))
        }
        return ExitCode(FailureKind.bug.exitCode)
    }
}

/// Writing to the standard streams: JSON to stdout, people's text to stderr.
enum Standard {
    /// Writes a line to stderr.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
    /// Writes a question on stderr, without a line end, for the answer typed after it.
    static func prompt(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
    /// Writes a line to stdout.
    static func output(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
    /// Whether stderr is a terminal (progress bars and escapes only then).
    static let errorIsTerminal = isatty(STDERR_FILENO) == 1
}
