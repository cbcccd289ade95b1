import ArgumentParser
import CCCD
import Foundation

/// `cccd verify DIR... [--trust PATH] [--at TIME] [--json]`: passive authentication of dumps written by `--out`,
/// offline, each at its own time of reading.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check dumps written by --out offline: data group hashes, the SOD signature, the signer's chain.",
        discussion: """
            Each DIR holds EF.SOD.bin and the data groups read (DG1.bin, DG2.bin, DG13.bin, DG14.bin, DG15.bin, …) \
            and card.json, whose readAt is the time of reading: each dump is checked as at its own time (--at \
            TIME checks every one as at that time instead). Each data group is hashed against the SOD, the SOD's \
            CMS signature is checked in full, the document signer's certificate is checked and chained to a CSCA \
            of the trust store, and a card that had expired on that day is flagged (DOCUMENT_EXPIRED).

            --trust takes a folder (read recursively) or a file: CSCA and link certificates in PEM or DER (.pem \
            .crt .cer .der), ICAO master lists (.ml, whose own signature is checked first) and CRLs (.crl). It may \
            be given more than once. Without --trust, /etc/cccd/trust and ~/.config/cccd/trust are read if they \
            exist.

            Verdicts: passed, failed (the problems say why, with stable codes) or no-trust-anchor (hashes and \
            signature verified, but no CSCA in the trust store to check the signer against). With --json, one \
            cccd-verify/1 line per dump (a cccd-error/1 line for a dump that cannot be read). Exit 0 when every \
            dump passed; 5 when one failed, and for no-trust-anchor unless --allow-unverified is given; 6 when a \
            dump or a trust file cannot be read.

            Examples:
              cccd verify Vectors/dumps/nguyen-van-an-2021 --trust Vectors/pki/csca-a.pem
              cccd verify Vectors/dumps/* --trust Vectors/pki/csca-a.pem \\
                  --trust Vectors/pki/csca-a2-link.pem --json
              cccd verify Vectors/dumps/ly-tu-2024 --trust Vectors/pki/csca-a.pem \\
                  --at 2030-01-15
            """
    )

    @Argument(help: ArgumentHelp("Dump folders written by --out.", valueName: "DIR"))
    var directories: [String]

    @OptionGroup var trust: TrustOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: ArgumentHelp("Check every dump as at this time, ISO 8601 (2026-11-22 or 2026-11-22T10:00:00Z); default: each dump's readAt.",
                                            valueName: "TIME"))
    var at: String?

    func validate() throws {
        guard !directories.isEmpty else { throw ValidationError("give one or more dump folders") }
    }

    func run() async throws {
        try await runCommand(json: output.isJSON) {
            var date: Date?
            if let at {
                guard let parsed = ISO8601.dateOrDay(at) else {
                    throw CommandFailure(.usage, "--at \(at) is not an ISO 8601 date or date-time (2026-11-22T10:00:00Z)")
                }
                date = parsed
            }
            let store = try trust.load()
            var exit: Int32 = 0
            for directory in directories {
                do {
                    let check = try CardDump(contentsOf: directory).check(trust: store, at: date, path: directory)
                    if output.isJSON {
                        output.print(check.json)
                    } else {
                        for line in check.lines { Standard.error(line) }
                    }
                    let code = check.exitCode(allowUnverified: trust.allowUnverified)
                    if code != 0 {
                        let codes = check.passive.problems.filter { $0.kind == .failure }
                            .map { $0.code.rawValue + ($0.field.map { " \($0)" } ?? "") }
                        Standard.error("cccd: \(directory): passive authentication \(check.passive.verdict.name)"
                                       + (codes.isEmpty ? "" : ": " + codes.joined(separator: ", "))
                                       + (check.passive.verdict == .noTrustAnchor
                                          ? " (give --trust PATH, or --allow-unverified to accept an unverified chain)" : ""))
                    }
                    exit = Self.worse(exit, code)
                } catch let error as CCCDError {
                    exit = Self.worse(exit, report(error, json: output.isJSON,
                                                   extra: [("dump", .string(directory))]).rawValue)
                }
            }
            if exit != 0 { throw Reported(exit: exit) }
        }
    }

    /// An unreadable input (6) outranks a failed verification (5), which outranks success.
    static func worse(_ a: Int32, _ b: Int32) -> Int32 {
        func rank(_ code: Int32) -> Int { code == 0 ? 0 : code == 5 ? 1 : 2 }
        return rank(b) > rank(a) ? b : a
    }
}
