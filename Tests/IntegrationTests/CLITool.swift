import Foundation

/// Runs the built `cccd` executable, as a script or a desk would.
enum CLITool {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Stdout's JSON documents (one, or one per line).
        var documents: [[String: Any]] {
            get throws { try OutputCheck.documents(stdout) }
        }

        /// The only JSON document on stdout.
        var json: [String: Any] {
            get throws {
                let all = try documents
                guard all.count == 1 else { throw HarnessError("\(all.count) JSON documents on stdout, not one") }
                return all[0]
            }
        }
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

    /// The tests' own configuration and data: no `/etc/cccd/cccd.toml` or `~/.config/cccd/cccd.toml` of this
    /// machine is read, and the audit log and saved cards go to a private folder of this test process, not to
    /// the user's `~/.local/share/cccd`. A test may override each variable.
    static let sandbox: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-tests-home-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        atexit { try? FileManager.default.removeItem(at: CLITool.sandbox) }
        return folder
    }()

    static var hermetic: [String: String] {
        ["XDG_DATA_HOME": sandbox.appendingPathComponent("data").path,
         "XDG_CONFIG_HOME": sandbox.appendingPathComponent("config").path,
         "CCCD_SYSTEM_CONFIG": sandbox.appendingPathComponent("etc-cccd.toml").path]
    }

    /// Runs `cccd` with `arguments` and returns its exit status and output; killed after `timeout` seconds.
    ///
    /// Every JSON output is checked: with `--json` or `--pretty`, and for `level1`, whatever stdout holds must be
    /// JSON documents each valid against the schema of Schemas/ its `schema` member names.
    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil,
                    timeout: Double = 60, in folder: URL? = nil) throws -> Result {
        let result = try execute(["/usr/bin/env", try binary.path] + arguments, environment: environment, stdin: stdin,
                                 timeout: timeout, in: folder)
        if (arguments.contains("--json") || arguments.contains("--pretty") || arguments.first == "level1")
            && !arguments.contains("--help") {
            try OutputCheck.validate(result.stdout)
        }
        return result
    }

    /// Runs a shell command line (an example from `--help`) with `cccd` first on PATH.
    static func shell(_ line: String, in folder: URL, timeout: Double = 60) throws -> Result {
        let bin = try binary.deletingLastPathComponent().path
        let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try execute(["/bin/sh", "-c", line], environment: ["PATH": path], stdin: nil, timeout: timeout,
                           in: folder)
    }

    private static func execute(_ command: [String], environment: [String: String], stdin: String?, timeout: Double,
                                in folder: URL?) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        if let folder { process.currentDirectoryURL = folder }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in hermetic { env[key] = value }
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
            throw HarnessError("\(command.joined(separator: " ")) did not finish within \(timeout) s")
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData.data, as: UTF8.self),
                      stderr: String(decoding: errData.data, as: UTF8.self))
    }
}

/// `cccd emulate` (or a shell line running it) in the background, until the card it serves is in "Virtual PCD 00 00";
/// ``stop()`` takes the card away and waits until the reader is empty.
final class BackgroundEmulator {
    private let process = Process()

    init(_ arguments: [String], shell: Bool = false, in folder: URL? = nil) throws {
        if shell {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "exec " + arguments.joined(separator: " ")]
            process.environment = ["PATH": try CLITool.binary.deletingLastPathComponent().path + ":/usr/bin:/bin"]
        } else {
            process.executableURL = try CLITool.binary
            process.arguments = arguments
        }
        if let folder { process.currentDirectoryURL = folder }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        do {
            try PCSCDaemon.waitUntil(PCSCDaemon.reader0, present: true)
        } catch {
            stop()
            throw error
        }
    }

    /// SIGKILL: a child of the test runner may inherit a mask that blocks SIGTERM.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? PCSCDaemon.waitUntil(PCSCDaemon.reader0, present: false)
    }
}

/// Output collected on another thread, read after the group is done.
final class Box: @unchecked Sendable {
    var data = Data()
}

/// The JSON outputs of `cccd` against the schemas of Schemas/ (Python's jsonschema, Draft 2020-12, formats checked).
enum OutputCheck {
    /// The documents of a stdout: the whole text as one (`--pretty`), else one per line.
    static func documents(_ text: String) throws -> [[String: Any]] {
        if let whole = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] { return [whole] }
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw HarnessError("a stdout line is not a JSON object: \(line.prefix(80))")
            }
            return object
        }
    }

    /// Checks that every document names its schema and is valid against it.
    static func validate(_ stdout: String) throws {
        guard !stdout.isEmpty else { return }
        let message = try python([Repository.root.appendingPathComponent("scripts/validate-json.py").path,
                                  Repository.root.appendingPathComponent("Schemas").path], stdin: stdout)
        if let message {
            throw HarnessError("the output does not validate: \(message.split(separator: "\n").suffix(2).joined(separator: " | "))")
        }
    }
}

/// Runs `python3 ARGUMENTS` with `stdin` as its input; nil when it exits 0, otherwise what it said on stderr.
func python(_ arguments: [String], stdin: String) throws -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    let input = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardError = errors
    try process.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return process.terminationStatus == 0 ? nil : message
}
