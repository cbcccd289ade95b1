import CardIO
import LDS

/// The few BER-TLV pieces the access protocols and secure messaging build (one-byte or two-byte tags, definite
/// lengths up to `82 xx xx`) and read (through LDS's ``BERReader``).
enum DataObject {
    /// Tag ‖ length ‖ value; `tag` is one or two bytes (CardIO's ``BERDataObject``, the one encoder).
    static func encode(tag: [UInt8], value: [UInt8]) -> [UInt8] {
        BERDataObject.encode(tag: tag, value: value)
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
