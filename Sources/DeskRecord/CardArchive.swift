import CCCD
import Foundation
import ICAOCrypto

/// Where saved cards live: the configuration's `out` folder, one private folder per read, named only from a
/// validated 12-digit ID and the time of reading (`001099012345-20250602T090000Z`), else from a hash
/// (`card-5f2a…-20250602T090000Z`); cards whose verdict is `reject` (other than only unverified) under `rejected/`.
/// Nothing chip-supplied but a checked ID goes into a path, so no name resolves outside the folder.
public struct CardArchive: Sendable, Hashable {
    /// The folder saved cards go to.
    public let root: String

    /// The subfolder of cards that failed verification.
    public static let rejectedFolderName = "rejected"

    /// An archive rooted at `root` (created, 0700, when the first card is saved).
    public init(root: String) {
        self.root = URL(fileURLWithPath: root).standardizedFileURL.path
    }

    /// The folder a result's card goes to: ``root`` for `accept` and an only-unverified `reject` (a replay, or a
    /// missing trust anchor with `allowUnverified`), `rejected/` for any other verdict.
    public func parent(for result: CardReadResult, allowUnverified: Bool) -> String {
        result.verdict.exitCode(allowUnverified: allowUnverified) == 0 ? root : root + "/" + Self.rejectedFolderName
    }

    /// The folder name for a result, with `suffix` (2, 3, …) when the first is taken: the ID when it is 12 ASCII
    /// digits, else `card-` and the first 16 hex digits of EF.SOD's SHA-256 (of every file when there is no
    /// EF.SOD); then the time of reading in UTC.
    public static func folderName(for result: CardReadResult, suffix: Int = 1) -> String {
        let base: String
        if let id = result.record.personalIdNumber, id.utf8.count == 12, id.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            base = id
        } else {
            let bytes = result.files[.sod] ?? result.files.sorted { $0.key < $1.key }.flatMap(\.value)
            base = "card-" + String(HashAlgorithm.sha256.hash(bytes).hexString.lowercased().prefix(16))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return base + "-" + formatter.string(from: result.readAt) + (suffix > 1 ? "-\(suffix)" : "")
    }

    /// Makes sure `parent` (the root or `rejected/`) is a private folder; `rejected/` must be a real folder, not a
    /// link, so a planted link cannot send cards elsewhere.
    func prepare(_ parent: String) throws(RecordError) {
        do throws(CCCDError) {
            try PrivateFiles.makeFolder(root)
            if parent != root {
                var info = stat()
                if lstat(parent, &info) == 0 {
                    guard (info.st_mode & S_IFMT) == S_IFDIR else {
                        throw CCCDError.cannotWrite(path: parent, reason: "not a folder (a link is refused)")
                    }
                } else if mkdir(parent, 0o700) != 0 && errno != EEXIST {
                    throw CCCDError.cannotWrite(path: parent, reason: String(cString: strerror(errno)))
                }
            }
        } catch {
            throw .archive(error)
        }
    }

    /// A saved card: its folder and its time of reading.
    public struct SavedCard: Sendable, Hashable {
        /// The saved card's folder.
        public var path: String
        /// When the card was read (the dump's `readAt`).
        public var readAt: Date
    }

    /// Every saved card of the archive (the root and `rejected/`): folders that are dumps (`CardDump.isDump(at:)`)
    /// with a `readAt`; anything else in the folder is left alone.
    public func savedCards() -> [SavedCard] {
        var cards: [SavedCard] = []
        for parent in [root, root + "/" + Self.rejectedFolderName] {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { continue }
            for name in names.sorted() where !name.hasPrefix(".") && name != Self.rejectedFolderName {
                let path = parent + "/" + name
                guard CardDump.isDump(at: path),
                      case .bytes(let bytes) = PrivateFiles.readSmallFile(path + "/card.json", limit: CardDump.maximumCardJSONSize),
                      let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
                      let text = object["readAt"] as? String, let readAt = ISO8601.date(text) else { continue }
                cards.append(SavedCard(path: path, readAt: readAt))
            }
        }
        return cards
    }

    /// Saves a level-1 payload as `level1.json` beside a saved card's files, atomically (a new private file renamed
    /// over the old one).
    ///
    /// - Throws: ``RecordError/archive(_:)`` when `folder` is not a saved card of this archive.
    public func savePayload(_ payload: JSONValue, in folder: String) throws(RecordError) {
        let folder = URL(fileURLWithPath: folder).standardizedFileURL.path
        let parent = (folder as NSString).deletingLastPathComponent
        guard parent == root || parent == root + "/" + Self.rejectedFolderName, CardDump.isDump(at: folder) else {
            throw .archive(.cannotWrite(path: folder, reason: "not a saved card of \(root)"))
        }
        do {
            try PrivateFiles.replaceFile(folder + "/" + CardDump.payloadFileName,
                                         Array((payload.serialized(pretty: true) + "\n").utf8))
        } catch {
            throw .archive(error)
        }
    }

    /// Removes the leftovers of writes and purges that a killed process never finished: hidden `.NAME.partial-PID-…`
    /// and `.NAME.purge-PID-…` folders of processes no longer running, except those `keep` names (a committed save
    /// being put in place).
    func removeLeftovers(keeping keep: Set<String>) {
        for parent in [root, root + "/" + Self.rejectedFolderName] {
            Self.removeLeftovers(in: parent, prefix: "", keeping: keep)
        }
    }

    /// Removes `.PREFIX….partial-PID-…` and `.PREFIX….purge-PID-…` entries of `parent` whose process is gone.
    static func removeLeftovers(in parent: String, prefix: String, keeping keep: Set<String>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name.hasPrefix("." + prefix) {
            let path = parent + "/" + name
            guard !keep.contains(path), let pid = leftoverProcess(name), pid != getpid(), !isRunning(pid) else { continue }
            PrivateFiles.removeTree(path)
        }
    }

    /// The process id in `.NAME.partial-PID-XXXXXX` or `.NAME.purge-PID-XXXXXX`.
    static func leftoverProcess(_ name: String) -> pid_t? {
        for marker in [".partial-", ".purge-"] {
            guard let range = name.range(of: marker, options: .backwards) else { continue }
            let rest = name[range.upperBound...].split(separator: "-")
            guard rest.count == 2, let pid = pid_t(rest[0]), pid > 0 else { return nil }
            return pid
        }
        return nil
    }

    private static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// Removes a saved card: renamed first to a hidden `.NAME.purge-PID-…` name (so it leaves the archive in one
    /// step), then deleted.
    func remove(_ card: SavedCard) {
        let parent = (card.path as NSString).deletingLastPathComponent
        let name = (card.path as NSString).lastPathComponent
        let aside = parent + "/.\(name).purge-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
        guard rename(card.path, aside) == 0 else { return }
        PrivateFiles.syncFolder(parent)
        PrivateFiles.removeTree(aside)
    }
}
