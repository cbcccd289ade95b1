/// An AlgorithmIdentifier (RFC 5280 §4.1.1.2): an algorithm and its parameters' DER.
public struct AlgorithmIdentifier: Sendable, Equatable, Hashable {
    /// The algorithm.
    public var algorithm: OID
    /// The parameters' DER (tag and length included), nil when absent; `05 00` for an explicit NULL.
    public var parameters: [UInt8]?

    /// An algorithm identifier.
    public init(algorithm: OID, parameters: [UInt8]? = nil) {
        self.algorithm = algorithm
        self.parameters = parameters
    }

    static func parse(_ r: FileReader, _ e: TLVElement) throws(LDSError.Reason) -> AlgorithmIdentifier {
        guard e.tag == .sequence else {
            throw .tlv(.unexpectedTag(offset: e.offset, expected: .sequence, found: e.tag))
        }
        var c = try r.children(e)
        let oid = try r.oid(try c.expect(.objectIdentifier))
        var parameters: [UInt8]?
        if let p = try c.next() {
            parameters = Array(r.encoded(p))
            try c.requireEnd()
        }
        return AlgorithmIdentifier(algorithm: oid, parameters: parameters)
    }

    func write(to w: inout TLVWriter) {
        w.append(.sequence) { w in
            w.appendOID(algorithm)
            if let parameters { w.appendEncoded(parameters) }
        }
    }
}

/// A data group's hash in the LDSSecurityObject.
public struct DataGroupHash: Sendable, Equatable, Hashable {
    /// The data group number, 1 to 16.
    public var dataGroupNumber: Int
    /// The hash of the whole data group file.
    public var hashValue: ArraySlice<UInt8>

    /// A data group hash.
    public init(dataGroupNumber: Int, hashValue: ArraySlice<UInt8>) {
        self.dataGroupNumber = dataGroupNumber
        self.hashValue = hashValue
    }
}

/// The LDSSecurityObject (ICAO 9303-10 §4.6.2.2): the hash algorithm and every data group's hash.
public struct LDSSecurityObject: Sendable, Equatable, Hashable {
    /// Version: 0 (V0) or 1 (V1, with the LDS version info).
    public var version: Int
    /// The hash algorithm.
    public var hashAlgorithm: AlgorithmIdentifier
    /// The data group hashes, in file order.
    public var dataGroupHashes: [DataGroupHash]
    /// V1 only: LDS version (`0108`) and Unicode version (`040000`).
    public var ldsVersionInfo: (ldsVersion: String, unicodeVersion: String)?

    /// An LDSSecurityObject.
    public init(version: Int = 0, hashAlgorithm: AlgorithmIdentifier, dataGroupHashes: [DataGroupHash],
                ldsVersionInfo: (ldsVersion: String, unicodeVersion: String)? = nil) {
        self.version = version
        self.hashAlgorithm = hashAlgorithm
        self.dataGroupHashes = dataGroupHashes
        self.ldsVersionInfo = ldsVersionInfo
    }

    /// The hash stored for a data group, nil when the object lists none.
    public func hash(ofDataGroup number: Int) -> ArraySlice<UInt8>? {
        dataGroupHashes.first { $0.dataGroupNumber == number }?.hashValue
    }

    /// Parses an LDSSecurityObject's DER (the SOD's eContent).
    public init(der bytes: [UInt8]) throws(LDSError) {
        self = try LDSError.parsing(.sod) { () throws(LDSError.Reason) -> LDSSecurityObject in
            let r = FileReader(bytes, options: .cms)
            return try LDSSecurityObject.parse(r, try r.single(.sequence))
        }
    }

