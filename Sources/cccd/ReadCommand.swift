import ArgumentParser
import CardIO
import CCCD
import Foundation
import ICAOSession

/// Options every reading command shares: what to read and how to check it.
struct VerifyOptions: ParsableArguments {
    @Option(name: .long, help: "CSCA certificates (PEM/DER) and ICAO master lists (.ml): a folder or a file. Default: /etc/cccd/trust, then ~/.config/cccd/trust.")
    var trust: [String] = []

    @Flag(name: .customLong("allow-unverified"), help: "Accept a chip whose signer chains to no trusted CSCA (exit 0, status \"unverified\").")
    var allowUnverified = false
}

/// `cccd read ACCESS`: opens the chip, reads the files, verifies them, prints the card.
struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Open the chip, read the files, verify them and print the card.",
        discussion: """
            Reads EF.COM, EF.SOD, DG1, DG2, DG13, DG14 and DG15 (or --files), runs chip and active authentication, \
            and checks the files against the SOD and the SOD's signer against the CSCAs of --trust.

            Exit codes: 0 read and verified; 3 no reader/card or the card was removed; 4 wrong CAN/MRZ; \
            5 verification failed, or no trusted CSCA without --allow-unverified; 6 an input file is malformed.
            A trace written by --record holds the access secret: share it only for test cards.

            Examples:
              cccd read --can 012345 --trust /etc/cccd/trust --json
              cccd read --qr-text "$(cat qr.txt)" --out dump/ --record session.json
              cccd read --mrz 099012345,990315,390315 --reader ACR122
            """
    )

    @OptionGroup var access: AccessOptions
    @OptionGroup var verify: VerifyOptions

    @Option(name: .long, help: "The reader: a name, a unique part of one, or an index (default: the first with a card).")
    var reader: String?

    @Option(name: .long, help: "Files to read: a comma list of com,sod,dg1,dg2,dg13,dg14,dg15.")
    var files: String?

    @Option(name: .long, help: "Write every file as read, the portrait and card.json into this new folder.")
    var out: String?

    @Flag(name: .long, help: "Replace the --out folder if it exists.")
    var force = false

    @Option(name: .long, help: "Save the session as a cccd-trace/1 file (it holds the access secret).")
    var record: String?

    @Flag(name: .long, help: "Print JSON on stdout.")
    var json = false

    @Flag(name: .long, help: "Log each step on stderr.")
    var verbose = false

    func run() throws {
        try runCommand {
            let options = try readOptions(files)
            let trust = try TrustLoader.load(verify.trust)
            let qr = try access.qrCode()
            let key = try access.accessKey(qr: qr)
            let progress = ProgressBar(verbose: verbose)
            let outcome = try CardSession.readLive(reader: reader, key: key,
                                                   options: options, record: record, progress: progress)
            progress.clear()
            try finish(outcome, trust: trust, qr: qr, verify: verify, json: json, out: out, force: force)
        }
    }
}

/// Parses `--files`.
func readOptions(_ files: String?) throws -> ReadOptions {
    guard let files else { return ReadOptions() }
    guard let list = ReadOptions.files(from: files) else {
        throw CommandFailure(.usage, "--files takes a comma list of com, sod, dg1 … dg16")
    }
    return ReadOptions(files: list)
}

/// Verifies, prints and dumps a read; the exit code follows the verdicts.
func finish(_ outcome: CardSession.Outcome, trust: TrustInput, qr: CardQRCode?, verify: VerifyOptions, json: Bool,
            out: String?, force: Bool) throws {
    let passive = PassiveCheck.run(outcome.readout, trust: trust)
    var cardJSON = CardReport.json(outcome.readout, passive: passive, reader: outcome.reader)
    var problems: [Problem] = []
    if let qr {
        let record = CitizenRecord(dg13: outcome.readout.dg13, dg1: outcome.readout.dg1)
        problems = CrossCheck.compare(record, qr)
        if case .object(var members) = cardJSON {
            members.insert(("qr", .string(problems.isEmpty ? "matched" : "mismatched")), at: members.count - 2)
            if let index = members.firstIndex(where: { $0.0 == "problems" }), case .array(let existing) = members[index].1 {
                members[index].1 = .array(existing + problems.map(\.json))
            }
            cardJSON = .object(members)
        }
    }
    if let out { try DumpWriter.write(outcome.readout, cardJSON: cardJSON, to: out, force: force) }
    if json {
        Standard.output(cardJSON.serialized())
    } else {
        for line in CardReport.human(outcome.readout, passive: passive) { Standard.error(line) }
        for p in problems { Standard.error("problem \(p.code) \(p.field ?? ""): chip \(p.chip ?? "") / QR \(p.qr ?? "")") }
        if let out { Standard.error("files, portrait and card.json written to \(out)") }
    }
    try exitForVerdicts(outcome.readout, passive: passive, crossCheck: problems, allowUnverified: verify.allowUnverified)
}

/// Exit 5 when a check failed, or when no CSCA vouches for the signer and unverified reads were not allowed.
func exitForVerdicts(_ readout: CardReadout, passive: PassiveSummary, crossCheck: [Problem],
                     allowUnverified: Bool) throws {
    var failures: [String] = []
    switch passive.verdict {
    case .passed: break
    case .noTrustAnchor where allowUnverified: break
    case .noTrustAnchor: failures.append("no trusted CSCA for the document signer (use --trust, or --allow-unverified)")
    default: failures.append("passive authentication failed" + (passive.problems.first.map { ": \($0.code) \($0.field ?? "")" } ?? ""))
    }
    if case .failed = readout.chipAuthentication { failures.append("chip authentication failed") }
    if case .failed = readout.activeAuthentication { failures.append("active authentication failed") }
    if !crossCheck.isEmpty { failures.append("the QR does not match the chip (\(crossCheck.compactMap(\.field).joined(separator: ", ")))") }
    if readout.problems.contains(where: { $0.code == "FILE_MALFORMED" }) { failures.append("a file is malformed") }
    if !failures.isEmpty { throw CommandFailure(.verificationFailed, failures.joined(separator: "; ")) }
}

/// `cccd replay TRACE`: the same read over a recorded trace.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run the same read over a recorded trace instead of a reader.",
        discussion: """
            The trace (cccd-trace/1, see VECTORS.md) holds the access secret, the terminal's random draws and every \
            exchange: the read sends exactly the recorded commands, and a command that differs stops the replay \
            with the exchange's index, the expected and the actual bytes (exit 6). Certificates are checked at the \
            trace's recordedAt time.

            Example:
              cccd replay Vectors/traces/nguyen-van-an-2021.json --trust Vectors/pki/csca-a.pem --json
            """
    )

    @Argument(help: "The trace file.")
    var trace: String

    @OptionGroup var verify: VerifyOptions

    @Option(name: .long, help: "Files the recorded read asked for (as --files of cccd read).")
    var files: String?

    @Flag(name: .long, help: "Print JSON on stdout.")
    var json = false

    func run() throws {
        try runCommand {
            let options = try files.map { try readOptions($0) }
            let trust = try TrustLoader.load(verify.trust)
            let outcome = try CardSession.replay(trace, options: options, progress: nil)
            try finish(outcome, trust: trust, qr: nil, verify: verify, json: json, out: nil, force: false)
        }
    }
}
