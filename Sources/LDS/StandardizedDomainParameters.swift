import Foundation

extension OID {
    /// ICAO 9303-11 §9.5.1, Table 4: the named curves behind the standardized domain parameter IDs 8…18.
    public static let standardizedCurves: [Int: OID] = [
        8: "1.2.840.10045.3.1.1",  // NIST P-192 (secp192r1)
        9: .brainpoolP192r1,
        10: .secp224r1,
        11: .brainpoolP224r1,
        12: .secp256r1,
        13: .brainpoolP256r1,
        14: .brainpoolP320r1,
        15: .secp384r1,
        16: .brainpoolP384r1,
        17: "1.3.36.3.3.2.8.1.1.13",  // brainpoolP512r1
        18: .secp521r1,
    ]

    /// The standardized domain parameter ID of a named curve, if it is one of Table 4.
    public var standardizedDomainParameterID: Int? {
        OID.standardizedCurves.first { $0.value == self }?.key
    }
}

extension MRZ {
    /// A name as the MRZ writes it (ICAO 9303-3 §6): diacritics folded, `Đ` → `D`, upper case, words of A–Z
    /// separated by single spaces. "Nguyễn Văn Đức" → "NGUYEN VAN DUC".
    public static func transliteratedWords(_ name: String) -> String {
        let folded = name.replacingOccurrences(of: "Đ", with: "D").replacingOccurrences(of: "đ", with: "d")
            .folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).uppercased()
        return String(folded.map { ("A"..."Z").contains($0) ? $0 : " " })
            .split(separator: " ").joined(separator: " ")
    }
}

extension OID {
    /// ANSI X9.62 prime-field (1.2.840.10045.1.1), the field type of explicit curve parameters over GF(p).
    public static let x962PrimeField: OID = "1.2.840.10045.1.1"
}

/// Explicit elliptic-curve domain parameters over a prime field: ANSI X9.62 / SEC 1 §C.2 `SpecifiedECDomain`
/// (RFC 3279 §2.3.5 `ECParameters`), as DG14's chip-authentication key and DG15's active-authentication key carry
/// them on many documents instead of a curve's name (BSI TR-03110-3 §A.2.1.1 asks for them).
///
/// ```
/// ECParameters ::= SEQUENCE { version INTEGER (1), fieldID SEQUENCE { prime-field OID, p INTEGER },
///     curve SEQUENCE { a OCTET STRING, b OCTET STRING, seed BIT STRING OPTIONAL },
///     base OCTET STRING, order INTEGER, cofactor INTEGER OPTIONAL }
/// ```
/// Parsing checks the form only (a prime field, positive integers, field elements no longer than p); whether the
/// numbers make a sound curve is the crypto layer's check (`EllipticCurve(explicitParameters:…)`).
public struct ExplicitECDomainParameters: Sendable, Equatable, Hashable {
    /// The version (1; SEC 1 allows 2 and 3 for curves whose seed is hashed in another way).
    public var version: Int
    /// The field prime p, big-endian magnitude.
    public var prime: [UInt8]
    /// The coefficient a, as stored (a field element, big-endian).
    public var a: [UInt8]
    /// The coefficient b, as stored.
    public var b: [UInt8]
    /// The seed the curve was derived from, when given.
    public var seed: [UInt8]?
    /// The generator G, an encoded point as stored (`04 ‖ x ‖ y`, or compressed `02`/`03 ‖ x`).
    public var generator: [UInt8]
    /// The order n of G, big-endian magnitude.
    public var order: [UInt8]
    /// The cofactor h, big-endian magnitude; nil when left out.
    public var cofactor: [UInt8]?

    /// Parameters from their parts.
    public init(version: Int = 1, prime: [UInt8], a: [UInt8], b: [UInt8], seed: [UInt8]? = nil, generator: [UInt8],
                order: [UInt8], cofactor: [UInt8]?) {
        self.version = version
        self.prime = prime
        self.a = a
        self.b = b
        self.seed = seed
        self.generator = generator
        self.order = order
        self.cofactor = cofactor
    }

    /// Parses `ECParameters` from its DER.
    public init(der bytes: [UInt8]) throws(TLVError) {
        let reader = BERReader(bytes)
        try self.init(reader, try reader.singleElement(.sequence))
    }

