import CCCD
import Foundation

/// One read for the commands (`read`, `replay`, `level1`, `watch`): the library's session, its progress on stderr,
/// the trace saved when asked.
enum ReadRunner {
    /// Reads (or replays) and returns the result; a trace asked for is written even when the read fails.
    static func run(_ source: CardSource, key: AccessKey?, trust: TrustStore?, qr: CardQRCode?,
                    options: ReadOptions?, verbose: Bool, record: String?) async throws -> CardReadResult {
        var options = options
        if let record {
            options = options ?? ReadOptions()
            options?.record = true
            // Through PC/SC cccd cannot tell a real card from a virtual one (a vpcd reader may relay a phone's):
            // every reader read is warned about; a replay records nothing new.
            if case .reader = source {
                Standard.error("cccd: warning: \(record) will hold the card's access key (CAN or MRZ) and every "
                               + "answer of the chip: keep it private, record only test cards or with the holder's consent")
            }
        }
        let session = CardSession(source: source, key: key, trust: trust, qr: qr, options: options,
                                  apduLog: verbose ? ReadRunner.logAPDU : nil)
        let view = ProgressView(verbose: verbose)
        let watcher = Task {
            for await event in session.progress { view.show(event) }
        }
        do {
            let result = try await session.result
            await watcher.value
            view.clear()
            if let record { try save(session.recordedTrace, to: record) }
            return result
        } catch {
            await watcher.value
            view.clear()
            if let record { try? save(session.recordedTrace, to: record) }
            throw error
        }
    }

    /// `--verbose`'s APDU log on stderr: header, lengths, status word and time, never the data.
    @Sendable static func logAPDU(_ entry: APDULogEntry) {
        Standard.error("cccd: apdu \(entry)")
    }

    private static func save(_ trace: Trace?, to path: String) throws {
        guard let trace else { return }
        do {
            try trace.write(to: URL(fileURLWithPath: path))
        } catch {
            throw CCCDError.cannotWrite(path: path, reason: error.description)
        }
    }

    /// Prints a result: the `cccd-read/1` document on stdout, or the summary on stderr.
    static func print(_ result: CardReadResult, output: OutputOptions, portrait: Bool,
                      extra: [(String, JSONValue)] = []) {
        if output.isJSON {
            var document = CardReport.json(result, portrait: portrait)
            if case .object(let members) = document, !extra.isEmpty { document = .object(members + extra) }
            output.print(document)
        } else {
            for line in CardReport.lines(result) { Standard.error(line) }
        }
    }

    /// Ends a command by the verdict: exit 0, or the verdict's code with its reasons on stderr.
    static func exit(for verdict: CardVerdict, allowUnverified: Bool) throws {
        let code = verdict.exitCode(allowUnverified: allowUnverified)
        guard code != 0 else { return }
        var message = "\(verdict.name): " + verdict.reasons.map { reason in
            reason.code.rawValue + (reason.field.map { " \($0)" } ?? "")
        }.joined(separator: ", ")
        if verdict.reasons.contains(where: { $0.code == .noTrustAnchor }) && !allowUnverified {
            message += " (give --trust PATH, or --allow-unverified to accept an unverified chain)"
        }
        Standard.error("cccd: \(message)")
        throw Reported(exit: code)
    }
}

/// Progress on stderr for people: a bar per file on a terminal; with `--verbose`, a line per step (without
/// terminal escapes when stderr is not a terminal).
final class ProgressView: @unchecked Sendable {
    private let interactive = Standard.errorIsTerminal
    private let verbose: Bool
    private let lock = NSLock()

    init(verbose: Bool) {
        self.verbose = verbose
    }

    func show(_ event: ReadEvent) {
        lock.withLock {
            switch event.kind {
            case .waitingForCard(let reader):
                line("waiting for a card on \(reader ?? "any reader")…")
            case .cardFound(let reader):
                if verbose { line("card on \(reader)") }
            case .started(let step):
                if interactive, case .readFile = step {} else if interactive { transient("\(step)…") }
            case .progress(let file, let bytes, let total):
                guard interactive else { return }
                let width = 30
                let done = total == 0 ? width : min(width, bytes * width / total)
                let bar = String(repeating: "█", count: done) + String(repeating: "·", count: width - done)
                transient("\(file.name.padding(toLength: 14, withPad: " ", startingAt: 0)) \(bar) \(bytes)/\(total) B")
            case .finished(let step, let outcome):
                if verbose { line("\(step): \(outcome)") }
            case .skipped(let step, let reason):
                if verbose { line("\(step): skipped, \(reason)") }
            case .reopened(let step):
                line("the card slipped off during \(step); the session was re-opened")
            }
        }
    }

    func clear() {
        lock.withLock { if interactive { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) } }
    }

    private func transient(_ text: String) {
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
    }

    private func line(_ text: String) {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        Standard.error("cccd: \(text)")
    }
}
