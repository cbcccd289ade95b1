import ArgumentParser
import CCCD
import DeskRecord
import Foundation

/// `cccd read ACCESS`: opens the chip, reads the files, verifies them, prints the card.
struct ReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Open the chip, read the files, verify them and print the card.",
        discussion: """
            Reads EF.COM, EF.SOD, DG1, DG2, DG13, DG14 and DG15 (or --files), runs chip and active authentication, \
            checks the files against the SOD and the SOD's signer against the CSCAs of --trust, and gives the \
            verdict: accept, reject (each reason with a stable code) or retry (the link failed: nothing is \
            concluded about the card). An expired card is rejected (DOCUMENT_EXPIRED).

            Exit codes: 0 accepted; 3 no reader/card, or the card was removed; 4 wrong CAN/MRZ; 5 rejected (or \
            no trusted CSCA without --allow-unverified); 6 an input file is malformed. A trace written by \
            --record holds the access secret: share it only for test cards. Every attempt, accepted or not, is \
            an entry of the audit log (cccd history). --force replaces only a folder that is a card dump.

            Examples:
              cccd read --can 012345 --trust Vectors/pki/csca-a.pem --json --no-portrait
              cccd read --id 001099012345 --trust Vectors/pki/csca-a.pem \\
                  --out dump --record session.json
              cccd read --mrz 099012345,990315,390315 --reader "Virtual PCD 00 00" \\
                  --trust Vectors/pki/csca-a.pem --verbose
            """
    )

    @OptionGroup var access: AccessOptions
    @OptionGroup var trust: TrustOptions
    @OptionGroup var reader: ReaderOption
    @OptionGroup var reading: ReadingOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Write every file as read, the portrait and card.json into this new folder.",
                                            valueName: "DIR"))
    var out: String?

    @Flag(name: .long, help: "Replace the --out folder if it exists.")
    var force = false

    @Option(name: .long, help: ArgumentHelp("Save the session as a cccd-trace/1 file (it holds the access secret).",
                                            valueName: "TRACE"))
    var record: String?

    func run() async throws {
        try await runCommand(json: output.isJSON) {
            let options = try reading.readOptions()
            let store = try trust.load()
            let input = try access.input()
            if let out, FileManager.default.fileExists(atPath: out) {
                guard force else { throw CCCDError.dumpExists(path: out) }
                guard CardDump.isDump(at: out) else { throw CCCDError.notADump(path: out) }
            }
            let selection = try reader.selection()
            let recorder = try AuditTrail.open()
            let result: CardReadResult
            do {
                result = try await ReadRunner.run(.reader(selection), key: input.key, trust: store, qr: input.qr,
                                                  options: options, verbose: reading.verbose, record: record)
            } catch {
                throw AuditTrail.failed(error, recorder: recorder, command: .read, reader: AuditTrail.readerName(selection),
                                        input: input)
            }
            if let out {
                try recorder.record(result, command: .read, input: input, savingTo: out, replacing: force,
                                    allowUnverified: trust.allowUnverified)
                if !output.isJSON { Standard.error("files, portrait and card.json written to \(out)") }
            } else {
                try recorder.record(.read(result), command: .read, reader: nil, input: input,
                                    allowUnverified: trust.allowUnverified, save: false)
            }
            ReadRunner.print(result, output: output, portrait: !reading.noPortrait)
            try ReadRunner.exit(for: result.verdict, allowUnverified: trust.allowUnverified)
        }
    }
}

/// `cccd replay TRACE`: the same read over a recorded trace.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run the same read over a recorded trace instead of a reader.",
        discussion: """
            The trace (cccd-trace/1, see VECTORS.md) holds the access secret, the terminal's random draws, what \
            the read asked for and every exchange: the read sends exactly the recorded commands, and a command \
            that differs stops the replay with the exchange's index, the expected and the actual bytes (exit 6, \
            as for any divergence). Certificates and the card's validity are checked at the trace's recordedAt \
            time. A replay proves nothing about the present: its source is "replay" and its verdict never accept \
            (REPLAYED); it exits 0 when that is the only reason.

            Examples:
              cccd replay Vectors/traces/nguyen-van-an-2021.json \\
                  --trust Vectors/pki/csca-a.pem --json --no-portrait
              cccd replay Vectors/traces/ly-tu-2024.json --trust Vectors/pki/csca-a.pem
            """
    )

    @Argument(help: "The trace file.")
    var trace: String

    @OptionGroup var trust: TrustOptions
    @OptionGroup var reading: ReadingOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runCommand(json: output.isJSON) {
            let options = try reading.readOptions()
            let store = try trust.load()
            let recorded = try Self.load(trace)
            let result = try await ReadRunner.run(.trace(recorded), key: nil, trust: store, qr: nil, options: options,
                                                  verbose: reading.verbose, record: nil)
            ReadRunner.print(result, output: output, portrait: !reading.noPortrait)
            try ReadRunner.exit(for: result.verdict, allowUnverified: trust.allowUnverified)
        }
    }

    /// Reads a trace file; a malformed one exits 6.
    static func load(_ path: String) throws -> Trace {
        do {
            return try Trace(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CCCDError.trace(error)
        }
    }
}
