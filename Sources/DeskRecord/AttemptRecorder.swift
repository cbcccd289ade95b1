import CCCD
import CCCDConfiguration
import Foundation

/// The desk's record in one place: every attempt goes into the audit log, and a card read goes into the archive,
/// in one call (``record(_:command:reader:input:allowUnverified:save:exitCode:)``), with nothing torn or lost if
/// the process is killed at any moment.
///
/// How a save stays whole: the dump is written to a private temporary folder and flushed; then one SQLite
/// transaction appends the entry (naming the folder and the hash of its files) and notes the pending save; then
/// the folder is renamed into place and the note removed. The log's commit is the commit point: a process killed
/// before it leaves only a hidden temporary folder, removed by the next recorder; killed after it, the next
/// recorder finishes the rename. ``recover()`` runs when a recorder is made.
public final class AttemptRecorder: Sendable {
    /// The audit log.
    public let log: AuditLog
    /// The saved cards, when cards are saved.
    public let archive: CardArchive?
    /// Who works at the desk.
    public let operatorName: String

    /// A recorder over a log and an archive; finishes or removes what a killed process left (``recover()``).
    public init(log: AuditLog, archive: CardArchive?, operatorName: String) throws(RecordError) {
        self.log = log
        self.archive = archive
        self.operatorName = operatorName
        try recover()
    }

    /// The recorder the configuration describes: its `log`, its `out` as the archive, its `operator`.
    public convenience init(configuration: CCCDConfiguration) throws(RecordError) {
        try self.init(log: AuditLog(path: configuration.log.value), archive: CardArchive(root: configuration.out.value),
                      operatorName: configuration.operatorName.value)
    }

    /// What was recorded: the log's entry, and the folder the card was saved in.
    public struct RecordedAttempt: Sendable, Hashable {
        /// The entry as the log holds it, with its ``AttemptEntry/id``.
        public var entry: AttemptEntry
        /// The folder the card was saved in; nil when it was not saved.
        public var saved: String? { entry.saved }
    }

    /// Records one attempt: a read is saved in the archive (when `save` and there is one; `rejected/` for a card
    /// that failed verification) and logged; a failure is logged.
    ///
    /// - Parameters:
    ///   - outcome: the read, or the error the attempt ended with.
    ///   - command: the command that made the attempt.
    ///   - reader: the reader's name, for a failure (a read names its own).
    ///   - input: what the officer gave: the key's kind is logged (never the key), and the QR names the holder when
    ///     the chip could not.
    ///   - allowUnverified: whether a `reject` for want of a trust anchor alone exits 0 (`--allow-unverified`): the
    ///     exit code logged, and the folder the card is saved in.
    ///   - save: whether to save a read in the archive.
    ///   - exitCode: the command's exit code, when not the one the outcome gives.
    @discardableResult
    public func record(_ outcome: AttemptOutcome, command: AttemptCommand, reader: String?, input: CardInput?,
                       allowUnverified: Bool = false, save: Bool = true,
                       exitCode: Int32? = nil) throws(RecordError) -> RecordedAttempt {
        let entry = AttemptEntry(outcome, command: command, reader: reader, operatorName: operatorName, input: input,
                                 allowUnverified: allowUnverified, exitCode: exitCode)
        guard case .read(let result) = outcome, save, let archive else {
            return RecordedAttempt(entry: try log.append(entry))
        }
        let parent = archive.parent(for: result, allowUnverified: allowUnverified)
        try archive.prepare(parent)
        return try saveRead(result, entry: entry, parent: parent, replacing: false) { suffix in
            parent + "/" + CardArchive.folderName(for: result, suffix: suffix)
        }
    }

    /// Records a read saved into the folder `path` the user named (`cccd read --out`): replaced only with
    /// `replacing` and only when it is a dump.
    @discardableResult
    public func record(_ result: CardReadResult, command: AttemptCommand, input: CardInput?, savingTo path: String,
                       replacing: Bool, allowUnverified: Bool = false,
                       exitCode: Int32? = nil) throws(RecordError) -> RecordedAttempt {
        let target = URL(fileURLWithPath: path).standardizedFileURL.path
        let entry = AttemptEntry(.read(result), command: command, reader: nil, operatorName: operatorName, input: input,
                                 allowUnverified: allowUnverified, exitCode: exitCode)
        let parent = (target as NSString).deletingLastPathComponent
        CardArchive.removeLeftovers(in: parent, prefix: (target as NSString).lastPathComponent + ".",
                                    keeping: Set((try? log.pendingSaves())?.map(\.staged) ?? []))
        return try saveRead(result, entry: entry, parent: parent, replacing: replacing) { _ in target }
    }

