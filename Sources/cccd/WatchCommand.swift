import ArgumentParser
import CCCD
import CCCDConfiguration
import CCCDQR
import DeskRecord
import DeskServer
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
            press Enter, then put the card on the reader. cccd reads, verifies and gives the library's verdict \
            (CHẤP NHẬN / TỪ CHỐI / THỬ LẠI, or ACCEPT / REJECT / RETRY with --lang en) on stderr, timestamped, \
            naming the person and the reader, with each reason in plain words and what to do next (both values \
            of a QR mismatch; an expired card says so); a live status line on a terminal. It saves the card's \
            files in a private folder under --out (rejected/ for a card that failed verification) and logs the \
            attempt (cccd history). With --json, one cccd-read/1 line per card on stdout (with "saved"), \
            or one cccd-error/1 line (with "verdict": "retry" for a lifted card, a wrong CAN or no card in time). \
            With --level1, an accepted card asks for the phone (and the e-mail; an empty line skips it) on stdin \
            and saves the cccd-level1/1 payload as level1.json beside the card's files (and prints it with \
            --json). A bad line or a bad card gives one line and the loop goes on. Readers may be plugged in and \
            out. Ctrl-C or the end of input stops it (exit 0).

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

    @Option(name: .long, help: "The officer's language: vi (default) or en.")
    var lang: DeskLanguage?

    @Option(name: .customLong("operator"), help: "The officer's name, for the audit log.")
    var operatorName: String?

    @Flag(name: .long, help: "After an accepted card, ask for the phone and e-mail and save the level-1 payload.")
    var level1 = false

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
            let configuration = try CCCDConfiguration.load(overrides: .init(out: out, lang: lang?.rawValue,
                                                                            operatorName: operatorName))
            let language = DeskLanguage(configuration.lang.value)
            // The log and the archive, opened before any card is touched: a log that cannot be written stops here.
            let recorder = try AttemptRecorder(configuration: configuration)
            let current = CurrentSession()
            signal(SIGINT, SIG_IGN)
            let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            interrupt.setEventHandler {
                current.cancel()
                Standard.error("\n" + WatchDisplay.stamp() + DeskMessages.text("status.stopped", language))
                Foundation.exit(0)
            }
            interrupt.resume()
            Standard.error(WatchDisplay.stamp() + DeskMessages.text("status.watching", language))
            var lines = StandardInput.lines().makeAsyncIterator()
            while let line = await lines.next() {
                if line.trimmingCharacters(in: .whitespacesAndNewlines.union(["\u{FEFF}"])).isEmpty { continue }
                await handle(line, reader: selection, store: store, recorder: recorder, language: language,
                             current: current, lines: &lines)
            }
            Standard.error(WatchDisplay.stamp() + DeskMessages.text("status.stopped", language))
        }
    }

    /// One card: never throws; every failure is one line and the loop goes on.
    private func handle(_ line: String, reader selection: ReaderSelection, store: TrustStore?,
                        recorder: AttemptRecorder, language: DeskLanguage, current: CurrentSession,
                        lines: inout AsyncStream<String>.Iterator) async {
        let display = WatchDisplay(language: language, verbose: verbose, readerQuery: reader.reader)
        let input: CardInput
        do {
            input = try CardInput(parsing: line)
        } catch {
            display.refused(error)
            _ = report(error, json: output.isJSON, quiet: true)
            return
        }
        let session = CardSession(source: .reader(selection, waitForCard: .seconds(cardTimeout)), key: input.key,
                                  trust: store, qr: input.qr, apduLog: verbose ? ReadRunner.logAPDU : nil)
        current.set(session)
        defer { current.set(nil) }
        display.begin(name: input.qr?.fullName)
        let watcher = Task { for await event in session.progress { display.show(event) } }
        let result: CardReadResult
        do {
            result = try await session.result
            await watcher.value
            display.clear()
        } catch {
            await watcher.value
            display.clear()
            display.failed(error, verdict: await session.verdict)
            _ = report(AuditTrail.failed(error, recorder: recorder, command: .watch,
                                         reader: AuditTrail.readerName(selection), input: input),
                       json: output.isJSON, quiet: true)
            return
        }
        // Saved in the archive (rejected/ for a card that failed verification) and logged, in one step.
        var attempt: AttemptRecorder.RecordedAttempt?
        do {
            attempt = try recorder.record(.read(result), command: .watch, reader: nil, input: input,
                                          allowUnverified: trust.allowUnverified)
        } catch {
            Standard.error(WatchDisplay.stamp() + DeskMessages.text("status.notSaved", language,
                                                                    ["reason": "\(error)"]))
        }
        let saved = attempt?.saved
        display.result(result, saved: saved, allowUnverified: trust.allowUnverified)
        if output.isJSON {
            ReadRunner.print(result, output: output, portrait: !noPortrait, extra: [("saved", .optional(saved))])
        }
        let proceeds = result.verdict == .accept
            || result.verdict.isUnverifiedOnly(allowUnverified: trust.allowUnverified)
        if level1 && proceeds {
            await askContact(for: result, attempt: attempt, recorder: recorder, language: language, lines: &lines)
        }
        Standard.error("")
    }

    /// The contact step: the phone (asked again until it is valid, or an empty line gives up) and the e-mail (an
    /// empty line skips it), then the payload saved beside the card's files.
    private func askContact(for result: CardReadResult, attempt: AttemptRecorder.RecordedAttempt?,
                            recorder: AttemptRecorder, language: DeskLanguage,
                            lines: inout AsyncStream<String>.Iterator) async {
        let name = result.record.fullName ?? ""
        var contact: Level1Payload.Contact?
        while contact == nil {
            Standard.prompt(DeskMessages.text("contact.prompt.phone", language, ["name": name]))
            guard let phone = await lines.next(), !phone.trimmingCharacters(in: .whitespaces).isEmpty else { return }
            do {
                _ = try ContactCheck.e164(phone)
            } catch {
                Standard.error(DeskRefusal.contact(error).message(language))
                continue
            }
            var email: String?
            while true {
                Standard.prompt(DeskMessages.text("contact.prompt.email", language))
                guard let line = await lines.next() else { return }
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.isEmpty { break }
                do {
                    email = try ContactCheck.email(text)
                    break
                } catch {
                    Standard.error(DeskRefusal.contact(error).message(language))
                }
            }
            contact = try? Level1Payload.Contact(phone: phone, email: email)
        }
        guard let contact else { return }
        do {
            let payload = try Level1Payload(result: result, contact: contact, allowUnverified: trust.allowUnverified) {
                portrait throws in try PortraitTranscoder.jpeg(from: portrait.bytes).jpeg
            }
            var path: String?
            if let attempt, let saved = attempt.saved {
                do {
                    try recorder.savePayload(payload.json, for: attempt)
                    path = saved + "/level1.json"
                } catch {
                    Standard.error(WatchDisplay.stamp() + DeskMessages.text("status.notSaved", language,
                                                                            ["reason": "\(error)"]))
                }
            }
            if output.isJSON { output.print(payload.json) }
            Standard.error(WatchDisplay.stamp() + DeskMessages.text("status.level1Saved", language,
                                                                    ["path": path ?? "—"]))
        } catch {
            let words = DeskMessages.explain(code: error.code, language: language)
            Standard.error(WatchDisplay.stamp() + words.message + " " + words.action)
        }
    }
}

