import CPCSC
import Foundation

/// Failures of the PC/SC layer, one case per thing a caller handles differently.
public enum PCSCError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The PC/SC daemon (`pcscd`) is not running or not reachable.
    case serviceUnavailable
    /// PC/SC runs but no reader is attached.
    case noReaders
    /// No reader matches the name, part of a name or index given.
    case readerNotFound(String)
    /// A name part matches several readers.
    case ambiguousReader(String, matches: [String])
    /// No card is in the reader.
    case noCard
    /// The card was removed.
    case cardRemoved
    /// The card was reset by another program.
    case cardReset
    /// The reader was unplugged or became unavailable.
    case readerUnavailable
    /// Another program holds the card exclusively.
    case sharingViolation
    /// The wait or the exchange timed out.
    case timeout
    /// The wait was cancelled.
    case cancelled
    /// The card does not speak a protocol the reader offers.
    case protocolMismatch
    /// The reader could not complete the exchange (`SCARD_E_NOT_TRANSACTED`).
    case transactionFailed
    /// Any other PC/SC return code, with its name.
    case other(code: Int, name: String)

    init(code: Int) {
        switch code {
        case Int(SCARD_E_NO_SERVICE), Int(SCARD_E_SERVICE_STOPPED): self = .serviceUnavailable
        case Int(SCARD_E_NO_READERS_AVAILABLE): self = .noReaders
        case Int(SCARD_E_UNKNOWN_READER): self = .readerNotFound("")
        case Int(SCARD_E_NO_SMARTCARD): self = .noCard
        case Int(SCARD_W_REMOVED_CARD): self = .cardRemoved
        case Int(SCARD_W_RESET_CARD): self = .cardReset
        case Int(SCARD_E_READER_UNAVAILABLE): self = .readerUnavailable
        case Int(SCARD_E_SHARING_VIOLATION): self = .sharingViolation
        case Int(SCARD_E_TIMEOUT): self = .timeout
        case Int(SCARD_E_CANCELLED): self = .cancelled
        case Int(SCARD_E_NOT_TRANSACTED): self = .transactionFailed
        case Int(SCARD_E_PROTO_MISMATCH), Int(SCARD_W_UNRESPONSIVE_CARD), Int(SCARD_W_UNPOWERED_CARD):
            self = .protocolMismatch
        default:
            let text = pcsc_stringify_error(numericCast(code)).map { String(cString: $0) } ?? "unknown"
            self = .other(code: code, name: text)
        }
    }

    /// One line for people, with what to do where there is something to do (start `pcscd`, name one reader).
    public var description: String {
        switch self {
        case .serviceUnavailable: return "the PC/SC service (pcscd) is not running; start it with `pcscd` or `systemctl start pcscd`"
        case .noReaders: return "no smart card reader is attached"
        case .readerNotFound(let name): return name.isEmpty ? "the reader is unknown" : "no reader matches \"\(name)\""
        case .ambiguousReader(let name, let matches):
            return "\"\(name)\" matches several readers: \(matches.joined(separator: ", "))"
        case .noCard: return "no card in the reader"
        case .cardRemoved: return "the card was removed"
        case .cardReset: return "the card was reset by another program"
        case .readerUnavailable: return "the reader was unplugged or is unavailable"
        case .sharingViolation: return "another program is using the card exclusively"
        case .timeout: return "timed out waiting for the reader"
        case .cancelled: return "the wait was cancelled"
        case .protocolMismatch: return "the card does not answer on T=0 or T=1"
        case .transactionFailed: return "the reader could not complete the exchange (transaction failed)"
        case .other(let code, let name): return "PC/SC error 0x\(String(code, radix: 16, uppercase: true)): \(name)"
        }
    }

    /// The same failure as a channel error, for callers that only speak ``CardChannel``: the case is kept (card
    /// removed, card reset, reader gone, service down, cancelled…), never folded into a message.
    public var channelError: ChannelError {
        switch self {
        case .cardRemoved: return .cardRemoved
        case .cardReset: return .cardReset
        case .noCard: return .noCard
        case .readerUnavailable, .readerNotFound, .noReaders, .ambiguousReader: return .readerUnavailable(description)
        case .serviceUnavailable: return .serviceUnavailable
        case .transactionFailed: return .transactionFailed
        case .sharingViolation: return .sharingViolation
        case .timeout: return .timeout
        case .cancelled: return .cancelled
        case .protocolMismatch, .other: return .transport(description)
        }
    }
}

