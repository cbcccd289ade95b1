/// The one way to talk to a card: send a command APDU, get its response.
///
/// The PC/SC reader, the trace replayer, the recorder and the in-process virtual chip all implement it, so
/// every layer above works the same on a desk reader, in a test and over a recorded session.
/// Implementations handle transport-level chaining (`61xx` GET RESPONSE, `6Cxx` re-send) themselves: a caller
/// sees the card's final answer.
public protocol CardChannel: AnyObject {
    /// Sends one command and returns the card's response.
    ///
    /// - Throws: ``ChannelError`` when no response could be had (card removed, reader gone, replay diverged…).
    ///   A response with an error status word is a response, not an error.
    func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU

    /// What the link between terminal and card is known to carry.
    var capabilities: ChannelCapabilities { get }

    /// After the card left the field (``ChannelError/cardRemoved``), waits up to `timeout` seconds for it to come
    /// back and powers it up again, so a session can be re-opened on the same channel. Channels that cannot lose
    /// their card do nothing.
    func recoverLink(timeout: Double) throws(ChannelError)
}

extension CardChannel {
    /// By default nothing is known: callers probe.
    public var capabilities: ChannelCapabilities { ChannelCapabilities() }

    /// By default there is no link to recover.
    public func recoverLink(timeout: Double) throws(ChannelError) {}
}

/// What a channel knows about its link, so the file reader can size its reads without a failed attempt.
public struct ChannelCapabilities: Hashable, Sendable {
    /// Whether extended-length APDUs get through; `nil` when unknown (probe).
    public var extendedLength: Bool?
    /// The largest response (data and status word) the transport can receive.
    public var maxResponseLength: Int

    /// Creates a capabilities value.
    public init(extendedLength: Bool? = nil, maxResponseLength: Int = 258) {
        self.extendedLength = extendedLength
        self.maxResponseLength = maxResponseLength
    }
}

/// Why a channel could not deliver a response. One case per thing a caller handles differently; nothing here is
/// meant to be parsed out of a description.
public enum ChannelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The card left the field during the exchange.
    case cardRemoved
    /// The card was reset (by pcscd or another program) under the session: it is still there, the session is not.
    case cardReset
    /// No card is in the reader.
    case noCard
    /// The reader was unplugged, is unknown or is unavailable (the detail is for people).
    case readerUnavailable(String)
    /// The PC/SC service (`pcscd`) is not running or went away.
    case serviceUnavailable
    /// The reader could not complete the exchange (PC/SC `SCARD_E_NOT_TRANSACTED`): on a contactless reader, a
    /// card at the edge of the field.
    case transactionFailed
    /// Another process holds the card exclusively.
    case sharingViolation
    /// The card or reader did not answer in time.
    case timeout
    /// The caller cancelled the exchange (or the wait for a card).
    case cancelled
    /// The command could not be encoded for this link (e.g. an extended APDU on a short-only reader).
    case commandNotSupported(String)
    /// The card kept answering `61xx` past ``ResponseChaining``'s limits (GET RESPONSE rounds, gathered bytes).
    case responseChainTooLong(rounds: Int, bytes: Int)
    /// A replayed session received a command other than the recorded one.
    case replayDiverged(index: Int, expected: [UInt8], actual: [UInt8])
    /// A replayed session was asked for more exchanges than it recorded.
    case replayExhausted(exchanges: Int)
    /// The transport's own failure, with its message.
    case transport(String)

    /// One English line saying what went wrong with the link.
    public var description: String {
        switch self {
        case .cardRemoved: return "the card was removed"
        case .cardReset: return "the card was reset during the session"
        case .noCard: return "no card in the reader"
        case .readerUnavailable(let why): return "the reader is unavailable: \(why)"
        case .serviceUnavailable: return "the PC/SC service (pcscd) is not running"
        case .transactionFailed: return "the reader could not complete the exchange with the card"
        case .sharingViolation: return "another program is using the card exclusively"
        case .timeout: return "the card did not answer in time"
        case .cancelled: return "the exchange was cancelled"
        case .commandNotSupported(let why): return "the reader cannot send this command: \(why)"
        case .replayDiverged(let i, let expected, let actual):
            return "replay diverged at exchange \(i): expected \(expected.hexString), got \(actual.hexString)"
        case .replayExhausted(let n): return "replay ran past the last of its \(n) recorded exchanges"
        case .responseChainTooLong(let rounds, let bytes):
            return "the card kept answering 61xx (\(rounds) GET RESPONSE, \(bytes) bytes): its answer is not accepted"
        case .transport(let why): return why
        }
    }
}

extension ChannelError {
    /// Whether the card, the reader or the service is gone, or the card was reset: no answer can come on this
    /// session, and only the card coming back (``CardChannel/recoverLink(timeout:)``) and a new session help.
    /// A person's remedy is "put the card back on the reader".
    public var isLinkLost: Bool {
        switch self {
        case .cardRemoved, .cardReset, .noCard, .readerUnavailable, .serviceUnavailable, .transactionFailed:
            return true
        case .sharingViolation, .timeout, .cancelled, .commandNotSupported, .replayDiverged, .replayExhausted,
             .responseChainTooLong, .transport:
            return false
        }
    }

    /// Whether this is a recorded session that no longer matches (or ran out): re-opening cannot repair it.
    public var isReplayMismatch: Bool {
        switch self {
        case .replayDiverged, .replayExhausted: return true
        default: return false
        }
    }
}
