import ArgumentParser
import CCCD
import CCCDConfiguration
import DeskRecord
import DeskServer
import Foundation

/// `cccd desk`: the desk as a local web page (`shared/CLI.md`, "The desk page").
struct DeskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "desk",
        abstract: "The desk as a local web page: QR or ID in, card on the reader, a verdict, the phone, the level-1 payload.",
        discussion: """
            Serves the desk page on --listen (127.0.0.1:8080 by default) and prints its address on stderr; open it \
            in a browser on this machine. Scan the card's QR with a keyboard-wedge scanner into the page (or type \
            the 12-digit ID, the CAN or DOC,YYMMDD,YYMMDD), put the card on the reader: the page shows the progress, \
            then the verdict (CHẤP NHẬN / TỪ CHỐI / THỬ LẠI; ACCEPT / REJECT / RETRY with --lang en) with each \
            reason and what to do next, the portrait, every field, chip against QR side by side, the validity. An \
            accepted card asks for the phone and e-mail and saves the cccd-level1/1 payload as level1.json beside \
            the card's files (one private folder per card under --out, rejected/ for a card that failed verification); every attempt \
            goes into the audit log (cccd history), and cards past retentionDays are purged at start. /report is \
            the printable report.

            The page is for this machine only: a --listen address other than 127.0.0.0/8 or ::1 needs --token-file \
            (a file only its owner may read, one line of 32 characters or more), and then every request needs that \
            token (open http://HOST:PORT/?token=TOKEN once). Requests that change the desk need the launch token \
            (X-CCCD-Token) and the page's own origin. Ctrl-C stops it (exit 0).

            Example:
              cccd desk --reader "Virtual PCD 00 00" --trust Vectors/pki/csca-a.pem \\
                  --listen 127.0.0.1:8080 --operator "Nguyễn Thị Hoa"
            """
    )

    @OptionGroup var trust: TrustOptions
    @OptionGroup var reader: ReaderOption

    @Option(name: .long, help: ArgumentHelp("The address and port to serve the page on (default: the configuration's listen, 127.0.0.1:8080).", valueName: "HOST:PORT"))
    var listen: String?

    @Option(name: .long, help: "The officer's language: vi or en (default: the configuration's lang, vi).")
    var lang: DeskLanguage?

    @Option(name: .customLong("operator"), help: "The officer's name, shown on the page and the report (default: the configuration's operator, the login name).")
    var operatorName: String?

    @Option(name: .long, help: ArgumentHelp("Save each card's files and its level-1 payload in a folder under this one (default: the configuration's out, $XDG_DATA_HOME/cccd/cards).",
                                            valueName: "DIR"))
    var out: String?

    @Option(name: .customLong("token-file"), help: ArgumentHelp("A file holding the token every request must carry (required for a non-loopback --listen; default: the configuration's tokenFile).",
                                                               valueName: "FILE"))
    var tokenFile: String?

    @Option(name: .customLong("card-timeout"), help: "Seconds to wait for the card after its secret was given.")
    var cardTimeout: Int = 60

    @Flag(name: .long, help: "Print a failure as cccd-error/1 JSON on stdout too (this command has no other JSON output).")
    var json = false

    @Flag(name: .long, help: "As --json, indented.")
    var pretty = false

    @Flag(name: .long, help: "Log every APDU on stderr (never the access key or session keys).")
    var verbose = false

    func validate() throws {
        guard cardTimeout > 0 else { throw ValidationError("--card-timeout must be positive") }
    }

    func run() async throws {
        try await runCommand {
            // The configuration files, then these options (shared/CLI.md, "Configuration").
            let configuration = try CCCDConfiguration.load(overrides: .init(
                out: out, reader: reader.reader, lang: lang?.rawValue, operatorName: operatorName, listen: listen,
                tokenFile: tokenFile))
            let store = try trust.load()
            // The log and the archive, opened before the page is served (a log that cannot be written stops here);
            // what is past the retention period goes first (shared/CLI.md, "Retention").
            let recorder = try AttemptRecorder(configuration: configuration)
            try recorder.purgeExpired(retentionDays: configuration.retentionDays.value)
            let address = configuration.listen.value
            let tokenFile = configuration.tokenFile.value
            let settings = DeskSettings(reader: ReaderSelection(configuration.reader.value), trust: store,
                                        allowUnverified: trust.allowUnverified,
                                        language: DeskLanguage(configuration.lang.value),
                                        operatorName: configuration.operatorName.value,
                                        recorder: recorder, cardTimeout: .seconds(cardTimeout),
                                        apduLog: verbose ? ReadRunner.logAPDU : nil)
            let controller = DeskController(settings: settings)
            let server: DeskServer
            do throws(DeskServerError) {
                server = try DeskServer(controller: controller, address: address, tokenFile: tokenFile)
            } catch {
                throw CommandFailure(.usage, error.description)
            }
            signal(SIGINT, SIG_IGN)
            signal(SIGTERM, SIG_IGN)
            let task = Task {
                try await server.run { bound in
                    let hint = tokenFile.map { "?token=… (the token in \($0))" } ?? ""
                    Standard.error("cccd: desk at http://\(bound)/\(hint) (Ctrl-C to stop)")
                }
            }
            let sources = [SIGINT, SIGTERM].map { number in
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    Task {
                        await controller.stop()
                        task.cancel()
                        Standard.error("cccd: desk stopped")
                        Foundation.exit(0)
                    }
                }
                source.resume()
                return source
            }
            defer { sources.forEach { $0.cancel() } }
            do {
                try await task.value
            } catch is CancellationError {
                return
            } catch {
                throw CommandFailure(.noReaderOrCard, "the desk page could not be served on \(address): \(error)")
            }
        }
    }
}

extension DeskLanguage: ExpressibleByArgument {
    /// The configuration's `lang`.
    init(_ language: CCCDConfiguration.Language) {
        self = DeskLanguage(rawValue: language.rawValue) ?? .vi
    }
}
