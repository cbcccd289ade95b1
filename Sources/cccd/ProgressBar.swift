import CCCD
import Foundation
import ICAOSession
import LDS

/// Progress on stderr for people: a bar per file on a terminal, nothing when stderr is a pipe or file
/// (scripts get only the final line and JSON on stdout).
final class ProgressBar: ReadProgress {
    private let interactive = isatty(STDERR_FILENO) == 1
    private let verbose: Bool

    init(verbose: Bool = false) {
        self.verbose = verbose
    }

    func started(_ step: ReadStep) {
        guard verbose || interactive else { return }
        if case .file = step { return }
        write("\r\u{1B}[2K\(step)…")
    }

    func read(_ file: ElementaryFile, bytes: Int, of total: Int) {
        guard interactive else { return }
        let width = 30
        let done = total == 0 ? width : min(width, bytes * width / total)
        let bar = String(repeating: "█", count: done) + String(repeating: "·", count: width - done)
        write("\r\u{1B}[2K\(file.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(bar) \(bytes)/\(total) B")
    }

    func finished(_ step: ReadStep, outcome: String) {
        if interactive {
            write("\r\u{1B}[2K")
        }
        if verbose { Standard.error("cccd: \(step): \(outcome)") }
    }

    /// Clears the line, so the next message starts clean.
    func clear() {
        if interactive { write("\r\u{1B}[2K") }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
