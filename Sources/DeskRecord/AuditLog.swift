import CCCD
import Foundation
import GRDB

/// The desk's audit log: one entry per attempt to read a card, accepted or not, in an SQLite file (WAL mode,
/// `synchronous = FULL`) only its owner may read (0600, in a 0700 folder).
///
/// Append-only in the schema itself: triggers refuse every `UPDATE` of an entry and every `DELETE` but the purge's
/// (``AttemptRecorder/purge(olderThan:now:)``), which logs itself as an entry in the same transaction. A process
/// killed while writing leaves the entry whole or absent (an SQLite transaction), and never an earlier one harmed.
public final class AuditLog: Sendable {
    /// The log file.
    public let path: String
    private let pool: DatabasePool

    /// Opens the log at `path`, creating it (and its folders, 0700) when `create` and it does not exist.
    ///
    /// - Throws: ``RecordError/log(path:reason:)`` when the file is a link, not a regular file, not an SQLite
    ///   database of this schema, or cannot be created.
    public init(path: String, create: Bool = true) throws(RecordError) {
        self.path = path
        try Self.prepareFile(path, create: create)
        var configuration = Configuration()
        configuration.busyMode = .timeout(15)
        configuration.label = "cccd-audit-log"
        configuration.prepareDatabase { db in
            db.add(function: Self.purgeGate(open: false))
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw .log(path: path, reason: Self.message(error))
        }
    }

    // MARK: The schema.

    /// `cccd_purge_open()`: 1 only on the purge's own connection during its transaction; a tool without this
    /// function (the `sqlite3` shell) cannot delete entries at all.
    private static func purgeGate(open: Bool) -> DatabaseFunction {
        DatabaseFunction("cccd_purge_open", argumentCount: 0, pure: false) { _ in open ? 1 : 0 }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("cccd-attempt/1") { db in
            try db.execute(sql: """
                CREATE TABLE attempt (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time REAL NOT NULL,
                    command TEXT NOT NULL CHECK (command IN ('read', 'level1', 'watch', 'desk', 'purge')),
                    reader TEXT,
                    operator TEXT NOT NULL,
                    accessKey TEXT CHECK (accessKey IS NULL OR accessKey IN ('can', 'mrz')),
                    accessProtocol TEXT,
                    personalIdNumber TEXT,
                    fullName TEXT,
                    verdict TEXT CHECK (verdict IS NULL OR verdict IN ('accept', 'reject', 'retry')),
                    reasons TEXT NOT NULL,
                    error TEXT,
                    exit INTEGER NOT NULL,
                    saved TEXT,
                    savedHash TEXT,
                    purgedBefore REAL,
                    purgedEntries INTEGER,
                    purgedCards INTEGER
                );
                CREATE INDEX attempt_time ON attempt (time);
                CREATE INDEX attempt_personal_id ON attempt (personalIdNumber);
                CREATE INDEX attempt_saved ON attempt (saved);
                CREATE TRIGGER attempt_no_update BEFORE UPDATE ON attempt
                BEGIN
                    SELECT RAISE(ABORT, 'the audit log is append-only: an entry is never changed');
                END;
                CREATE TRIGGER attempt_no_delete BEFORE DELETE ON attempt WHEN NOT cccd_purge_open()
                BEGIN
                    SELECT RAISE(ABORT, 'the audit log is append-only: only cccd purge removes entries');
                END;
                CREATE TABLE pending_save (
                    staged TEXT PRIMARY KEY,
                    target TEXT NOT NULL,
                    attempt INTEGER NOT NULL REFERENCES attempt (id),
                    replacing INTEGER NOT NULL
                );
                """)
        }
        return migrator
    }

