// Decoders for the universal types the LDS files use, over a reader's elements.

extension BERReader {
    /// An INTEGER that fits in `Int` (X.690 §8.3), sign included.
    public func integer(_ element: TLVElement) throws(TLVError) -> Int {
        guard element.tag.rawValue == BERTag.integer.rawValue || !element.isConstructed else {
            throw .wrongForm(offset: element.offset, tag: element.tag, expectedConstructed: false)
        }
        let n = element.length
        guard n >= 1, n <= 8 else {
            throw .invalidValue(offset: element.offset, tag: element.tag, expected: "an integer of 1 to 8 octets")
        }
        var v = Int(Int8(bitPattern: bytes[element.valueStart]))
        for i in (element.valueStart + 1)..<element.valueEnd { v = v << 8 | Int(bytes[i]) }
        return v
    }

    /// The magnitude octets of a non-negative INTEGER of any size, without the sign octet (for RSA moduli and
    /// certificate serial numbers kept as bytes).
    public func unsignedIntegerBytes(_ element: TLVElement) throws(TLVError) -> ArraySlice<UInt8> {
        var value = self.value(of: element)
        guard let first = value.first, first & 0x80 == 0 else {
            throw .invalidValue(offset: element.offset, tag: element.tag, expected: "a non-negative integer")
        }
        if first == 0 && value.count > 1 { value = value.dropFirst() }
        return value
    }

    /// An OBJECT IDENTIFIER (X.690 §8.19).
    public func objectIdentifier(_ element: TLVElement) throws(TLVError) -> OID {
        guard !element.isConstructed, let oid = OID(derContent: value(of: element)) else {
            throw .invalidValue(offset: element.offset, tag: element.tag, expected: "an object identifier")
        }
        return oid
    }

    /// A character string: UTF8String (checked UTF-8), PrintableString, IA5String or another ASCII-only type.
    public func string(_ element: TLVElement) throws(TLVError) -> String {
        guard !element.isConstructed else {
            throw .wrongForm(offset: element.offset, tag: element.tag, expectedConstructed: false)
        }
        // Decoding from a buffer pointer takes the standard library's fast validation path.
        let utf8 = element.tag == .utf8String
        let text = value(of: element).withUnsafeBufferPointer { buffer -> String? in
            if utf8 { return String(validating: buffer, as: UTF8.self) }
            guard buffer.allSatisfy({ $0 < 0x80 }) else { return nil }
            return String(decoding: buffer, as: UTF8.self)
        }
        guard let text else {
            throw .invalidValue(offset: element.offset, tag: element.tag, expected: utf8 ? "UTF-8 text" : "ASCII text")
        }
        return text
    }

    /// The bits of a BIT STRING whose length is a whole number of octets (keys and signatures always are).
    public func bitStringOctets(_ element: TLVElement) throws(TLVError) -> ArraySlice<UInt8> {
        let value = self.value(of: element)
        guard !element.isConstructed, value.first == 0 else {
            throw .invalidValue(offset: element.offset, tag: element.tag,
                                expected: "a primitive bit string with no unused bits")
        }
        return value.dropFirst()
    }

    /// The octets of an OCTET STRING: shared with the buffer when primitive; joined from the segments of
    /// BER's constructed form (X.690 §8.7.3), which CMS encoders may use for eContent.
    public func octetString(_ element: TLVElement) throws(TLVError) -> ArraySlice<UInt8> {
        guard element.isConstructed else { return value(of: element) }
        var out: [UInt8] = []
        try appendSegments(of: element, to: &out)
        return out[...]
    }

    private func appendSegments(of element: TLVElement, to out: inout [UInt8]) throws(TLVError) {
        var cursor = try children(of: element)
        while let segment = try cursor.next() {
            guard segment.tag.withConstructed(false) == .octetString else {
                throw .unexpectedTag(offset: segment.offset, expected: .octetString, found: segment.tag)
            }
            if segment.isConstructed {
                try appendSegments(of: segment, to: &out)
            } else {
                out.append(contentsOf: value(of: segment))
            }
        }
    }
}