/// What `cccd watch` shows the officer on stderr, in their language: a live status line on a terminal (plain
/// lines, without escapes, when stderr is not one), and for each card a timestamped verdict naming the person and
/// the reader, each reason with what to do next, and the validity.
final class WatchDisplay: @unchecked Sendable {
    private let language: DeskLanguage
    private let interactive = Standard.errorIsTerminal
    private let verbose: Bool
    private let lock = NSLock()
    private var reader: String?
    private var name: String?
    private var lastStatus: String?

    init(language: DeskLanguage, verbose: Bool, readerQuery: String?) {
        self.language = language
        self.verbose = verbose
        self.reader = readerQuery
    }

    /// `[10:02:03] ` in local time.
    static func stamp(_ date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        return "[\(formatter.string(from: date))] "
    }

    func begin(name: String?) {
        lock.withLock { self.name = name }
    }

    func show(_ event: ReadEvent) {
        lock.withLock {
            switch event.kind {
            case .waitingForCard(let reader):
                if let reader { self.reader = reader }
                status(waitingText())
            case .cardFound(let reader):
                self.reader = reader
                status(DeskMessages.text("status.reading", language, ["reader": reader, "percent": "0"]))
            case .progress, .started:
                guard interactive else { return }
                status(DeskMessages.text("status.reading", language,
                                         ["reader": reader ?? "", "percent": String(Int(event.fraction * 100))]))
            case .finished(let step, let outcome):
                if verbose { line("\(step): \(outcome)") }
            case .skipped(let step, let reason):
                if verbose { line("\(step): \(reason)") }
            case .reopened(let step):
                line(DeskMessages.text("status.cardLifted", language, ["reader": reader ?? ""]) + " (\(step))")
            }
        }
    }

