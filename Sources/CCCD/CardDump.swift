import Foundation
import ICAOCrypto
import LDS
import Verification

/// A card's files on disk, as `cccd read --out DIR` writes them and `cccd verify DIR` reads them: each file as read
/// (`EF.COM.bin`, `EF.SOD.bin`, `DG1.bin` …), the portrait (`portrait.jpg` or `.jp2`) and `card.json` (the
/// `cccd-read/1` document without the portrait's base64, whose `readAt` is the time of reading).
///
/// Written atomically: everything goes to a private temporary sibling folder, renamed into place at the end, so a
/// reader of the folder sees all of it or nothing. The folder is private (0700), its files too (0600): they hold a
/// person's data. Read back with bounds: at most ``maximumFileCount`` entries, each file's size checked before it
/// is read, links refused.
public struct CardDump: Sendable {
    /// Each file's bytes as read.
    public var files: [ElementaryFile: [UInt8]]
    /// When the card was read (`card.json`'s `readAt`); nil for a dump without one.
    public var readAt: Date?
    /// `card.json`'s document, when writing.
    public var card: JSONValue?

    /// The largest file read back: a DG2 with a large JPEG 2000 portrait stays far below.
    public static let maximumFileSize = 16 << 20
    /// The largest `card.json` read back (a real one is a few KiB).
    public static let maximumCardJSONSize = 1 << 20
    /// The most entries a dump folder may hold: EF.COM, EF.SOD, 16 data groups, the portrait, `card.json` and a
    /// payload fit many times over.
    public static let maximumFileCount = 64

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

    /// The name of the file a level-1 payload is saved as beside the card's files; it is left out of
    /// ``filesHash(ofFolder:)``, being added after the read.
    public static let payloadFileName = "level1.json"

    /// Writes the dump into the folder `path`, which must not exist unless `replacing`; with `replacing`, only a
    /// folder that is itself a dump (``isDump(at:)``) is replaced, never any other folder or file.
    ///
    /// The files go to a private temporary folder beside `path` (`mkdtemp`, files opened `O_NOFOLLOW | O_CREAT |
    /// O_EXCL` and flushed), which then takes `path`'s name in one rename (or one exchange with the dump it
    /// replaces): a process killed at any moment leaves the whole dump or none of it under `path`.
    public func write(to path: String, replacing: Bool = false) throws(CCCDError) {
        let staged = try stage(for: path)
        do {
            try staged.commit(replacing: replacing)
        } catch {
            PrivateFiles.removeTree(staged.path)
            throw error
        }
    }

    /// Writes the dump's files into a new private folder beside `target`, flushed to the disk, not yet in place.
    ///
    /// - Throws: ``CCCDError/dumpExists(path:)`` before writing anything when `target` exists and is not a dump;
    ///   ``CCCDError/cannotWrite(path:reason:)``.
    public func stage(for target: String) throws(CCCDError) -> StagedDump {
        let target = URL(fileURLWithPath: target).standardizedFileURL.path
        let parent = (target as NSString).deletingLastPathComponent
        try PrivateFiles.makeFolder(parent)
        let folder = try PrivateFiles.makeTemporaryFolder(in: parent, prefix: "\((target as NSString).lastPathComponent).partial")
        do {
            var written: [(name: String, bytes: [UInt8])] = []
            for (file, bytes) in files { written.append(("\(file.name).bin", bytes)) }
            if let portrait { written.append(("portrait.\(portrait.fileExtension)", portrait.bytes)) }
            if let card { written.append(("card.json", Array((card.serialized(pretty: true) + "\n").utf8))) }
            for (name, bytes) in written { try PrivateFiles.writeNewFile(folder + "/" + name, bytes) }
            PrivateFiles.syncFolder(folder)
            return StagedDump(path: folder, target: target,
                              filesHash: Self.manifestHash(written.map { ($0.name, HashAlgorithm.sha256.hash($0.bytes)) }))
        } catch {
            PrivateFiles.removeTree(folder)
            throw error
        }
    }

