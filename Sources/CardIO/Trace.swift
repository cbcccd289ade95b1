import Foundation

/// One card session as a `cccd-trace/1` file (see `shared/VECTORS.md`): the access secret, the terminal's random
/// draws and every exchange, so a replay reproduces the session byte for byte.
public struct Trace: Equatable, Sendable {
    /// The only format string this version reads and writes.
    public static let format = "cccd-trace/1"

    /// A human title.
    public var title: String?
    /// Where the bytes come from: `icao-9303-11`, `synthetic` or `recorded`.
    public var origin: String?
    /// The reader's name and the card's ATR, where known.
    public var reader: ReaderInfo?
    /// The secret the session was opened with.
    public var access: AccessKey?
    /// Every draw of terminal-side randomness, in order.
    public var entropy: [[UInt8]]
    /// Command and response APDUs, in order.
    public var exchanges: [Exchange]
    /// What a correct reader must produce (plain file contents by name), kept as JSON for the layers above.
    public var expectedFiles: [String: [UInt8]]
    /// When the session was recorded (ISO 8601), so a replay checks certificates at the same moment.
    public var recordedAt: String?

    /// Creates a trace.
    public init(title: String? = nil, origin: String? = nil, reader: ReaderInfo? = nil, access: AccessKey? = nil,
                entropy: [[UInt8]] = [], exchanges: [Exchange] = [], expectedFiles: [String: [UInt8]] = [:],
                recordedAt: String? = nil) {
        self.recordedAt = recordedAt
        self.title = title
        self.origin = origin
        self.reader = reader
        self.access = access
        self.entropy = entropy
        self.exchanges = exchanges
        self.expectedFiles = expectedFiles
    }

    /// The reader a session ran on.
    public struct ReaderInfo: Equatable, Sendable {
        /// The PC/SC reader name.
        public var name: String
        /// The card's answer to reset.
        public var atr: [UInt8]
        /// Creates reader information.
        public init(name: String, atr: [UInt8]) {
            self.name = name
            self.atr = atr
        }
    }

    /// One command and its response.
    public struct Exchange: Equatable, Sendable {
        /// The command APDU as sent.
        public var command: [UInt8]
        /// The response APDU as received, status word included.
        public var response: [UInt8]
        /// The time the exchange took on the wire, in microseconds.
        public var micros: Int?
        /// Creates an exchange.
        public init(command: [UInt8], response: [UInt8], micros: Int? = nil) {
            self.command = command
            self.response = response
            self.micros = micros
        }
    }
}

/// Why a trace file could not be read.
public enum TraceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened.
    case unreadable(path: String, reason: String)
    /// The text is not JSON, or not a JSON object.
    case notJSON(String)
    /// `format` is missing or is not `cccd-trace/1`.
    case unsupportedFormat(String?)
    /// A required key is missing or has the wrong type; the path names it, e.g. `exchanges[3].response`.
    case invalidField(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read trace \(path): \(reason)"
        case .notJSON(let why): return "trace is not a JSON object: \(why)"
        case .unsupportedFormat(let format):
            if let format { return "trace format \"\(format)\" is not supported (expected \(Trace.format))" }
            return "trace has no \"format\" key (expected \"\(Trace.format)\")"
        case .invalidField(let path, let reason): return "trace field \(path): \(reason)"
        }
    }
}

extension Trace {
    /// Reads a trace from a file.
    public init(contentsOf url: URL) throws(TraceError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        try self.init(json: data)
    }

