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

    /// Equal version, hash algorithm, data group hashes and LDS version info.
    public static func == (a: LDSSecurityObject, b: LDSSecurityObject) -> Bool {
        a.version == b.version && a.hashAlgorithm == b.hashAlgorithm && a.dataGroupHashes == b.dataGroupHashes
            && a.ldsVersionInfo?.ldsVersion == b.ldsVersionInfo?.ldsVersion
            && a.ldsVersionInfo?.unicodeVersion == b.ldsVersionInfo?.unicodeVersion
    }

    /// Hashes the fields `==` compares.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(version)
        hasher.combine(hashAlgorithm)
        hasher.combine(dataGroupHashes)
        hasher.combine(ldsVersionInfo?.ldsVersion)
        hasher.combine(ldsVersionInfo?.unicodeVersion)
    }
}

/// EF.SOD: the document security object, `77 { ContentInfo { id-signedData, [0] SignedData } }` whose
/// encapsulated content is the LDSSecurityObject (ICAO 9303-10 §4.6.2, RFC 5652 §5).
///
/// A thin view of ``SignedData``: the CMS structure, its certificates (the document signer's) and signer infos
/// are parsed by that one parser, BER's indefinite lengths included. The encapsulated content type is not
/// judged here (ICAO's id-icao-mrtd-security-ldsSecurityObject, or an older one some passports carry): the
/// verification layer reports it.
public struct EFSOD: Sendable, Equatable, Hashable {
    /// The CMS SignedData.
    public let signedData: SignedData
    /// The parsed LDSSecurityObject.
    public let securityObject: LDSSecurityObject

    /// SignedData's digest algorithms.
    public var digestAlgorithms: [AlgorithmIdentifier] { signedData.digestAlgorithms }
    /// The encapsulated content type (id-icao-mrtd-security-ldsSecurityObject on current documents).
    public var contentType: OID { signedData.contentType }
    /// The encapsulated content: the LDSSecurityObject DER, exactly as signed.
    public var encapsulatedContent: ArraySlice<UInt8> { signedData.content }
    /// The certificates (the document signer's, normally one).
    public var certificates: [Certificate] { signedData.certificates }
    /// The signer infos (ICAO 9303-10 §4.6.2.1: exactly one; at least one is required to parse).
    public var signerInfos: [SignerInfo] { signedData.signerInfos }

    /// The first signer info: the document signer's.
    public var signerInfo: SignerInfo { signedData.signerInfos[0] }

    /// The first certificate: the document signer's on every eMRTD seen.
    public var documentSignerCertificate: Certificate? { certificates.first }

    /// Parses EF.SOD.
    public init(bytes: [UInt8]) throws(LDSError) {
        (signedData, securityObject) = try LDSError.parsing(.sod) {
            () throws(LDSError.Reason) -> (SignedData, LDSSecurityObject) in
            let r = FileReader(bytes, options: .cms)
            let outer = try r.single(0x77)
            var o = try r.children(outer)
            let contentInfo = try o.expect(.sequence)
            try o.requireEnd()
            let signed = try SignedData(r, contentInfo: contentInfo)
            guard !signed.signerInfos.isEmpty else {
                throw .invalidField(field: "signerInfos", offset: contentInfo.valueEnd, expected: "at least one SignerInfo")
            }
            let so = try signed.parseContent(.sequence) { (r, e) throws(LDSError.Reason) in
                try LDSSecurityObject.parse(r, e)
            }
            return (signed, so)
        }
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
        let cert: Certificate
        do { cert = try Certificate(der: certificate) } catch {
            throw LDSError(file: .sod, reason: error.reason)
        }
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
                                    w.appendEncoded(cert.issuer.der)
                                    w.append(.integer, value: cert.serialNumber)
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
