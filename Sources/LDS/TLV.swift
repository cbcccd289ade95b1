/// A failure decoding BER-TLV, with the offset (from the start of the buffer) where it was found.
///
/// Every case says where, which tag when one was read, and what was expected, so a caller can report
/// "DG13: length past the end at offset 1234 (tag 30)" without a debugger.
public enum TLVError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The buffer ends inside the identifier octets.
    case truncatedTag(offset: Int)
    /// Identifier octets that X.690 §8.1.2.4 forbids (a leading zero continuation, the reserved tag 0, or more
    /// than four octets).
    case invalidTag(offset: Int)
    /// The buffer ends inside the length octets.
    case truncatedLength(offset: Int, tag: BERTag)
    /// A long-form length with more than four subsequent octets, or the reserved `FF` (X.690 §8.1.3.5).
    case unsupportedLengthForm(offset: Int, tag: BERTag, lengthOctets: Int)
    /// A length that runs past the end of the enclosing element or buffer.
    case lengthPastEnd(offset: Int, tag: BERTag, length: Int, available: Int)
    /// An indefinite length where the decoder does not allow one, or on a primitive element (X.690 §8.1.3.2).
    case indefiniteLengthNotAllowed(offset: Int, tag: BERTag)
    /// An indefinite-length element whose end-of-contents octets never come.
    case missingEndOfContents(offset: Int, tag: BERTag)
    /// Elements nested deeper than the decoder's limit.
    case nestingTooDeep(offset: Int, tag: BERTag, limit: Int)
    /// An element with another tag than the structure requires at this place.
    case unexpectedTag(offset: Int, expected: BERTag, found: BERTag)
    /// The enclosing element ends where the structure requires another element.
    case missingElement(offset: Int, expected: BERTag)
    /// Bytes after the last element of a structure that has no room for them.
    case trailingBytes(offset: Int)
    /// A primitive element where a constructed one is required (or the reverse).
    case wrongForm(offset: Int, tag: BERTag, expectedConstructed: Bool)
    /// An element whose value does not have the form its type requires.
    case invalidValue(offset: Int, tag: BERTag, expected: String)

    /// Where in the buffer the failure was found.
    public var offset: Int {
        switch self {
        case .truncatedTag(let o), .invalidTag(let o), .trailingBytes(let o): return o
        case .truncatedLength(let o, _), .unsupportedLengthForm(let o, _, _), .lengthPastEnd(let o, _, _, _),
             .indefiniteLengthNotAllowed(let o, _), .missingEndOfContents(let o, _), .nestingTooDeep(let o, _, _),
             .unexpectedTag(let o, _, _), .missingElement(let o, _), .wrongForm(let o, _, _),
             .invalidValue(let o, _, _):
            return o
        }
    }

    /// One line naming the fault, its offset and, where known, the tag.
    public var description: String {
        switch self {
        case .truncatedTag(let o): return "tag truncated at offset \(o)"
        case .invalidTag(let o): return "invalid tag at offset \(o)"
        case .truncatedLength(let o, let t): return "length of tag \(t) truncated at offset \(o)"
        case .unsupportedLengthForm(let o, let t, let n):
            return "length of tag \(t) at offset \(o) has \(n) length octets (at most 4 supported)"
        case .lengthPastEnd(let o, let t, let l, let a):
            return "tag \(t) at offset \(o) declares \(l) bytes but only \(a) remain"
        case .indefiniteLengthNotAllowed(let o, let t): return "indefinite length not allowed for tag \(t) at offset \(o)"
        case .missingEndOfContents(let o, let t): return "tag \(t) at offset \(o) has no end-of-contents octets"
        case .nestingTooDeep(let o, let t, let l): return "tag \(t) at offset \(o) is nested deeper than \(l)"
        case .unexpectedTag(let o, let e, let f): return "expected tag \(e) at offset \(o), found \(f)"
        case .missingElement(let o, let e): return "expected tag \(e) at offset \(o), found the end of its container"
        case .trailingBytes(let o): return "unexpected bytes at offset \(o)"
        case .wrongForm(let o, let t, let c):
            return "tag \(t) at offset \(o) must be \(c ? "constructed" : "primitive")"
        case .invalidValue(let o, let t, let e): return "value of tag \(t) at offset \(o): expected \(e)"
        }
    }
}

