import CardIO
import Foundation

/// Hex to bytes for test literals.
func hx(_ text: String) -> [UInt8] { try! [UInt8](hex: text) }

/// A replay of hex command/response pairs (CardIO's ``ReplayChannel``: each command must match byte for byte).
func replay(_ pairs: [(String, String)]) -> ReplayChannel {
    ReplayChannel(exchanges: pairs.map { Trace.Exchange(command: hx($0.0), response: hx($0.1)) })
}

/// A `cccd-trace/1` file of Vectors/icao.
func icaoTrace(_ name: String) throws -> Trace {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    return try Trace(contentsOf: root.appendingPathComponent("Vectors/icao/\(name)"))
}

/// A CAN access key for test literals.
func can(_ digits: String) -> AccessKey { .can(try! CardAccessNumber(digits)) }