/// A DER writer: appends TLVs to a growing buffer with minimal definite lengths (X.690 §10.1).
///
/// Encoders in this module use it to build the files the virtual chip serves.
public struct TLVWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// An empty writer.
    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The DER length octets for a value of `length` octets.
    public static func lengthOctets(_ length: Int) -> [UInt8] {
        precondition(length >= 0)
        if length < 0x80 { return [UInt8(length)] }
        var octets: [UInt8] = []
        var v = length
        while v > 0 {
            octets.append(UInt8(v & 0xFF))
            v >>= 8
        }
        return [0x80 | UInt8(octets.count)] + octets.reversed()
    }

    /// Appends a TLV whose value is the given octets.
    public mutating func append(_ tag: BERTag, value: some Collection<UInt8>) {
        bytes.append(contentsOf: tag.bytes)
        bytes.append(contentsOf: TLVWriter.lengthOctets(value.count))
        bytes.append(contentsOf: value)
    }

    /// Appends a TLV whose value the closure writes (a constructed element, or a primitive wrapper of DER).
    public mutating func append<E: Error>(_ tag: BERTag, _ body: (inout TLVWriter) throws(E) -> Void) throws(E) {
        bytes.append(contentsOf: tag.bytes)
        let lengthAt = bytes.count
        bytes.append(0)
        let start = bytes.count
        try body(&self)
        let length = bytes.count - start
        let octets = TLVWriter.lengthOctets(length)
        bytes[lengthAt] = octets[0]
        if octets.count > 1 { bytes.insert(contentsOf: octets.dropFirst(), at: start) }
    }

    /// Appends already-encoded bytes unchanged.
    public mutating func appendEncoded(_ encoded: some Collection<UInt8>) {
        bytes.append(contentsOf: encoded)
    }

    /// Appends an INTEGER in its minimal two's-complement form.
    public mutating func appendInteger(_ value: Int, tag: BERTag = .integer) {
        var octets: [UInt8] = []
        var v = value
        repeat {
            octets.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        } while !(v == 0 && octets.last! & 0x80 == 0) && !(v == -1 && octets.last! & 0x80 != 0)
        append(tag, value: octets.reversed())
    }

    /// Appends a non-negative INTEGER from big-endian magnitude octets, adding the sign octet DER needs.
    public mutating func appendUnsignedInteger(_ magnitude: some Collection<UInt8>) {
        var m = Array(magnitude.drop(while: { $0 == 0 }))
        if m.isEmpty || m[0] & 0x80 != 0 { m.insert(0, at: 0) }
        append(.integer, value: m)
    }

    /// Appends an OBJECT IDENTIFIER.
    public mutating func appendOID(_ oid: OID) {
        append(.objectIdentifier, value: oid.derContent)
    }

    /// Appends a string as UTF8String, or under another string tag.
    public mutating func appendString(_ string: String, tag: BERTag = .utf8String) {
        append(tag, value: Array(string.utf8))
    }

    /// Appends a BIT STRING of whole octets.
    public mutating func appendBitString(_ octets: some Collection<UInt8>) {
        append(.bitString, value: [0] + Array(octets))
    }

    /// Appends NULL.
    public mutating func appendNull() { append(.null, value: []) }
}

// MARK: The parsers' view: TLV operations that report failures as `LDSError.Reason`.

/// The reader as the file parsers use it: every TLV failure becomes `LDSError.Reason.tlv`.
struct FileReader {
    let reader: BERReader

    init(_ bytes: [UInt8], options: TLVDecodingOptions = .dataGroup) {
        reader = BERReader(bytes, options: options)
    }

    var bytes: [UInt8] { reader.bytes }

    func single(_ tag: BERTag) throws(LDSError.Reason) -> TLVElement {
        do { return try reader.singleElement(tag) } catch { throw .tlv(error) }
    }
    func single() throws(LDSError.Reason) -> TLVElement {
        do { return try reader.singleElement() } catch { throw .tlv(error) }
    }
    func children(_ element: TLVElement) throws(LDSError.Reason) -> Cursor {
        do { return Cursor(inner: try reader.children(of: element)) } catch { throw .tlv(error) }
    }
    func contents(_ element: TLVElement) -> Cursor { Cursor(inner: reader.contents(of: element)) }
    func topLevel() -> Cursor { Cursor(inner: reader.topLevel()) }
    func value(_ element: TLVElement) -> ArraySlice<UInt8> { reader.value(of: element) }
    func encoded(_ element: TLVElement) -> ArraySlice<UInt8> { reader.encoded(element) }
    func integer(_ element: TLVElement) throws(LDSError.Reason) -> Int {
        do { return try reader.integer(element) } catch { throw .tlv(error) }
    }
    func oid(_ element: TLVElement) throws(LDSError.Reason) -> OID {
        do { return try reader.objectIdentifier(element) } catch { throw .tlv(error) }
    }
    func string(_ element: TLVElement) throws(LDSError.Reason) -> String {
        do { return try reader.string(element) } catch { throw .tlv(error) }
    }
    func octetString(_ element: TLVElement) throws(LDSError.Reason) -> ArraySlice<UInt8> {
        do { return try reader.octetString(element) } catch { throw .tlv(error) }
    }
    func bitString(_ element: TLVElement) throws(LDSError.Reason) -> ArraySlice<UInt8> {
        do { return try reader.bitStringOctets(element) } catch { throw .tlv(error) }
    }
    func unsignedInteger(_ element: TLVElement) throws(LDSError.Reason) -> ArraySlice<UInt8> {
        do { return try reader.unsignedIntegerBytes(element) } catch { throw .tlv(error) }
    }
}

/// A ``TLVCursor`` whose failures are `LDSError.Reason`s.
struct Cursor {
    var inner: TLVCursor

    var isAtEnd: Bool { inner.isAtEnd }
    var position: Int { inner.position }
    mutating func next() throws(LDSError.Reason) -> TLVElement? {
        do { return try inner.next() } catch { throw .tlv(error) }
    }
    mutating func expect(_ tag: BERTag) throws(LDSError.Reason) -> TLVElement {
        do { return try inner.expect(tag) } catch { throw .tlv(error) }
    }
    mutating func optional(_ tag: BERTag) throws(LDSError.Reason) -> TLVElement? {
        do { return try inner.optional(tag) } catch { throw .tlv(error) }
    }
    mutating func expectAny() throws(LDSError.Reason) -> TLVElement {
        guard let e = try next() else {
            throw .tlv(.missingElement(offset: inner.position, expected: .sequence))
        }
        return e
    }
    func requireEnd() throws(LDSError.Reason) {
        do { try inner.requireEnd() } catch { throw .tlv(error) }
    }
}

extension LDSError {
    /// Runs a file parser, attaching the file to its failure.
    static func parsing<T>(_ file: ElementaryFile, _ body: () throws(LDSError.Reason) -> T) throws(LDSError) -> T {
        do { return try body() } catch { throw LDSError(file: file, reason: error) }
    }
}