    static func parse(_ r: FileReader, _ e: TLVElement) throws(LDSError.Reason) -> LDSSecurityObject {
        guard e.tag == .sequence else {
            throw .tlv(.unexpectedTag(offset: e.offset, expected: .sequence, found: e.tag))
        }
        var c = try r.children(e)
        let version = try r.integer(try c.expect(.integer))
        let algorithm = try AlgorithmIdentifier.parse(r, try c.expect(.sequence))
        let list = try c.expect(.sequence)
        var lc = try r.children(list)
        var hashes: [DataGroupHash] = []
        hashes.reserveCapacity(16)
        while let h = try lc.next() {
            guard h.tag == .sequence else {
                throw .tlv(.unexpectedTag(offset: h.offset, expected: .sequence, found: h.tag))
            }
            var hc = try r.children(h)
            let numberElement = try hc.expect(.integer)
            let number = try r.integer(numberElement)
            guard (1...16).contains(number) else {
                throw .invalidField(field: "dataGroupNumber", offset: numberElement.offset, expected: "1 to 16")
            }
            let value = try r.octetString(try hc.expect(.octetString))
            try hc.requireEnd()
            hashes.append(DataGroupHash(dataGroupNumber: number, hashValue: value))
        }
        var info: (String, String)?
        if let v = try c.optional(.sequence) {
            var vc = try r.children(v)
            let lds = try r.string(try vc.expect(.printableString))
            let unicode = try r.string(try vc.expect(.printableString))
            try vc.requireEnd()
            info = (lds, unicode)
        }
        try c.requireEnd()
        return LDSSecurityObject(version: version, hashAlgorithm: algorithm, dataGroupHashes: hashes,
                                 ldsVersionInfo: info)
    }

    /// The DER encoding (what the SOD signs, as eContent).
    public func encoded() -> [UInt8] {
        var w = TLVWriter()
        w.append(.sequence) { w in
            w.appendInteger(version)
            hashAlgorithm.write(to: &w)
            w.append(.sequence) { w in
                for h in dataGroupHashes {
                    w.append(.sequence) { w in
                        w.appendInteger(h.dataGroupNumber)
                        w.append(.octetString, value: h.hashValue)
                    }
                }
            }
            if let (lds, unicode) = ldsVersionInfo {
                w.append(.sequence) { w in
                    w.appendString(lds, tag: .printableString)
                    w.appendString(unicode, tag: .printableString)
                }
            }
        }
        return w.bytes
    }

    public static func == (a: LDSSecurityObject, b: LDSSecurityObject) -> Bool {
        a.version == b.version && a.hashAlgorithm == b.hashAlgorithm && a.dataGroupHashes == b.dataGroupHashes
            && a.ldsVersionInfo?.ldsVersion == b.ldsVersionInfo?.ldsVersion
            && a.ldsVersionInfo?.unicodeVersion == b.ldsVersionInfo?.unicodeVersion
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(version)
        hasher.combine(hashAlgorithm)
        hasher.combine(dataGroupHashes)
        hasher.combine(ldsVersionInfo?.ldsVersion)
        hasher.combine(ldsVersionInfo?.unicodeVersion)
    }
}

/// The parts of an X.509 certificate (RFC 5280 §4.1) the verification layer needs, located in its DER.
public struct CertificateInfo: Sendable, Equatable, Hashable {
    /// The whole certificate DER.
    public let der: ArraySlice<UInt8>
    /// The TBSCertificate DER (what the issuer signed).
    public let tbsCertificate: ArraySlice<UInt8>
    /// The serial number's magnitude octets.
    public let serialNumber: ArraySlice<UInt8>
    /// The issuer Name's DER.
    public let issuer: ArraySlice<UInt8>
    /// The validity's two times, as their DER (UTCTime or GeneralizedTime TLVs).
    public let notBefore: ArraySlice<UInt8>, notAfter: ArraySlice<UInt8>
    /// The subject Name's DER.
    public let subject: ArraySlice<UInt8>
    /// The subject's public key.
    public let subjectPublicKeyInfo: SubjectPublicKeyInfo
    /// The signature algorithm of the certificate.
    public let signatureAlgorithm: AlgorithmIdentifier
    /// The certificate's signature (the BIT STRING's octets).
    public let signature: ArraySlice<UInt8>

    /// Parses a certificate's DER.
    public init(der bytes: [UInt8]) throws(LDSError) {
        self = try LDSError.parsing(.sod) { () throws(LDSError.Reason) -> CertificateInfo in
            let r = FileReader(bytes, options: .cms)
            return try CertificateInfo(r, try r.single(.sequence))
        }
    }

