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

/// RFC 5280's SIGNED{ToBeSigned}: `SEQUENCE { tbs, signatureAlgorithm, signature BIT STRING }`, the form of
/// certificates (§4.1) and CRLs (§5.1), whose signed part repeats the algorithm.
struct SignedStructure {
    /// The signed part (TBSCertificate, TBSCertList).
    let tbs: TLVElement
    /// The outer signatureAlgorithm, parsed, and its element.
    let algorithm: AlgorithmIdentifier
    let algorithmElement: TLVElement
    /// The signature's octets.
    let signature: ArraySlice<UInt8>

    init(_ r: FileReader, _ e: TLVElement) throws(LDSError.Reason) {
        guard e.tag == .sequence else { throw .tlv(.unexpectedTag(offset: e.offset, expected: .sequence, found: e.tag)) }
        var c = try r.children(e)
        tbs = try c.expect(.sequence)
        algorithmElement = try c.expect(.sequence)
        algorithm = try AlgorithmIdentifier.parse(r, algorithmElement)
        signature = try r.bitString(try c.expect(.bitString))
        try c.requireEnd()
    }

    /// Checks that the algorithm named inside the signed part is the outer one, encoding for encoding.
    func requireSameAlgorithm(_ r: FileReader, inner: TLVElement, section: String) throws(LDSError.Reason) {
        guard r.encoded(inner).elementsEqual(r.encoded(algorithmElement)) else {
            throw .invalidField(field: "signature", offset: inner.offset,
                                expected: "the same algorithm as signatureAlgorithm (RFC 5280 \(section))")
        }
    }
}
