/// Where the terminal's randomness comes from (RND.IFD, K.IFD, ephemeral private keys, challenges).
///
/// Access protocols take it injected, so ICAO's worked examples and recorded traces replay byte for byte.
public protocol EntropySource: AnyObject {
    /// Draws `count` random bytes.
    func draw(_ count: Int) throws(EntropyError) -> [UInt8]
}

/// Errors from an entropy source.
public enum EntropyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The system generator failed.
    case systemFailure
    /// A replayed source ran out of recorded draws.
    case exhausted(draws: Int)
    /// A replayed draw had another length than the one asked for.
    case lengthMismatch(index: Int, recorded: Int, requested: Int)

    /// One line saying which draw failed and why.
    public var description: String {
        switch self {
        case .systemFailure: return "the system random number generator failed"
        case .exhausted(let n): return "the recorded randomness ran out after \(n) draws"
        case .lengthMismatch(let i, let recorded, let requested):
            return "recorded random draw \(i) has \(recorded) bytes, but \(requested) were requested"
        }
    }
}

/// Randomness from the operating system's cryptographically secure generator.
public final class SystemEntropy: EntropySource {
    /// Creates the system source.
    public init() {}

    public func draw(_ count: Int) throws(EntropyError) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var out = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            var word = generator.next()
            withUnsafeBytes(of: &word) { raw in
                for b in raw where i < count {
                    out[i] = b
                    i += 1
                }
            }
        }
        return out
    }
}

/// Replays recorded draws in order; a draw of another length, or one past the end, is an error.
public final class RecordedEntropy: EntropySource {
    private let draws: [[UInt8]]
    private var next = 0

    /// Creates a source that hands out `draws` in order.
    public init(_ draws: [[UInt8]]) { self.draws = draws }

    /// How many draws have been handed out.
    public var consumed: Int { next }

    public func draw(_ count: Int) throws(EntropyError) -> [UInt8] {
        guard next < draws.count else { throw .exhausted(draws: draws.count) }
        let value = draws[next]
        guard value.count == count else {
            throw .lengthMismatch(index: next, recorded: value.count, requested: count)
        }
        next += 1
        return value
    }
}

/// Wraps another source and keeps every draw, for writing into a trace.
public final class RecordingEntropy: EntropySource {
    private let base: EntropySource
    /// Every draw so far, in order.
    public private(set) var draws: [[UInt8]] = []

    /// Wraps `base`.
    public init(wrapping base: EntropySource) { self.base = base }

    public func draw(_ count: Int) throws(EntropyError) -> [UInt8] {
        let value = try base.draw(count)
        draws.append(value)
        return value
    }
}
