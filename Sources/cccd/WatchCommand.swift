import ArgumentParser
import CCCD
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
            reject or retry, with the reasons), and saves the card's files in a folder under --out; with --json, \
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

    @Option(name: .long, help: ArgumentHelp("Save each card's files, portrait and card.json in a folder under this one (default: $XDG_DATA_HOME/cccd/cards).",
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
            let folder = out ?? Self.defaultFolder
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
                await handle(line, trust: store, folder: folder, current: current)
            }
            Standard.error("cccd: end of input; watch stopped")
        }
    }

    /// One card: never throws; every failure is one line and the loop goes on.
    private func handle(_ line: String, trust: TrustStore?, folder: String, current: CurrentSession) async {
        let input: CardInput
        do {
            input = try CardInput(parsing: line)
        } catch {
            _ = report(error, json: output.isJSON)
            return
        }
        let session = CardSession(source: .reader(reader.selection, waitForCard: .seconds(cardTimeout)), key: input.key,
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
            _ = report(error, json: output.isJSON)
            return
        }
        let stamp = ISO8601.string(result.readAt).filter { $0 != ":" && $0 != "-" }
        let path = URL(fileURLWithPath: folder).appendingPathComponent("\(result.record.personalIdNumber ?? "card")-\(stamp)").path
        var saved: String?
        do {
            try CardDump(result).write(to: path)
            saved = path
        } catch {
            Standard.error("cccd: the card was read but not saved: \(error)")
        }
        ReadRunner.print(result, output: output, portrait: !noPortrait, extra: [("saved", .optional(saved))])
        if !output.isJSON {
            Standard.error(saved.map { "saved in \($0)" } ?? "not saved")
            Standard.error("")
        }
    }

    /// `$XDG_DATA_HOME/cccd/cards`, else `~/.local/share/cccd/cards`.
    static var defaultFolder: String {
        let environment = ProcessInfo.processInfo.environment
        let data = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share").path
        return URL(fileURLWithPath: data).appendingPathComponent("cccd/cards").path
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