@inline(__always)
private func check(_ code: Int) throws(PCSCError) {
    if code != Int(SCARD_S_SUCCESS) { throw PCSCError(code: code) }
}

/// What a reader reports: its name, whether a card is present, and the card's ATR.
public struct ReaderStatus: Equatable, Sendable {
    /// The PC/SC reader name.
    public var name: String
    /// Whether a card is in the field.
    public var cardPresent: Bool
    /// Whether another program holds the card exclusively.
    public var exclusive: Bool
    /// The card's answer to reset, empty when no card is present.
    public var atr: [UInt8]
    /// The raw PC/SC event state bits.
    public var eventState: UInt

    /// Creates a reader status.
    public init(name: String, cardPresent: Bool, exclusive: Bool = false, atr: [UInt8] = [], eventState: UInt = 0) {
        self.name = name
        self.cardPresent = cardPresent
        self.exclusive = exclusive
        self.atr = atr
        self.eventState = eventState
    }
}

/// A connection to the PC/SC service. Released on deinit, on every path.
///
/// One context is used from one thread at a time, except ``cancel()``, which pcsc-lite allows from any thread to
/// interrupt a ``waitForChange(after:timeout:)`` in progress.
public final class PCSCContext: @unchecked Sendable {
    private let handle: SCARDCONTEXT

    /// The name pcsc-lite gives the pseudo-reader whose state changes when readers are added or removed.
    public static let plugAndPlayReader = "\\\\?PnP?\\Notification"