    /// Creates the folders (0700) and the file (0600, `O_NOFOLLOW | O_CREAT | O_EXCL`), or checks an existing
    /// file is a regular file, not a link, and makes it private again if its mode was widened.
    private static func prepareFile(_ path: String, create: Bool) throws(RecordError) {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw .log(path: path, reason: "not a regular file (a link or a folder is refused)")
            }
            if info.st_mode & 0o077 != 0 { chmod(path, 0o600) }
            return
        }
        guard create else { throw .log(path: path, reason: "there is no audit log yet") }
        do {
            try PrivateFiles.makeFolder((path as NSString).deletingLastPathComponent)
        } catch {
            throw .log(path: path, reason: error.description)
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 && errno != EEXIST { throw .log(path: path, reason: String(cString: strerror(errno))) }
        if fd >= 0 { close(fd) }
    }

    private static func message(_ error: any Error) -> String {
        if let database = error as? DatabaseError { return database.message ?? "\(database.resultCode)" }
        return "\(error)"
    }

    // MARK: Appending.

    /// Appends an entry and returns it with its number.
    @discardableResult
    public func append(_ entry: AttemptEntry) throws(RecordError) -> AttemptEntry {
        try append(entry, staged: nil, replacing: false)
    }

    /// Appends an entry and, in the same transaction, notes the staged dump its `saved` folder is about to become:
    /// the commit point of a save (see ``CardArchive``).
    func append(_ entry: AttemptEntry, staged: StagedDump?, replacing: Bool) throws(RecordError) -> AttemptEntry {
        do {
            return try pool.write { db in
                let id = try Self.insert(entry, db)
                if let staged {
                    try db.execute(sql: "INSERT INTO pending_save (staged, target, attempt, replacing) VALUES (?, ?, ?, ?)",
                                   arguments: [staged.path, staged.target, id, replacing])
                }
                var stored = entry
                stored.id = id
                return stored
            }
        } catch {
            throw .log(path: path, reason: Self.message(error))
        }
    }

    private static func insert(_ entry: AttemptEntry, _ db: Database) throws -> Int64 {
        let reasons = JSONValue.array(entry.reasons.map { reason in
            .object([("code", .string(reason.code))] + (reason.field.map { [("field", JSONValue.string($0))] } ?? []))
        }).serialized()
        let columns: [String: (any DatabaseValueConvertible)?] = [
            "time": entry.time.timeIntervalSince1970, "command": entry.command.rawValue, "reader": entry.reader,
            "operator": entry.operatorName, "accessKey": entry.accessKey, "accessProtocol": entry.accessProtocol,
            "personalIdNumber": entry.personalIdNumber, "fullName": entry.fullName, "verdict": entry.verdict,
            "reasons": reasons, "error": entry.error, "exit": Int(entry.exitCode), "saved": entry.saved,
            "savedHash": entry.savedHash, "purgedBefore": entry.purge?.before.timeIntervalSince1970,
            "purgedEntries": entry.purge?.entries, "purgedCards": entry.purge?.cards,
        ]
        let names = columns.keys.sorted()
        try db.execute(sql: "INSERT INTO attempt (\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))",
                       arguments: StatementArguments(names.map { columns[$0]! }))
        return db.lastInsertedRowID
    }

    // MARK: Pending saves.

    /// A save whose entry is committed but whose folder may not be in place yet.
    struct PendingSave: Sendable, Hashable {
        var staged: String
        var target: String
        var attempt: Int64
        var replacing: Bool
        var savedHash: String?
    }

    func pendingSaves() throws(RecordError) -> [PendingSave] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT pending_save.*, attempt.savedHash FROM pending_save JOIN attempt ON attempt.id = pending_save.attempt
                    """).map { row in
                    PendingSave(staged: row["staged"], target: row["target"], attempt: row["attempt"],
                                replacing: row["replacing"], savedHash: row["savedHash"])
                }
            }
        } catch {
            throw .log(path: path, reason: Self.message(error))
        }
    }

    func finishSave(staged: String) throws(RecordError) {
        do {
            try pool.write { db in try db.execute(sql: "DELETE FROM pending_save WHERE staged = ?", arguments: [staged]) }
        } catch {
            throw .log(path: path, reason: Self.message(error))
        }
    }

    /// Whether an entry, or a save in progress, already names `folder`.
    func names(_ folder: String) throws(RecordError) -> Bool {
        do {
            return try pool.read { db in
                try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM attempt WHERE saved = ?1) OR EXISTS (SELECT 1 FROM pending_save WHERE target = ?1)
                    """, arguments: [folder]) ?? false
            }
        } catch {
            throw .log(path: path, reason: Self.message(error))
        }
    }

    // MARK: Reading.

    /// The entries that pass `filter`, oldest first.
    public func entries(_ filter: HistoryFilter = HistoryFilter()) throws(RecordError) -> [AttemptEntry] {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let since = filter.since { conditions.append("time >= ?"); arguments.append(since.timeIntervalSince1970) }
        if let until = filter.until { conditions.append("time < ?"); arguments.append(until.timeIntervalSince1970) }
        if let id = filter.personalIdNumber { conditions.append("personalIdNumber = ?"); arguments.append(id) }
        if let verdict = filter.verdict { conditions.append("verdict = ?"); arguments.append(verdict) }
        let sql = "SELECT * FROM attempt" + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
            + " ORDER BY id"
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(Self.entry)
            }
        } catch {
            throw .log(path: path, reason: Self.message(error))
        }
    }

    private static func entry(_ row: Row) -> AttemptEntry {
        var reasons: [AttemptEntry.Reason] = []
        if let text: String = row["reasons"],
           let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] {
            reasons = array.compactMap { item in
                (item["code"] as? String).map { AttemptEntry.Reason(code: $0, field: item["field"] as? String) }
            }
        }
        let before: Double? = row["purgedBefore"]
        return AttemptEntry(
            id: row["id"], time: Date(timeIntervalSince1970: row["time"]),
            command: AttemptCommand(rawValue: row["command"]) ?? .read, reader: row["reader"],
            operatorName: row["operator"], accessKey: row["accessKey"], accessProtocol: row["accessProtocol"],
            personalIdNumber: row["personalIdNumber"], fullName: row["fullName"], verdict: row["verdict"],
            reasons: reasons, error: row["error"], exitCode: Int32(row["exit"] as Int), saved: row["saved"],
            savedHash: row["savedHash"],
            purge: before.map { AttemptEntry.PurgeFacts(before: Date(timeIntervalSince1970: $0),
                                                        entries: row["purgedEntries"] ?? 0, cards: row["purgedCards"] ?? 0) })
    }

    /// How many entries the log holds.
    public func count() throws(RecordError) -> Int {
        do {
            return try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM attempt") ?? 0 }
        } catch {
            throw .log(path: path, reason: Self.message(error))
        }
    }

    /// SQLite's own check of the file (`PRAGMA integrity_check`): `["ok"]` for a sound log.
    public func integrityCheck() throws(RecordError) -> [String] {
        do {
            return try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        } catch {
            throw .log(path: path, reason: Self.message(error))
        }
    }

    // MARK: The purge.

    /// Removes every entry older than `before` and, in the same transaction, appends the purge's own entry saying
    /// how many entries and (as the caller counts them) saved cards it removed. The only way entries leave the log.
    @discardableResult
    func purge(before: Date, operatorName: String, cards: Int, time: Date) throws(RecordError) -> AttemptEntry {
        do {
            return try pool.write { db in
                db.add(function: Self.purgeGate(open: true))
                defer { db.add(function: Self.purgeGate(open: false)) }
                try db.execute(sql: "DELETE FROM attempt WHERE time < ? AND id NOT IN (SELECT attempt FROM pending_save)",
                               arguments: [before.timeIntervalSince1970])
                let removed = db.changesCount
                var entry = AttemptEntry(time: time, command: .purge, operatorName: operatorName, exitCode: 0,
                                         purge: .init(before: before, entries: removed, cards: cards))
                entry.id = try Self.insert(entry, db)
                return entry
            }
        } catch {
            throw .log(path: path, reason: Self.message(error))
        }
    }
}

/// Which entries ``AuditLog/entries(_:)`` gives.
public struct HistoryFilter: Sendable, Hashable {
    /// From this time on (inclusive).
    public var since: Date?
    /// Before this time (exclusive).
    public var until: Date?
    /// Only this holder's attempts.
    public var personalIdNumber: String?
    /// Only attempts with this verdict: `accept`, `reject` or `retry`.
    public var verdict: String?

    /// A filter; nil lets everything through.
    public init(since: Date? = nil, until: Date? = nil, personalIdNumber: String? = nil, verdict: String? = nil) {
        self.since = since
        self.until = until
        self.personalIdNumber = personalIdNumber
        self.verdict = verdict
    }
}
