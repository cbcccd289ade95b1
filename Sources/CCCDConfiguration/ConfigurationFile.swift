import Foundation
import TOMLKit

/// One `cccd.toml`, read with a size bound and parsed by TOMLKit (TOML 1.0) into plain values, so no TOMLKit type
/// leaves this file.
enum ConfigurationFile {
    /// A TOML value, as far as the configuration cares.
    enum Value: Equatable {
        case string(String)
        case integer(Int)
        case array([Value])
        /// A float, a boolean, a date or time, a table: never the right type for a key of ours.
        case other(typeName: String)

        /// The type's name in TOML's words, for errors.
        var typeName: String {
            switch self {
            case .string: return "a string"
            case .integer: return "an integer"
            case .array: return "an array"
            case .other(let name): return name
            }
        }

        func string(_ file: String, _ key: String) throws(ConfigurationError) -> String {
            guard case .string(let text) = self else {
                throw ConfigurationError(file: file, key: key, reason: "expected a string, found \(typeName)")
            }
            return text
        }
    }

    /// The top-level table of the file at `path`; nil when there is no such file.
    static func read(_ path: String) throws(ConfigurationError) -> [String: Value]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ConfigurationError(file: path, key: nil, reason: "cannot read it: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw ConfigurationError(file: path, key: nil, reason: "not a regular file")
        }
        guard Int(status.st_size) <= CCCDConfiguration.maximumFileSize else {
            throw ConfigurationError(file: path, key: nil,
                                     reason: "larger than \(CCCDConfiguration.maximumFileSize >> 10) KiB")
        }
        var bytes = [UInt8](repeating: 0, count: CCCDConfiguration.maximumFileSize + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else {
                throw ConfigurationError(file: path, key: nil, reason: "cannot read it: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            count += n
        }
        guard count <= CCCDConfiguration.maximumFileSize else {
            throw ConfigurationError(file: path, key: nil,
                                     reason: "larger than \(CCCDConfiguration.maximumFileSize >> 10) KiB")
        }
        guard let text = String(validating: bytes[..<count], as: UTF8.self), !text.contains("\0") else {
            throw ConfigurationError(file: path, key: nil, reason: "not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// The top-level table of a TOML text.
    static func parse(_ text: String, file: String) throws(ConfigurationError) -> [String: Value] {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let at = error.source.begin
            throw ConfigurationError(file: file, key: nil,
                                     reason: "not TOML at line \(at.line), column \(at.column): \(error.description)")
        } catch {
            throw ConfigurationError(file: file, key: nil, reason: "not TOML: \(error)")
        }
        var out: [String: Value] = [:]
        for (key, value) in table { out[key] = convert(value) }
        return out
    }

    private static func convert(_ value: TOMLValueConvertible) -> Value {
        switch value.type {
        case .string: return .string(value.string ?? "")
        case .int: return .integer(value.int ?? 0)
        case .array: return .array(value.array.map { $0.map(convert) } ?? [])
        case .double: return .other(typeName: "a float")
        case .bool: return .other(typeName: "a boolean")
        case .date, .time, .dateTime: return .other(typeName: "a date or time")
        case .table: return .other(typeName: "a table")
        }
    }
}
