import CCCD
@testable import DeskRecord
import Foundation
import Testing

/// The audit log: one entry per attempt, private, append-only in its schema, WAL, purged only by the purge.
@Suite struct AuditLogTests {
    @Test func anAttempt_isLoggedWithWhoWhenAndWhat_butNeverTheKeyOrThePortrait() throws {
        let scratch = try Record.Scratch()
        let recorder = try scratch.recorder()
        let result = try Record.result()
        let input = CardInput(key: .can(try CardAccessNumber("987654")))
        let recorded = try recorder.record(.read(result), command: .watch, reader: "Virtual PCD 00 00", input: input)
        let failed = try recorder.record(.failed(CCCDError.cardRemoved(during: .accessControl)), command: .read,
                                         reader: "ACR1252", input: CardInput(key: .mrz(try MRZKey(
                                             documentNumber: "C1234567", dateOfBirth: "990315", dateOfExpiry: "390315"))))
        let entries = try recorder.log.entries()
        #expect(entries.count == 2)
        let first = try #require(entries.first)
        #expect(first.id == recorded.entry.id && first.id != nil)
        #expect(first.command == .watch && first.operatorName == "Trần Thị Bình" && first.accessKey == "can")
        #expect(first.personalIdNumber == "001099012345" && first.fullName == "Nguyễn Văn An")
        #expect(first.verdict == "accept" && first.reasons.isEmpty && first.exitCode == 0)
        #expect(first.saved == recorded.saved && first.savedHash?.count == 64)
        #expect(first.time == result.readAt || abs(first.time.timeIntervalSinceNow) < 60)
        let second = entries[1]
        #expect(second.verdict == "retry" && second.error == "CARD_REMOVED" && second.exitCode == 3)
        #expect(second.reasons.map(\.code) == ["CARD_REMOVED"] && second.accessKey == "mrz" && second.reader == "ACR1252")
        #expect(failed.saved == nil)

        // The file and its WAL never hold the CAN, the MRZ key's document number or the portrait's bytes.
        let portrait = try #require(result.portrait?.bytes)
        for file in ["audit.sqlite", "audit.sqlite-wal"] {
            let bytes = [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: scratch.path + "/state/" + file))) ?? Data())
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains("987654") && !text.contains("C1234567"), "\(file)")
            #expect(bytes.firstRange(of: portrait[1000..<1032]) == nil, "\(file)")
        }
    }

    @Test func theLog_isPrivate_andInWALMode_asTheSqliteShellSeesIt() throws {
        let scratch = try Record.Scratch()
        let recorder = try scratch.recorder()
        try recorder.record(.failed(CCCDError.noCard(reader: nil)), command: .read, reader: nil, input: nil)
        #expect(Record.mode(scratch.path + "/state") == 0o700)
        for file in ["audit.sqlite", "audit.sqlite-wal", "audit.sqlite-shm"] {
            #expect(Record.mode(scratch.path + "/state/" + file) == 0o600, "\(file)")
        }
        let journal = try Record.run(["sqlite3", scratch.path + "/state/audit.sqlite", "PRAGMA journal_mode;"])
        #expect(journal.output == "wal\n")
    }

    @Test func theSchema_refusesEveryUpdateAndDelete_fromAnyOtherTool() throws {
        let scratch = try Record.Scratch()
        let recorder = try scratch.recorder()
        try recorder.record(.read(try Record.result()), command: .watch, reader: nil, input: nil)
        let file = scratch.path + "/state/audit.sqlite"
        let update = try Record.run(["sqlite3", file, "UPDATE attempt SET verdict = 'accept', personalIdNumber = 'x';"])
        #expect(update.status != 0 && update.output.contains("the audit log is append-only: an entry is never changed"))
        let delete = try Record.run(["sqlite3", file, "DELETE FROM attempt;"])
        #expect(delete.status != 0, "\(delete.output)")
        let count = try Record.run(["sqlite3", file, "SELECT count(*), min(personalIdNumber) FROM attempt;"])
        #expect(count.output == "1|001099012345\n")
        #expect(try recorder.log.count() == 1)
    }

    @Test func aPurge_removesOnlyWhatIsOlder_andLogsItself() throws {
        let scratch = try Record.Scratch()
        let recorder = try scratch.recorder()
        let now = ISO8601.date("2025-06-30T12:00:00Z")!
        let old = try Record.result(at: "2025-05-01T09:00:00Z")
        let recent = try Record.result("ly-tu-2024", at: "2025-06-25T09:00:00Z")
        let oldSaved = try recorder.record(.read(old), command: .watch, reader: nil, input: nil)
        let recentSaved = try recorder.record(.read(recent), command: .watch, reader: nil, input: nil)
        // The log's own time is the time of appending: these two entries are "now"; an older one is made by hand.
        try recorder.log.append(AttemptEntry(time: ISO8601.date("2025-05-01T09:05:00Z")!, command: .read,
                                             operatorName: "x", exitCode: 3))
        // Something else in the folder, older than anything: never touched.
        try FileManager.default.createDirectory(atPath: scratch.path + "/cards/notes", withIntermediateDirectories: true)

        let entry = try recorder.purge(olderThan: 30, now: now)
        #expect(entry.command == .purge && entry.purge?.entries == 1 && entry.purge?.cards == 1)
        #expect(entry.purge?.before == ISO8601.date("2025-05-31T12:00:00Z"))
        #expect(!FileManager.default.fileExists(atPath: oldSaved.saved!))
        #expect(FileManager.default.fileExists(atPath: recentSaved.saved!))
        #expect(FileManager.default.fileExists(atPath: scratch.path + "/cards/notes"))
        let left = try recorder.log.entries()
        #expect(left.map(\.command) == [.watch, .watch, .purge])
        #expect(left.last == entry)
        // Nothing is left of the removed card, not even hidden.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/cards").filter { $0.hasPrefix(".") }.isEmpty)

        #expect(try recorder.purgeExpired(retentionDays: nil) == nil)
        #expect(throws: RecordError.self) { try recorder.purge(olderThan: 0) }
    }

    @Test func everyKindOfEntry_validatesAgainstTheAttemptSchema() throws {
        let scratch = try Record.Scratch()
        let recorder = try scratch.recorder()
        let qr = try CardQRCode(text: "001099012345|123456789|Nguyễn Văn An|15031999|Nam|Số 12 ngõ 34 Láng Hạ, "
                                + "Phường Láng Hạ, Quận Đống Đa, Hà Nội|01062022")
        try recorder.record(.read(try Record.result()), command: .watch, reader: "Virtual PCD 00 00",
                            input: CardInput(key: .can(try CardAccessNumber("012345")), qr: qr))
        try recorder.record(.read(try Record.result { $0[.dataGroup(13)]![40] ^= 1 }), command: .desk, reader: nil, input: nil)
        try recorder.record(.read(try Record.result()), command: .read, reader: nil, input: nil, save: false)
        try recorder.record(.failed(CCCDError.accessDenied), command: .level1, reader: "ACR", input: CardInput(
            key: .can(try CardAccessNumber("012345")), qr: qr))
        try recorder.record(.failed(CCCDError.internalFailure("x")), command: .read, reader: nil, input: nil)
        try recorder.purge(olderThan: 1)
        let entries = try recorder.log.entries()
        #expect(entries.count == 6)
        #expect(entries[3].personalIdNumber == "001099012345" && entries[3].fullName == "Nguyễn Văn An")
        #expect(entries[3].exitCode == 4 && entries[4].exitCode == 1 && entries[4].verdict == nil)
        let documents = entries.map { $0.json.serialized() }.joined(separator: "\n")
        let check = try Record.run(["python3", Record.path("scripts/validate-json.py"), Record.path("Schemas")],
                                   stdin: documents)
        #expect(check.status == 0, "\(check.output)")
    }

    @Test func history_filtersByTimeIDAndVerdict() throws {
        let scratch = try Record.Scratch()
        let log = try AuditLog(path: scratch.path + "/audit.sqlite")
        func add(_ time: String, _ id: String?, _ verdict: String?) throws {
            try log.append(AttemptEntry(time: ISO8601.date(time)!, command: .watch, operatorName: "an",
                                        personalIdNumber: id, verdict: verdict, exitCode: 0))
        }
        try add("2025-06-01T08:00:00Z", "001099012345", "accept")
        try add("2025-06-01T09:00:00Z", "079204001234", "reject")
        try add("2025-06-02T08:00:00Z", "001099012345", "retry")
        try add("2025-06-03T08:00:00Z", nil, nil)
        #expect(try log.entries().count == 4)
        #expect(try log.entries(.init(personalIdNumber: "001099012345")).map(\.verdict) == ["accept", "retry"])
        #expect(try log.entries(.init(verdict: "reject")).map(\.personalIdNumber) == ["079204001234"])
        #expect(try log.entries(.init(since: ISO8601.date("2025-06-01T09:00:00Z"),
                                      until: ISO8601.date("2025-06-03T08:00:00Z"))).count == 2)
        #expect(try log.entries().map(\.id) == [1, 2, 3, 4])
    }

    @Test func aLogThatIsALink_orNotADatabase_isRefused() throws {
        let scratch = try Record.Scratch()
        try "not sqlite".write(toFile: scratch.path + "/elsewhere", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/audit.sqlite",
                                                   withDestinationPath: scratch.path + "/elsewhere")
        #expect(throws: RecordError.self) { try AuditLog(path: scratch.path + "/audit.sqlite") }
        let garbage = scratch.path + "/garbage.sqlite"
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: garbage))
        let error = #expect(throws: RecordError.self) { try AuditLog(path: garbage) }
        #expect(error?.kind.exitCode == 6)
        #expect(throws: RecordError.self) { try AuditLog(path: scratch.path + "/none.sqlite", create: false) }
    }
}
