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

        /// An attribute.
        public init(type: OID, value: String, tag: BERTag = .utf8String) {
            self.type = type
            self.value = value
            self.tag = tag
        }
    }

    /// The whole Name DER.
    public let der: ArraySlice<UInt8>
    /// The relative distinguished names in encoding order (country first in ICAO names).
    public let rdns: [[Attribute]]
    /// The name in the form RFC 5280 §7.1 compares: each RDN's attributes as `type=value`, values prepared per
    /// RFC 4518 (compatibility normalisation, case folding, insignificant spaces removed), sorted within an RDN.
    let preparedRDNs: [String]

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
        var rdns: [[Attribute]] = []
        var prepared: [String] = []
        var c = try r.children(element)
        while let set = try c.next() {
            guard set.tag == .set else { throw .tlv(.unexpectedTag(offset: set.offset, expected: .set, found: set.tag)) }
            var attributes: [Attribute] = []
            var sc = try r.children(set)
            while let pair = try sc.next() {
                guard pair.tag == .sequence else {
                    throw .tlv(.unexpectedTag(offset: pair.offset, expected: .sequence, found: pair.tag))
                }
                var pc = try r.children(pair)
                let type = try r.oid(try pc.expect(.objectIdentifier))
                let value = try pc.expectAny()
                try pc.requireEnd()
                attributes.append(Attribute(type: type, value: DistinguishedName.text(of: value, in: r), tag: value.tag))
            }
            // X.501: RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue.
            guard !attributes.isEmpty else {
                throw .invalidField(field: "RelativeDistinguishedName", offset: set.offset, expected: "at least one attribute")
            }
            rdns.append(attributes)
            prepared.append(DistinguishedName.prepare(attributes))
        }
        self.rdns = rdns
        preparedRDNs = prepared
        der = r.encoded(element)
    }

    /// The countryName (2.5.4.6) value, upper-cased, nil when the name has none.
    public var country: String? {
        for rdn in rdns { for a in rdn where a.type == .countryName { return a.value.uppercased() } }
        return nil
    }

    /// The commonName (2.5.4.3) value, nil when the name has none.
    public var commonName: String? {
        for rdn in rdns { for a in rdn where a.type == .commonName { return a.value } }
        return nil
    }

    /// RFC 4514 text, most specific attribute first: `CN=cccd TEST DS good, O=cccd TEST ONLY, C=VN`.
    public var text: String {
        rdns.reversed().map { rdn in
            rdn.map { "\(DistinguishedName.shortName($0.type))=\(DistinguishedName.escape($0.value))" }
                .joined(separator: "+")
        }.joined(separator: ", ")
    }

    public var description: String { text }

    /// Whether two names denote the same entity by RFC 5280 §7.1: the same number of RDNs, in the same order, each
    /// with the same set of attributes, values compared after RFC 4518 preparation (so the string type, case and
    /// insignificant spaces do not matter). Equal DER always matches.
    public func matches(_ other: DistinguishedName) -> Bool {
        der.elementsEqual(other.der) || preparedRDNs == other.preparedRDNs
    }

    /// Whether two names hold the same RDNs, compared as by ``matches(_:)``, in any order.
    ///
    /// RFC 5280 §7.1 requires the same order; some document signers' SignerInfos name their issuer with the RDNs in
    /// another order than the certificate's own issuer field (a Malaysian passport, issue 18). Only signer
    /// identification uses this, together with the serial number and the signature check, so nothing is weakened.
    public func matchesIgnoringRDNOrder(_ other: DistinguishedName) -> Bool {
        matches(other) || preparedRDNs.sorted() == other.preparedRDNs.sorted()
    }

    /// A key equal for two names exactly when ``matches(_:)`` holds: what stores index certificates by.
    public var matchingKey: String { preparedRDNs.joined(separator: "\u{1}") }

    public static func == (a: DistinguishedName, b: DistinguishedName) -> Bool { a.der.elementsEqual(b.der) }
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

    /// One RDN as RFC 5280 §7.1 compares it: `type=value` per attribute, sorted (an RDN is a set).
    static func prepare(_ attributes: [Attribute]) -> String {
        let parts = attributes.map { $0.type.dotted + "=" + prepare(value: $0.value) }
        return parts.count == 1 ? parts[0] : parts.sorted().joined(separator: "+")
    }

    /// RFC 4518 string preparation, as far as names in certificates need it: compatibility normalisation (NFKC),
    /// case folding, and insignificant space handling (leading and trailing spaces removed, inner runs of spaces
    /// collapsed to one). ASCII values, nearly all of them, take a fast path with the same result.
    static func prepare(value: String) -> String {
        var ascii = true
        for b in value.utf8 where b >= 0x80 { ascii = false; break }
        if ascii {
            var out: [UInt8] = []
            out.reserveCapacity(value.utf8.count)
            var pendingSpace = false
            for b in value.utf8 {
                if b == 0x20 || (0x09...0x0D).contains(b) {
                    pendingSpace = !out.isEmpty
                    continue
                }
                if pendingSpace { out.append(0x20); pendingSpace = false }
                out.append((0x41...0x5A).contains(b) ? b + 0x20 : b)
            }
            return String(decoding: out, as: UTF8.self)
        }
        return value.precomposedStringWithCompatibilityMapping.lowercased()
            .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

extension OID {
    /// id-at-commonName (X.520).
    public static let commonName: OID = "2.5.4.3"
    /// id-at-countryName (X.520).
    public static let countryName: OID = "2.5.4.6"
}