    private func waitingText() -> String {
        let reader = self.reader ?? DeskMessages.text("check.reader", language).lowercased()
        if let name { return DeskMessages.text("status.waitingForCard", language, ["name": name, "reader": reader]) }
        return DeskMessages.text("status.waitingForCardAnyone", language, ["reader": reader])
    }

    /// On a terminal the status line is rewritten in place; elsewhere each new status is one plain line.
    private func status(_ text: String) {
        guard text != lastStatus else { return }
        lastStatus = text
        if interactive {
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(WatchDisplay.stamp())\(text)".utf8))
        } else {
            Standard.error(WatchDisplay.stamp() + text)
        }
    }

    private func line(_ text: String) {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        Standard.error(WatchDisplay.stamp() + text)
    }

    func clear() {
        lock.withLock {
            if interactive && lastStatus != nil { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            lastStatus = nil
        }
    }

    func refused(_ error: CCCDError) {
        let words = DeskMessages.explain(code: error.code, language: language)
        Standard.error(WatchDisplay.stamp() + DeskMessages.text("status.inputRefused", language,
                                                                ["reason": words.message]))
        Standard.error("    " + DeskMessages.text("watch.todo", language, ["action": words.action]))
    }

    func failed(_ error: CCCDError, verdict: CardVerdict) {
        let readerName = lock.withLock { reader } ?? "—"
        Standard.error(WatchDisplay.stamp() + DeskMessages.text("watch.line.failure", language, [
            "verdict": DeskMessages.verdictLabel(verdict, language), "reader": readerName]))
        reasons(verdict.reasons)
    }

    func result(_ result: CardReadResult, saved: String?, allowUnverified: Bool) {
        let record = result.record
        let verdict = result.verdict
        var word = DeskMessages.verdictLabel(verdict, language)
        if verdict.isUnverifiedOnly(allowUnverified: allowUnverified) {
            word += " (" + DeskMessages.text("verdict.unverified", language) + ")"
        }
        Standard.error(WatchDisplay.stamp(result.readAt) + DeskMessages.text("watch.line.result", language, [
            "verdict": word, "name": record.fullName ?? "?", "id": record.personalIdNumber ?? "?",
            "reader": result.reader ?? lock.withLock { reader } ?? "—"]))
        reasons(verdict.reasons)
        let validity: String
        switch result.checks.validity {
        case .valid(let until):
            validity = DeskMessages.text("validity.valid", language, ["date": DeskMessages.date(until.iso8601)])
        case .validForLife: validity = DeskMessages.text("validity.validForLife", language)
        case .expired(let on):
            validity = DeskMessages.text("validity.expired", language, ["date": DeskMessages.date(on.iso8601)])
        case .unknown: validity = DeskMessages.text("validity.unknown", language)
        }
        Standard.error("    " + DeskMessages.text("section.validity", language) + ": " + validity)
        if let saved { Standard.error("    " + DeskMessages.text("status.saved", language, ["path": saved])) }
    }

    private func reasons(_ problems: [Problem]) {
        for problem in problems {
            let words = DeskMessages.explain(problem, language)
            Standard.error("  • \(words.message) [\(problem.code.rawValue)]")
            Standard.error("    " + DeskMessages.text("watch.todo", language, ["action": words.action]))
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
