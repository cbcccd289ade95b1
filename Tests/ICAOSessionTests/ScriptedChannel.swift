import CardIO
import Foundation

/// A card that expects each command, byte for byte, and answers with the recorded response: the trace replay
/// CardIO is meant to provide, reduced to what these tests need (no mock: it runs real recorded exchanges).
final class ScriptedChannel: CardChannel {
    struct Exchange {
        var command: [UInt8]
        var response: [UInt8]
    }

    private let exchanges: [Exchange]
    private(set) var sent = 0
    private let forceExtended: Bool

    init(_ exchanges: [Exchange]) {
        self.exchanges = exchanges
        self.forceExtended = false
    }

    init(pairs: [(String, String)]) {
        self.exchanges = pairs.map { Exchange(command: try! [UInt8](hex: $0.0), response: try! [UInt8](hex: $0.1)) }
        self.forceExtended = false
    }

    var isFinished: Bool { sent == exchanges.count }

    func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU {
        guard sent < exchanges.count else { throw .replayExhausted(exchanges: exchanges.count) }
        let actual: [UInt8]
        do {
            actual = try command.encoded()
        } catch {
            throw .commandNotSupported(error.description)
        }
        let expected = exchanges[sent]
        guard actual == expected.command else {
            throw .replayDiverged(index: sent, expected: expected.command, actual: actual)
        }
        sent += 1
        do {
            return try ResponseAPDU(encoded: expected.response)
        } catch {
            throw .transport(error.description)
        }
    }
}

/// A `cccd-trace/1` file from Vectors/, read with Foundation (only the keys these tests use).
struct TraceFile: Decodable {
    struct MRZ: Decodable {
        var documentNumber: String
        var dateOfBirth: String
        var dateOfExpiry: String
    }
    struct Access: Decodable {
        var mrz: MRZ?
        var can: String?
    }
    struct PACEParameters: Decodable {
        var oid: String
        var parameterId: Int
    }
    struct Pair: Decodable {
        var command: String
        var response: String
    }
    struct Keys: Decodable {
        var encryption: String
        var mac: String
    }
    struct Expect: Decodable {
        var files: [String: String]?
        var sessionKeys: Keys?
    }

    var format: String
    var origin: String
    var access: Access
    var pace: PACEParameters?
    var entropy: [String]
    var exchanges: [Pair]
    var expect: Expect?

    static func load(_ name: String) throws -> TraceFile {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("Vectors/icao/\(name)"))
        return try JSONDecoder().decode(TraceFile.self, from: data)
    }

    func channel() throws -> ScriptedChannel {
        ScriptedChannel(try exchanges.map { ScriptedChannel.Exchange(command: try [UInt8](hex: $0.command),
                                                                      response: try [UInt8](hex: $0.response)) })
    }

    func entropySource() throws -> RecordedEntropy {
        RecordedEntropy(try entropy.map { try [UInt8](hex: $0) })
    }
}

func hx(_ text: String) -> [UInt8] { try! [UInt8](hex: text) }
