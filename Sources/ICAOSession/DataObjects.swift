import CardIO
import LDS

/// The few BER-TLV pieces the access protocols and secure messaging build (one-byte or two-byte tags, definite
/// lengths up to `82 xx xx`) and read (through LDS's ``BERReader``).
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

    /// Reads consecutive data objects covering all of `bytes`, with LDS's BER reader (every length checked).
    static func readAll(_ bytes: [UInt8]) throws(ReadError) -> [Element] {
        let reader = BERReader(bytes, options: TLVDecodingOptions(maxDepth: 4, allowsIndefiniteLength: false))
        var cursor = reader.topLevel()
        var out: [Element] = []
        do {
            while let element = try cursor.next() {
                out.append(Element(tag: element.tag.bytes, value: Array(reader.value(of: element)),
                                   offset: element.offset, encoded: Array(reader.encoded(element))))
            }
        } catch {
            throw .malformed(offset: error.offset)
        }
        return out
    }
}
