import Foundation
import Testing

/// Issue 15, "inputs that cannot hurt": traces, dumps, trust files and the configuration are checked before they
/// are read (a size, and a count for folders); an oversize or malformed one is one line and exit 6, with the
/// memory of the process bounded (the largest child's peak resident size, from `getrusage`).
@Suite struct HostileFileTests {
    final class Scratch {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-hostile-\(UUID())")
        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: url) }

        /// A sparse file of `size` bytes: it takes no disk, but a reader that trusts it allocates it all.
        func sparse(_ name: String, size: Int64) throws -> String {
            let path = url.appendingPathComponent(name).path
            FileManager.default.createFile(atPath: path, contents: Data("{".utf8))
            #expect(truncate(path, Int(size)) == 0)
            return path
        }

        /// A copy of a dump of Vectors/dumps to alter.
        func dump(_ name: String = "nguyen-van-an-2021") throws -> String {
            let path = url.appendingPathComponent(name).path
            try FileManager.default.copyItem(atPath: Repository.root.appendingPathComponent("Vectors/dumps/\(name)").path,
                                             toPath: path)
            return path
        }
    }

    static let trust = Repository.root.appendingPathComponent("Vectors/pki/csca-a.pem").path

    /// The peak resident size of the largest child so far, in MiB (Linux gives `ru_maxrss` in KiB).
    static func childPeakMiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }

    static func expectInputError(_ result: CLITool.Result, code: String, saying text: String) throws {
        #expect(result.status == 6, "\(result.stderr)")
        #expect(try result.json["code"] as? String == code)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(text), "\(result.stderr)")
    }

    @Test func aTraceOfAGigabyte_isRefusedBeforeItIsRead() throws {
        let scratch = try Scratch()
        let huge = try scratch.sparse("huge.json", size: 1 << 30)
        let result = try CLITool.run(["replay", huge, "--json"])
        try Self.expectInputError(result, code: "TRACE_MALFORMED", saying: "larger than 16 MiB")
        #expect(Self.childPeakMiB() < 512)
    }

    @Test func aGarbageTrace_isOneLineAndExit6() throws {
        let scratch = try Scratch()
        var generator = SplitMix64(seed: 6)
        let path = scratch.url.appendingPathComponent("garbage.json").path
        try Data((0..<70_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }).write(to: URL(fileURLWithPath: path))
        try Self.expectInputError(try CLITool.run(["replay", path, "--json"]), code: "TRACE_MALFORMED", saying: "trace")
        let folder = scratch.url.path
        try Self.expectInputError(try CLITool.run(["replay", folder, "--json"]), code: "TRACE_MALFORMED", saying: "not a regular file")
    }

    @Test func aDumpWithAnOversizeFile_tooManyFiles_orAHugeCardJSON_isRefused() throws {
        let scratch = try Scratch()
        let big = try scratch.dump()
        try FileManager.default.removeItem(atPath: big + "/DG2.bin")
        _ = try scratch.sparse("nguyen-van-an-2021/DG2.bin", size: 1 << 30)
        try Self.expectInputError(try CLITool.run(["verify", big, "--trust", Self.trust, "--json"]),
                                  code: "DUMP_UNREADABLE", saying: "DG2.bin is 1073741824 bytes, larger than")
        #expect(Self.childPeakMiB() < 512)

        let crowded = try scratch.dump("ly-tu-2024")
        for index in 0..<100 { FileManager.default.createFile(atPath: crowded + "/extra-\(index)", contents: Data()) }
        try Self.expectInputError(try CLITool.run(["verify", crowded, "--trust", Self.trust, "--json"]),
                                  code: "DUMP_UNREADABLE", saying: "more than a dump's 64")

        let bloated = try scratch.dump("he-le-khue-2024")
        try FileManager.default.removeItem(atPath: bloated + "/card.json")
        _ = try scratch.sparse("he-le-khue-2024/card.json", size: 2 << 20)
        try Self.expectInputError(try CLITool.run(["verify", bloated, "--trust", Self.trust, "--json"]),
                                  code: "DUMP_UNREADABLE", saying: "card.json is 2097152 bytes")

        // A data group that is a link to a file outside the dump is not followed.
        let linked = try scratch.dump("ho-ngoc-to-2024")
        try FileManager.default.removeItem(atPath: linked + "/DG1.bin")
        try FileManager.default.createSymbolicLink(atPath: linked + "/DG1.bin", withDestinationPath: "/etc/passwd")
        try Self.expectInputError(try CLITool.run(["verify", linked, "--trust", Self.trust, "--json"]),
                                  code: "DUMP_UNREADABLE", saying: "cannot read DG1.bin")
    }

    @Test func anOversizeTrustFile_orATrustFolderOfTensOfThousandsOfFiles_isRefused() throws {
        let scratch = try Scratch()
        let huge = try scratch.sparse("huge.pem", size: 1 << 30)
        let trace = Repository.root.appendingPathComponent("Vectors/traces/ly-tu-2024.json").path
        try Self.expectInputError(try CLITool.run(["replay", trace, "--trust", huge, "--json"]),
                                  code: "TRUST_UNREADABLE", saying: "larger than 64 MiB")
        #expect(Self.childPeakMiB() < 512)

        let crowd = scratch.url.appendingPathComponent("crowd")
        try FileManager.default.createDirectory(at: crowd, withIntermediateDirectories: true)
        for index in 0..<10_001 { FileManager.default.createFile(atPath: crowd.path + "/\(index).txt", contents: nil) }
        try Self.expectInputError(try CLITool.run(["replay", trace, "--trust", crowd.path, "--json"]),
                                  code: "TRUST_UNREADABLE", saying: "more than 10000 entries")
    }

    @Test func anOversizeConfiguration_isRefusedBeforeParsing() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("cccd"), withIntermediateDirectories: true)
        _ = try scratch.sparse("cccd/cccd.toml", size: 1 << 30)
        let result = try CLITool.run(["config", "--json"], environment: ["XDG_CONFIG_HOME": scratch.url.path])
        try Self.expectInputError(result, code: "CONFIG_INVALID", saying: "larger than 64 KiB")
    }
}
