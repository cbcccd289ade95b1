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
    /// What the recorded read asked for, so a replay without options makes the same read.
    public var read: ReadRequest?

    /// Creates a trace.
    public init(title: String? = nil, origin: String? = nil, reader: ReaderInfo? = nil, access: AccessKey? = nil,
                entropy: [[UInt8]] = [], exchanges: [Exchange] = [], expectedFiles: [String: [UInt8]] = [:],
                recordedAt: String? = nil, read: ReadRequest? = nil) {
        self.recordedAt = recordedAt
        self.read = read
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

    /// What a read asked for (the trace's `read` object): the files by name as dumps write them (`EF.COM`,
    /// `DG2`…), whether chip and active authentication ran, whether extended length was tried. Plain strings and
    /// flags: this layer does not know the files, the layers above map them.
    ///
    /// `{"files": ["EF.COM", "EF.SOD", "DG1"], "chipAuthentication": true, "activeAuthentication": true,
    /// "extendedLength": true}`; a flag left out reads as `true` (the full read).
    public struct ReadRequest: Equatable, Sendable {
        /// The files asked for, in order, by name.
        public var files: [String]
        /// Whether chip authentication was to run.
        public var chipAuthentication: Bool
        /// Whether active authentication was to run.
        public var activeAuthentication: Bool
        /// Whether extended-length APDUs were tried.
        public var extendedLength: Bool

        /// A read request.
        public init(files: [String], chipAuthentication: Bool = true, activeAuthentication: Bool = true,
                    extendedLength: Bool = true) {
            self.files = files
            self.chipAuthentication = chipAuthentication
            self.activeAuthentication = activeAuthentication
            self.extendedLength = extendedLength
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

    /// One line naming the file or the field at fault, and why.
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
    /// The largest trace file read: a full read of a card with a large portrait is well under 2 MiB of JSON.
    public static let maximumFileSize = 16 << 20

    /// Reads a trace from a file: its size is checked before anything is read, and no more than
    /// ``maximumFileSize`` bytes are ever held.
    public init(contentsOf url: URL) throws(TraceError) {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw .unreadable(path: url.path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: url.path, reason: "not a regular file") }
        guard Int(info.st_size) <= Self.maximumFileSize else {
            throw .unreadable(path: url.path, reason: "\(info.st_size) bytes, larger than \(Self.maximumFileSize >> 20) MiB")
        }
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            data = try handle.read(upToCount: Self.maximumFileSize + 1) ?? Data()
        } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        guard data.count <= Self.maximumFileSize else {
            throw .unreadable(path: url.path, reason: "larger than \(Self.maximumFileSize >> 20) MiB")
        }
        try self.init(json: data)
    }

    /// Parses a trace from its JSON text, checking every field it uses (`shared/VECTORS.md`): `format` first,
    /// then each field, an error naming the first wrong one by its path (`exchanges[3].response`).
    public init(json data: Data) throws(TraceError) {
        do {
            self = try JSONDecoder().decode(Trace.self, from: data)
        } catch let error as TraceError {
            throw error
        } catch let error as DecodingError {
            throw TraceError(error)
        } catch {
            throw .notJSON("invalid JSON")
        }
    }

    /// The trace as JSON text, keys in a stable order, one exchange per line.
    public func jsonText() -> String {
        func quote(_ s: String) -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            return (try? encoder.encode(s)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
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
        if let read {
            lines.append("  \"read\": { \"files\": [" + read.files.map(quote).joined(separator: ", ") + "], "
                + "\"chipAuthentication\": \(read.chipAuthentication), "
                + "\"activeAuthentication\": \(read.activeAuthentication), \"extendedLength\": \(read.extendedLength) },")
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

    /// Writes the trace atomically and privately: a temporary file created `0600` in the same folder, flushed,
    /// then renamed over `url`, so a reader of `url` sees the old file or the whole new one, never a part, and
    /// no one else can read it (a trace holds the access secret and the holder's data).
    public func write(to url: URL) throws(TraceError) {
        let bytes = Array(jsonText().utf8)
        let folder = url.deletingLastPathComponent().path
        let temporary = folder + "/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).partial"
        func failure(_ what: String) -> TraceError {
            .unreadable(path: url.path, reason: "cannot write: \(what): \(String(cString: strerror(errno)))")
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("cannot create a temporary file") }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { writeBytes(fd, $0) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let error = failure("writing")
                close(fd)
                unlink(temporary)
                throw error
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let error = failure("flushing")
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, url.path) == 0 else {
            let error = failure("renaming into place")
            unlink(temporary)
            throw error
        }
    }
}

// MARK: Codable, with the rules of shared/VECTORS.md

extension Trace: Codable {
    private enum Key: String, CodingKey {
        case format, title, origin, reader, access, read, entropy, exchanges, expect, recordedAt
    }

    private enum ReaderKey: String, CodingKey { case name, atr }
    private enum ExchangeKey: String, CodingKey { case command, response, micros }
    private enum ExpectKey: String, CodingKey { case files }

    /// Decodes a `cccd-trace/1` object; unknown keys are ignored, hex is upper or lower case.
    ///
    /// Throws ``TraceError`` for a wrong `format` and `DecodingError`s whose path and description
    /// ``TraceError/invalidField(path:reason:)`` turns into `exchanges[3].response: not hex`.
    public init(from decoder: any Decoder) throws {
        let root: KeyedDecodingContainer<Key>
        do {
            root = try decoder.container(keyedBy: Key.self)
        } catch DecodingError.typeMismatch {
            throw TraceError.notJSON("the top level is not an object")
        }
        guard root.contains(.format), try !root.decodeNil(forKey: .format) else {
            throw TraceError.unsupportedFormat(nil)
        }
        guard let format = try? root.decode(String.self, forKey: .format) else {
            var scalar = "not a string"
            if let n = try? root.decode(Int.self, forKey: .format) {
                scalar = String(n)
            } else if let x = try? root.decode(Double.self, forKey: .format) {
                scalar = String(x)
            } else if let b = try? root.decode(Bool.self, forKey: .format) {
                scalar = String(b)
            }
            throw TraceError.unsupportedFormat(scalar)
        }
        guard format == Trace.format else { throw TraceError.unsupportedFormat(format) }

        self.init()
        title = try Self.string(root, .title)
        origin = try Self.string(root, .origin)
        recordedAt = try Self.string(root, .recordedAt)

        if try root.contains(.reader) && !root.decodeNil(forKey: .reader) {
            let reader = try Self.object(root, .reader, keyedBy: ReaderKey.self)
            let name = try Self.string(reader, .name) ?? ""
            let atr = reader.contains(.atr) ? try Self.hex(reader, .atr) : []
            self.reader = ReaderInfo(name: name, atr: atr)
        }

        if try root.contains(.access) && !root.decodeNil(forKey: .access) {
            _ = try Self.object(root, .access, keyedBy: Key.self)
            access = try root.decode(AccessKey.self, forKey: .access)
        }

        if try root.contains(.read) && !root.decodeNil(forKey: .read) {
            _ = try Self.object(root, .read, keyedBy: Key.self)
            read = try root.decode(ReadRequest.self, forKey: .read)
        }

        if try root.contains(.entropy) && !root.decodeNil(forKey: .entropy) {
            var draws = try Self.array(root, .entropy)
            while !draws.isAtEnd { entropy.append(try Self.hex(&draws)) }
        }

        guard root.contains(.exchanges) else {
            throw DecodingError.keyNotFound(Key.exchanges, .init(codingPath: [], debugDescription: "missing"))
        }
        var list = try Self.array(root, .exchanges)
        while !list.isAtEnd {
            let exchange: KeyedDecodingContainer<ExchangeKey>
            do {
                exchange = try list.nestedContainer(keyedBy: ExchangeKey.self)
            } catch DecodingError.typeMismatch(_, let context) {
                throw DecodingError.dataCorrupted(.init(codingPath: context.codingPath, debugDescription: "not an object"))
            }
            let command = try Self.hex(exchange, .command)
            guard command.count >= 4 else {
                throw Self.invalid(exchange, .command, "shorter than an APDU header")
            }
            let response = try Self.hex(exchange, .response)
            guard response.count >= 2 else {
                throw Self.invalid(exchange, .response, "shorter than a status word")
            }
            var micros: Int?
            if try exchange.contains(.micros) && !exchange.decodeNil(forKey: .micros) {
                guard let value = try? exchange.decode(Int.self, forKey: .micros), value >= 0 else {
                    throw Self.invalid(exchange, .micros, "not a non-negative integer")
                }
                micros = value
            }
            exchanges.append(Exchange(command: command, response: response, micros: micros))
        }

        if try root.contains(.expect) && !root.decodeNil(forKey: .expect) {
            let expect = try Self.object(root, .expect, keyedBy: ExpectKey.self)
            if try expect.contains(.files) && !expect.decodeNil(forKey: .files) {
                let files = try Self.object(expect, .files, keyedBy: NameKey.self)
                for name in files.allKeys {
                    expectedFiles[name.stringValue] = try Self.hex(files, name)
                }
            }
        }
    }

    /// Encodes the trace with the keys of `shared/VECTORS.md` (``jsonText()`` writes the same, laid out for
    /// people).
    public func encode(to encoder: any Encoder) throws {
        var root = encoder.container(keyedBy: Key.self)
        try root.encode(Trace.format, forKey: .format)
        try root.encodeIfPresent(title, forKey: .title)
        try root.encodeIfPresent(origin, forKey: .origin)
        try root.encodeIfPresent(recordedAt, forKey: .recordedAt)
        if let reader {
            var r = root.nestedContainer(keyedBy: ReaderKey.self, forKey: .reader)
            try r.encode(reader.name, forKey: .name)
            try r.encode(reader.atr.hexString, forKey: .atr)
        }
        try root.encodeIfPresent(access, forKey: .access)
        try root.encodeIfPresent(read, forKey: .read)
        try root.encode(entropy.map(\.hexString), forKey: .entropy)
        var list = root.nestedUnkeyedContainer(forKey: .exchanges)
        for x in exchanges {
            var e = list.nestedContainer(keyedBy: ExchangeKey.self)
            try e.encode(x.command.hexString, forKey: .command)
            try e.encode(x.response.hexString, forKey: .response)
            try e.encodeIfPresent(x.micros, forKey: .micros)
        }
        if !expectedFiles.isEmpty {
            var expect = root.nestedContainer(keyedBy: ExpectKey.self, forKey: .expect)
            try expect.encode(expectedFiles.mapValues(\.hexString), forKey: .files)
        }
    }

    // The checks every field goes through, each failure a DecodingError at the field's path.

    private struct NameKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static func invalid<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K, _ reason: String) -> DecodingError {
        .dataCorrupted(.init(codingPath: c.codingPath + [key], debugDescription: reason))
    }

    private static func string<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> String? {
        do {
            return try c.decodeIfPresent(String.self, forKey: key)
        } catch DecodingError.typeMismatch {
            throw invalid(c, key, "not a string")
        }
    }

    private static func hex<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> [UInt8] {
        guard let text = try string(c, key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: c.codingPath, debugDescription: "missing"))
        }
        do {
            return try [UInt8](hex: text)
        } catch {
            throw invalid(c, key, error.description)
        }
    }

    private static func hex(_ c: inout UnkeyedDecodingContainer) throws -> [UInt8] {
        let path = c.codingPath + [IndexKey(c.currentIndex)]
        let text: String
        do {
            text = try c.decode(String.self)
        } catch DecodingError.typeMismatch {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "not a string"))
        } catch DecodingError.valueNotFound {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "not a string"))
        }
        do {
            return try [UInt8](hex: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: error.description))
        }
    }

    private static func object<K: CodingKey, N: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K,
                                                           keyedBy: N.Type) throws -> KeyedDecodingContainer<N> {
        do {
            return try c.nestedContainer(keyedBy: N.self, forKey: key)
        } catch DecodingError.typeMismatch {
            throw invalid(c, key, "not an object")
        }
    }

    private static func array<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> UnkeyedDecodingContainer {
        do {
            return try c.nestedUnkeyedContainer(forKey: key)
        } catch DecodingError.typeMismatch {
            throw invalid(c, key, "not an array")
        } catch DecodingError.valueNotFound {
            throw invalid(c, key, "not an array")
        }
    }

    /// An array index in a coding path, written `[n]`.
    fileprivate struct IndexKey: CodingKey {
        var intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(_ index: Int) { intValue = index }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }
}

