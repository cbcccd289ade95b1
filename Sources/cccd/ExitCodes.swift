import ArgumentParser
import Foundation

/// The exit codes of `shared/CLI.md`.
enum CCCDExit: Int32 {
    /// Done, and everything verified that could be.
    case success = 0
    /// An unexpected failure (a bug).
    case internalFailure = 1
    /// Bad usage.
    case usage = 2
    /// No reader, no card, or the card was removed.
    case noReaderOrCard = 3
    /// The chip refused access: wrong CAN or MRZ.
    case accessDenied = 4
    /// Read, but verification failed.
    case verificationFailed = 5
    /// An input file is unreadable or malformed.
    case badInput = 6
}

/// A failure that ends the command with one line on stderr and a documented exit code.
struct CommandFailure: Error {
    let exit: CCCDExit
    let message: String
    init(_ exit: CCCDExit, _ message: String) {
        self.exit = exit
        self.message = message
    }
}

/// Runs a command body, turning a ``CommandFailure`` into its line on stderr and its exit code.
/// Every subcommand's `run()` goes through this, so no failure leaves with a stack trace or the wrong code.
func runCommand(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as CommandFailure {
        Standard.error("cccd: \(failure.message)")
        throw ExitCode(failure.exit.rawValue)
    } catch let exit as ExitCode {
        throw exit
    } catch {
        Standard.error("cccd: unexpected failure: \(error). Please report this with the command you ran.")
        throw ExitCode(CCCDExit.internalFailure.rawValue)
    }
}

/// Writing to the standard streams: JSON to stdout, people's text to stderr.
enum Standard {
    /// Writes a line to stderr.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
    /// Writes a line to stdout.
    static func output(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
