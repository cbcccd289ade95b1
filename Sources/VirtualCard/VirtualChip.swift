import CardIO

/// A card emulated in software: it answers reset and processes command APDUs.
///
/// The same chip serves in-process (``InProcessChannel``, the fast path for tests) and to a real `pcscd` over the
/// vpcd socket protocol (``VPCDConnection``), where any PC/SC program sees it as a card.
public protocol VirtualChip: AnyObject {
    /// The answer to reset.
    var atr: [UInt8] { get }
    /// The field came up: the chip starts fresh (no selected file, no session).
    func powerOn()
    /// The field went down.
    func powerOff()
    /// Processes one command APDU as received on the wire and returns the response (data ‖ SW1 ‖ SW2),
    /// or `nil` when the chip leaves the field during the exchange (a fault a test asked for).
    func process(_ command: [UInt8]) -> [UInt8]?
}

extension VirtualChip {
    /// A warm reset: power off, then on.
    public func reset() {
        powerOff()
        powerOn()
    }
}

/// A `CardIO.CardChannel` straight into a ``VirtualChip`` in the same process.
public final class InProcessChannel: CardChannel {
    private let chip: VirtualChip
    private var removed = false
    private let link: ChannelCapabilities

    /// Powers the chip on and opens a channel to it.
    public init(chip: VirtualChip, capabilities: ChannelCapabilities = ChannelCapabilities(maxResponseLength: 65538)) {
        self.chip = chip
        self.link = capabilities
        chip.powerOn()
    }

    public var capabilities: ChannelCapabilities { link }

    /// The card is put back on the reader: powered up again, fresh (no session, nothing selected).
    public func recoverLink(timeout: Double) throws(ChannelError) {
        removed = false
        chip.powerOn()
    }

    public func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU {
        guard !removed else { throw .cardRemoved }
        let bytes: [UInt8]
        do {
            bytes = try command.encoded()
        } catch {
            throw .commandNotSupported(error.description)
        }
        guard let answer = chip.process(bytes) else {
            // The card is gone until the link is recovered, as pcscd sees it through vpcd.
            removed = true
            if (chip as? FaultInjectingChip)?.lastFailure == .transactionFailed { throw .transactionFailed }
            throw .cardRemoved
        }
        do {
            return try ResponseAPDU(encoded: answer)
        } catch {
            throw .transport("the virtual chip answered \(answer.count) bytes")
        }
    }
}
