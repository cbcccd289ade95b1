import CardIO
import Foundation
import Testing
import VirtualCard

/// Every test that talks to the real pcscd lives in this suite, one at a time: they share the daemon and its two
/// virtual readers, and a card event caused by one test must not land in another's wait.
@Suite(.serialized) enum RealPCSCD {}

/// The real `pcscd` the integration tests run against, with the `vsmartcard-vpcd` driver's two virtual readers.
///
/// If a pcscd already answers (a desk machine, the README's demo), the tests use it; otherwise the first test
/// starts one in the foreground (`pcscd --foreground --debug`, no systemd; `--apdu` too with `CCCD_PCSCD_APDU=1`),
/// logging to a private file, and it is stopped when the test process exits.
enum PCSCDaemon {
    /// The vpcd reader on port 35963.
    static let reader0 = "Virtual PCD 00 00"
    /// The vpcd reader on port 35964.
    static let reader1 = "Virtual PCD 00 01"

    private static let lock = NSLock()
    nonisolated(unsafe) private static var started: Process?
    nonisolated(unsafe) private static var ready = false

    /// Where a pcscd started by the tests writes its log: a file (0600) in a private folder (0700) of this test
    /// process, since with `--apdu` it holds every APDU, the access protocol's included.
    static let logURL: URL = {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("cccd-tests-pcscd-\(getpid())")
        mkdir(folder.path, 0o700)
        chmod(folder.path, 0o700)
        return folder.appendingPathComponent("pcscd.log")
    }()

    /// pcscd's options: its debug log, and the APDUs only when `CCCD_PCSCD_APDU=1` asks for them.
    static var arguments: [String] {
        ["--foreground", "--debug"] + (ProcessInfo.processInfo.environment["CCCD_PCSCD_APDU"] == "1" ? ["--apdu"] : [])
    }

    /// Makes sure pcscd runs and offers both vpcd readers, starting it when needed.
    static func ensureRunning() throws {
        lock.lock()
        defer { lock.unlock() }
        if ready { return }
        if !answers() {
            guard let path = ["/usr/sbin/pcscd", "/sbin/pcscd", "/usr/bin/pcscd"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            }) else {
                throw HarnessError("pcscd is not installed (Debian package pcscd)")
            }
            // No daemon answers: a socket or pid file left by one that was killed would stop the new one starting.
            for stale in ["/run/pcscd/pcscd.comm", "/run/pcscd/pcscd.pid"] {
                try? FileManager.default.removeItem(atPath: stale)
            }
            FileManager.default.createFile(atPath: logURL.path, contents: nil, attributes: [.posixPermissions: 0o600])
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            let log = try FileHandle(forWritingTo: logURL)
            process.standardOutput = log
            process.standardError = log
            try process.run()
            started = process
            atexit {
                PCSCDaemon.stopStarted()
            }
        }
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if let names = try? PCSCContext().readerNames(), names.contains(reader0), names.contains(reader1) {
                ready = true
                return
            }
            usleep(100_000)
        }
        throw HarnessError("pcscd did not offer the vpcd readers within 15 s (is vsmartcard-vpcd installed?)")
    }

    private static func answers() -> Bool {
        (try? PCSCContext().readerNames()) != nil
    }

    /// Stops the pcscd the tests started. Runs from `atexit`, where Foundation's `Process` must not be used (its
    /// `waitUntilExit` spins forever once the process is exiting): plain signals, and a bounded wait.
    static func stopStarted() {
        guard let process = started else { return }
        let pid = process.processIdentifier
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        for _ in 0..<40 {
            if kill(pid, 0) != 0 { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(50_000)
        }
        kill(pid, SIGKILL)
    }

    /// The vpcd port of a reader.
    static func port(of reader: String) -> UInt16 { reader == reader0 ? 35963 : 35964 }

    /// Puts `chip` into `reader`: connects it over vpcd, serves it on a background thread, and waits until
    /// PC/SC reports the card present.
    static func insert(_ chip: VirtualChip, into reader: String = reader1) throws -> VPCDConnection {
        try ensureRunning()
        let connection = VPCDConnection(chip: chip, port: port(of: reader))
        try connection.connect(timeout: 5)
        connection.serveInBackground()
        try waitUntil(reader, present: true)
        return connection
    }

    /// Takes the card out and waits until PC/SC reports the reader empty.
    static func remove(_ connection: VPCDConnection, from reader: String = reader1) throws {
        connection.disconnect()
        try waitUntil(reader, present: false)
    }

    /// Polls the reader's state until the card is (or is not) present, for at most 5 seconds.
    static func waitUntil(_ reader: String, present: Bool) throws {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let status = try? PCSCContext().readerStatuses().first(where: { $0.name == reader }),
               status.cardPresent == present {
                return
            }
            usleep(50_000)
        }
        throw HarnessError("\(reader) did not become \(present ? "occupied" : "empty") within 5 s")
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