    init(_ r: FileReader, _ e: TLVElement) throws(LDSError.Reason) {
        var c = try r.children(e)
        let tbs = try c.expect(.sequence)
        signatureAlgorithm = try AlgorithmIdentifier.parse(r, try c.expect(.sequence))
        signature = try r.bitString(try c.expect(.bitString))
        try c.requireEnd()
        var t = try r.children(tbs)
        _ = try t.optional(0xA0)  // version [0] EXPLICIT
        serialNumber = try r.unsignedInteger(try t.expect(.integer))
        _ = try t.expect(.sequence)  // signature algorithm, repeated in the outer structure
        issuer = r.encoded(try t.expect(.sequence))
        let validity = try t.expect(.sequence)
        var v = try r.children(validity)
        notBefore = r.encoded(try v.expectAny())
        notAfter = r.encoded(try v.expectAny())
        subject = r.encoded(try t.expect(.sequence))
        let spki = try t.expect(.sequence)
        do throws(TLVError) { subjectPublicKeyInfo = try SubjectPublicKeyInfo(r.reader, spki) } catch {
            throw .tlv(error)
        }
        tbsCertificate = r.encoded(tbs)
        der = r.encoded(e)
    }
}

/// How a SignerInfo names its certificate (RFC 5652 §5.3).
public enum SignerIdentifier: Sendable, Equatable, Hashable {
    /// The issuer's Name DER and the serial number's magnitude octets.
    case issuerAndSerialNumber(issuer: ArraySlice<UInt8>, serialNumber: ArraySlice<UInt8>)
    /// `[0]` SubjectKeyIdentifier.
    case subjectKeyIdentifier(ArraySlice<UInt8>)
}

/// A CMS SignerInfo (RFC 5652 §5.3).
public struct SignerInfo: Sendable, Equatable, Hashable {
    /// Version: 1 with issuerAndSerialNumber, 3 with subjectKeyIdentifier.
    public let version: Int
    /// The signer's certificate.
    public let signerIdentifier: SignerIdentifier
    /// The digest algorithm.
    public let digestAlgorithm: AlgorithmIdentifier
    /// The signed attributes as stored (`A0` tag), nil when absent.
    public let signedAttributesEncoded: ArraySlice<UInt8>?
    /// The signature algorithm.
    public let signatureAlgorithm: AlgorithmIdentifier
    /// The signature octets.
    public let signature: ArraySlice<UInt8>
    /// The messageDigest attribute's value, when present.
    public let messageDigest: ArraySlice<UInt8>?
    /// The contentType attribute's value, when present.
    public let contentType: OID?

    /// RFC 5652 §5.4: the signature covers the signed attributes' DER with the `SET OF` tag (`31`), not the
    /// `[0]` IMPLICIT tag they are stored under. Nil when there are no signed attributes.
    public var signedAttributesDER: [UInt8]? {
        guard let stored = signedAttributesEncoded else { return nil }
        var der = Array(stored)
        der[0] = 0x31
        return der
    }

    init(_ r: FileReader, _ e: TLVElement) throws(LDSError.Reason) {
        guard e.tag == .sequence else {
            throw .tlv(.unexpectedTag(offset: e.offset, expected: .sequence, found: e.tag))
        }
        var c = try r.children(e)
        version = try r.integer(try c.expect(.integer))
        let sid = try c.expectAny()
        if sid.tag == .sequence {
            var s = try r.children(sid)
            let issuer = r.encoded(try s.expect(.sequence))
            let serial = try r.unsignedInteger(try s.expect(.integer))
            try s.requireEnd()
            signerIdentifier = .issuerAndSerialNumber(issuer: issuer, serialNumber: serial)
        } else if sid.tag == 0x80 {
            signerIdentifier = .subjectKeyIdentifier(r.value(sid))
        } else {
            throw .tlv(.unexpectedTag(offset: sid.offset, expected: .sequence, found: sid.tag))
        }
        digestAlgorithm = try AlgorithmIdentifier.parse(r, try c.expect(.sequence))
        var digest: ArraySlice<UInt8>?
        var type: OID?
        if let attributes = try c.optional(0xA0) {
            guard !attributes.isIndefiniteLength else {
                throw .invalidField(field: "signedAttrs", offset: attributes.offset, expected: "DER (RFC 5652 §5.3)")
            }
            signedAttributesEncoded = r.encoded(attributes)
            var ac = try r.children(attributes)
            while let a = try ac.next() {
                var attribute = try r.children(a)
                let oid = try r.oid(try attribute.expect(.objectIdentifier))
                let values = try attribute.expect(.set)
                var vc = try r.children(values)
                if oid == .messageDigestAttribute {
                    digest = try r.octetString(try vc.expect(.octetString))
                } else if oid == .contentTypeAttribute {
                    type = try r.oid(try vc.expect(.objectIdentifier))
                }
            }
        } else {
            signedAttributesEncoded = nil
        }
        messageDigest = digest
        contentType = type
        signatureAlgorithm = try AlgorithmIdentifier.parse(r, try c.expect(.sequence))
        signature = try r.octetString(try c.expect(.octetString))
        _ = try c.optional(0xA1)  // unsignedAttrs
        try c.requireEnd()
    }
}

