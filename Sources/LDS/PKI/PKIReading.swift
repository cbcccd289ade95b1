// The TLV operations the X.509 and CMS parsers add to the file parsers' reader.

extension FileReader {
    /// A file reader over an existing reader's bytes and options (sharing them).
    init(_ reader: BERReader) { self.reader = reader }

    /// A BOOLEAN (X.690 §8.2): one octet, zero for false. DER's `FF` for true is not required (BER allows any
    /// non-zero octet, and older CSCAs wrote `01`).
    func boolean(_ element: TLVElement) throws(LDSError.Reason) -> Bool {
        guard !element.isConstructed, element.length == 1 else {
            throw .tlv(.invalidValue(offset: element.offset, tag: element.tag, expected: "a one-octet BOOLEAN"))
        }
        return bytes[element.valueStart] != 0
    }

    /// A cursor over the elements in `range` of the bytes, at the given depth (for DER held in an OCTET STRING).
    func cursor(over range: Range<Int>, depth: Int) -> Cursor {
        Cursor(inner: TLVCursor(bytes: bytes, position: range.lowerBound, end: range.upperBound, depth: depth,
                                options: reader.options))
    }
}