    init(_ r: BERReader, _ element: TLVElement) throws(TLVError) {
        func positive(_ e: TLVElement, _ what: String) throws(TLVError) -> [UInt8] {
            let magnitude = try r.unsignedIntegerBytes(e)
            guard magnitude.contains(where: { $0 != 0 }) else {
                throw .invalidValue(offset: e.offset, tag: e.tag, expected: "a positive \(what)")
            }
            return Array(magnitude.drop(while: { $0 == 0 }))
        }
        guard element.tag == .sequence else {
            throw .unexpectedTag(offset: element.offset, expected: .sequence, found: element.tag)
        }
        var c = try r.children(of: element)
        let versionElement = try c.expect(.integer)
        version = try r.integer(versionElement)
        guard (1...3).contains(version) else {
            throw .invalidValue(offset: versionElement.offset, tag: .integer, expected: "version 1, 2 or 3")
        }
        let fieldID = try c.expect(.sequence)
        var f = try r.children(of: fieldID)
        let fieldType = try f.expect(.objectIdentifier)
        guard try r.objectIdentifier(fieldType) == .x962PrimeField else {
            throw .invalidValue(offset: fieldType.offset, tag: .objectIdentifier,
                                expected: "the prime-field type (characteristic-two fields are not used by ICAO)")
        }
        prime = try positive(try f.expect(.integer), "field prime")
        try f.requireEnd()
        var curve = try r.children(of: try c.expect(.sequence))
        let aElement = try curve.expect(.octetString)
        let bElement = try curve.expect(.octetString)
        a = Array(r.value(of: aElement))
        b = Array(r.value(of: bElement))
        for (e, v) in [(aElement, a), (bElement, b)] where v.drop(while: { $0 == 0 }).count > prime.count {
            throw .invalidValue(offset: e.offset, tag: .octetString, expected: "a field element no longer than p")
        }
        seed = try curve.optional(.bitString).map { (e) throws(TLVError) in Array(try r.bitStringOctets(e)) }
        try curve.requireEnd()
        let base = try c.expect(.octetString)
        generator = Array(r.value(of: base))
        guard let form = generator.first, [0x02, 0x03, 0x04].contains(form) else {
            throw .invalidValue(offset: base.offset, tag: .octetString, expected: "an encoded point (02, 03 or 04)")
        }
        order = try positive(try c.expect(.integer), "order")
        cofactor = try c.optional(.integer).map { (e) throws(TLVError) in try positive(e, "cofactor") }
        try c.requireEnd()
    }

    /// The DER `ECParameters`.
    public func encoded() -> [UInt8] {
        var w = TLVWriter()
        w.append(.sequence) { w in
            w.appendInteger(version)
            w.append(.sequence) { w in
                w.appendOID(.x962PrimeField)
                w.appendUnsignedInteger(prime)
            }
            w.append(.sequence) { w in
                w.append(.octetString, value: a)
                w.append(.octetString, value: b)
                if let seed { w.appendBitString(seed) }
            }
            w.append(.octetString, value: generator)
            w.appendUnsignedInteger(order)
            if let cofactor { w.appendUnsignedInteger(cofactor) }
        }
        return w.bytes
    }
}

/// The domain parameters of an EC public key, as its SubjectPublicKeyInfo gives them (RFC 5480 §2.1.1).
public enum ECKeyParameters: Sendable, Equatable, Hashable {
    /// A named curve (`namedCurve` OID).
    case named(OID)
    /// Explicit parameters (`specifiedCurve`).
    case explicit(ExplicitECDomainParameters)
}

extension SubjectPublicKeyInfo {
    /// The domain parameters of an `id-ecPublicKey` key; nil for other keys.
    ///
    /// - Throws: when the parameters are neither a curve OID nor well-formed explicit parameters (RFC 5480's
    ///   `implicitlyCA` NULL included: a key must name its curve).
    public func ecParameters() throws(TLVError) -> ECKeyParameters? {
        guard algorithm == .ecPublicKey else { return nil }
        guard let parameters else { throw .missingElement(offset: 0, expected: .objectIdentifier) }
        let r = BERReader(Array(parameters))
        let e = try r.singleElement()
        switch e.tag {
        case .objectIdentifier: return .named(try r.objectIdentifier(e))
        case .sequence: return .explicit(try ExplicitECDomainParameters(r, e))
        default: throw .unexpectedTag(offset: e.offset, expected: .objectIdentifier, found: e.tag)
        }
    }

    /// An EC key's SubjectPublicKeyInfo with explicit domain parameters (id-ecPublicKey, `specifiedCurve`).
    public static func ec(parameters: ExplicitECDomainParameters, point: [UInt8]) -> SubjectPublicKeyInfo {
        // Well-formed by construction.
        try! make(algorithm: .ecPublicKey, parameters: parameters.encoded(), publicKey: point)
    }
}