/// What the decoder accepts beyond DER's definite lengths.
public struct TLVDecodingOptions: Sendable, Equatable {
    /// The deepest nesting accepted; the outermost element has depth 0.
    public var maxDepth: Int
    /// Whether constructed elements may use the indefinite length form (X.690 §8.1.3.6), as BER-encoded CMS may.
    public var allowsIndefiniteLength: Bool

    /// Options for the data groups: definite lengths only, nesting up to 24 levels (the deepest ICAO file,
    /// DG2 in the 39794-5 form, uses about 12).
    public static let dataGroup = TLVDecodingOptions(maxDepth: 24, allowsIndefiniteLength: false)
    /// Options for CMS (EF.SOD): indefinite lengths allowed, nesting up to 32 levels.
    public static let cms = TLVDecodingOptions(maxDepth: 32, allowsIndefiniteLength: true)

    /// Options with the given limits.
    public init(maxDepth: Int, allowsIndefiniteLength: Bool) {
        self.maxDepth = maxDepth
        self.allowsIndefiniteLength = allowsIndefiniteLength
    }
}

/// One decoded TLV: its tag and where its parts lie in the buffer. It holds offsets, never bytes.
public struct TLVElement: Sendable, Equatable {
    /// The tag.
    public let tag: BERTag
    /// Offset of the first identifier octet.
    public let offset: Int
    /// Offset of the first value octet.
    public let valueStart: Int
    /// Offset just past the last value octet (before the end-of-contents octets of an indefinite length).
    public let valueEnd: Int
    /// Offset just past the whole element, end-of-contents octets included.
    public let end: Int
    /// Nesting depth: 0 for an outermost element.
    public let depth: Int

    /// The value octets' range in the buffer.
    @inlinable public var valueRange: Range<Int> { valueStart..<valueEnd }
    /// The number of value octets.
    @inlinable public var length: Int { valueEnd - valueStart }
    /// The whole element's range in the buffer (header, value and any end-of-contents octets).
    @inlinable public var range: Range<Int> { offset..<end }
    /// Whether the element used the indefinite length form.
    @inlinable public var isIndefiniteLength: Bool { end != valueEnd }
    /// Whether the element is constructed (its value is a series of TLVs).
    @inlinable public var isConstructed: Bool { tag.isConstructed }
}

/// A buffer of BER-TLV-encoded bytes and the decoder's options: the entry point of the parsing core.
///
/// The reader shares the caller's array (copy-on-write, so nothing is copied) and hands out ``TLVElement``s
/// (offsets) and ``TLVCursor``s (lazy iteration over an element's children). Every length is checked
/// against the end of its enclosing element before anything is read behind it.
public struct BERReader: Sendable {
    /// The bytes under decoding.
    public let bytes: [UInt8]
    /// What the decoder accepts.
    public let options: TLVDecodingOptions

    /// A reader over the given bytes.
    public init(_ bytes: [UInt8], options: TLVDecodingOptions = .dataGroup) {
        self.bytes = bytes
        self.options = options
    }

    /// A cursor over the outermost elements.
    public func topLevel() -> TLVCursor {
        TLVCursor(bytes: bytes, position: 0, end: bytes.count, depth: 0, options: options)
    }

    /// The single outermost element, which must fill the buffer exactly.
    public func singleElement() throws(TLVError) -> TLVElement {
        var cursor = topLevel()
        guard let element = try cursor.next() else { throw .truncatedTag(offset: 0) }
        try cursor.requireEnd()
        return element
    }

    /// The single outermost element, which must carry the given tag and fill the buffer exactly.
    public func singleElement(_ tag: BERTag) throws(TLVError) -> TLVElement {
        var cursor = topLevel()
        let element = try cursor.expect(tag)
        try cursor.requireEnd()
        return element
    }

    /// A cursor over the children of a constructed element.
    public func children(of element: TLVElement) throws(TLVError) -> TLVCursor {
        guard element.isConstructed else {
            throw .wrongForm(offset: element.offset, tag: element.tag, expectedConstructed: true)
        }
        return TLVCursor(bytes: bytes, position: element.valueStart, end: element.valueEnd,
                         depth: element.depth + 1, options: options)
    }