    /// Establishes a context with the PC/SC service.
    ///
    /// - Throws: ``PCSCError/serviceUnavailable`` when `pcscd` is not running.
    public init() throws(PCSCError) {
        var context: SCARDCONTEXT = 0
        try check(Int(SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &context)))
        handle = context
    }

    deinit {
        SCardReleaseContext(handle)
    }

    /// The names of the attached readers, in the order PC/SC lists them; empty when none is attached.
    public func readerNames() throws(PCSCError) -> [String] {
        var length: DWORD = 0
        var code = Int(SCardListReaders(handle, nil, nil, &length))
        if code == Int(SCARD_E_NO_READERS_AVAILABLE) { return [] }
        try check(code)
        var buffer = [CChar](repeating: 0, count: Int(length))
        code = Int(SCardListReaders(handle, nil, &buffer, &length))
        if code == Int(SCARD_E_NO_READERS_AVAILABLE) { return [] }
        try check(code)
        // A multi-string: names separated by NUL, ended by an empty name.
        var names: [String] = []
        var start = 0
        for i in 0..<min(Int(length), buffer.count) where buffer[i] == 0 {
            if i > start {
                names.append(String(decoding: buffer[start..<i].map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            start = i + 1
        }
        return names
    }

    /// One reader's state as pcscd publishes it (its event handler's view, not a handle's).
    func publishedStatus(of reader: String) throws(PCSCError) -> ReaderStatus {
        guard let state = try states(of: [reader], known: nil, timeout: 0).first else { throw .readerNotFound(reader) }
        return state.status
    }

    /// The current state of every reader: card present or not, and the ATR.
    public func readerStatuses() throws(PCSCError) -> [ReaderStatus] {
        let names = try readerNames()
        if names.isEmpty { return [] }
        return try states(of: names, known: nil, timeout: 0).map(\.status)
    }

    /// Finds a reader by exact name, unique part of a name (case-insensitive) or zero-based index.
    public func resolveReader(_ query: String) throws(PCSCError) -> String {
        let names = try readerNames()
        if names.isEmpty { throw .noReaders }
        if names.contains(query) { return query }
        if let index = Int(query), index >= 0, index < names.count { return names[index] }
        let matches = names.filter { $0.range(of: query, options: .caseInsensitive) != nil }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty { throw .readerNotFound(query) }
        throw .ambiguousReader(query, matches: matches)
    }

    /// Connects to the card in `reader` in shared mode, over T=1 or T=0 as the card offers.
    public func connect(reader: String) throws(PCSCError) -> PCSCCard {
        var card: SCARDHANDLE = 0
        var active: DWORD = 0
        let protocols = DWORD(SCARD_PROTOCOL_T0) | DWORD(SCARD_PROTOCOL_T1)
        try check(Int(SCardConnect(handle, reader, DWORD(SCARD_SHARE_SHARED), protocols, &card, &active)))
        return PCSCCard(handle: card, protocol: active, readerName: reader, context: self)
    }

    /// Interrupts a ``waitForChange(after:timeout:)`` running on another thread; it throws ``PCSCError/cancelled``.
    public func cancel() {
        SCardCancel(handle)
    }

    /// A snapshot of the readers' states, to hand back to the next wait.
    public struct Snapshot: Sendable {
        /// Each reader's status, by name.
        public var readers: [ReaderStatus]
        fileprivate var eventStates: [String: DWORD]
        fileprivate var readerCountState: DWORD
    }

    /// Waits until a card is inserted or removed on any reader, or a reader is added or removed.
    ///
    /// Pass the snapshot the previous call returned (or `nil` the first time, which returns at once with the
    /// current state). The wait watches pcsc-lite's plug-and-play pseudo-reader, so readers plugged in later are
    /// seen too. `timeout` in milliseconds, `nil` for no limit; ``cancel()`` ends the wait from another thread.
    public func waitForChange(after previous: Snapshot?, timeout: Int? = nil) throws(PCSCError) -> Snapshot {
        let names = try readerNames()
        guard let previous else {
            let current = try states(of: names, known: nil, timeout: 0)
            return Snapshot(readers: current.map(\.status),
                            eventStates: Dictionary(uniqueKeysWithValues: current.map { ($0.status.name, $0.event) }),
                            readerCountState: 0)
        }
        // A reader added or removed since the snapshot is a change in itself.
        if Set(names) != Set(previous.readers.map(\.name)) {
            let current = names.isEmpty ? [] : try states(of: names, known: nil, timeout: 0)
            return Snapshot(readers: current.map(\.status),
                            eventStates: Dictionary(uniqueKeysWithValues: current.map { ($0.status.name, $0.event) }),
                            readerCountState: previous.readerCountState)
        }
        let known = previous.eventStates
        let pnpKnown = previous.readerCountState
        let result = try states(of: names, known: known, timeout: timeout ?? Int(cccd_infinite()), pnpKnown: pnpKnown)
        let currentNames = try readerNames()
        var readers = result.filter { $0.status.name != Self.plugAndPlayReader }
        if Set(currentNames) != Set(names) {
            readers = currentNames.isEmpty ? [] : try states(of: currentNames, known: nil, timeout: 0)
        }
        let pnp = result.first { $0.status.name == Self.plugAndPlayReader }?.event ?? pnpKnown
        return Snapshot(readers: readers.map(\.status),
                        eventStates: Dictionary(uniqueKeysWithValues: readers.map { ($0.status.name, $0.event) }),
                        readerCountState: pnp)
    }

    private func states(of names: [String], known: [String: DWORD]?, timeout: Int,
                        pnpKnown: DWORD? = nil) throws(PCSCError) -> [(status: ReaderStatus, event: DWORD)] {
        var all = names
        if pnpKnown != nil { all.append(Self.plugAndPlayReader) }
        let cNames = all.map { strdup($0) }
        defer { cNames.forEach { free($0) } }
        var states = [SCARD_READERSTATE](repeating: SCARD_READERSTATE(), count: all.count)
        for i in 0..<all.count {
            states[i].szReader = UnsafePointer(cNames[i])
            if i < names.count {
                // Ask only about the change counter's bits: the high 16 bits carry the event count.
                states[i].dwCurrentState = known?[names[i]] ?? DWORD(SCARD_STATE_UNAWARE)
            } else {
                states[i].dwCurrentState = pnpKnown ?? DWORD(SCARD_STATE_UNAWARE)
            }
        }
        let code = Int(SCardGetStatusChange(handle, DWORD(timeout), &states, DWORD(states.count)))
        if code == Int(SCARD_E_TIMEOUT) && known != nil { throw .timeout }
        if code != Int(SCARD_E_TIMEOUT) { try check(code) }
        return (0..<all.count).map { i in
            let s = states[i]
            let event = s.dwEventState
            let present = event & DWORD(SCARD_STATE_PRESENT) != 0
            let count = min(Int(s.cbAtr), Int(cccd_max_atr_size()))
            let atr: [UInt8] = present ? withUnsafeBytes(of: s.rgbAtr) { Array($0.prefix(count)) } : []
            let status = ReaderStatus(name: all[i], cardPresent: present,
                                      exclusive: event & DWORD(SCARD_STATE_EXCLUSIVE) != 0,
                                      atr: atr, eventState: UInt(event))
            return (status, event & ~DWORD(SCARD_STATE_CHANGED))
        }
    }
}

/// A connected card, as a ``CardChannel``. Disconnects (leaving the card powered) on deinit.
///
/// Transmit follows the card's `61xx` with GET RESPONSE and re-sends a command answered `6Cxx` with the exact Le,
/// so callers see only the card's final answer.
public final class PCSCCard: CardChannel {
    private let handle: SCARDHANDLE
    private var activeProtocol: DWORD
    private let context: PCSCContext
    /// The reader this card is in.
    public let readerName: String
    private var receiveBuffer: [UInt8]
    private var connected = true

    fileprivate init(handle: SCARDHANDLE, protocol active: DWORD, readerName: String, context: PCSCContext) {
        self.handle = handle
        self.activeProtocol = active
        self.readerName = readerName
        self.context = context
        self.receiveBuffer = [UInt8](repeating: 0, count: Int(cccd_max_buffer_size_extended()))
    }

    deinit {
        if connected { SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD)) }
    }

    /// Disconnects from the card, leaving it powered for the next program.
    public func disconnect() {
        guard connected else { return }
        SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD))
        connected = false
    }

    /// `T=0` or `T=1`.
    public var protocolName: String { activeProtocol == DWORD(SCARD_PROTOCOL_T0) ? "T=0" : "T=1" }

    /// The card's ATR and whether it is still present.
    public func status() throws(PCSCError) -> ReaderStatus {
        var nameLength: DWORD = 0
        var state: DWORD = 0
        var proto: DWORD = 0
        var atr = [UInt8](repeating: 0, count: Int(cccd_max_atr_size()))
        var atrLength = DWORD(atr.count)
        try check(Int(SCardStatus(handle, nil, &nameLength, &state, &proto, &atr, &atrLength)))
        return ReaderStatus(name: readerName, cardPresent: state & DWORD(SCARD_PRESENT) != 0,
                            atr: Array(atr.prefix(Int(atrLength))), eventState: UInt(state))
    }

    public var capabilities: ChannelCapabilities {
        ChannelCapabilities(extendedLength: nil, maxResponseLength: receiveBuffer.count)
    }

    /// Waits for the card to be back in the reader and powers it up again (SCardReconnect, cold reset), so a
    /// session broken by the card slipping off the reader can be opened anew on the same handle.
    ///
    /// pcscd notices a card that left and came back on its own, up to a polling period later (88 to 400 ms after
    /// our reconnect in the desk soak's logs), and then powers it up again: that resets the chip, so a session
    /// opened before it is lost, and leaves the card's protocol unset, so the next command fails with
    /// `SCARD_E_PROTO_MISMATCH`. So when pcscd was seen to mark the reader empty, this waits (at most
    /// ``insertionWait``) until its event count shows the insertion handled, then reconnects once more without
    /// powering the card (`SCARD_LEAVE_CARD`), which sets the protocol again. Should pcscd power the card up later
    /// still, the command that meets it fails as a card reset (``ChannelError/cardReset``), which the session layer
    /// re-opens.
    public func recoverLink(timeout: Double) throws(ChannelError) {
        guard connected else { throw .cardRemoved }
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        let protocols = DWORD(SCARD_PROTOCOL_T0) | DWORD(SCARD_PROTOCOL_T1)
        // pcscd's event count when it showed the reader empty, if it did while we waited.
        var emptyAt: UInt?
        while true {
            var active: DWORD = 0
            let code = Int(SCardReconnect(handle, DWORD(SCARD_SHARE_SHARED), protocols, DWORD(SCARD_UNPOWER_CARD),
                                          &active))
            if code == Int(SCARD_S_SUCCESS) {
                activeProtocol = active
                guard let emptyAt else { return }
                waitForInsertionHandled(after: emptyAt)
                var again: DWORD = 0
                let resync = Int(SCardReconnect(handle, DWORD(SCARD_SHARE_SHARED), protocols,
                                                DWORD(SCARD_LEAVE_CARD), &again))
                if resync == Int(SCARD_S_SUCCESS) {
                    activeProtocol = again
                    return
                }
                // Gone again meanwhile: wait for it as before.
                try waitOrGiveUp(PCSCError(code: resync), deadline: deadline)
                continue
            }
            if let status = try? context.publishedStatus(of: readerName), !status.cardPresent {
                emptyAt = status.eventState >> 16
            }
            try waitOrGiveUp(PCSCError(code: code), deadline: deadline)
        }
    }

    /// The longest wait for pcscd to handle a card's return: a few of its polling periods.
    public static let insertionWait: Duration = .seconds(1)

    /// Waits until pcscd's event count for the reader has moved past `count` (it handled the insertion that followed
    /// the removal it counted then), or ``insertionWait``.
    private func waitForInsertionHandled(after count: UInt) {
        let until = ContinuousClock.now + Self.insertionWait
        while ContinuousClock.now < until {
            guard let status = try? context.publishedStatus(of: readerName) else { return }
            if status.eventState >> 16 != count, status.cardPresent { return }
            usleep(20_000)
        }
    }

    /// A failed reconnect: the card still away (wait 100 ms, within the deadline) or a failure to report.
    private func waitOrGiveUp(_ error: PCSCError, deadline: ContinuousClock.Instant) throws(ChannelError) {
        switch error {
        case .cardRemoved, .noCard, .cardReset, .protocolMismatch:
            if ContinuousClock.now >= deadline { throw .cardRemoved }
            usleep(100_000)
        default:
            throw error.channelError
        }
    }

    /// Sends raw APDU bytes and returns the raw response, without following `61xx` or `6Cxx`.
    public func transmitRaw(_ command: [UInt8]) throws(PCSCError) -> [UInt8] {
        guard connected else { throw .cardRemoved }
        let pci = activeProtocol == DWORD(SCARD_PROTOCOL_T0) ? cccd_pci_t0() : cccd_pci_t1()
        var length = DWORD(receiveBuffer.count)
        let code = command.withUnsafeBufferPointer { send in
            receiveBuffer.withUnsafeMutableBufferPointer { receive in
                Int(SCardTransmit(handle, pci, send.baseAddress, DWORD(send.count), nil, receive.baseAddress, &length))
            }
        }
        try check(code)
        return Array(receiveBuffer.prefix(Int(length)))
    }

    /// Sends `command` and returns the card's final answer, following `6Cxx` and `61xx` within the limits of
    /// ``ResponseChaining``.
    public func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU {
        try ResponseChaining.transmit(command) { (bytes) throws(ChannelError) -> ResponseAPDU in try exchange(bytes) }
    }

    private func exchange(_ bytes: [UInt8]) throws(ChannelError) -> ResponseAPDU {
        let raw: [UInt8]
        do {
            raw = try transmitRaw(bytes)
        } catch .protocolMismatch {
            // The handle was connected with a protocol, so the card's is unset now: the reader powered it up again
            // (pcscd's insertion handling of a card just put back) and the chip's session is gone.
            throw .cardReset
        } catch {
            throw error.channelError
        }
        // A reader that reports success with no bytes at all has lost the card mid-exchange: vpcd does this when
        // the card leaves, and contactless readers do it when the RF link drops before the card answers.
        if raw.isEmpty { throw .cardRemoved }
        do {
            return try ResponseAPDU(encoded: raw)
        } catch {
            throw .transport("the reader returned \(raw.count) byte, too few for a status word")
        }
    }
}