/// EF.SOD: the document security object, `77 { ContentInfo { id-signedData, [0] SignedData } }`
/// (ICAO 9303-10 §4.6.2, RFC 5652 §5). BER's indefinite lengths are accepted.
public struct EFSOD: Sendable, Equatable, Hashable {
    /// SignedData's digest algorithms.
    public let digestAlgorithms: [AlgorithmIdentifier]
    /// The encapsulated content type (id-icao-mrtd-security-ldsSecurityObject).
    public let contentType: OID
    /// The encapsulated content: the LDSSecurityObject DER, exactly as signed.
    public let encapsulatedContent: ArraySlice<UInt8>
    /// The parsed LDSSecurityObject.
    public let securityObject: LDSSecurityObject
    /// The certificates (the document signer's, normally one).
    public let certificates: [CertificateInfo]
    /// The signer infos (normally one).
    public let signerInfos: [SignerInfo]

    /// The first signer info (there is at least one): the document signer's.
    public var signerInfo: SignerInfo { signerInfos[0] }

    /// The first certificate: the document signer's on every eMRTD seen.
    public var documentSignerCertificate: CertificateInfo? { certificates.first }

    /// Parses EF.SOD.
    public init(bytes: [UInt8]) throws(LDSError) {
        self = try LDSError.parsing(.sod) { () throws(LDSError.Reason) -> EFSOD in
            try EFSOD(parsing: bytes)
        }
    }

    private init(parsing bytes: [UInt8]) throws(LDSError.Reason) {
        let r = FileReader(bytes, options: .cms)
        let outer = try r.single(0x77)
        var o = try r.children(outer)
        let contentInfo = try o.expect(.sequence)
        try o.requireEnd()
        var ci = try r.children(contentInfo)
        let type = try ci.expect(.objectIdentifier)
        guard try r.oid(type) == .signedData else {
            throw .invalidField(field: "contentType", offset: type.offset, expected: "id-signedData")
        }
        let explicit = try ci.expect(0xA0)
        try ci.requireEnd()
        var ex = try r.children(explicit)
        let signedData = try ex.expect(.sequence)
        try ex.requireEnd()
        var sd = try r.children(signedData)
        _ = try r.integer(try sd.expect(.integer))
        var algorithms: [AlgorithmIdentifier] = []
        var ac = try r.children(try sd.expect(.set))
        while let a = try ac.next() { algorithms.append(try AlgorithmIdentifier.parse(r, a)) }
        digestAlgorithms = algorithms
        var encap = try r.children(try sd.expect(.sequence))
        contentType = try r.oid(try encap.expect(.objectIdentifier))
        let wrapper = try encap.expect(0xA0)
        try encap.requireEnd()
        var wc = try r.children(wrapper)
        let octets = try wc.next()
        guard let octets, octets.tag.withConstructed(false) == .octetString else {
            throw .tlv(.missingElement(offset: wrapper.valueStart, expected: .octetString))
        }
        try wc.requireEnd()
        if octets.isConstructed {
            // BER's segmented OCTET STRING: join the segments, then parse the joined copy.
            let joined = Array(try r.octetString(octets))
            let inner = FileReader(joined, options: .cms)
            encapsulatedContent = joined[...]
            securityObject = try LDSSecurityObject.parse(inner, try inner.single(.sequence))
        } else {
            encapsulatedContent = r.value(octets)
            var inner = r.contents(octets)
            let so = try inner.expect(.sequence)
            try inner.requireEnd()
            securityObject = try LDSSecurityObject.parse(r, so)
        }
        var certs: [CertificateInfo] = []
        if let set = try sd.optional(0xA0) {
            var cc = try r.children(set)
            while let cert = try cc.next() {
                guard cert.tag == .sequence else { continue }  // other certificate choices are skipped
                certs.append(try CertificateInfo(r, cert))
            }
        }
        certificates = certs
        _ = try sd.optional(0xA1)  // CRLs
        var infos: [SignerInfo] = []
        var sc = try r.children(try sd.expect(.set))
        while let s = try sc.next() { infos.append(try SignerInfo(r, s)) }
        guard !infos.isEmpty else { throw .tlv(.missingElement(offset: signedData.valueEnd, expected: .sequence)) }
        signerInfos = infos
        try sd.requireEnd()
    }