    /// A cursor over the value of any element, read as a series of TLVs (for primitive wrappers such as an
    /// OCTET STRING that holds DER, or an implicitly tagged SET).
    public func contents(of element: TLVElement) -> TLVCursor {
        TLVCursor(bytes: bytes, position: element.valueStart, end: element.valueEnd,
                  depth: element.depth + 1, options: options)
    }

    /// The value octets, sharing the buffer's storage. Indices are the buffer's, not zero-based.
    @inlinable
    public func value(of element: TLVElement) -> ArraySlice<UInt8> {
        bytes[element.valueRange]
    }

    /// The whole element's octets, sharing the buffer's storage.
    @inlinable
    public func encoded(_ element: TLVElement) -> ArraySlice<UInt8> {
        bytes[element.range]
    }

    /// Walks every element of the buffer, depth first, checking every length, and returns how many there are.
    ///
    /// Primitive values are skipped, not read. This is the TLV walk the benchmarks measure, and a cheap
    /// well-formedness check for untrusted input.
    public func validate() throws(TLVError) -> Int {
        let span = bytes.span
        return try BERReader.walk(span, from: 0, to: bytes.count, depth: 0, options: options)
    }

    private static func walk(_ span: Span<UInt8>, from start: Int, to end: Int, depth: Int,
                             options: TLVDecodingOptions) throws(TLVError) -> Int {
        var count = 0
        var position = start
        while position < end {
            let element = try decodeHeader(span, at: position, end: end, depth: depth, options: options)
            count += 1
            if element.tag.isConstructed {
                count += try walk(span, from: element.valueStart, to: element.valueEnd, depth: depth + 1,
                                  options: options)
            }
            position = element.end
        }
        return count
    }

    /// Decodes the header at `offset` and locates the element's end, which must not pass `end`.
    @inline(__always)
    static func decodeHeader(_ span: Span<UInt8>, at offset: Int, end: Int, depth: Int,
                             options: TLVDecodingOptions) throws(TLVError) -> TLVElement {
        var i = offset
        guard i < end else { throw .truncatedTag(offset: offset) }
        let first = span[i]
        i += 1
        var raw = UInt32(first)
        if first & 0x1F == 0x1F {
            // X.690 §8.1.2.4: subsequent octets, bit 8 set on all but the last; the first may not be 0x80.
            var count = 0
            while true {
                guard i < end else { throw .truncatedTag(offset: offset) }
                let b = span[i]
                if count == 0 && b == 0x80 { throw .invalidTag(offset: offset) }
                count += 1
                if count > 3 { throw .invalidTag(offset: offset) }
                raw = raw << 8 | UInt32(b)
                i += 1
                if b & 0x80 == 0 { break }
            }
        } else if first == 0 {
            throw .invalidTag(offset: offset)
        }
        let tag = BERTag(rawValue: raw)
        if depth > options.maxDepth { throw .nestingTooDeep(offset: offset, tag: tag, limit: options.maxDepth) }
        guard i < end else { throw .truncatedLength(offset: offset, tag: tag) }
        let l0 = span[i]
        i += 1
        var length: Int
        if l0 < 0x80 {
            length = Int(l0)
        } else if l0 == 0x80 {
            guard options.allowsIndefiniteLength, first & 0x20 != 0 else {
                throw .indefiniteLengthNotAllowed(offset: offset, tag: tag)
            }
            let contentEnd = try findEndOfContents(span, from: i, end: end, depth: depth + 1, options: options,
                                                   tag: tag, offset: offset)
            return TLVElement(tag: tag, offset: offset, valueStart: i, valueEnd: contentEnd, end: contentEnd + 2,
                              depth: depth)
        } else {
            let n = Int(l0 & 0x7F)
            guard n <= 4 else { throw .unsupportedLengthForm(offset: offset, tag: tag, lengthOctets: n) }
            guard end - i >= n else { throw .truncatedLength(offset: offset, tag: tag) }
            length = 0
            for k in 0..<n { length = length << 8 | Int(span[i + k]) }
            i += n
        }
        guard length <= end - i else {
            throw .lengthPastEnd(offset: offset, tag: tag, length: length, available: end - i)
        }
        return TLVElement(tag: tag, offset: offset, valueStart: i, valueEnd: i + length, end: i + length,
                          depth: depth)
    }

