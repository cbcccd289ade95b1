import CardIO
import Foundation

/// Wraps a chip and misbehaves on purpose, the way real cards, readers and men in the middle do: a card pulled
/// from the field, a transaction the reader cannot complete, a corrupted answer, garbage, a stray `6Fxx`, a plain
/// status word in place of a protected answer, a stall, a slow link.
///
/// Faults are given three ways: the single-shot knobs of ``Plan`` (counted from power-on, as `cccd emulate`'s
/// `--remove-at` and kin), ``Rule``s that pick exchanges by instruction and count them over the chip's whole life
/// (power cycles included: "the first INTERNAL AUTHENTICATE", "every answer under secure messaging"), and
/// ``RandomFaults``, seeded, for soak tests.
public final class FaultInjectingChip: VirtualChip {
    /// One way an exchange goes wrong.
    public enum Fault: Sendable, Equatable, CustomStringConvertible {
        /// The card leaves the field during the exchange (vpcd: the connection closes; in process
        /// `CardIO.ChannelError.cardRemoved`). It comes back when the link is recovered.
        case remove
        /// The reader cannot complete the exchange: in process `CardIO.ChannelError.transactionFailed` (PC/SC's
        /// `SCARD_E_NOT_TRANSACTED`). Over vpcd the connection is reset, which pcscd reports as an empty answer
        /// and then as the card leaving (vpcd has no way to make pcscd answer `SCARD_E_NOT_TRANSACTED`). The
        /// command never reaches the chip; the card is back, powered up afresh, when the link is recovered.
        case transactionFailed
        /// One bit of the answer's data flipped (the last data byte: under secure messaging that breaks the MAC).
        case corrupt
        /// A one-byte answer, not a response at all.
        case garbage
        /// The chip processes the command, but the terminal gets this status word alone, in plain: a stray `6F00`
        /// from a reader, or a man in the middle answering `6A82` in the chip's place.
        case replace(StatusWord)

        /// The fault's name, as ``init(_:)`` parses it: `remove`, `transaction-failed`, `corrupt`, `garbage` or `sw-XXXX`.
        public var description: String {
            switch self {
            case .remove: return "remove"
            case .transactionFailed: return "transaction-failed"
            case .corrupt: return "corrupt"
            case .garbage: return "garbage"
            case .replace(let sw): return "sw-\(sw)"
            }
        }

        /// Parses `remove`, `transaction-failed`, `corrupt`, `garbage` or `sw-XXXX` (as ``description`` writes them).
        public init?(_ text: String) {
            switch text {
            case "remove": self = .remove
            case "transaction-failed": self = .transactionFailed
            case "corrupt": self = .corrupt
            case "garbage": self = .garbage
            default:
                guard text.hasPrefix("sw-"), text.count == 7, let raw = UInt16(text.dropFirst(3), radix: 16) else {
                    return nil
                }
                self = .replace(StatusWord(rawValue: raw))
            }
        }
    }

    /// Faults on the exchanges that match, counted over the chip's life.
    public struct Rule: Sendable, Equatable {
        /// What goes wrong.
        public var fault: Fault
        /// Only commands with this instruction byte (readable under secure messaging: the header is not
        /// encrypted); `nil` for any.
        public var instruction: UInt8?
        /// Only commands under secure messaging (CLA with the SM bits `0C`).
        public var protectedOnly: Bool
        /// Only extended-length commands (a chip, or a reader, that cannot take them).
        public var extendedOnly: Bool
        /// Only commands with this P1: a READ BINARY by short file identifier names its file there (`80` | SFI),
        /// readable under secure messaging too.
        public var p1: UInt8?
        /// After its first fault, every later answer under secure messaging gets the same fault whatever its
        /// command: a man in the middle who, having seen the file asked for, stays in the way.
        public var persistsOnProtected: Bool
        /// Matching exchanges let through before the first fault.
        public var skip: Int
        /// How many matching exchanges go wrong after those; `nil` for every one, for ever.
        public var count: Int?

