import Foundation

/// A plain HTTP/1.1 client over a socket, for the desk tests: it sends exactly the headers given (a browser's
/// Origin, a forged Host, a wrong token), which URLSession would not let a test choose.
enum DeskHTTP {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: Data

        var text: String { String(decoding: body, as: UTF8.self) }

        var json: [String: Any] {
            get throws {
                guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                    throw HarnessError("not a JSON object: \(text.prefix(200))")
                }
                return object
            }
        }

        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    /// A port free on 127.0.0.1 now (the system's pick for a socket bound to port 0, then closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw HarnessError("no free port: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Opens a TCP connection to 127.0.0.1:`port`.
    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw HarnessError("connect to 127.0.0.1:\(port): \(errno)")
        }
        return fd
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + sent, bytes.count - sent) }
            guard n > 0 else { throw HarnessError("write: \(errno)") }
            sent += n
        }
    }

    /// One request; `headers` replace the defaults (Host 127.0.0.1:port).
    static func request(_ method: String, _ path: String, port: Int, headers: [String: String] = [:],
                        body: Data? = nil) throws -> Response {
        let fd = try connect(port: port)
        defer { close(fd) }
        var all = ["Host": "127.0.0.1:\(port)", "Connection": "close"]
        for (name, value) in headers { all[name] = value }
        if let body { all["Content-Length"] = String(body.count) }
        var head = "\(method) \(path) HTTP/1.1\r\n"
        for (name, value) in all.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        try send(fd, Array(head.utf8) + (body.map(Array.init) ?? []))
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return try parse(data)
    }

    /// A POST of JSON as the desk's page sends it: its token, its origin.
    static func post(_ path: String, port: Int, token: String, json: [String: Any],
                     origin: String? = nil) throws -> Response {
        try request("POST", path, port: port, headers: [
            "Content-Type": "application/json", "X-CCCD-Token": token,
            "Origin": origin ?? "http://127.0.0.1:\(port)",
        ], body: try JSONSerialization.data(withJSONObject: json))
    }

    static func parse(_ data: Data) throws -> Response {
        guard let end = data.range(of: Data("\r\n\r\n".utf8)) else { throw HarnessError("no HTTP head in \(data.count) bytes") }
        let head = String(decoding: data[data.startIndex..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw HarnessError("bad status line") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(data[end.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        return Response(status: status, headers: headers, body: body)
    }

    static func dechunk(_ data: Data) -> Data {
        var out = Data()
        var rest = data[...]
        while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
            let size = Int(String(decoding: rest[rest.startIndex..<lineEnd.lowerBound], as: UTF8.self)
                .split(separator: ";")[0].trimmingCharacters(in: .whitespaces), radix: 16) ?? 0
            if size == 0 { break }
            let start = lineEnd.upperBound
            guard rest.distance(from: start, to: rest.endIndex) >= size else { break }
            let stop = rest.index(start, offsetBy: size)
            out.append(rest[start..<stop])
            rest = rest[min(rest.index(stop, offsetBy: 2, limitedBy: rest.endIndex) ?? rest.endIndex, rest.endIndex)...]
        }
        return out
    }

    /// `GET /api/events`, read as it comes: each `data:` line is one state.
    final class EventStream: @unchecked Sendable {
        private let fd: Int32
        private let lock = NSLock()
        private var buffer = Data()
        private var closed = false
        /// The arrival time of each event (monotonic), for the benchmark.
        private(set) var arrivals: [UInt64] = []

        init(port: Int) throws {
            fd = try DeskHTTP.connect(port: port)
            try DeskHTTP.send(fd, Array("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n\r\n".utf8))
            let thread = Thread { [self] in
                var chunk = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = read(fd, &chunk, chunk.count)
                    if n <= 0 { break }
                    lock.withLock { buffer.append(contentsOf: chunk[0..<n]) }
                }
                lock.withLock { closed = true }
            }
            thread.start()
        }

        /// The next state event, waiting up to `timeout` seconds.
        func next(timeout: Double = 20) throws -> (json: [String: Any], text: String) {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                let line: String? = lock.withLock {
                    // Events are "data: {…}\n\n"; chunk framing lines and comments are skipped.
                    while let newline = buffer.firstIndex(of: 0x0A) {
                        let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                        buffer.removeSubrange(buffer.startIndex...newline)
                        if line.hasPrefix("data: ") { return String(line.dropFirst(6)) }
                    }
                    return nil
                }
                if let line {
                    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                    guard let object else { throw HarnessError("an event is not a JSON object") }
                    return (object, line)
                }
                if lock.withLock({ closed }) { throw HarnessError("the event stream closed") }
                usleep(5_000)
            }
            throw HarnessError("no event within \(timeout) s")
        }

        /// Events until one satisfies `done` (returned with every event seen on the way).
        func until(timeout: Double = 30, _ done: ([String: Any]) -> Bool) throws -> [(json: [String: Any], text: String)] {
            let deadline = Date().addingTimeInterval(timeout)
            var seen: [(json: [String: Any], text: String)] = []
            while true {
                let left = deadline.timeIntervalSinceNow
                guard left > 0 else { throw HarnessError("no such event within \(timeout) s; last: \(seen.last?.text.prefix(300) ?? "none")") }
                let event = try next(timeout: left)
                seen.append(event)
                if done(event.json) { return seen }
            }
        }

        func close() { shutdown(fd, Int32(SHUT_RDWR)); Foundation.close(fd) }
    }
}

/// `cccd desk` running in the background: its address from its first stderr line, its launch token from the page.
final class DeskProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let token: String
    let errorLog: URL

    /// Starts `cccd desk` with `arguments` (and `--listen 127.0.0.1:PORT` on a free port unless they name one), in
    /// the tests' private XDG home.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-desk-\(UUID()).log")
        FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process.executableURL = try CLITool.binary
        let listen = arguments.contains("--listen") || environment["XDG_CONFIG_HOME"] != nil
            ? [] : ["--listen", "127.0.0.1:\(try DeskHTTP.freePort())"]
        process.arguments = ["desk"] + listen + arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in CLITool.hermetic { env[key] = value }
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errorLog)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        var found: Int?
        while Date() < deadline, process.isRunning {
            let log = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
            if let range = log.range(of: "desk at http://127.0.0.1:") ?? log.range(of: "desk at http://localhost:") {
                found = Int(log[range.upperBound...].prefix { $0.isNumber })
                break
            }
            usleep(50_000)
        }
        guard let found else {
            kill(process.processIdentifier, SIGKILL)
            throw HarnessError("cccd desk did not start: " + ((try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""))
        }
        port = found
        let page = try DeskHTTP.request("GET", "/", port: found)
        guard let range = page.text.range(of: "<meta name=\"cccd-token\" content=\"") else {
            throw HarnessError("the page has no cccd-token meta")
        }
        token = String(page.text[range.upperBound...].prefix { $0 != "\"" })
    }

    var stderr: String { (try? String(contentsOf: errorLog, encoding: .utf8)) ?? "" }

    func state() throws -> [String: Any] { try DeskHTTP.request("GET", "/api/state", port: port).json }

    /// SIGTERM, and the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: errorLog)
        return process.terminationStatus
    }
}
