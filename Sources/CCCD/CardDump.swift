import Foundation
import LDS
import Verification

/// A card's files on disk, as `cccd read --out DIR` writes them and `cccd verify DIR` reads them: each file as read
/// (`EF.COM.bin`, `EF.SOD.bin`, `DG1.bin` …), the portrait (`portrait.jpg` or `.jp2`) and `card.json` (the
/// `cccd-read/1` document without the portrait's base64, whose `readAt` is the time of reading).
///
/// Written atomically: everything goes to a hidden sibling folder, renamed into place at the end, so a reader of the
/// folder sees all of it or nothing. The folder is private (0700), its files too (0600): they hold a person's data.
public struct CardDump: Sendable {
    /// Each file's bytes as read.
    public var files: [ElementaryFile: [UInt8]]
    /// When the card was read (`card.json`'s `readAt`); nil for a dump without one.
    public var readAt: Date?
    /// `card.json`'s document, when writing.
    public var card: JSONValue?

    /// The largest file read back: a DG2 with a large JPEG 2000 portrait stays far below.
    public static let maximumFileSize = 16 << 20

    /// A dump of a read.
    public init(_ result: CardReadResult) {
        files = result.files
        readAt = result.readAt
        card = CardReport.json(result, portrait: false)
    }

    /// A dump of these files.
    public init(files: [ElementaryFile: [UInt8]], readAt: Date?, card: JSONValue? = nil) {
        self.files = files
        self.readAt = readAt
        self.card = card
    }

    /// The portrait of DG2, when DG2 is there and parses.
    public var portrait: Portrait? {
        files[.dataGroup(2)].flatMap { try? DataGroup2(bytes: $0) }.flatMap(Portrait.init)
    }

    // MARK: Writing.

    /// Writes the dump into the folder `path`, which must not exist unless `replacing`.
    public func write(to path: String, replacing: Bool = false) throws(CCCDError) {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: path).standardizedFileURL
        if fm.fileExists(atPath: target.path) && !replacing { throw .dumpExists(path: path) }
        let parent = target.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            try Self.makePrivateFolder(parent.path, intermediate: true)
            try Self.makePrivateFolder(temporary.path, intermediate: false)
            for (file, bytes) in files {
                try Self.writePrivateFile(temporary.appendingPathComponent("\(file.name).bin").path, bytes)
            }
            if let portrait {
                try Self.writePrivateFile(temporary.appendingPathComponent("portrait.\(portrait.fileExtension)").path,
                                          portrait.bytes)
            }
            if let card {
                try Self.writePrivateFile(temporary.appendingPathComponent("card.json").path,
                                          Array((card.serialized(pretty: true) + "\n").utf8))
            }
            if fm.fileExists(atPath: target.path) {
                let old = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(getpid())")
                try fm.moveItem(at: target, to: old)
                try fm.moveItem(at: temporary, to: target)
                try? fm.removeItem(at: old)
            } else {
                try fm.moveItem(at: temporary, to: target)
            }
        } catch let error as CCCDError {
            try? fm.removeItem(at: temporary)
            throw error
        } catch {
            try? fm.removeItem(at: temporary)
            throw .cannotWrite(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Creates a folder only its owner may enter (0700); an existing one is left as it is.
    static func makePrivateFolder(_ path: String, intermediate: Bool) throws(CCCDError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .cannotWrite(path: path, reason: "it exists and is not a folder") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: intermediate,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotWrite(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Writes a new file only its owner may read (0600), to the disk before it returns.
    static func writePrivateFile(_ path: String, _ bytes: [UInt8]) throws(CCCDError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { posixWrite(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
            }
            written += n
        }
        guard fsync(fd) == 0 else { throw .cannotWrite(path: path, reason: String(cString: strerror(errno))) }
    }

    // MARK: Reading.

    /// Reads a dump folder: every `*.bin` named for a file of the card, and `card.json`'s `readAt`.
    ///
    /// - Throws: ``CCCDError/dumpUnreadable(path:reason:)`` for a folder that is missing, lacks `EF.SOD.bin`,
    ///   holds a file larger than ``maximumFileSize`` or a `card.json` that is not a `cccd-read/1` document.
    public init(contentsOf path: String) throws(CCCDError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .dumpUnreadable(path: path, reason: "not a folder: give a folder written by --out")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw .dumpUnreadable(path: path, reason: "cannot list it: \((error as NSError).localizedDescription)")
        }
        guard names.contains("EF.SOD.bin") else {
            throw .dumpUnreadable(path: path, reason: "no EF.SOD.bin: not a dump written by --out")
        }
        var files: [ElementaryFile: [UInt8]] = [:]
        for name in names.sorted() where name.hasSuffix(".bin") {
            guard let file = ElementaryFile(name: String(name.dropLast(4))) else { continue }
            files[file] = try Self.readFile(path, name)
        }
        self.files = files
        readAt = nil
        card = nil
        if names.contains("card.json") {
            let bytes = try Self.readFile(path, "card.json")
            guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                throw .dumpUnreadable(path: path, reason: "card.json is not a JSON object")
            }
            if let schema = object["schema"] as? String, schema != OutputSchema.read.rawValue {
                throw .dumpUnreadable(path: path, reason: "card.json is \(schema), not \(OutputSchema.read.rawValue)")
            }
            if let text = object["readAt"] as? String {
                guard let date = ISO8601.date(text) else {
                    throw .dumpUnreadable(path: path, reason: "card.json's readAt \"\(text)\" is not an ISO 8601 time")
                }
                readAt = date
            }
        }
    }

    private static func readFile(_ folder: String, _ name: String) throws(CCCDError) -> [UInt8] {
        let path = (folder as NSString).appendingPathComponent(name)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .dumpUnreadable(path: folder, reason: "cannot read \(name)")
        }
        defer { try? handle.close() }
        let data: Data?
        do {
            data = try handle.read(upToCount: maximumFileSize + 1)
        } catch {
            throw .dumpUnreadable(path: folder, reason: "cannot read \(name): \((error as NSError).localizedDescription)")
        }
        guard let data, !data.isEmpty, data.count <= maximumFileSize else {
            throw .dumpUnreadable(path: folder, reason: "\(name) is empty or larger than \(maximumFileSize >> 20) MiB")
        }
        return [UInt8](data)
    }

    // MARK: Checking.

    /// Checks the dump offline, as at `date`, else at its time of reading: passive authentication, and the card's
    /// validity on that day. Chip and active authentication cannot be repeated from files.
    ///
    /// - Throws: ``CCCDError/dumpUnreadable(path:reason:)`` when neither a date nor the dump's `readAt` is known.
    public func check(trust: TrustStore?, at date: Date? = nil, path: String = "") throws(CCCDError) -> DumpCheck {
        guard let at = date ?? readAt else {
            throw .dumpUnreadable(path: path, reason: "card.json gives no readAt: give the time of reading with --at")
        }
        let result = CardReadResult(files: files, chipAuthentication: .notSupported(reason: "not repeatable offline"),
                                    activeAuthentication: .notSupported(reason: "not repeatable offline"),
                                    trust: trust, readAt: at, source: .live)
        return DumpCheck(path: path, at: at, passive: result.checks.passive, record: result.record,
                         validity: result.checks.validity)
    }
}

