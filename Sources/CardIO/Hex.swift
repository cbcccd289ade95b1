/// Hexadecimal text for bytes, as traces and logs write them.
extension Sequence where Element == UInt8 {
    /// Upper-case hex digits, no separators.
    public var hexString: String {
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Errors decoding hex text.
public enum HexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An odd number of digits.
    case oddLength(Int)
    /// A character that is not a hex digit, at this offset.
    case invalidCharacter(offset: Int)

    /// One line naming the fault and where it is.
    public var description: String {
        switch self {
        case .oddLength(let n): return "hex text has an odd number of digits (\(n))"
        case .invalidCharacter(let i): return "hex text has a non-hex character at offset \(i)"
        }
    }
}

extension Array where Element == UInt8 {
    /// Decodes hex text (upper or lower case, no separators).
    public init(hex text: some StringProtocol) throws(HexError) {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { throw .oddLength(utf8.count) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = Self.nibble(utf8[i]) else { throw .invalidCharacter(offset: i) }
            guard let lo = Self.nibble(utf8[i + 1]) else { throw .invalidCharacter(offset: i + 1) }
            out.append(hi << 4 | lo)
            i += 2
        }
        self = out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
