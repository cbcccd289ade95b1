@testable import CCCD
import Foundation
import Testing

/// The dump format, written and read back: atomic, private, checked at its own time of reading.
@Suite struct CardDumpTests {
    let scratch: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-dump-tests-\(UUID())")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func written_thenRead_givesTheSameFilesAndTime() throws {
        let result = try Domain.result(at: "2026-11-22T10:00:00Z")
        let folder = scratch.appendingPathComponent("an").path
        try CardDump(result).write(to: folder)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(names == ["EF.COM.bin", "EF.SOD.bin", "DG1.bin", "DG2.bin", "DG13.bin", "DG14.bin", "DG15.bin",
                          "portrait.jpg", "card.json"])
        let back = try CardDump(contentsOf: folder)
        #expect(back.files == result.files)
        #expect(back.readAt == ISO8601.date("2026-11-22T10:00:00Z"))
        #expect(back.portrait?.bytes == result.portrait?.bytes)
        try Domain.validate(String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/card.json")), as: UTF8.self),
                            against: .read)
    }

    @Test func theFolderIsPrivate_0700_andItsFiles_0600() throws {
        let folder = scratch.appendingPathComponent("private").path
        try CardDump(try Domain.result()).write(to: folder)
        #expect(try mode(folder) == 0o700)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            #expect(try mode(folder + "/" + name) == 0o600, "\(name)")
        }
    }

    @Test func anExistingFolder_isNotReplaced_unlessAsked_andNothingIsLeftBehind() throws {
        let folder = scratch.appendingPathComponent("twice").path
        let dump = CardDump(try Domain.result())
        try dump.write(to: folder)
        #expect(throws: CCCDError.dumpExists(path: folder)) { try dump.write(to: folder) }
        try dump.write(to: folder, replacing: true)
        let siblings = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
        #expect(siblings == ["twice"])
    }

    @Test func aFolderThatCannotBeCreated_isWRITE_FAILED_andLeavesNothing() throws {
        let blocker = scratch.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: blocker)
        #expect(throws: CCCDError.self) { try CardDump(try Domain.result()).write(to: blocker.path + "/dump") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["a-file"])
    }

    @Test func aFolderWithoutTheSOD_isUnreadable() throws {
        let folder = scratch.appendingPathComponent("nosod")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data([0x61, 0x00]).write(to: folder.appendingPathComponent("DG1.bin"))
        #expect(throws: CCCDError.dumpUnreadable(path: folder.path, reason: "no EF.SOD.bin: not a dump written by --out")) {
            try CardDump(contentsOf: folder.path)
        }
        #expect(throws: CCCDError.self) { try CardDump(contentsOf: scratch.appendingPathComponent("missing").path) }
    }

    @Test func aCardJSONOfAnotherSchema_isUnreadable() throws {
        let folder = scratch.appendingPathComponent("other").path
        try CardDump(try Domain.result()).write(to: folder)
        try Data(#"{"schema": "cccd-level1/1", "readAt": "2026-11-22T10:00:00Z"}"#.utf8)
            .write(to: URL(fileURLWithPath: folder + "/card.json"))
        #expect(throws: CCCDError.dumpUnreadable(path: folder, reason: "card.json is cccd-level1/1, not cccd-read/1")) {
            try CardDump(contentsOf: folder)
        }
    }

    @Test func aFileBeyondTheLimit_isUnreadable() throws {
        let folder = scratch.appendingPathComponent("big").path
        try CardDump(try Domain.result()).write(to: folder)
        try Data(count: CardDump.maximumFileSize + 1).write(to: URL(fileURLWithPath: folder + "/DG2.bin"))
        #expect(throws: CCCDError.self) { try CardDump(contentsOf: folder) }
    }

    @Test func check_isAtTheDumpsOwnTime_unlessAnotherIsGiven() throws {
        let folder = scratch.appendingPathComponent("timed").path
        try CardDump(try Domain.result(at: "2026-11-22T10:00:00Z")).write(to: folder)
        let dump = try CardDump(contentsOf: folder)
        let atItsTime = try dump.check(trust: Domain.trust, path: folder)
        #expect(atItsTime.at == ISO8601.date("2026-11-22T10:00:00Z"))
        #expect(atItsTime.passive.verdict == .passed)
        #expect(atItsTime.exitCode(allowUnverified: false) == 0)
        // The test document signer expires on 2036-01-01 (Vectors/pki/ds-good.pem); the card on 2039-03-15.
        let later = try dump.check(trust: Domain.trust, at: ISO8601.date("2040-01-01T00:00:00Z")!, path: folder)
        #expect(later.passive.problems.map(\.code) == ["DS_CERTIFICATE_EXPIRED"])
        #expect(later.problems.map(\.code) == ["DS_CERTIFICATE_EXPIRED", "DOCUMENT_EXPIRED"])
        #expect(later.exitCode(allowUnverified: true) == 5)
        try Domain.validate(later.json.serialized(), against: .verify)
    }

    @Test func aDumpWithoutItsTime_needsOne() throws {
        let folder = scratch.appendingPathComponent("untimed").path
        try CardDump(files: try Domain.files("nguyen-van-an-2021"), readAt: nil).write(to: folder)
        #expect(throws: CCCDError.self) { try CardDump(contentsOf: folder).check(trust: nil, path: folder) }
        let check = try CardDump(contentsOf: folder).check(trust: nil, at: ISO8601.date("2026-01-01T00:00:00Z")!, path: folder)
        #expect(check.passive.verdict == .noTrustAnchor)
        #expect(check.exitCode(allowUnverified: false) == 5 && check.exitCode(allowUnverified: true) == 0)
    }
}