extension Trace.ReadRequest: Codable {
    private enum Key: String, CodingKey { case files, chipAuthentication, activeAuthentication, extendedLength }

    /// Decodes `{"files": [...], "chipAuthentication": …, "activeAuthentication": …, "extendedLength": …}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        func flag(_ key: Key) throws -> Bool {
            do {
                return try c.decodeIfPresent(Bool.self, forKey: key) ?? true
            } catch DecodingError.typeMismatch {
                throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [key], debugDescription: "not true or false"))
            }
        }
        guard c.contains(.files) else {
            throw DecodingError.keyNotFound(Key.files, .init(codingPath: c.codingPath, debugDescription: "missing"))
        }
        var list: UnkeyedDecodingContainer
        do {
            list = try c.nestedUnkeyedContainer(forKey: .files)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [Key.files], debugDescription: "not an array"))
        }
        var files: [String] = []
        while !list.isAtEnd {
            let path = list.codingPath + [Trace.IndexKey(list.currentIndex)]
            guard let name = try? list.decode(String.self) else {
                throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "not a string"))
            }
            files.append(name)
        }
        self.init(files: files, chipAuthentication: try flag(.chipAuthentication),
                  activeAuthentication: try flag(.activeAuthentication), extendedLength: try flag(.extendedLength))
    }

    /// Encodes the four fields.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(files, forKey: .files)
        try c.encode(chipAuthentication, forKey: .chipAuthentication)
        try c.encode(activeAuthentication, forKey: .activeAuthentication)
        try c.encode(extendedLength, forKey: .extendedLength)
    }
}

extension TraceError {
    /// A decoding failure as the field it concerns: its path as `exchanges[3].response` and why. A document that
    /// is not JSON at all is ``notJSON(_:)``.
    init(_ error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue, key.stringValue.hasPrefix("Index") {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : "." + key.stringValue
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            self = .invalidField(path: path(context.codingPath + [key]), reason: "missing")
        case .valueNotFound(_, let context):
            self = .invalidField(path: path(context.codingPath), reason: "missing")
        case .typeMismatch(let type, let context):
            let reason = type == String.self ? "not a string" : type == [String: Any].self ? "not an object"
                : type == [Any].self ? "not an array" : "of the wrong type"
            if context.codingPath.isEmpty {
                self = .notJSON("the top level is not an object")
            } else {
                self = .invalidField(path: path(context.codingPath), reason: reason)
            }
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                self = .notJSON("invalid JSON")
            } else {
                self = .invalidField(path: path(context.codingPath), reason: context.debugDescription)
            }
        @unknown default:
            self = .notJSON("invalid JSON")
        }
    }
}

/// `write(2)`, outside ``Trace`` where the name means its method.
private func writeBytes(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
    write(fd, bytes.baseAddress, bytes.count)
}
