import ArgumentParser
import CCCD
import Foundation
import Verification

/// `cccd verify DIR [--trust PATH] [--json]`: passive authentication of a dump written by `--out`, offline.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a dump written by --out offline: data group hashes, the SOD signature, the signer's chain.",
        discussion: """
            DIR holds EF.SOD.bin and the data groups read (DG1.bin, DG2.bin, DG13.bin, DG14.bin, DG15.bin, …); \
            EF.COM.bin, portrait.jpg and card.json are not used. Each data group is hashed against the SOD, the \
            SOD's CMS signature is checked in full, and the document signer's certificate is checked at the time of \
            reading (--at, default now) and chained to a CSCA of the trust store.

            --trust takes a folder (read recursively) or a file: CSCA and link certificates in PEM or DER (.pem \
            .crt .cer .der), ICAO master lists (.ml, whose own signature is checked first) and CRLs (.crl). It may \
            be given more than once. Without --trust, /etc/cccd/trust and ~/.config/cccd/trust are read if they \
            exist.

            Verdicts: passed, failed (the problems say why, with stable codes) or no-trust-anchor (hashes and \
            signature verified, but no CSCA in the trust store to check the signer against). Exit 0 when passed; 5 \
            when failed, and for no-trust-anchor unless --allow-unverified is given; 6 when the dump or a trust \
            file cannot be read.

            Example:
              cccd verify ./dump --trust /etc/cccd/trust --json
            """
    )

    @Argument(help: ArgumentHelp("The dump folder written by --out.", valueName: "DIR"))
    var directory: String

    @Option(name: .long, help: ArgumentHelp("A folder or file of CSCA certificates, master lists and CRLs (repeatable).",
                                            valueName: "PATH"))
    var trust: [String] = []

    @Option(name: .long, help: ArgumentHelp("The time of reading, ISO 8601 (2026-11-22 or 2026-11-22T10:00:00Z); default now.",
                                            valueName: "TIME"))
    var at: String?

    @Flag(name: .long, help: "Exit 0 with the no-trust-anchor verdict (hashes and signature verified, chain not).")
    var allowUnverified = false

    @Flag(name: .long, help: "Print JSON on stdout instead of text on stderr.")
    var json = false

    func run() throws {
        try runCommand {
            let date = try readingTime()
            let dump = try Dump(folder: directory)
            let store: TrustStore?
            do {
                store = trust.isEmpty ? try TrustStore.loadDefault() : try TrustStore.load(paths: trust)
            } catch {
                throw CommandFailure(.badInput, "\(error)")
            }
            let report = PassiveAuthentication.verify(sod: dump.sod, dataGroups: dump.dataGroups, issuingState: nil,
                                                      trust: store, at: date)
            if json {
                Standard.output(report.jsonText)
            } else {
                for line in report.textLines { Standard.error(line) }
            }
            switch report.verdict {
            case .passed:
                return
            case .noTrustAnchor:
                if allowUnverified { return }
                throw CommandFailure(.verificationFailed, "no trust anchor: the signer's CSCA is not in the trust store "
                                     + "(give --trust PATH, or --allow-unverified to accept an unverified chain)")
            case .failed:
                let codes = report.problems.map(\.code.rawValue).filter { $0 != "NO_TRUST_ANCHOR" }
                throw CommandFailure(.verificationFailed, "verification failed: \(codes.joined(separator: ", "))")
            }
        }
    }

    private func readingTime() throws -> Date {
        guard let at else { return Date() }
        let full = ISO8601DateFormatter()
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        day.timeZone = TimeZone(identifier: "UTC")
        guard let date = full.date(from: at) ?? day.date(from: at) else {
            throw CommandFailure(.usage, "--at \(at) is not an ISO 8601 date or date-time (2026-11-22T10:00:00Z)")
        }
        return date
    }
}

/// The files of a dump folder that passive authentication uses.
struct Dump {
    var sod: [UInt8]
    var dataGroups: [Int: [UInt8]]

    /// Largest file read: a DG2 with a large JPEG 2000 portrait stays far below.
    static let maximumFileSize = 16 << 20