    private func saveRead(_ result: CardReadResult, entry: AttemptEntry, parent: String, replacing: Bool,
                      name: (Int) -> String) throws(RecordError) -> RecordedAttempt {
        var target = name(1)
        if !replacing {
            // The first free name: on the disk, and in the log (a save another process has committed but not yet
            // renamed). An explicit --out gives the same name for every suffix: its existence is an error below.
            var suffix = 1
            while suffix < 1000 {
                let taken = try log.names(target)
                guard taken || Self.exists(target) else { break }
                suffix += 1
                let next = name(suffix)
                if next == target { break }
                target = next
            }
            if Self.exists(target) { throw .archive(.dumpExists(path: target)) }
        } else if Self.exists(target) && !CardDump.isDump(at: target) {
            throw .archive(.notADump(path: target))
        }
        let staged: StagedDump
        do {
            staged = try CardDump(result).stage(for: target)
        } catch {
            throw .archive(error)
        }
        var stored = entry
        stored.saved = target
        stored.savedHash = staged.filesHash
        let appended: AttemptEntry
        do {
            appended = try log.append(stored, staged: staged, replacing: replacing)
        } catch {
            PrivateFiles.removeTree(staged.path)
            throw error
        }
        do {
            try staged.commit(replacing: replacing)
        } catch {
            // Committed in the log, refused on the disk (another process took the name): the recovery of the next
            // recorder retries; the entry stays, as the log never changes.
            throw .archive(error)
        }
        try log.finishSave(staged: staged.path)
        return RecordedAttempt(entry: appended)
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Saves a level-1 payload beside a recorded card's files (`level1.json`).
    public func savePayload(_ payload: JSONValue, for attempt: RecordedAttempt) throws(RecordError) {
        guard let archive, let folder = attempt.saved else {
            throw .archive(.cannotWrite(path: "level1.json", reason: "the card was not saved"))
        }
        try archive.savePayload(payload, in: folder)
    }

    // MARK: Recovery.

    /// Finishes the saves a killed process committed in the log but did not put in place, and removes the
    /// temporary folders of those it did not commit (and of purges it did not finish).
    public func recover() throws(RecordError) {
        let pending = try log.pendingSaves()
        for save in pending {
            var info = stat()
            if lstat(save.staged, &info) == 0 {
                // After an exchange the staged name holds the dump that was replaced: its hash is not the entry's.
                let isNew = CardDump.filesHash(ofFolder: save.staged) == save.savedHash
                if isNew {
                    try? StagedDump(path: save.staged, target: save.target, filesHash: save.savedHash ?? "")
                        .commit(replacing: save.replacing)
                }
                if lstat(save.staged, &info) == 0 && (!isNew || save.replacing) { PrivateFiles.removeTree(save.staged) }
            }
            try log.finishSave(staged: save.staged)
        }
        archive?.removeLeftovers(keeping: [])
    }

    // MARK: Retention.

    /// Removes saved cards read, and log entries made, more than `days` days before `now`, and logs the purge
    /// (with how many of each it removed). The log's purge is committed first; a process killed before the cards
    /// are all removed leaves them for the next purge.
    @discardableResult
    public func purge(olderThan days: Int, now: Date = Date()) throws(RecordError) -> AttemptEntry {
        guard days >= 1 else { throw .invalidFilter("--older-than must be at least 1 day") }
        let before = now.addingTimeInterval(-Double(days) * 86_400)
        let expired = (archive?.savedCards() ?? []).filter { $0.readAt < before }
        let entry = try log.purge(before: before, operatorName: operatorName, cards: expired.count, time: now)
        for card in expired { archive?.remove(card) }
        return entry
    }

    /// The purge the desk runs at start: past the configured retention period, nothing when none is configured.
    @discardableResult
    public func purgeExpired(retentionDays: Int?, now: Date = Date()) throws(RecordError) -> AttemptEntry? {
        guard let retentionDays else { return nil }
        return try purge(olderThan: retentionDays, now: now)
    }
}
