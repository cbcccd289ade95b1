import CCCD
@testable import DeskRecord
import Foundation
import Testing

/// Where cards are saved: named from a checked ID only, rejected cards apart, private, whole or not at all, and
/// `--force` that replaces nothing but a dump.
@Suite struct CardArchiveTests {
    @Test func anAcceptedCard_isSavedUnderItsIDAndTime_privately() throws {
        let scratch = try Record.Scratch()
        let recorded = try scratch.recorder().record(.read(try Record.result()), command: .watch, reader: nil, input: nil)
        #expect(recorded.saved == scratch.path + "/cards/001099012345-20250602T090000Z")
        let folder = try #require(recorded.saved)
        #expect(Record.mode(scratch.path + "/cards") == 0o700 && Record.mode(folder) == 0o700)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names.contains("card.json") && names.contains("EF.SOD.bin") && names.contains("portrait.jpg"))
        for name in names { #expect(Record.mode(folder + "/" + name) == 0o600, "\(name)") }
        #expect(CardDump.isDump(at: folder))
    }

    @Test func theLoggedHash_isSha256sumsManifest_computedAgainByTheShell() throws {
        let scratch = try Record.Scratch()
        let recorded = try scratch.recorder().record(.read(try Record.result()), command: .watch, reader: nil, input: nil)
        let folder = try #require(recorded.saved)
        let shell = try Record.run(["sh", "-c", "cd '\(folder)' && ls | LC_ALL=C sort | xargs sha256sum | sha256sum"])
        #expect(shell.output.prefix(64) == recorded.entry.savedHash?.prefix(64))
        #expect(CardDump.filesHash(ofFolder: folder) == recorded.entry.savedHash)
    }

    @Test func aCardThatFailsVerification_goesToRejected_andAnUnverifiedOneOnlyWithAllowUnverified() throws {
        let scratch = try Record.Scratch()
        let recorder = try scratch.recorder()
        let tampered = try Record.result { $0[.dataGroup(13)]![40] ^= 1 }
        #expect(tampered.verdict.name == "reject")
        let rejected = try recorder.record(.read(tampered), command: .watch, reader: nil, input: nil)
        #expect(rejected.saved?.hasPrefix(scratch.path + "/cards/rejected/") == true)
        #expect(Record.mode(scratch.path + "/cards/rejected") == 0o700)

        let untrusted = try Record.result("ly-tu-2024", trust: nil)
        #expect(untrusted.verdict.reasons.map(\.code) == [.noTrustAnchor])
        let strict = try recorder.record(.read(untrusted), command: .watch, reader: nil, input: nil)
        #expect(strict.saved?.hasPrefix(scratch.path + "/cards/rejected/") == true)
        #expect(strict.entry.exitCode == 5)
        let lenient = try recorder.record(.read(untrusted), command: .watch, reader: nil, input: nil,
                                          allowUnverified: true)
        #expect(lenient.saved?.hasPrefix(scratch.path + "/cards/048097000321-") == true)
        #expect(lenient.entry.exitCode == 0)
    }

    @Test func anIDThatIsNotTwelveDigits_neverReachesAPath_aHashNamesTheFolder() throws {
        let scratch = try Record.Scratch()
        var result = try Record.result()
        for hostile in ["../../../etc/x", "00109901234/", "０01099012345", "001099012345\n", ""] {
            result.record.personalIdNumber = hostile
            let name = CardArchive.folderName(for: result)
            #expect(name.wholeMatch(of: /card-[0-9a-f]{16}-20250602T090000Z/) != nil, "\(hostile) -> \(name)")
        }
        let recorded = try scratch.recorder().record(.read(result), command: .watch, reader: nil, input: nil)
        #expect(recorded.saved?.hasPrefix(scratch.path + "/cards/card-") == true)
    }

    @Test func theSameCardTwiceInOneSecond_getsASecondFolder() throws {
        let scratch = try Record.Scratch()
        let recorder = try scratch.recorder()
        let result = try Record.result()
        let first = try recorder.record(.read(result), command: .watch, reader: nil, input: nil)
        let second = try recorder.record(.read(result), command: .watch, reader: nil, input: nil)
        #expect(second.saved == first.saved! + "-2")
    }

    @Test func aRejectedFolderThatIsALink_isRefused_andNothingIsWrittenThrough() throws {
        let scratch = try Record.Scratch()
        let elsewhere = scratch.path + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: scratch.path + "/cards", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/cards/rejected", withDestinationPath: elsewhere)
        let tampered = try Record.result { $0[.dataGroup(13)]![40] ^= 1 }
        let recorder = try scratch.recorder()
        #expect(throws: RecordError.self) {
            try recorder.record(.read(tampered), command: .watch, reader: nil, input: nil)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        #expect(try recorder.log.count() == 0)
    }

    @Test func force_replacesADump_butNeverAnotherFolder() throws {
        let scratch = try Record.Scratch()
        let dump = CardDump(try Record.result())
        let target = scratch.path + "/dump"
        try dump.write(to: target)
        #expect(throws: CCCDError.dumpExists(path: target)) { try dump.write(to: target) }
        let other = CardDump(try Record.result("ly-tu-2024"))
        try other.write(to: target, replacing: true)
        #expect(try CardDump(contentsOf: target).files == other.files)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["dump"])

        let precious = scratch.path + "/precious"
        try FileManager.default.createDirectory(atPath: precious, withIntermediateDirectories: true)
        try "keep me".write(toFile: precious + "/thesis.txt", atomically: true, encoding: .utf8)
        #expect(throws: CCCDError.notADump(path: precious)) { try dump.write(to: precious, replacing: true) }
        #expect(try String(contentsOfFile: precious + "/thesis.txt", encoding: .utf8) == "keep me")
        // A folder with a card.json of another kind is not a dump either.
        try #"{"schema": "cccd-verify/1"}"#.write(toFile: precious + "/card.json", atomically: true, encoding: .utf8)
        #expect(throws: CCCDError.notADump(path: precious)) { try dump.write(to: precious, replacing: true) }
        // Nor a link to a dump.
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/link", withDestinationPath: target)
        #expect(!CardDump.isDump(at: scratch.path + "/link"))
        #expect(throws: CCCDError.notADump(path: scratch.path + "/link")) {
            try dump.write(to: scratch.path + "/link", replacing: true)
        }
    }

