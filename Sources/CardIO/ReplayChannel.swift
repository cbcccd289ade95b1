/// Replays a recorded session in place of a reader: each command must equal the recorded one byte for byte,
/// and the recorded response is handed back.
public final class ReplayChannel: CardChannel {
    /// The exchanges being replayed.
    public let exchanges: [Trace.Exchange]
    /// The index of the next exchange.
    public private(set) var position = 0
    private let link: ChannelCapabilities

    /// Replays `trace`'s exchanges.
    public init(trace: Trace, capabilities: ChannelCapabilities = ChannelCapabilities()) {
        self.exchanges = trace.exchanges
        self.link = capabilities
    }

    /// Replays `exchanges`.
    public init(exchanges: [Trace.Exchange], capabilities: ChannelCapabilities = ChannelCapabilities()) {
        self.exchanges = exchanges
        self.link = capabilities
    }

    /// Whether every recorded exchange has been used.
    public var isFinished: Bool { position == exchanges.count }

    public var capabilities: ChannelCapabilities { link }

    public func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU {
        guard position < exchanges.count else { throw .replayExhausted(exchanges: exchanges.count) }
        let recorded = exchanges[position]
        let bytes: [UInt8]
        do {
            bytes = try command.encoded()
        } catch {
            throw .commandNotSupported(error.description)
        }
        guard bytes == recorded.command else {
            throw .replayDiverged(index: position, expected: recorded.command, actual: bytes)
        }
        position += 1
        do {
            return try ResponseAPDU(encoded: recorded.response)
        } catch {
            throw .transport("recorded response \(position - 1) is malformed: \(error.description)")
        }
    }
}

/// Wraps any channel and keeps every exchange, with its duration, for writing as a trace.
public final class RecordingChannel: CardChannel {
    private let base: CardChannel
    /// The exchanges so far, in order.
    public private(set) var exchanges: [Trace.Exchange] = []

    /// Records what passes through `base`.
    public init(wrapping base: CardChannel) { self.base = base }

    public var capabilities: ChannelCapabilities { base.capabilities }

    public func recoverLink(timeout: Double) throws(ChannelError) { try base.recoverLink(timeout: timeout) }

    public func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU {
        let start = ContinuousClock.now
        let response = try base.transmit(command)
        let elapsed = ContinuousClock.now - start
        let micros = Int(elapsed.components.seconds) * 1_000_000
            + Int(elapsed.components.attoseconds / 1_000_000_000_000)
        let bytes = (try? command.encoded()) ?? [command.cla, command.ins, command.p1, command.p2]
        exchanges.append(Trace.Exchange(command: bytes, response: response.encoded, micros: micros))
        return response
    }

    /// The session as a trace, with the randomness drawn during it and what the read asked for.
    public func trace(title: String? = nil, origin: String = "recorded", reader: Trace.ReaderInfo? = nil,
                      access: AccessKey? = nil, entropy: [[UInt8]] = [], recordedAt: String? = nil,
                      read: Trace.ReadRequest? = nil) -> Trace {
        Trace(title: title, origin: origin, reader: reader, access: access, entropy: entropy, exchanges: exchanges,
              recordedAt: recordedAt, read: read)
    }
}