    init(folder: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure(.badInput, "\(folder) is not a folder: give the folder written by --out")
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw CommandFailure(.badInput, "cannot list \(folder): \(error.localizedDescription)")
        }
        guard names.contains("EF.SOD.bin") else {
            throw CommandFailure(.badInput, "\(folder) has no EF.SOD.bin: it is not a dump written by --out")
        }
        sod = try Dump.read(folder, "EF.SOD.bin")
        var groups: [Int: [UInt8]] = [:]
        for name in names where name.hasPrefix("DG") && name.hasSuffix(".bin") {
            guard let number = Int(name.dropFirst(2).dropLast(4)), (1...16).contains(number),
                  name == "DG\(number).bin" else { continue }
            groups[number] = try Dump.read(folder, name)
        }
        dataGroups = groups
    }

    private static func read(_ folder: String, _ name: String) throws -> [UInt8] {
        let path = (folder as NSString).appendingPathComponent(name)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CommandFailure(.badInput, "cannot read \(path)")
        }
        defer { try? handle.close() }
        let data: Data?
        do { data = try handle.read(upToCount: maximumFileSize + 1) } catch {
            throw CommandFailure(.badInput, "cannot read \(path): \(error.localizedDescription)")
        }
        guard let data, data.count <= maximumFileSize else {
            throw CommandFailure(.badInput, "\(path) is empty or larger than \(maximumFileSize >> 20) MiB")
        }
        return [UInt8](data)
    }
}

extension PassiveAuthenticationReport {
    /// The JSON object `cccd verify --json` prints (keys in this order).
    var jsonText: String {
        let problemObjects = problems.map { problem -> JSONValue in
            var fields: [(String, JSONValue)] = [("code", .string(problem.code.rawValue))]
            if let group = problem.dataGroup { fields.append(("dataGroup", .string("DG\(group)"))) }
            if let certificate = problem.certificate { fields.append(("certificate", .string(certificate))) }
            fields.append(("message", .string(problem.message)))
            return .object(fields)
        }
        return JSONValue.object([
            ("passiveAuthentication", .string(verdict.name)),
            ("signer", .optional(signer)),
            ("dataGroups", .object(dataGroups.keys.sorted().map { ("DG\($0)", .string(dataGroups[$0]!.name)) })),
            ("dataGroupsNotRead", .array(dataGroupsNotRead.map { .string("DG\($0)") })),
            ("hashAlgorithm", .optional(hashAlgorithmName)),
            ("signature", .string(signature.name)),
            ("chain", .string(chain.name)),
            ("trustAnchor", .optional(certificatePath.last?.subject.text)),
            ("readAt", .string(VerifyCommand.iso(readAt))),
            ("problems", .array(problemObjects)),
        ]).serialized()
    }

    /// `SHA-256` and the like.
    var hashAlgorithmName: String? {
        hashAlgorithm.map { "SHA-" + ($0 == .sha1 ? "1" : String($0.rawValue.dropFirst(3))) }
    }

    /// The report for people.
    var textLines: [String] {
        var lines = ["passive authentication: \(verdict.name)"]
        lines.append("  signer: \(signer ?? "none")")
        if let hashAlgorithmName { lines.append("  hash algorithm: \(hashAlgorithmName)") }
        for number in dataGroups.keys.sorted() { lines.append("  DG\(number): \(dataGroups[number]!)") }
        if !dataGroupsNotRead.isEmpty {
            lines.append("  not read: " + dataGroupsNotRead.map { "DG\($0)" }.joined(separator: ", "))
        }
        lines.append("  signature: \(signature)")
        lines.append("  chain: \(chain)")
        if !certificatePath.isEmpty {
            // Each certificate followed by its issuer, up to the trust anchor.
            let names = ([signerCertificate].compactMap { $0 } + certificatePath).map(\.subject.text)
            lines.append("  issued by: " + names.joined(separator: " <- "))
        }
        for problem in problems { lines.append("  problem \(problem.code.rawValue): \(problem.message)") }
        return lines
    }
}

extension VerifyCommand {
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
