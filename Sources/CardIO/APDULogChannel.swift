import Foundation

/// One exchange as the APDU log reports it: the header, the lengths, the status word and the time, never the
/// data. Command data can hold a cryptogram or a key agreement's public key, response data the holder's personal
/// data; the header and lengths are what a person diagnosing a reader needs.
public struct APDULogEntry: Sendable, Equatable, CustomStringConvertible {
    /// CLA, INS, P1, P2.
    public var header: [UInt8]
    /// Nc, the length of the command data (not the data).
    public var commandDataLength: Int
    /// Ne, the response length asked for, if any.
    public var expectedLength: Int?
    /// Whether the command went in the extended length form.
    public var extendedLength: Bool
    /// The card's status word, or `nil` when no response came.
    public var statusWord: StatusWord?
    /// Nr, the length of the response data (not the data).
    public var responseDataLength: Int
    /// How long the exchange took.
    public var duration: Duration
    /// Why no response came, when none did.
    public var failure: ChannelError?

    /// One line of plain ASCII, e.g. `00 B0 9E 00 Nc=0 Ne=1 -> 9000 Nr=1 (0.85 ms)`: no terminal escapes, so it
    /// reads the same on a terminal and in a file.
    public var description: String {
        var text = header.map { [$0].hexString }.joined(separator: " ") + " Nc=\(commandDataLength)"
        if let ne = expectedLength { text += " Ne=\(ne)" }
        if extendedLength { text += " ext" }
        if let statusWord {
            text += " -> \(statusWord) Nr=\(responseDataLength)"
        } else if let failure {
            text += " -> no response (\(failure.logSummary))"
        }
        let millis = Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
        return text + String(format: " (%.2f ms)", millis)
    }
}

/// A ``CardChannel`` decorator that reports each exchange to a callback (the `--verbose` APDU log), header and
/// lengths only, and otherwise passes everything through unchanged.
///
/// Wrapped around the reader, it logs what goes over the wire (under secure messaging: the protected commands,
/// CLA `0C`); wrapped around a secure messaging channel, the plain commands. Either way no data byte reaches the
/// callback.
public final class APDULogChannel: CardChannel {
    private let base: CardChannel
    private let log: (APDULogEntry) -> Void

    /// Logs the exchanges of `base` to `log`, called after each exchange on the caller's thread.
    public init(wrapping base: CardChannel, log: @escaping (APDULogEntry) -> Void) {
        self.base = base
        self.log = log
    }

    public var capabilities: ChannelCapabilities { base.capabilities }

    public func recoverLink(timeout: Double) throws(ChannelError) { try base.recoverLink(timeout: timeout) }

    public func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU {
        var entry = APDULogEntry(header: [command.cla, command.ins, command.p1, command.p2],
                                 commandDataLength: command.data.count, expectedLength: command.expectedLength,
                                 extendedLength: command.prefersExtendedLength || command.requiresExtendedLength,
                                 statusWord: nil, responseDataLength: 0, duration: .zero, failure: nil)
        let start = ContinuousClock.now
        do {
            let response = try base.transmit(command)
            entry.duration = ContinuousClock.now - start
            entry.statusWord = response.statusWord
            entry.responseDataLength = response.data.count
            log(entry)
            return response
        } catch {
            entry.duration = ContinuousClock.now - start
            entry.failure = error
            log(entry)
            throw error
        }
    }
}

extension ChannelError {
    /// The failure for a log line: its kind, without the byte strings a replay divergence carries.
    var logSummary: String {
        switch self {
        case .replayDiverged(let index, _, _): return "replay diverged at exchange \(index)"
        case .commandNotSupported, .transport: return "transport failure"
        default: return description
        }
    }
}