/// The transport-level procedures of ISO/IEC 7816-4 §5.3.4 that a T=0 link leaves to the terminal, each bounded so
/// a card (or something pretending to be one) that keeps asking cannot loop forever or make the buffer grow
/// without limit:
/// - `6Cxx` (wrong Le, `xx` available): the same command is sent again with Le = `xx`, at most
///   ``maxWrongLeResends`` time; a second `6Cxx` is the card's answer.
/// - `61xx` (`xx` more bytes wait): GET RESPONSE with Le = `xx`, at most ``maxGetResponseRounds`` times and at
///   most ``maxChainedResponseLength`` bytes in all; past either limit the exchange fails with
///   ``ChannelError/responseChainTooLong(rounds:bytes:)``.
public enum ResponseChaining {
    /// How many times a command answered `6Cxx` is sent again.
    public static let maxWrongLeResends = 1
    /// How many GET RESPONSE commands one command may need: 256 rounds of 256 bytes carry the largest response an
    /// extended APDU can ask for.
    public static let maxGetResponseRounds = 256
    /// The most response data gathered over GET RESPONSE rounds: the largest Ne, 65536.
    public static let maxChainedResponseLength = CommandAPDU.maxExtendedExpectedLength

    /// Sends `command` through `exchange` (one raw command, one raw response) and follows `6Cxx` and `61xx`.
    public static func transmit(_ command: CommandAPDU,
                                exchange: ([UInt8]) throws(ChannelError) -> ResponseAPDU) throws(ChannelError) -> ResponseAPDU {
        var current = command
        var resends = 0
        var response: ResponseAPDU
        while true {
            response = try exchange(try encoded(current))
            guard case .wrongLe(let exact) = response.statusWord.meaning, resends < maxWrongLeResends else { break }
            current.expectedLength = exact
            resends += 1
        }
        var collected = response.data
        var rounds = 0
        while case .bytesAvailable(let available) = response.statusWord.meaning {
            guard rounds < maxGetResponseRounds else {
                throw .responseChainTooLong(rounds: rounds, bytes: collected.count)
            }
            rounds += 1
            response = try exchange(try encoded(.getResponse(expectedLength: available, logicalChannelOf: command.cla)))
            guard collected.count + response.data.count <= maxChainedResponseLength else {
                throw .responseChainTooLong(rounds: rounds, bytes: collected.count + response.data.count)
            }
            collected.append(contentsOf: response.data)
        }
        if rounds == 0 { return response }
        return ResponseAPDU(data: collected, statusWord: response.statusWord)
    }

    private static func encoded(_ command: CommandAPDU) throws(ChannelError) -> [UInt8] {
        do {
            return try command.encoded()
        } catch {
            throw .commandNotSupported(error.description)
        }
    }
}
