import Foundation

/// Runs the built `cccd` executable, as a script or a desk would.
enum CLITool {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `cccd` binary beside the test bundle in the build folder.
    static var binary: URL {
        get throws {
            let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            var folder = me.deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = folder.appendingPathComponent("cccd")
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate.path) {
                    return candidate
                }
                folder = folder.deletingLastPathComponent()
            }
            throw HarnessError("the cccd executable was not built beside the tests (run swift build --build-tests)")
        }
    }

    /// Runs `cccd` with `arguments` and returns its exit status and output; killed after `timeout` seconds.
    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
                    timeout: Double = 60) throws -> Result {
        let process = Process()
        process.executableURL = try binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let group = DispatchGroup()
        let outData = Box()
        let errData = Box()
        group.enter()
        DispatchQueue.global().async {
            outData.data = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        group.enter()
        DispatchQueue.global().async {
            errData.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            throw HarnessError("cccd \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData.data, as: UTF8.self),
                      stderr: String(decoding: errData.data, as: UTF8.self))
    }
}

/// Output collected on another thread, read after the group is done.
final class Box: @unchecked Sendable {
    var data = Data()
}
