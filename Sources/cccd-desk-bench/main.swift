// cccd-desk-bench: the time from the last APDU of a read to the verdict on the desk page — the server-sent event that
// carries the result, as a client of the page receives it. A virtual card sits in pcscd's vpcd reader "Virtual PCD
// 00 00" (pcscd must be running with vsmartcard-vpcd: scripts/desk-bench.sh starts it); the desk (DeskServer, in this
// process, on 127.0.0.1) reads it through PC/SC for each QR text posted; the last exchange's time comes from the
// read's APDU log, the event's from this process's own socket reader of GET /api/events, on the same monotonic clock.
//
// Usage: swift run -c release cccd-desk-bench [ROUNDS] [CARD.json]
import CCCD
import CCCDConfiguration
import DeskRecord
import DeskServer
import Foundation
import Synchronization
import VirtualCard

/// Nanoseconds on the monotonic clock.
func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

let arguments = CommandLine.arguments.dropFirst()
let rounds = arguments.first.flatMap(Int.init) ?? 30
let cardPath = arguments.dropFirst().first ?? "Vectors/cards/nguyen-van-an-2021.json"
let card = try Personalization.load(URL(fileURLWithPath: cardPath))
let trust = try TrustStore.load(paths: ["Vectors/pki/csca-a.pem"])
let reader = "Virtual PCD 00 00"

let lastExchange = Atomic<UInt64>(0)
let out = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-desk-bench-\(getpid())")
defer { try? FileManager.default.removeItem(at: out) }
// The desk as `cccd desk` runs it: every attempt logged and saved (a private log and archive of its own).
try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true,
                                        attributes: [.posixPermissions: 0o700])
let recorder = try AttemptRecorder(log: AuditLog(path: out.appendingPathComponent("log.sqlite").path),
                                   archive: CardArchive(root: out.appendingPathComponent("cards").path),
                                   operatorName: "bench")
let settings = DeskSettings(reader: .named(reader), trust: trust, recorder: recorder, cardTimeout: .seconds(10),
                            watchReader: false,
                            apduLog: { _ in lastExchange.store(now(), ordering: .sequentiallyConsistent) })
let controller = DeskController(settings: settings)
let server = try DeskServer(controller: controller, address: ListenAddress(host: "127.0.0.1", port: 0))

let connection = VPCDConnection(chip: card.makeChip(), port: 35963)
try connection.connect(timeout: 10)
connection.serveInBackground()
defer { connection.disconnect() }

let bound = Mutex<Int?>(nil)
let serving = Task { try await server.run { address in bound.withLock { $0 = address.port } } }
while bound.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
let port = bound.withLock { $0 }!

/// A TCP connection to 127.0.0.1:`port` (the desk's own address; a failure shows as a read of 0 bytes).
func connectLoopback(port: Int) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return fd
}

/// A plain socket client of GET /api/events: each `data:` line stamped with its arrival time.
final class Events: @unchecked Sendable {
    let fd: Int32
    let lock = NSLock()
    var lines: [(UInt64, String)] = []
    var buffer = [UInt8]()

    init(port: Int) {
        fd = connectLoopback(port: port)
        let request = Array("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { write(fd, $0.baseAddress, request.count) }
        Thread { [self] in
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { return }
                let arrived = now()
                lock.withLock {
                    buffer += chunk[0..<n]
                    while let newline = buffer.firstIndex(of: 0x0A) {
                        let line = String(decoding: buffer[..<newline], as: UTF8.self)
                        buffer.removeSubrange(...newline)
                        if line.hasPrefix("data: ") { lines.append((arrived, String(line.dropFirst(6)))) }
                    }
                }
            }
        }.start()
    }

    /// Waits for the first event after `index` whose state carries attempt `attempt`'s verdict.
    func verdict(of attempt: Int, after index: Int) async throws -> (UInt64, String, Int) {
        let deadline = now() + 30_000_000_000
        while now() < deadline {
            let found: (UInt64, String, Int)? = lock.withLock {
                for i in index..<lines.count {
                    let (time, text) = lines[i]
                    if text.contains("\"attempt\": \(attempt),") && text.contains("\"verdict\": ") { return (time, text, i) }
                }
                return nil
            }
            if let found { return found }
            try await Task.sleep(for: .microseconds(200))
        }
        throw CCCDError.internalFailure("no verdict event within 30 s")
    }

    var count: Int { lock.withLock { lines.count } }
}

func post(_ path: String, _ body: String, token: String) {
    let fd = connectLoopback(port: port)
    let data = Array(body.utf8)
    let request = Array(("POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nOrigin: http://127.0.0.1:\(port)\r\n"
        + "Content-Type: application/json\r\nX-CCCD-Token: \(token)\r\nContent-Length: \(data.count)\r\n"
        + "Connection: close\r\n\r\n").utf8) + data
    _ = request.withUnsafeBytes { write(fd, $0.baseAddress, request.count) }
    var sink = [UInt8](repeating: 0, count: 4096)
    while read(fd, &sink, sink.count) > 0 {}
    close(fd)
}

let events = Events(port: port)
let input = String(decoding: try JSONSerialization.data(withJSONObject: ["text": card.description.qr!]), as: UTF8.self)
var latencies: [Double] = []
var verdicts: [String: Int] = [:]
for round in 1...rounds {
    let index = events.count
    post("/api/input", input, token: server.token)
    let (arrived, text, _) = try await events.verdict(of: round, after: index)
    let last = lastExchange.load(ordering: .sequentiallyConsistent)
    latencies.append(Double(arrived - last) / 1_000_000)
    let verdict = text.range(of: "\"verdict\": \"").map { String(text[$0.upperBound...].prefix { $0 != "\"" }) } ?? "?"
    verdicts[verdict, default: 0] += 1
    post("/api/reset", "{}", token: server.token)
}
serving.cancel()

let sorted = latencies.sorted()
func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))] }
print("cccd-desk-bench: \(rounds) reads of \(card.description.identity.fullName) through pcscd (\(reader)), verdicts \(verdicts)")
print(String(format: "last APDU -> verdict event on the page: min %.1f ms, median %.1f ms, p90 %.1f ms, max %.1f ms (goal < 100 ms)",
             sorted.first!, percentile(0.5), percentile(0.9), sorted.last!))
exit(percentile(0.9) < 100 ? 0 : 1)