        /// Parses `FAULT[,ins=XX][,p1=XX][,protected][,extended][,persist][,skip=N][,count=N|*]`, e.g. `corrupt,ins=88,count=1`
        /// (the first INTERNAL AUTHENTICATE's answer corrupted) or `sw-6A82,ins=B0,protected,count=*`.
        public init?(_ text: String) {
            let parts = text.split(separator: ",").map(String.init)
            guard let first = parts.first, let fault = Fault(first) else { return nil }
            self.init(fault)
            for part in parts.dropFirst() {
                let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
                switch (pair[0], pair.count == 2 ? pair[1] : nil) {
                case ("protected", nil): protectedOnly = true
                case ("extended", nil): extendedOnly = true
                case ("ins", let v?): guard let ins = UInt8(v, radix: 16) else { return nil }; instruction = ins
                case ("p1", let v?): guard let value = UInt8(v, radix: 16) else { return nil }; p1 = value
                case ("persist", nil): persistsOnProtected = true
                case ("skip", let v?): guard let n = Int(v), n >= 0 else { return nil }; skip = n
                case ("count", "*"?): count = nil
                case ("count", let v?): guard let n = Int(v), n >= 1 else { return nil }; count = n
                default: return nil
                }
            }
        }

        /// A rule.
        public init(_ fault: Fault, instruction: UInt8? = nil, protectedOnly: Bool = false, extendedOnly: Bool = false,
                    p1: UInt8? = nil, persistsOnProtected: Bool = false, skip: Int = 0, count: Int? = 1) {
            self.fault = fault
            self.instruction = instruction
            self.protectedOnly = protectedOnly
            self.extendedOnly = extendedOnly
            self.p1 = p1
            self.persistsOnProtected = persistsOnProtected
            self.skip = skip
            self.count = count
        }
    }

    /// Faults drawn at random, each exchange with the same probability, from a seeded generator (so a run can be
    /// repeated). ``Fault/corrupt`` only hits answers under secure messaging, whose MAC catches it.
    public struct RandomFaults: Sendable, Equatable {
        /// The probability of a fault on an exchange, 0…1.
        public var rate: Double
        /// The generator's seed.
        public var seed: UInt64
        /// The faults to draw from, uniformly.
        public var faults: [Fault]

        /// Random faults.
        public init(rate: Double, seed: UInt64, faults: [Fault]) {
            self.rate = rate
            self.seed = seed
            self.faults = faults
        }
    }

    /// What goes wrong, and when.
    public struct Plan: Sendable, Equatable {
        /// Leave the field (card removed) on this exchange, counted from 1 after power-on, once; `nil` never.
        public var removeAtExchange: Int?
        /// Flip the last data byte of this exchange's response (for a protected response, that breaks the MAC),
        /// counted from 1 after power-on, once; `nil` never.
        public var corruptResponseAtExchange: Int?
        /// Answer this exchange with bytes that are not a response at all, counted from 1 after power-on, once.
        public var garbageAtExchange: Int?
        /// Stall this many seconds before answering this exchange.
        public var stall: (exchange: Int, seconds: Double)?
        /// Added to every exchange, in microseconds, to model a slow link.
        public var latencyMicros: Int
        /// Faults by instruction and count, over the chip's life.
        public var rules: [Rule]
        /// Faults at random.
        public var random: RandomFaults?

        /// A plan with no faults.
        public init(removeAtExchange: Int? = nil, corruptResponseAtExchange: Int? = nil, garbageAtExchange: Int? = nil,
                    stall: (exchange: Int, seconds: Double)? = nil, latencyMicros: Int = 0, rules: [Rule] = [],
                    random: RandomFaults? = nil) {
            self.removeAtExchange = removeAtExchange
            self.corruptResponseAtExchange = corruptResponseAtExchange
            self.garbageAtExchange = garbageAtExchange
            self.stall = stall
            self.latencyMicros = latencyMicros
            self.rules = rules
            self.random = random
        }

        /// Two plans are equal when every fault, stall, latency, rule and random setting is.
        public static func == (a: Plan, b: Plan) -> Bool {
            a.removeAtExchange == b.removeAtExchange && a.corruptResponseAtExchange == b.corruptResponseAtExchange
                && a.garbageAtExchange == b.garbageAtExchange && a.stall?.exchange == b.stall?.exchange
                && a.stall?.seconds == b.stall?.seconds && a.latencyMicros == b.latencyMicros && a.rules == b.rules
                && a.random == b.random
        }
    }

    /// How the chip failed to answer the last exchange, when it did not: what a channel reports.
    public enum LinkFailure: Sendable, Equatable {
        /// The card left the field.
        case removed
        /// The reader could not complete the exchange.
        case transactionFailed
    }

