/// A BER tag: the identifier octets of a TLV, kept as the big-endian bytes seen on the wire.
///
/// ISO/IEC 8825-1 (X.690) §8.1.2. A one-byte tag `0x30` has `rawValue == 0x30`; the two-byte tag `5F 1F`
/// has `rawValue == 0x5F1F`. Tags longer than four bytes are rejected by the decoder: no ICAO or CMS structure
/// uses one, and a bound keeps the value in a register.
public struct BERTag: Hashable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The identifier octets, big-endian, without leading zero bytes.
    public let rawValue: UInt32

    /// A tag from its identifier octets written as one big-endian integer (`0x7F61`).
    @inlinable
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A tag from its identifier octets written as one big-endian integer (`0x7F61`).
    @inlinable
    public init(integerLiteral value: UInt32) { self.rawValue = value }

    /// The first identifier octet, which holds the class and the constructed bit.
    @inlinable
    public var leadingByte: UInt8 {
        var v = rawValue
        while v > 0xFF { v >>= 8 }
        return UInt8(truncatingIfNeeded: v)
    }

    /// X.690 §8.1.2.5: bit 6 of the first octet marks a constructed encoding.
    @inlinable
    public var isConstructed: Bool { leadingByte & 0x20 != 0 }

    /// The tag class (X.690 §8.1.2.2).
    @inlinable
    public var tagClass: TagClass { TagClass(rawValue: leadingByte >> 6)! }

    /// The number of identifier octets.
    @inlinable
    public var byteCount: Int {
        rawValue > 0xFF_FFFF ? 4 : rawValue > 0xFFFF ? 3 : rawValue > 0xFF ? 2 : 1
    }

    /// The identifier octets, as written to the wire.
    public var bytes: [UInt8] {
        (0..<byteCount).reversed().map { UInt8(truncatingIfNeeded: rawValue >> (8 * UInt32($0))) }
    }

    /// The same tag number and class with the constructed bit set or cleared.
    public func withConstructed(_ constructed: Bool) -> BERTag {
        let shift = UInt32(8 * (byteCount - 1))
        let bit: UInt32 = 0x20 << shift
        return BERTag(rawValue: constructed ? rawValue | bit : rawValue & ~bit)
    }

    /// The class of a tag (X.690 §8.1.2.2).
    public enum TagClass: UInt8, Sendable {
        /// Universal: ASN.1's own types.
        case universal = 0
        /// Application: ICAO's file and data-object tags (`61`, `5F1F`, `7F61`, …).
        case application = 1
        /// Context-specific: `[n]` in an ASN.1 module.
        case contextSpecific = 2
        /// Private.
        case `private` = 3
    }

    /// Hex of the identifier octets (`5F1F`).
    public var description: String {
        let digits = Array("0123456789ABCDEF")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
    }

    /// A context-specific tag `[n]` for n ≤ 30.
    public static func contextSpecific(_ number: UInt8, constructed: Bool) -> BERTag {
        precondition(number < 31, "high tag numbers are not used by any structure in this module")
        return BERTag(rawValue: UInt32(0x80 | (constructed ? 0x20 : 0) | number))
    }
}

extension BERTag {
    /// BOOLEAN.
    public static let boolean: BERTag = 0x01
    /// INTEGER.
    public static let integer: BERTag = 0x02
    /// BIT STRING (primitive).
    public static let bitString: BERTag = 0x03
    /// OCTET STRING (primitive).
    public static let octetString: BERTag = 0x04
    /// OCTET STRING in BER's constructed (segmented) form.
    public static let constructedOctetString: BERTag = 0x24
    /// NULL.
    public static let null: BERTag = 0x05
    /// OBJECT IDENTIFIER.
    public static let objectIdentifier: BERTag = 0x06
    /// UTF8String.
    public static let utf8String: BERTag = 0x0C
    /// PrintableString.
    public static let printableString: BERTag = 0x13
    /// IA5String.
    public static let ia5String: BERTag = 0x16
    /// UTCTime.
    public static let utcTime: BERTag = 0x17
    /// GeneralizedTime.
    public static let generalizedTime: BERTag = 0x18
    /// SEQUENCE / SEQUENCE OF.
    public static let sequence: BERTag = 0x30
    /// SET / SET OF.
    public static let set: BERTag = 0x31
}