    @Test func aSaveCommittedInTheLog_butKilledBeforeTheRename_isFinishedByTheNextRecorder() throws {
        let scratch = try Record.Scratch()
        let recorder = try scratch.recorder()
        let result = try Record.result()
        try recorder.archive!.prepare(scratch.path + "/cards")
        let target = scratch.path + "/cards/" + CardArchive.folderName(for: result)
        // What a process killed right after the log's commit leaves: the staged folder, and the entry.
        let staged = try CardDump(result).stage(for: target)
        var entry = AttemptEntry(.read(result), command: .watch, reader: nil, operatorName: "x", input: nil)
        entry.saved = target
        entry.savedHash = staged.filesHash
        try recorder.log.append(entry, staged: staged, replacing: false)
        #expect(!FileManager.default.fileExists(atPath: target))

        let next = try scratch.recorder()
        #expect(FileManager.default.fileExists(atPath: target))
        #expect(!FileManager.default.fileExists(atPath: staged.path))
        #expect(CardDump.filesHash(ofFolder: target) == staged.filesHash)
        #expect(try next.log.pendingSaves().isEmpty)
    }

    @Test func aSaveKilledBeforeTheLogsCommit_leavesNothing_onceTheNextRecorderRuns() throws {
        let scratch = try Record.Scratch()
        let recorder = try scratch.recorder()
        try recorder.archive!.prepare(scratch.path + "/cards")
        let target = scratch.path + "/cards/" + CardArchive.folderName(for: try Record.result())
        let staged = try CardDump(try Record.result()).stage(for: target)
        // Its process has gone: give it the pid of a process that has exited.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let orphan = staged.path.replacingOccurrences(of: ".partial-\(getpid())-", with: ".partial-\(gone.processIdentifier)-")
        try FileManager.default.moveItem(atPath: staged.path, toPath: orphan)
        _ = try scratch.recorder()
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/cards") == [])
        #expect(try recorder.log.count() == 0)
    }

    @Test func aPayload_isSavedBesideTheCard_privately_withoutChangingTheLoggedHash() throws {
        let scratch = try Record.Scratch()
        let recorder = try scratch.recorder()
        let recorded = try recorder.record(.read(try Record.result()), command: .desk, reader: nil, input: nil)
        let payload = JSONValue.object([("schema", .string("cccd-level1/1")), ("status", .string("ready"))])
        try recorder.savePayload(payload, for: recorded)
        try recorder.savePayload(payload, for: recorded)   // again: replaced, not refused
        let file = recorded.saved! + "/level1.json"
        #expect(Record.mode(file) == 0o600)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == payload.serialized(pretty: true) + "\n")
        #expect(CardDump.filesHash(ofFolder: recorded.saved!) == recorded.entry.savedHash)
        #expect(throws: RecordError.self) { try recorder.archive!.savePayload(payload, in: scratch.path) }
    }
}