    private let base: VirtualChip
    /// The faults to inject.
    public var plan: Plan
    /// Exchanges since power-on.
    public private(set) var exchangeCount = 0
    /// The faults injected so far, in order (the single-shot knobs, rules and random ones alike).
    public private(set) var injected: [Fault] = []
    /// Why the last exchange got no answer (``process(_:)`` returned `nil`).
    public private(set) var lastFailure: LinkFailure?
    /// Called with each fault as it is injected and the exchange's number since power-on (for logs).
    public var onInject: ((Fault, Int) -> Void)?
    private var matches: [Int]
    private var fired: [Bool]
    private var generator: SplitMix64?

    /// Wraps `base` with `plan`.
    public init(wrapping base: VirtualChip, plan: Plan) {
        self.base = base
        self.plan = plan
        self.matches = [Int](repeating: 0, count: plan.rules.count)
        self.fired = [Bool](repeating: false, count: plan.rules.count)
        self.generator = plan.random.map { SplitMix64(seed: $0.seed) }
    }

    public var atr: [UInt8] { base.atr }

    public func powerOn() {
        exchangeCount = 0
        base.powerOn()
    }

    public func powerOff() { base.powerOff() }

    public func process(_ command: [UInt8]) -> [UInt8]? {
        exchangeCount += 1
        lastFailure = nil
        if plan.latencyMicros > 0 { usleep(UInt32(plan.latencyMicros)) }
        if let stall = plan.stall, stall.exchange == exchangeCount {
            usleep(UInt32(stall.seconds * 1_000_000))
        }
        if plan.removeAtExchange == exchangeCount {
            plan.removeAtExchange = nil  // once: the card put back on the reader stays
            return fail(.remove, command)
        }
        // Once each, as the card's removal: a frame is corrupted on the way once, not after every power-up
        // (a fault that persists is a rule with `count: nil`).
        if plan.garbageAtExchange == exchangeCount {
            plan.garbageAtExchange = nil
            return fail(.garbage, command)
        }
        if plan.corruptResponseAtExchange == exchangeCount {
            plan.corruptResponseAtExchange = nil
            return fail(.corrupt, command)
        }
        if let fault = ruleFault(command) ?? randomFault(command) { return fail(fault, command) }
        let answer = base.process(command)
        if answer == nil { lastFailure = .removed }
        return answer
    }

    /// Injects `fault` on the exchange of `command`.
    private func fail(_ fault: Fault, _ command: [UInt8]) -> [UInt8]? {
        injected.append(fault)
        onInject?(fault, exchangeCount)
        switch fault {
        case .remove:
            lastFailure = .removed
            return nil
        case .transactionFailed:
            lastFailure = .transactionFailed
            return nil
        case .garbage:
            return [0xDE]
        case .corrupt:
            guard var response = base.process(command) else {
                lastFailure = .removed
                return nil
            }
            if response.count > 2 { response[response.count - 3] ^= 0x01 }
            return response
        case .replace(let status):
            guard base.process(command) != nil else {
                lastFailure = .removed
                return nil
            }
            return [status.sw1, status.sw2]
        }
    }

    private func ruleFault(_ command: [UInt8]) -> Fault? {
        guard command.count >= 4 else { return nil }
        let isProtected = command[0] & 0x0C == 0x0C
        // ISO/IEC 7816-4 §5.1: an extended command has a body starting with 00 (Lc or Le on three bytes).
        let isExtended = command.count >= 7 && command[4] == 0x00
        for (i, rule) in plan.rules.enumerated() {
            if rule.persistsOnProtected, fired[i], isProtected { return rule.fault }
            if let ins = rule.instruction, ins != command[1] { continue }
            if let p1 = rule.p1, p1 != command[2] { continue }
            if rule.protectedOnly && !isProtected { continue }
            if rule.extendedOnly && !isExtended { continue }
            matches[i] += 1
            let n = matches[i] - rule.skip
            if n >= 1, rule.count.map({ n <= $0 }) ?? true {
                fired[i] = true
                return rule.fault
            }
        }
        return nil
    }

    private func randomFault(_ command: [UInt8]) -> Fault? {
        guard let random = plan.random, !random.faults.isEmpty, var generator else { return nil }
        defer { self.generator = generator }
        guard generator.nextUnit() < random.rate else { return nil }
        let fault = random.faults[Int(generator.next() % UInt64(random.faults.count))]
        let isProtected = command.count >= 4 && command[0] & 0x0C == 0x0C
        if fault == .corrupt && !isProtected { return nil }
        return fault
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a small seeded generator, for faults that repeat with their seed.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
