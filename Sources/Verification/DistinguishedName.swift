import LDS

/// An X.501 Name (RFC 5280 §4.1.2.4) as certificates, CRLs and SignerInfos carry it.
///
/// Kept as its DER for exact comparison, with the attributes decoded for display (``text``) and for the
/// RFC 5280 §7.1 comparison that tolerates case and spacing differences (``matches(_:)``): CSCAs re-encode
/// names between generations (PrintableString vs UTF8String, case), and ICAO 9303-12 §7.1.1 asks readers to cope.
public struct DistinguishedName: Sendable, Hashable, CustomStringConvertible {
    /// One attribute of a relative distinguished name.
    public struct Attribute: Sendable, Hashable {
        /// The attribute type (2.5.4.3 commonName, 2.5.4.6 countryName, …).
        public var type: OID
        /// The value as text; values that are not character strings are `#` and their DER in hex (RFC 4514 §2.4).
        public var value: String
    }

    /// The whole Name DER.
    public let der: [UInt8]
    /// The relative distinguished names in encoding order (country first in ICAO names).
    public let rdns: [[Attribute]]

    /// Parses a Name's DER (`30 …`).
    public init(der bytes: [UInt8]) throws(VerificationError) {
        let reader = BERReader(bytes, options: .cms)
        self = try VerificationError.parsing("Name") { () throws(TLVError) -> DistinguishedName in
            try DistinguishedName(reader, try reader.singleElement(.sequence))
        }
    }

    init(_ reader: BERReader, _ element: TLVElement) throws(TLVError) {
        guard element.tag == .sequence else {
            throw .unexpectedTag(offset: element.offset, expected: .sequence, found: element.tag)
        }
        var rdns: [[Attribute]] = []
        var c = try reader.children(of: element)
        while let set = try c.next() {
            guard set.tag == .set else { throw .unexpectedTag(offset: set.offset, expected: .set, found: set.tag) }
            var attributes: [Attribute] = []
            var sc = try reader.children(of: set)
            while let pair = try sc.next() {
                guard pair.tag == .sequence else {
                    throw .unexpectedTag(offset: pair.offset, expected: .sequence, found: pair.tag)
                }
                var pc = try reader.children(of: pair)
                let type = try reader.objectIdentifier(try pc.expect(.objectIdentifier))
                guard let value = try pc.next() else { throw .missingElement(offset: pair.valueEnd, expected: .utf8String) }
                try pc.requireEnd()
                attributes.append(Attribute(type: type, value: DistinguishedName.text(of: value, in: reader)))
            }
            rdns.append(attributes)
        }
        self.rdns = rdns
        der = Array(reader.encoded(element))
    }

    /// The countryName (2.5.4.6) value, upper-cased, nil when the name has none.
    public var country: String? {
        rdns.joined().first { $0.type == DistinguishedName.countryName }?.value.uppercased()
    }

    /// The commonName (2.5.4.3) value, nil when the name has none.
    public var commonName: String? {
        rdns.joined().first { $0.type == DistinguishedName.commonName }?.value
    }

    /// RFC 4514 text, most specific attribute first: `CN=cccd TEST DS good, O=cccd TEST ONLY, C=VN`.
    public var text: String {
        rdns.reversed().map { rdn in
            rdn.map { "\(DistinguishedName.shortName($0.type))=\(DistinguishedName.escape($0.value))" }
                .joined(separator: "+")
        }.joined(separator: ", ")
    }

    public var description: String { text }

    /// Whether two names denote the same entity: equal DER, or (RFC 5280 §7.1, simplified) the same attributes
    /// in the same RDN order, values compared case-insensitively with insignificant spaces removed.
    public func matches(_ other: DistinguishedName) -> Bool {
        if der == other.der { return true }
        guard rdns.count == other.rdns.count else { return false }
        for (a, b) in zip(rdns, other.rdns) {
            let left = a.map { "\($0.type.dotted)=\(DistinguishedName.fold($0.value))" }.sorted()
            let right = b.map { "\($0.type.dotted)=\(DistinguishedName.fold($0.value))" }.sorted()
            guard left == right else { return false }
        }
        return true
    }

    public static func == (a: DistinguishedName, b: DistinguishedName) -> Bool { a.der == b.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }

    // MARK: Pieces

    static let commonName: OID = "2.5.4.3"
    static let countryName: OID = "2.5.4.6"

    private static let shortNames: [OID: String] = [
        "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.7": "L", "2.5.4.8": "ST",
        "2.5.4.9": "STREET", "2.5.4.5": "SERIALNUMBER", "2.5.4.4": "SN", "2.5.4.42": "GN", "2.5.4.12": "T",
        "2.5.4.97": "ORGANIZATIONIDENTIFIER", "0.9.2342.19200300.100.1.25": "DC",
        "0.9.2342.19200300.100.1.1": "UID", "1.2.840.113549.1.9.1": "EMAILADDRESS",
    ]

    static func shortName(_ type: OID) -> String { shortNames[type] ?? type.dotted }

    /// A value as text: the character string types decoded, anything else as `#` and hex of its DER.
    static func text(of element: TLVElement, in reader: BERReader) -> String {
        let value = reader.value(of: element)
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
        return "#" + reader.encoded(element).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
        }.joined()
    }

    /// RFC 4514 §2.4 escaping of a value.
    static func escape(_ value: String) -> String {
        if value.hasPrefix("#") && value.count > 1 && value.dropFirst().allSatisfy(\.isHexDigit) { return value }
        var out = ""
        for (i, ch) in value.enumerated() {
            if ",+\"\\<>;".contains(ch) || (i == 0 && (ch == " " || ch == "#")) || (i == value.count - 1 && ch == " ") {
                out.append("\\")
            }
            out.append(ch)
        }
        return out
    }

    /// Case-folded, with runs of white space collapsed and the ends trimmed (RFC 4518's insignificant space).
    static func fold(_ value: String) -> String {
        value.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