    /// Whether `path` is a folder written by ``write(to:replacing:)``: a real folder (not a link) holding a
    /// `card.json` (not a link, at most 1 MiB) whose `schema` is `cccd-read/1`. Only such a folder is replaced by
    /// `--force` or removed by a purge.
    public static func isDump(at path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return false }
        guard case .bytes(let bytes) = PrivateFiles.readSmallFile(path + "/card.json", limit: 1 << 20),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return false }
        return object["schema"] as? String == OutputSchema.read.rawValue
    }

    /// The SHA-256 (lower-case hex) of a dump folder's files as `sha256sum` lists them: the text made of one line
    /// `HASH  NAME` per regular file, in byte order of the names, without ``payloadFileName`` and hidden names. Computed again by
    /// `cd DIR && sha256sum $(ls | grep -v '^level1.json$' | LC_ALL=C sort) | sha256sum`. Nil when the folder
    /// cannot be read, holds a link or more than ``maximumFileCount`` entries.
    public static func filesHash(ofFolder path: String) -> String? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path),
              names.count <= maximumFileCount else { return nil }
        var entries: [(String, [UInt8])] = []
        for name in names where name != payloadFileName && !name.hasPrefix(".") {
            guard case .bytes(let bytes) = PrivateFiles.readSmallFile(path + "/" + name, limit: maximumFileSize) else {
                return nil
            }
            entries.append((name, HashAlgorithm.sha256.hash(bytes)))
        }
        return manifestHash(entries)
    }

    static func manifestHash(_ entries: [(name: String, hash: [UInt8])]) -> String {
        let manifest = entries.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
            .map { "\($0.hash.hexLower)  \($0.name)\n" }.joined()
        return HashAlgorithm.sha256.hash(Array(manifest.utf8)).hexLower
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
        guard names.count <= Self.maximumFileCount else {
            throw .dumpUnreadable(path: path, reason: "\(names.count) entries, more than a dump's \(Self.maximumFileCount)")
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
            let bytes = try Self.readFile(path, "card.json", limit: Self.maximumCardJSONSize)
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

    /// Reads one file of a dump: its size is checked before anything is read, a link is refused.
    private static func readFile(_ folder: String, _ name: String, limit: Int = maximumFileSize) throws(CCCDError) -> [UInt8] {
        switch PrivateFiles.readSmallFile((folder as NSString).appendingPathComponent(name), limit: limit) {
        case .bytes(let bytes) where !bytes.isEmpty: return bytes
        case .bytes: throw .dumpUnreadable(path: folder, reason: "\(name) is empty")
        case .missing: throw .dumpUnreadable(path: folder, reason: "cannot read \(name)")
        case .tooLarge(let size):
            throw .dumpUnreadable(path: folder, reason: "\(name) is \(size) bytes, larger than \(limit >> 10) KiB")
        case .unreadable(let why): throw .dumpUnreadable(path: folder, reason: "cannot read \(name): \(why)")
        }
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

/// A dump written to a private temporary folder beside its target (``CardDump/stage(for:)``), not yet in place.
public struct StagedDump: Sendable, Hashable {
    /// The temporary folder holding the files.
    public var path: String
    /// The folder it becomes.
    public var target: String
    /// ``CardDump/filesHash(ofFolder:)`` of its files.
    public var filesHash: String

    /// A staged dump.
    public init(path: String, target: String, filesHash: String) {
        self.path = path
        self.target = target
        self.filesHash = filesHash
    }

    /// Puts the staged folder in place: renamed to ``target`` when nothing is there; with `replacing`, exchanged
    /// with the dump at ``target`` in one step, the old dump then removed. A folder at ``target`` that is not a dump
    /// is never replaced.
    ///
    /// - Throws: ``CCCDError/dumpExists(path:)`` when ``target`` exists and is not to be (or cannot be) replaced.
    public func commit(replacing: Bool) throws(CCCDError) {
        var info = stat()
        if lstat(target, &info) == 0 {
            guard replacing else { throw .dumpExists(path: target) }
            guard CardDump.isDump(at: target) else { throw .notADump(path: target) }
            try PrivateFiles.exchange(path, target)
            PrivateFiles.removeTree(path)
        } else {
            try PrivateFiles.renameNoReplace(path, target)
        }
    }
}
