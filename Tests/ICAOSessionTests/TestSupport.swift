import CardIO
import LDS
import VirtualCard
@testable import ICAOSession
import Foundation
import Testing

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

/// The repository's virtual cards (Vectors/cards), personalised in process: the chip side these tests run against.
enum Cards {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func load(_ name: String) throws -> PersonalizedCard {
        try Personalization.load(root.appendingPathComponent("Vectors/cards/\(name)"))
    }

    /// The card whose chip authentication, PACE and ECDSA active authentication most tests use.
    static func standard() throws -> PersonalizedCard { try load("nguyen-van-an-2021.json") }
}

extension PersonalizedCard {
    /// The card's CAN as an access key.
    var canKey: AccessKey { .can(cardAccessNumber) }
    /// The card's MRZ as an access key.
    func mrzKey() throws -> AccessKey { .mrz(try MRZKey(mrz: mrz)) }
    /// A file's bytes as personalised.
    func file(_ file: ElementaryFile) -> [UInt8]? { files[file.fileIdentifier ?? 0] }
}

/// A chip in process, with faults when a plan is given.
func inProcess(_ chip: VirtualChip, _ plan: FaultInjectingChip.Plan? = nil) -> (InProcessChannel, FaultInjectingChip?) {
    guard let plan else { return (InProcessChannel(chip: chip), nil) }
    let faulty = FaultInjectingChip(wrapping: chip, plan: plan)
    return (InProcessChannel(chip: faulty), faulty)
}

/// A channel that answers each command with the next of a script, in plain, recording what it was sent: for the
/// file reader's status words, byte by byte.
final class ScriptedChannel: CardChannel {
    private let answer: (CommandAPDU, Int) -> Result<ResponseAPDU, ChannelError>
    private(set) var commands: [CommandAPDU] = []
    private(set) var recoveries = 0

    /// Answers command n (from 0) with `answer(command, n)`.
    init(_ answer: @escaping (CommandAPDU, Int) -> Result<ResponseAPDU, ChannelError>) { self.answer = answer }

    /// Answers from a list; past its end, `6D00`.
    convenience init(_ answers: [String]) {
        self.init { _, n in .success(try! ResponseAPDU(encoded: hx(n < answers.count ? answers[n] : "6D00"))) }
    }

    func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU {
        commands.append(command)
        return try answer(command, commands.count - 1).get()
    }

    func recoverLink(timeout: Double) throws(ChannelError) { recoveries += 1 }
}

/// Passes every command through and keeps its instruction byte (the header is readable under secure messaging).
final class InstructionLog: CardChannel {
    let base: CardChannel
    private(set) var instructions: [UInt8] = []

    init(_ base: CardChannel) { self.base = base }

    var capabilities: ChannelCapabilities { base.capabilities }

    func recoverLink(timeout: Double) throws(ChannelError) { try base.recoverLink(timeout: timeout) }

    func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU {
        instructions.append(command.ins)
        return try base.transmit(command)
    }

    /// Whether a BAC command (GET CHALLENGE, EXTERNAL AUTHENTICATE) was sent.
    var triedBAC: Bool { instructions.contains(0x84) || instructions.contains(0x82) }
}

/// Expects `body` to throw a ``SessionError`` that `matches` accepts, and returns it.
@discardableResult
func expectSessionError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation,
                        _ matches: (SessionError) -> Bool) -> SessionError? {
    do {
        try body()
        Issue.record("no error was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as SessionError {
        #expect(matches(error), "unexpected \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("not a SessionError: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
