import CardIO

/// The few BER-TLV pieces the access protocols and secure messaging build and read: one-byte or two-byte tags,
/// definite lengths up to `82 xx xx`. Files and security infos are the LDS module's business, not this.
enum DataObject {
    /// A BER definite length: short form below 128, `81 xx` below 256, `82 xx xx` below 65536.
    static func encodeLength(_ length: Int) -> [UInt8] {
        switch length {
        case ..<0x80: return [UInt8(length)]
        case ..<0x100: return [0x81, UInt8(length)]
        default: return [0x82, UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
        }
    }

    /// Tag ‖ length ‖ value; `tag` is one or two bytes.
    static func encode(tag: [UInt8], value: [UInt8]) -> [UInt8] {
        tag + encodeLength(value.count) + value
    }

    /// One data object read from a buffer.
    struct Element {
        /// The tag bytes.
        var tag: [UInt8]
        /// The value.
        var value: [UInt8]
        /// Where the object starts in the buffer it was read from.
        var offset: Int
        /// The whole encoding (tag, length and value), as MAC inputs need it.
        var encoded: [UInt8]
    }

    enum ReadError: Error {
        case malformed(offset: Int)
    }

    /// Reads consecutive data objects covering all of `bytes`.
    static func readAll(_ bytes: [UInt8]) throws(ReadError) -> [Element] {
        var out: [Element] = []
        var i = 0
        while i < bytes.count {
            let start = i
            var tag = [bytes[i]]
            i += 1
            if tag[0] & 0x1F == 0x1F {  // multi-byte tag: ICAO uses two-byte ones (7F49, 5F1F…)
                guard i < bytes.count, bytes[i] & 0x80 == 0 else { throw .malformed(offset: start) }
                tag.append(bytes[i])
                i += 1
            }
            guard i < bytes.count else { throw .malformed(offset: start) }
            var length = Int(bytes[i])
            i += 1
            if length & 0x80 != 0 {
                let count = length & 0x7F
                guard (1...2).contains(count), i + count <= bytes.count else { throw .malformed(offset: start) }
                length = 0
                for _ in 0..<count {
                    length = length << 8 | Int(bytes[i])
                    i += 1
                }
            }
            guard length <= bytes.count - i else { throw .malformed(offset: start) }
            out.append(Element(tag: tag, value: Array(bytes[i..<(i + length)]), offset: start,
                               encoded: Array(bytes[start..<(i + length)])))
            i += length
        }
        return out
    }
}

/// A dotted object identifier and its DER content octets (X.690 §8.19), for the OIDs the commands carry.
struct DottedOID: Hashable, Sendable {
    let dotted: String
    let arcs: [UInt64]

    /// Parses "0.4.0.127.0.7.2.2.4.2.2"; `nil` when it is not a valid OID.
    init?(_ dotted: String) {
        let parts = dotted.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.count <= 32 else { return nil }
        var arcs: [UInt64] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 19, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = UInt64(part) else { return nil }
            arcs.append(value)
        }
        guard arcs[0] <= 2, arcs[0] == 2 || arcs[1] < 40 else { return nil }
        self.dotted = dotted
        self.arcs = arcs
    }

    /// The content octets (without tag `06` and length).
    var contentOctets: [UInt8] {
        var out: [UInt8] = []
        var values = [arcs[0] * 40 + arcs[1]]
        values.append(contentsOf: arcs.dropFirst(2))
        for value in values {
            var groups: [UInt8] = [UInt8(value & 0x7F)]
            var rest = value >> 7
            while rest > 0 {
                groups.append(UInt8(rest & 0x7F) | 0x80)
                rest >>= 7
            }
            out.append(contentsOf: groups.reversed())
        }
        return out
    }
}
