import Foundation

/// An X.501 Name (RFC 5280 §4.1.2.4) as certificates, CRLs and CMS SignerInfos carry it.
///
/// Kept as its DER (a slice of the bytes it was parsed from) for exact comparison, with the attributes decoded
/// for display (``text``) and for the RFC 5280 §7.1 comparison (``matches(_:)``): CSCAs re-encode their names
/// between certificate generations (PrintableString or UTF8String, case, spacing), and ICAO 9303-12 §7.1.1 asks
/// readers to cope.
public struct DistinguishedName: Sendable, Hashable, CustomStringConvertible {
    /// One attribute of a relative distinguished name.
    public struct Attribute: Sendable, Hashable {
        /// The attribute type (2.5.4.3 commonName, 2.5.4.6 countryName, …).
        public var type: OID
        /// The value as text; values that are not character strings are `#` and their DER in hex (RFC 4514 §2.4).
        public var value: String
        /// The value's tag: the string type it was written in (`13` PrintableString, `0C` UTF8String, …).
        public var tag: BERTag
        /// The position of its RDN in the name, from 0.
        public var rdn: Int

        /// An attribute.
        public init(type: OID, value: String, tag: BERTag = .utf8String, rdn: Int = 0) {
            self.type = type
            self.value = value
            self.tag = tag
            self.rdn = rdn
        }
    }

    /// The whole Name DER.
    public let der: ArraySlice<UInt8>
    /// Every attribute, RDN by RDN in encoding order (country first in ICAO names).
    public let attributes: [Attribute]
    /// The name in the form RFC 5280 §7.1 compares (``matchingKey``).
    public let matchingKey: String

    /// The relative distinguished names in encoding order, each a set of attributes.
    public var rdns: [[Attribute]] {
        var out: [[Attribute]] = []
        for a in attributes {
            if a.rdn == out.count { out.append([a]) } else { out[out.count - 1].append(a) }
        }
        return out
    }

    /// Parses a Name's DER (`30 …`).
    public init(der bytes: [UInt8]) throws(PKIError) {
        self = try PKIError.parsing(.name) { () throws(LDSError.Reason) -> DistinguishedName in
            let r = FileReader(bytes, options: .cms)
            return try DistinguishedName(r, try r.single(.sequence))
        }
    }

    init(_ r: FileReader, _ element: TLVElement) throws(LDSError.Reason) {
        guard element.tag == .sequence else {
            throw .tlv(.unexpectedTag(offset: element.offset, expected: .sequence, found: element.tag))
        }
        var attributes: [Attribute] = []
        var key = MatchingKey()
        var rdn = 0
        var c = try r.children(element)
        while let set = try c.next() {
            guard set.tag == .set else { throw .tlv(.unexpectedTag(offset: set.offset, expected: .set, found: set.tag)) }
            let first = attributes.count
            var sc = try r.children(set)
            while let pair = try sc.next() {
                guard pair.tag == .sequence else {
                    throw .tlv(.unexpectedTag(offset: pair.offset, expected: .sequence, found: pair.tag))
                }
                var pc = try r.children(pair)
                let type = try r.oid(try pc.expect(.objectIdentifier))
                let value = try pc.expectAny()
                try pc.requireEnd()
                attributes.append(Attribute(type: type, value: DistinguishedName.text(of: value, in: r), tag: value.tag,
                                            rdn: rdn))
            }
            // X.501: RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue.
            guard attributes.count > first else {
                throw .invalidField(field: "RelativeDistinguishedName", offset: set.offset, expected: "at least one attribute")
            }
            key.append(rdn: attributes[first...])
            rdn += 1
        }
        self.attributes = attributes
        matchingKey = key.text
        der = r.encoded(element)
    }

    /// The countryName (2.5.4.6) value, upper-cased, nil when the name has none.
    public var country: String? { attributes.first { $0.type == .countryName }?.value.uppercased() }

