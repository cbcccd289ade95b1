import Foundation
import Testing

/// The module split's promise (issue 11, ARCHITECTURE.md): a client that imports CCCD and not CCCDQR links neither
/// zbar nor the image libraries. `cccd-bench` is such a client (CardIO, CCCD, ICAOSession, LDS, VirtualCard); `cccd`
/// imports CCCDQR and shows that the check can see the libraries when they are there.
struct LinkageTests {
    static let imageLibraries = ["libzbar", "libpng", "libjpeg", "libopenjp2"]

    /// An executable built beside the test bundle.
    static func executable(_ name: String) throws -> URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name])
    }

    /// The shared objects the dynamic linker loads for `binary`, direct and transitive (`ldd`).
    static func loadedLibraries(_ binary: URL) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ldd")
        process.arguments = [binary.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test func test_chipOnlyClient_linksNeitherZbarNorImageLibraries() throws {
        let libraries = try Self.loadedLibraries(try Self.executable("cccd-bench"))
        #expect(libraries.contains { $0.hasPrefix("libcrypto") }, "ldd output not understood: \(libraries)")
        for name in Self.imageLibraries {
            #expect(!libraries.contains { $0.hasPrefix(name) }, "a chip-only client loads \(name)")
        }
    }

    @Test func test_qrClient_linksThem() throws {
        let libraries = try Self.loadedLibraries(try Self.executable("cccd"))
        for name in Self.imageLibraries {
            #expect(libraries.contains { $0.hasPrefix(name) }, "cccd does not load \(name)")
        }
    }
}
