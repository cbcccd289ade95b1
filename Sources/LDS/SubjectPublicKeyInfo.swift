/// An X.509 SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), as DG15 and ChipAuthenticationPublicKeyInfo carry it.
///
/// The DER bytes are kept whole in ``der`` so the crypto layer can load the key (OpenSSL's `d2i_PUBKEY`);
/// the parts are located in them without copying.
public struct SubjectPublicKeyInfo: Sendable, Equatable, Hashable {
    /// The whole SubjectPublicKeyInfo DER, sharing the file's storage (indices are the file's).
    public let der: ArraySlice<UInt8>
    /// The algorithm: `rsaEncryption`, `id-ecPublicKey`, `dhpublicnumber`, or an ICAO id-PK-* identifier.
    public let algorithm: OID
    /// The algorithm parameters' DER (tag and length included), nil when absent. For EC keys this is the
    /// named curve's OID or explicit domain parameters.
    public let parameters: ArraySlice<UInt8>?
    /// The BIT STRING's octets: the RSAPublicKey DER, the EC point, or the DH public value's INTEGER DER.
    public let publicKey: ArraySlice<UInt8>

    /// Parses a SubjectPublicKeyInfo from its DER bytes.
    public init(der bytes: [UInt8]) throws(TLVError) {
        let reader = BERReader(bytes)
        let e = try reader.singleElement(.sequence)
        try self.init(reader, e)
    }

    init(_ reader: BERReader, _ element: TLVElement) throws(TLVError) {
        guard element.tag == .sequence else {
            throw .unexpectedTag(offset: element.offset, expected: .sequence, found: element.tag)
        }
        var c = try reader.children(of: element)
        let algorithmIdentifier = try c.expect(.sequence)
        var a = try reader.children(of: algorithmIdentifier)
        algorithm = try reader.objectIdentifier(try a.expect(.objectIdentifier))
        if let p = try a.next() {
            parameters = reader.encoded(p)
            try a.requireEnd()
        } else {
            parameters = nil
        }
        publicKey = try reader.bitStringOctets(try c.expect(.bitString))
        try c.requireEnd()
        der = reader.encoded(element)
    }

    /// The named curve of an EC key (the parameters are an OID); nil for explicit parameters or other keys.
    public var namedCurve: OID? {
        guard let parameters, parameters.first == 0x06 else { return nil }
        let r = BERReader(Array(parameters))
        guard let e = try? r.singleElement(.objectIdentifier) else { return nil }
        return try? r.objectIdentifier(e)
    }

    /// The modulus and public exponent of an RSA key (RFC 8017 A.1.1), magnitude bytes without sign octets.
    public var rsaComponents: (modulus: [UInt8], exponent: [UInt8])? {
        guard algorithm == .rsaEncryption else { return nil }
        let r = BERReader(Array(publicKey))
        guard let seq = try? r.singleElement(.sequence), var c = try? r.children(of: seq),
              let n = try? c.expect(.integer), let e = try? c.expect(.integer), (try? c.requireEnd()) != nil,
              let modulus = try? r.unsignedIntegerBytes(n), let exponent = try? r.unsignedIntegerBytes(e)
        else { return nil }
        return (Array(modulus), Array(exponent))
    }

    /// An RSA key's SubjectPublicKeyInfo (rsaEncryption, NULL parameters).
    public static func rsa(modulus: [UInt8], exponent: [UInt8]) -> SubjectPublicKeyInfo {
        var key = TLVWriter()
        key.append(.sequence) { w in
            w.appendUnsignedInteger(modulus)
            w.appendUnsignedInteger(exponent)
        }
        // Well-formed by construction.
        return try! make(algorithm: .rsaEncryption, parameters: [0x05, 0x00], publicKey: key.bytes)
    }

    /// An EC key's SubjectPublicKeyInfo on a named curve (id-ecPublicKey, RFC 5480).
    public static func ec(curve: OID, point: [UInt8]) -> SubjectPublicKeyInfo {
        // Well-formed by construction.
        try! make(algorithm: .ecPublicKey, parameters: curve.derEncoded, publicKey: point)
    }

    /// A SubjectPublicKeyInfo from its parts; `parameters` is one DER element (tag and length included) or nil.
    public static func make(algorithm: OID, parameters: [UInt8]?,
                            publicKey: [UInt8]) throws(TLVError) -> SubjectPublicKeyInfo {
        var w = TLVWriter()
        w.append(.sequence) { w in
            w.append(.sequence) { w in
                w.appendOID(algorithm)
                if let parameters { w.appendEncoded(parameters) }
            }
            w.appendBitString(publicKey)
        }
        return try SubjectPublicKeyInfo(der: w.bytes)
    }

    /// Two keys are equal when their DER encodings are.
    public static func == (a: SubjectPublicKeyInfo, b: SubjectPublicKeyInfo) -> Bool { a.der == b.der }
    /// Hashes the DER encoding, as `==` compares it.
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }
}

/// DG15: the active authentication public key, `6F { SubjectPublicKeyInfo }` (ICAO 9303-11 §6.1).
public struct DataGroup15: Sendable, Equatable, Hashable {
    /// The public key.
    public var publicKey: SubjectPublicKeyInfo

    /// A DG15 holding the given key.
    public init(publicKey: SubjectPublicKeyInfo) { self.publicKey = publicKey }

    /// Parses DG15.
    public init(bytes: [UInt8]) throws(LDSError) {
        publicKey = try LDSError.parsing(.dataGroup(15)) { () throws(LDSError.Reason) -> SubjectPublicKeyInfo in
            let r = FileReader(bytes)
            let outer = try r.single(0x6F)
            var c = try r.children(outer)
            let spki = try c.expect(.sequence)
            try c.requireEnd()
            do throws(TLVError) { return try SubjectPublicKeyInfo(r.reader, spki) } catch { throw .tlv(error) }
        }
    }

    /// The DG15 file.
    public func encoded() -> [UInt8] {
        var w = TLVWriter()
        w.append(0x6F, value: publicKey.der)
        return w.bytes
    }
}