    /// The commonName (2.5.4.3) value, nil when the name has none.
    public var commonName: String? { attributes.first { $0.type == .commonName }?.value }

    /// RFC 4514 text, most specific attribute first: `CN=cccd TEST DS good, O=cccd TEST ONLY, C=VN`.
    public var text: String {
        rdns.reversed().map { rdn in
            rdn.map { "\(DistinguishedName.shortName($0.type))=\(DistinguishedName.escape($0.value))" }
                .joined(separator: "+")
        }.joined(separator: ", ")
    }

    /// The name in RFC 4514 form (``text``).
    public var description: String { text }

    /// Whether two names denote the same entity by RFC 5280 §7.1: the same number of RDNs, in the same order, each
    /// with the same set of attributes, values compared after RFC 4518 preparation (so the string type, case and
    /// insignificant spaces do not matter). Equal DER always matches.
    public func matches(_ other: DistinguishedName) -> Bool {
        der.elementsEqual(other.der) || matchingKey == other.matchingKey
    }

    /// Whether two names hold the same RDNs, compared as by ``matches(_:)``, in any order.
    ///
    /// RFC 5280 §7.1 requires the same order; some document signers' SignerInfos name their issuer with the RDNs in
    /// another order than the certificate's own issuer field (a Malaysian passport, issue 18). Only signer
    /// identification uses this, together with the serial number and the signature check, so nothing is weakened.
    public func matchesIgnoringRDNOrder(_ other: DistinguishedName) -> Bool {
        guard !matches(other) else { return true }
        func rdnKeys(_ name: DistinguishedName) -> [Substring] {
            name.matchingKey.split(separator: MatchingKey.rdnSeparator, omittingEmptySubsequences: false).sorted()
        }
        return rdnKeys(self) == rdnKeys(other)
    }

