import CardIO
import Foundation

/// Wraps a chip and misbehaves on purpose, the way real cards and links do: a card pulled from the field,
/// a corrupted answer, garbage, a stall, a slow link.
public final class FaultInjectingChip: VirtualChip {
    /// What goes wrong, and when.
    public struct Plan: Sendable, Equatable {
        /// Leave the field (card removed) on this exchange, counted from 1 after power-on, once; `nil` never.
        public var removeAtExchange: Int?
        /// Flip the last data byte of this exchange's response (for a protected response, that breaks the MAC).
        public var corruptResponseAtExchange: Int?
        /// Answer this exchange with bytes that are not a response at all.
        public var garbageAtExchange: Int?
        /// Stall this many seconds before answering this exchange.
        public var stall: (exchange: Int, seconds: Double)?
        /// Added to every exchange, in microseconds, to model a slow link.
        public var latencyMicros: Int

        /// A plan with no faults.
        public init(removeAtExchange: Int? = nil, corruptResponseAtExchange: Int? = nil, garbageAtExchange: Int? = nil,
                    stall: (exchange: Int, seconds: Double)? = nil, latencyMicros: Int = 0) {
            self.removeAtExchange = removeAtExchange
            self.corruptResponseAtExchange = corruptResponseAtExchange
            self.garbageAtExchange = garbageAtExchange
            self.stall = stall
            self.latencyMicros = latencyMicros
        }

        public static func == (a: Plan, b: Plan) -> Bool {
            a.removeAtExchange == b.removeAtExchange && a.corruptResponseAtExchange == b.corruptResponseAtExchange
                && a.garbageAtExchange == b.garbageAtExchange && a.stall?.exchange == b.stall?.exchange
                && a.stall?.seconds == b.stall?.seconds && a.latencyMicros == b.latencyMicros
        }
    }

    private let base: VirtualChip
    /// The faults to inject.
    public var plan: Plan
    /// Exchanges since power-on.
    public private(set) var exchangeCount = 0

    /// Wraps `base` with `plan`.
    public init(wrapping base: VirtualChip, plan: Plan) {
        self.base = base
        self.plan = plan
    }

    public var atr: [UInt8] { base.atr }

    public func powerOn() {
        exchangeCount = 0
        base.powerOn()
    }

    public func powerOff() { base.powerOff() }

    public func process(_ command: [UInt8]) -> [UInt8]? {
        exchangeCount += 1
        if plan.latencyMicros > 0 { usleep(UInt32(plan.latencyMicros)) }
        if let stall = plan.stall, stall.exchange == exchangeCount {
            usleep(UInt32(stall.seconds * 1_000_000))
        }
        if plan.removeAtExchange == exchangeCount {
            plan.removeAtExchange = nil  // once: the card put back on the reader stays
            return nil
        }
        if plan.garbageAtExchange == exchangeCount { return [0xDE] }
        guard var response = base.process(command) else { return nil }
        if plan.corruptResponseAtExchange == exchangeCount, response.count > 2 {
            response[response.count - 3] ^= 0x01
        }
        return response
    }
}
