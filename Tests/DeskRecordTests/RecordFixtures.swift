import CCCD
@testable import DeskRecord
import Foundation
import Testing

/// The repository's vectors and a private scratch folder, for the record's tests.
enum Record {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static let trust = try! TrustStore.load(paths: [path("Vectors/pki/csca-a.pem")])

    /// A read of a virtual card's dump (Vectors/dumps), live, at `date`, optionally altered.
    static func result(_ card: String = "nguyen-van-an-2021", at date: String = "2025-06-02T09:00:00Z",
                       trust: TrustStore? = Record.trust,
                       alter: (inout [ElementaryFile: [UInt8]]) -> Void = { _ in }) throws -> CardReadResult {
        var files = try CardDump(contentsOf: path("Vectors/dumps/\(card)")).files
        alter(&files)
        return CardReadResult(files: files, chipAuthentication: .passed, activeAuthentication: .passed, trust: trust,
                              readAt: ISO8601.date(date)!, source: .live)
    }

    /// A private folder removed when the scratch goes.
    final class Scratch {
        let url: URL
        var path: String { url.path }
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-record-\(UUID())")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: url) }

        func recorder(operatorName: String = "Trần Thị Bình") throws -> AttemptRecorder {
            try AttemptRecorder(log: AuditLog(path: path + "/state/audit.sqlite"),
                                archive: CardArchive(root: path + "/cards"), operatorName: operatorName)
        }
    }

    /// The permission bits of a path (links not followed).
    static func mode(_ path: String) -> mode_t {
        var info = stat()
        lstat(path, &info)
        return info.st_mode & 0o7777
    }

    /// Runs a command and returns its status and output (stdout and stderr together).
    @discardableResult
    static func run(_ arguments: [String], stdin: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