    /// Equal DER encodings; ``matches(_:)`` is the RFC 5280 comparison that path building uses.
    public static func == (a: DistinguishedName, b: DistinguishedName) -> Bool { a.der.elementsEqual(b.der) }
    /// Hashes the DER encoding, as `==` compares it.
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }

    // MARK: Pieces

    private static let shortNames: [OID: String] = [
        "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.7": "L", "2.5.4.8": "ST",
        "2.5.4.9": "STREET", "2.5.4.5": "SERIALNUMBER", "2.5.4.4": "SN", "2.5.4.42": "GN", "2.5.4.12": "T",
        "2.5.4.97": "ORGANIZATIONIDENTIFIER", "0.9.2342.19200300.100.1.25": "DC",
        "0.9.2342.19200300.100.1.1": "UID", "1.2.840.113549.1.9.1": "EMAILADDRESS",
    ]

    static func shortName(_ type: OID) -> String { shortNames[type] ?? type.dotted }

    /// A value as text: the character string types decoded, anything else as `#` and hex of its DER.
    static func text(of element: TLVElement, in r: FileReader) -> String {
        let value = r.value(element)
        if !element.isConstructed {
            switch element.tag.rawValue {
            case 0x0C:  // UTF8String
                if let s = String(validating: value, as: UTF8.self) { return s }
            case 0x12, 0x13, 0x16, 0x1A:  // Numeric, Printable, IA5, Visible
                if value.allSatisfy({ $0 < 0x80 }) { return String(decoding: value, as: UTF8.self) }
            case 0x14:  // TeletexString: in practice Latin-1
                return String(String.UnicodeScalarView(value.map { Unicode.Scalar($0) }))
            case 0x1E:  // BMPString: UTF-16BE
                guard value.count % 2 == 0 else { break }
                let units = stride(from: value.startIndex, to: value.endIndex, by: 2).map {
                    UInt16(value[$0]) << 8 | UInt16(value[$0 + 1])
                }
                return String(decoding: units, as: UTF16.self)
            case 0x1C:  // UniversalString: UTF-32BE
                guard value.count % 4 == 0 else { break }
                var scalars = String.UnicodeScalarView()
                for i in stride(from: value.startIndex, to: value.endIndex, by: 4) {
                    let v = value[i..<(i + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                    scalars.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                }
                return String(scalars)
            default:
                break
            }
        }
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = [UInt8(ascii: "#")]
        for byte in r.encoded(element) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// RFC 4514 §2.4 escaping of a value.
    static func escape(_ value: String) -> String {
        if value.hasPrefix("#") && value.count > 1 && value.dropFirst().allSatisfy(\.isHexDigit) { return value }
        var out = ""
        let last = value.count - 1
        for (i, ch) in value.enumerated() {
            if ",+\"\\<>;".contains(ch) || (i == 0 && (ch == " " || ch == "#")) || (i == last && ch == " ") {
                out.append("\\")
            }
            out.append(ch)
        }
        return out
    }

    /// RFC 4518 string preparation, as far as names in certificates need it: compatibility normalisation (NFKC),
    /// case folding, and insignificant space handling (leading and trailing spaces removed, inner runs of spaces
    /// collapsed to one). ASCII values, nearly all of them, take a fast path with the same result.
    static func prepare(value: String, into out: inout [UInt8]) {
        var ascii = true
        for b in value.utf8 where b >= 0x80 { ascii = false; break }
        guard ascii else {
            let prepared = value.precomposedStringWithCompatibilityMapping.lowercased()
                .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            out.append(contentsOf: prepared.utf8)
            return
        }
        var pendingSpace = false
        var wrote = false
        for b in value.utf8 {
            if b == 0x20 || (0x09...0x0D).contains(b) {
                pendingSpace = wrote
                continue
            }
            if pendingSpace { out.append(0x20); pendingSpace = false }
            if b < 0x20 || b == 0x7F {
                // Other control characters, escaped so they can never be taken for the key's separators.
                out.append(UInt8(ascii: "\\"))
                out.append(b >> 4 + 0x30)
                out.append(b & 0xF + (b & 0xF < 10 ? 0x30 : 0x57))
            } else {
                out.append((0x41...0x5A).contains(b) ? b + 0x20 : b)
            }
            wrote = true
        }
    }
}

/// A Name as RFC 5280 §7.1 compares it, built in one buffer: per RDN, its attributes as `type=value` (the type's
/// DER in hex, the value prepared by RFC 4518), sorted within the RDN (a set), RDNs in order.
struct MatchingKey {
    static let rdnSeparator: Character = "\u{1}"
    static let attributeSeparator: UInt8 = 0x02
    private var bytes: [UInt8] = []
    private var rdns = 0

    mutating func append<C: Collection<DistinguishedName.Attribute>>(rdn attributes: C) {
        if rdns > 0 { bytes.append(0x01) }
        rdns += 1
        if attributes.count == 1, let only = attributes.first {
            MatchingKey.append(only, to: &bytes)
            return
        }
        var entries = attributes.map { a -> [UInt8] in
            var entry: [UInt8] = []
            MatchingKey.append(a, to: &entry)
            return entry
        }
        entries.sort { $0.lexicographicallyPrecedes($1) }
        for (i, entry) in entries.enumerated() {
            if i > 0 { bytes.append(MatchingKey.attributeSeparator) }
            bytes.append(contentsOf: entry)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func append(_ attribute: DistinguishedName.Attribute, to out: inout [UInt8]) {
        let type = attribute.type
        for i in 0..<type.byteCount {
            let b = type.byte(at: i)
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0xF)])
        }
        out.append(UInt8(ascii: "="))
        DistinguishedName.prepare(value: attribute.value, into: &out)
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

extension OID {
    /// id-at-commonName (X.520).
    public static let commonName: OID = "2.5.4.3"
    /// id-at-countryName (X.520).
    public static let countryName: OID = "2.5.4.6"
}