    /// Parses a trace from its JSON text, checking every field it uses.
    public init(json data: Data) throws(TraceError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [])
        } catch {
            throw .notJSON("invalid JSON")
        }
        guard let root = object as? [String: Any] else { throw .notJSON("the top level is not an object") }
        guard let format = root["format"] as? String else {
            throw .unsupportedFormat(root["format"].map { "\($0)" })
        }
        guard format == Trace.format else { throw .unsupportedFormat(format) }

        func string(_ value: Any?, _ path: String, optional: Bool = true) throws(TraceError) -> String? {
            guard let value, !(value is NSNull) else {
                if optional { return nil }
                throw .invalidField(path: path, reason: "missing")
            }
            guard let s = value as? String else { throw .invalidField(path: path, reason: "not a string") }
            return s
        }
        func hex(_ value: Any?, _ path: String) throws(TraceError) -> [UInt8] {
            guard let s = try string(value, path, optional: false) else { return [] }
            do {
                return try [UInt8](hex: s)
            } catch {
                throw .invalidField(path: path, reason: error.description)
            }
        }

        self.init()
        title = try string(root["title"], "title")
        origin = try string(root["origin"], "origin")
        recordedAt = try string(root["recordedAt"], "recordedAt")

        if let r = root["reader"], !(r is NSNull) {
            guard let reader = r as? [String: Any] else { throw .invalidField(path: "reader", reason: "not an object") }
            let name = try string(reader["name"], "reader.name") ?? ""
            let atr = reader["atr"] == nil ? [] : try hex(reader["atr"], "reader.atr")
            self.reader = ReaderInfo(name: name, atr: atr)
        }

        if let a = root["access"], !(a is NSNull) {
            guard let access = a as? [String: Any] else { throw .invalidField(path: "access", reason: "not an object") }
            if let can = try string(access["can"], "access.can") {
                do {
                    self.access = .can(try CardAccessNumber(can))
                } catch {
                    throw .invalidField(path: "access.can", reason: error.description)
                }
            } else if let m = access["mrz"] {
                guard let mrz = m as? [String: Any] else {
                    throw .invalidField(path: "access.mrz", reason: "not an object")
                }
                do {
                    self.access = .mrz(try MRZKey(
                        documentNumber: try string(mrz["documentNumber"], "access.mrz.documentNumber", optional: false)!,
                        dateOfBirth: try string(mrz["dateOfBirth"], "access.mrz.dateOfBirth", optional: false)!,
                        dateOfExpiry: try string(mrz["dateOfExpiry"], "access.mrz.dateOfExpiry", optional: false)!))
                } catch let error as AccessKeyError {
                    throw .invalidField(path: "access.mrz", reason: error.description)
                } catch let error as TraceError {
                    throw error
                } catch {
                    throw .invalidField(path: "access.mrz", reason: "\(error)")
                }
            } else {
                throw .invalidField(path: "access", reason: "neither \"can\" nor \"mrz\"")
            }
        }

        if let e = root["entropy"], !(e is NSNull) {
            guard let draws = e as? [Any] else { throw .invalidField(path: "entropy", reason: "not an array") }
            for (i, draw) in draws.enumerated() {
                entropy.append(try hex(draw, "entropy[\(i)]"))
            }
        }

        guard let x = root["exchanges"] else { throw .invalidField(path: "exchanges", reason: "missing") }
        guard let list = x as? [Any] else { throw .invalidField(path: "exchanges", reason: "not an array") }
        for (i, item) in list.enumerated() {
            guard let exchange = item as? [String: Any] else {
                throw .invalidField(path: "exchanges[\(i)]", reason: "not an object")
            }
            let command = try hex(exchange["command"], "exchanges[\(i)].command")
            guard command.count >= 4 else {
                throw .invalidField(path: "exchanges[\(i)].command", reason: "shorter than an APDU header")
            }
            let response = try hex(exchange["response"], "exchanges[\(i)].response")
            guard response.count >= 2 else {
                throw .invalidField(path: "exchanges[\(i)].response", reason: "shorter than a status word")
            }
            var micros: Int?
            if let m = exchange["micros"], !(m is NSNull) {
                guard let number = m as? NSNumber, number.int64Value >= 0,
                      Double(number.int64Value) == number.doubleValue
                else { throw .invalidField(path: "exchanges[\(i)].micros", reason: "not a non-negative integer") }
                micros = Int(number.int64Value)
            }
            exchanges.append(Exchange(command: command, response: response, micros: micros))
        }

        if let ex = root["expect"], !(ex is NSNull) {
            guard let expect = ex as? [String: Any] else { throw .invalidField(path: "expect", reason: "not an object") }
            if let f = expect["files"], !(f is NSNull) {
                guard let files = f as? [String: Any] else {
                    throw .invalidField(path: "expect.files", reason: "not an object")
                }
                for (name, value) in files {
                    expectedFiles[name] = try hex(value, "expect.files.\(name)")
                }
            }
        }
    }

    /// The trace as JSON text, keys in a stable order, one exchange per line.
    public func jsonText() -> String {
        func quote(_ s: String) -> String {
            let data = try! JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
            let text = String(decoding: data, as: UTF8.self)
            return String(text.dropFirst().dropLast())
        }
        var lines: [String] = ["{", "  \"format\": \(quote(Trace.format)),"]
        if let title { lines.append("  \"title\": \(quote(title)),") }
        if let origin { lines.append("  \"origin\": \(quote(origin)),") }
        if let recordedAt { lines.append("  \"recordedAt\": \(quote(recordedAt)),") }
        if let reader {
            lines.append("  \"reader\": { \"name\": \(quote(reader.name)), \"atr\": \"\(reader.atr.hexString)\" },")
        }
        switch access {
        case .can(let can)?:
            lines.append("  \"access\": { \"can\": \(quote(can.digits)) },")
        case .mrz(let key)?:
            lines.append("  \"access\": { \"mrz\": { \"documentNumber\": \(quote(key.documentNumber)), "
                + "\"dateOfBirth\": \(quote(key.dateOfBirth)), \"dateOfExpiry\": \(quote(key.dateOfExpiry)) } },")
        case nil:
            break
        }
        lines.append("  \"entropy\": [" + entropy.map { "\"\($0.hexString)\"" }.joined(separator: ", ") + "],")
        lines.append("  \"exchanges\": [")
        for (i, x) in exchanges.enumerated() {
            var line = "    { \"command\": \"\(x.command.hexString)\", \"response\": \"\(x.response.hexString)\""
            if let micros = x.micros { line += ", \"micros\": \(micros)" }
            line += i == exchanges.count - 1 ? " }" : " },"
            lines.append(line)
        }
        if expectedFiles.isEmpty {
            lines.append("  ]")
        } else {
            lines.append("  ],")
            let files = expectedFiles.keys.sorted().map { "\(quote($0)): \"\(expectedFiles[$0]!.hexString)\"" }
            lines.append("  \"expect\": { \"files\": { " + files.joined(separator: ", ") + " } }")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the trace atomically: a temporary file in the same folder, then a rename, so a reader of `url`
    /// sees the old file or the whole new one, never a part.
    public func write(to url: URL) throws(TraceError) {
        do {
            try Data(jsonText().utf8).write(to: url, options: .atomic)
        } catch {
            throw .unreadable(path: url.path, reason: "cannot write: \((error as NSError).localizedDescription)")
        }
    }
}
