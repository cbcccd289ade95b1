import ArgumentParser
import CCCD
import DeskRecord
import Foundation

/// `cccd watch`: the desk in a terminal. Each card's access secret comes as a line on stdin (the QR text typed by a
/// keyboard-wedge 2D scanner, a 12-digit ID, a CAN, or DOC,YYMMDD,YYMMDD); the card is read when it is on a
/// reader, verified and judged; the loop goes on until stdin ends or Ctrl-C.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Desk mode: read each card put on a reader, one result per card, until stopped.",
        discussion: """
            For each card: scan its QR with a keyboard-wedge scanner (or type the 12-digit ID or the CAN) and \
            press Enter, then put the card on the reader. cccd reads, verifies and gives the verdict (accept, \
            reject or retry, with the reasons), saves the card's files in a private folder under --out (rejected/ \
            for a card that failed verification) and logs the attempt (cccd history); with --json, \
            one cccd-read/1 line per card (with "saved"), or one cccd-error/1 line (with "verdict": "retry" for a \
            lifted card, a wrong CAN or no card in time). A bad line or a bad card gives one line and the loop \
            goes on. Readers may be plugged in and out. Ctrl-C or the end of input stops it (exit 0).

            Example:
              cccd watch --reader "Virtual PCD 00 00" --trust Vectors/pki/csca-a.pem \\
                  --out cards --json --no-portrait
            """
    )

    @OptionGroup var trust: TrustOptions
    @OptionGroup var reader: ReaderOption
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Save each card's files, portrait and card.json in a folder under this one (default: the configuration's out, $XDG_DATA_HOME/cccd/cards).",
                                            valueName: "DIR"))
    var out: String?

    @Option(name: .customLong("card-timeout"), help: "Seconds to wait for the card after its secret was given.")
    var cardTimeout: Int = 60

    @Flag(name: .customLong("no-portrait"), help: "Leave the portrait's base64 out of the JSON.")
    var noPortrait = false

    @Flag(name: .long, help: "Log each step and every APDU on stderr (never the access key or session keys).")
    var verbose = false

    func validate() throws {
        guard cardTimeout > 0 else { throw ValidationError("--card-timeout must be positive") }
    }

    func run() async throws {
        try await runCommand(json: output.isJSON) {
            let store = try trust.load()
            let selection = try reader.selection()
            let recorder = try AuditTrail.open(out: out)
            let current = CurrentSession()
            signal(SIGINT, SIG_IGN)
            let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            interrupt.setEventHandler {
                current.cancel()
                Standard.error("\ncccd: watch stopped")
                Foundation.exit(0)
            }
            interrupt.resume()
            Standard.error("cccd: watching for cards; scan the QR (or type the ID / CAN) and put the card on a reader")
            for await line in StandardInput.lines() {
                if line.trimmingCharacters(in: .whitespacesAndNewlines.union(["\u{FEFF}"])).isEmpty { continue }
                await handle(line, reader: selection, trust: store, recorder: recorder, current: current)
            }
            Standard.error("cccd: end of input; watch stopped")
        }
    }

    /// One card: never throws; every failure is one line and the loop goes on.
    private func handle(_ line: String, reader selection: ReaderSelection, trust: TrustStore?,
                        recorder: AttemptRecorder, current: CurrentSession) async {
        let input: CardInput
        do {
            input = try CardInput(parsing: line)
        } catch {
            _ = report(error, json: output.isJSON)
            return
        }
        let session = CardSession(source: .reader(selection, waitForCard: .seconds(cardTimeout)), key: input.key,
                                  trust: trust, qr: input.qr, apduLog: verbose ? ReadRunner.logAPDU : nil)
        current.set(session)
        defer { current.set(nil) }
        let view = ProgressView(verbose: verbose)
        let watcher = Task { for await event in session.progress { view.show(event) } }
        let result: CardReadResult
        do {
            result = try await session.result
            await watcher.value
            view.clear()
        } catch {
            await watcher.value
            view.clear()
            _ = report(AuditTrail.failed(error, recorder: recorder, command: .watch,
                                         reader: AuditTrail.readerName(selection), input: input),
                       json: output.isJSON)
            return
        }
        // Saved in the archive (rejected/ for a card that failed verification) and logged, in one step.
        var saved: String?
        do {
            saved = try recorder.record(.read(result), command: .watch, reader: nil, input: input,
                                        allowUnverified: self.trust.allowUnverified).saved
        } catch {
            Standard.error("cccd: the card was read but not saved or logged: \(error)")
        }
        ReadRunner.print(result, output: output, portrait: !noPortrait, extra: [("saved", .optional(saved))])
        if !output.isJSON {
            Standard.error(saved.map { "saved in \($0)" } ?? "not saved")
            Standard.error("")
        }
    }
}

/// The read in progress, for Ctrl-C to cancel.
final class CurrentSession: @unchecked Sendable {
    private let lock = NSLock()
    private var session: CardSession?

    func set(_ session: CardSession?) { lock.withLock { self.session = session } }

    func cancel() { lock.withLock { session }?.cancel() }
}

/// Lines of stdin, read on a thread of their own so the reads never block Swift's cooperative pool.
enum StandardInput {
    static func lines() -> AsyncStream<String> {
        AsyncStream { continuation in
            let thread = Thread {
                while let line = readLine(strippingNewline: true) { continuation.yield(line) }
                continuation.finish()
            }
            thread.start()
        }
    }
}