    /// X.690 §8.1.5: the contents of an indefinite-length element end at the first `00 00` at its own level.
    /// Nested elements are skipped by their lengths; the scan is bounded by the depth limit.
    private static func findEndOfContents(_ span: Span<UInt8>, from start: Int, end: Int, depth: Int,
                                          options: TLVDecodingOptions, tag: BERTag,
                                          offset: Int) throws(TLVError) -> Int {
        var position = start
        while true {
            guard end - position >= 2 else { throw .missingEndOfContents(offset: offset, tag: tag) }
            if span[position] == 0 && span[position + 1] == 0 { return position }
            let child = try decodeHeader(span, at: position, end: end, depth: depth, options: options)
            position = child.end
        }
    }
}

/// Lazy iteration over a run of sibling elements (the children of one element, or the outermost ones).
///
/// Each call to ``next()`` decodes one header and checks its length against the container's end; nothing
/// is decoded ahead. The cursor shares the reader's bytes.
public struct TLVCursor: Sendable {
    @usableFromInline let bytes: [UInt8]
    /// Offset of the next element's header.
    public private(set) var position: Int
    /// Offset just past the last byte of the container.
    public let end: Int
    /// Depth of the elements this cursor yields.
    public let depth: Int
    /// The decoder's options.
    public let options: TLVDecodingOptions

    init(bytes: [UInt8], position: Int, end: Int, depth: Int, options: TLVDecodingOptions) {
        self.bytes = bytes
        self.position = position
        self.end = end
        self.depth = depth
        self.options = options
    }

    /// Whether every element has been read.
    public var isAtEnd: Bool { position >= end }

    /// The next element, or nil at the end of the container.
    public mutating func next() throws(TLVError) -> TLVElement? {
        guard position < end else { return nil }
        let element = try peek()
        position = element.end
        return element
    }

    /// The next element without consuming it.
    public func peek() throws(TLVError) -> TLVElement {
        try BERReader.decodeHeader(bytes.span, at: position, end: end, depth: depth, options: options)
    }

    /// The next element, which must carry `tag`.
    public mutating func expect(_ tag: BERTag) throws(TLVError) -> TLVElement {
        guard position < end else { throw .missingElement(offset: position, expected: tag) }
        let element = try peek()
        guard element.tag == tag else {
            throw .unexpectedTag(offset: element.offset, expected: tag, found: element.tag)
        }
        position = element.end
        return element
    }

    /// The next element if it carries `tag`; otherwise nil, and nothing is consumed.
    public mutating func optional(_ tag: BERTag) throws(TLVError) -> TLVElement? {
        guard position < end else { return nil }
        let element = try peek()
        guard element.tag == tag else { return nil }
        position = element.end
        return element
    }

    /// Throws unless every element has been read.
    public func requireEnd() throws(TLVError) {
        if position < end { throw .trailingBytes(offset: position) }
    }
}

extension BERReader {
    /// The total size (header and value) of the definite-length element that `prefix` begins, or nil when
    /// `prefix` is too short to tell. A file reader calls this with the first bytes of an EF (four are
    /// enough for every length up to 64 KB with a one-byte tag, six with a two-byte tag) to learn how much
    /// more to read.
    public static func encodedLength(ofElementStartingWith prefix: some Collection<UInt8>) throws(TLVError) -> Int? {
        // The decoder itself reads the header: a prefix that ends inside the header means "read more", one
        // that ends inside the value says by how much.
        let bytes = Array(prefix)
        do {
            return try decodeHeader(bytes.span, at: 0, end: bytes.count, depth: 0, options: .dataGroup).end
        } catch {
            switch error {
            case .truncatedTag, .truncatedLength: return nil
            case .lengthPastEnd(_, _, let length, let available): return bytes.count - available + length
            default: throw error
            }
        }
    }
}
