import CardIO

/// Sample files under Vectors/lds, found from this file's path (no SwiftPM resources).
enum Fixture {
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/LDSTests/Fixtures.swift
        return parts.joined(separator: "/") + "/Vectors/lds/"
    }()

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        try readFile(root + relativePath)
    }

    static func card(_ name: String) throws -> [UInt8] { try bytes("cccd/" + name) }

    /// SHA-256 of the sample files, computed by Python's hashlib in make_fixtures.py.
    static func sha256(of name: String) throws -> [UInt8] {
        let text = String(decoding: try bytes("cccd/sha256.txt"), as: UTF8.self)
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2 && parts[0] == name { return try [UInt8](hex: parts[1]) }
        }
        throw FixtureError.missing(name)
    }
}

enum FixtureError: Error { case missing(String) }

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func readFile(_ path: String) throws -> [UInt8] {
    guard let f = fopen(path, "rb") else { throw FixtureError.missing(path) }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        out.append(contentsOf: buffer[0..<n])
    }
    return out
}

func hex(_ s: String) -> [UInt8] { try! [UInt8](hex: s.filter { !$0.isWhitespace }) }