    /// RFC 5652 §5.4: the signed attributes an ICAO SOD carries: contentType and messageDigest, as the DER
    /// `SET OF Attribute` that is signed.
    public static func signedAttributes(contentType: OID = .ldsSecurityObject,
                                        messageDigest: [UInt8]) -> [UInt8] {
        var w = TLVWriter()
        w.append(.set) { w in
            w.append(.sequence) { w in
                w.appendOID(.contentTypeAttribute)
                w.append(.set) { w in w.appendOID(contentType) }
            }
            w.append(.sequence) { w in
                w.appendOID(.messageDigestAttribute)
                w.append(.set) { w in w.append(.octetString, value: messageDigest) }
            }
        }
        return w.bytes
    }

    /// Builds EF.SOD from a signature made elsewhere (the crypto layer signs `signedAttributes`).
    ///
    /// - Parameters:
    ///   - encapsulatedContent: the LDSSecurityObject DER.
    ///   - digestAlgorithm: the algorithm that hashed it for the messageDigest attribute.
    ///   - signedAttributes: the DER `SET OF Attribute` that was signed (tag `31`).
    ///   - signatureAlgorithm: the signature's algorithm.
    ///   - signature: the signature octets.
    ///   - certificate: the document signer's certificate DER; its issuer and serial name the signer.
    public static func encode(encapsulatedContent: [UInt8], digestAlgorithm: AlgorithmIdentifier,
                              signedAttributes: [UInt8], signatureAlgorithm: AlgorithmIdentifier,
                              signature: [UInt8], certificate: [UInt8]) throws(LDSError) -> [UInt8] {
        let cert = try CertificateInfo(der: certificate)
        let attributes: TLVElement
        do { attributes = try BERReader(signedAttributes).singleElement(.set) } catch {
            throw LDSError(file: .sod, reason: .unencodable(field: "signedAttributes", expected: "one DER SET (31)"))
        }
        var w = TLVWriter(reservingCapacity: certificate.count + encapsulatedContent.count + 512)
        w.append(0x77) { w in
            w.append(.sequence) { w in
                w.appendOID(.signedData)
                w.append(0xA0) { w in
                    w.append(.sequence) { w in
                        w.appendInteger(3)
                        w.append(.set) { w in digestAlgorithm.write(to: &w) }
                        w.append(.sequence) { w in
                            w.appendOID(.ldsSecurityObject)
                            w.append(0xA0) { w in w.append(.octetString, value: encapsulatedContent) }
                        }
                        w.append(0xA0, value: certificate)
                        w.append(.set) { w in
                            w.append(.sequence) { w in
                                w.appendInteger(1)
                                w.append(.sequence) { w in
                                    w.appendEncoded(cert.issuer)
                                    w.appendUnsignedInteger(cert.serialNumber)
                                }
                                digestAlgorithm.write(to: &w)
                                w.append(0xA0, value: signedAttributes[attributes.valueRange])
                                signatureAlgorithm.write(to: &w)
                                w.append(.octetString, value: signature)
                            }
                        }
                    }
                }
            }
        }
        return w.bytes
    }
}