/// What `cccd verify` finds in one dump.
public struct DumpCheck: Sendable {
    /// The dump folder.
    public var path: String
    /// The time the checks were made for.
    public var at: Date
    /// Passive authentication.
    public var passive: PassiveCheck
    /// The holder, from DG13 and DG1 when the dump has them.
    public var record: CitizenRecord
    /// The card's validity on that day.
    public var validity: Validity

    /// Passive authentication's problems, and the card's expiry when it had expired.
    public var problems: [Problem] {
        var out = passive.problems
        if case .expired(let on) = validity {
            out.append(Problem(code: .documentExpired, field: "expiryDate", detail: "the card expired on \(on)"))
        }
        return out
    }

    /// The exit code: 0 when passive authentication passed (or, with `allowUnverified`, only lacked a trust
    /// anchor), else 5. An expired card is flagged, not failed: the dump is still the card's.
    public func exitCode(allowUnverified: Bool) -> Int32 {
        switch passive.verdict {
        case .passed: return 0
        case .noTrustAnchor: return allowUnverified ? 0 : FailureKind.verification.exitCode
        case .failed: return FailureKind.verification.exitCode
        }
    }

    /// The `cccd-verify/1` document.
    public var json: JSONValue {
        .object([
            ("schema", .string(OutputSchema.verify.rawValue)),
            ("dump", .string(path)),
            ("readAt", .string(ISO8601.string(at))),
            ("passiveAuthentication", .string(passive.verdict.name)),
            ("signer", .optional(passive.signer)),
            ("dataGroups", .object(passive.dataGroups.keys.sorted().map { ("DG\($0)", .string(passive.dataGroups[$0]!.name)) })),
            ("dataGroupsNotRead", .array(passive.dataGroupsNotRead.map { .string("DG\($0)") })),
            ("hashAlgorithm", .optional(passive.hashAlgorithm)),
            ("signature", .string(passive.signature.name)),
            ("chain", .string(passive.chain.name)),
            ("trustAnchor", .optional(passive.trustAnchor)),
            ("document", .object([("personalIdNumber", .optional(record.personalIdNumber)),
                                  ("expiryDate", .optional(record.expiryDate?.iso8601)),
                                  ("validity", .string(validity.name))])),
            ("problems", .array(problems.map(\.json))),
        ])
    }

    /// The report for people.
    public var lines: [String] {
        var lines = ["\(path): passive authentication \(passive.verdict.name) (as at \(ISO8601.string(at)))"]
        lines.append("  signer: \(passive.signer ?? "none")")
        if let hash = passive.hashAlgorithm { lines.append("  hash algorithm: \(hash)") }
        for number in passive.dataGroups.keys.sorted() { lines.append("  DG\(number): \(passive.dataGroups[number]!)") }
        if !passive.dataGroupsNotRead.isEmpty {
            lines.append("  not read: " + passive.dataGroupsNotRead.map { "DG\($0)" }.joined(separator: ", "))
        }
        lines.append("  signature: \(passive.signature)")
        lines.append("  chain: \(passive.chain)")
        if passive.certificatePath.count > 1 {
            lines.append("  issued by: " + passive.certificatePath.joined(separator: " <- "))
        }
        if case .expired(let on) = validity { lines.append("  the card had EXPIRED on \(on)") }
        for problem in problems { lines.append("  problem \(problem)") }
        return lines
    }
}

/// `write(2)`, named apart from ``CardDump/write(to:replacing:)``.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
