import Foundation

/// How a SignerInfo names its certificate (RFC 5652 §5.3).
public enum SignerIdentifier: Sendable, Equatable, Hashable {
    /// The issuer's Name and the serial number (in the form of ``Certificate/serialNumber``).
    case issuerAndSerialNumber(issuer: DistinguishedName, serialNumber: ArraySlice<UInt8>)
    /// `[0]` SubjectKeyIdentifier.
    case subjectKeyIdentifier(ArraySlice<UInt8>)
}

/// A CMS SignerInfo (RFC 5652 §5.3).
///
/// The parser holds the signed attributes to RFC 5652 §11: every attribute has at least one value, and the
/// contentType, messageDigest and signingTime attributes occur at most once, each with exactly one value of its
/// type. Whether the ones a signature needs are there, and what they say, is for the verification layer.
public struct SignerInfo: Sendable, Equatable, Hashable {
    /// Version: 1 with issuerAndSerialNumber, 3 with subjectKeyIdentifier.
    public let version: Int
    /// The signer's certificate.
    public let signerIdentifier: SignerIdentifier
    /// The digest algorithm.
    public let digestAlgorithm: AlgorithmIdentifier
    /// The signed attributes as stored (`A0` tag), nil when absent.
    public let signedAttributesEncoded: ArraySlice<UInt8>?
    /// The types of the signed attributes, in order.
    public let signedAttributeTypes: [OID]
    /// The contentType attribute's value, when present.
    public let contentType: OID?
    /// The messageDigest attribute's value, when present.
    public let messageDigest: ArraySlice<UInt8>?
    /// The signingTime attribute's value, when present.
    public let signingTime: Date?
    /// The signature algorithm.
    public let signatureAlgorithm: AlgorithmIdentifier
    /// The signature octets.
    public let signature: ArraySlice<UInt8>

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
            let issuer = try DistinguishedName(r, try s.expect(.sequence))
            let serial = try Certificate.serialNumber(r, try s.expect(.integer))
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
        var time: Date?
        var types: [OID] = []
        if let attributes = try c.optional(0xA0) {
            // The signature covers the DER of the attributes: an indefinite length cannot be re-tagged as signed.
            guard !attributes.isIndefiniteLength else {
                throw .invalidField(field: "signedAttrs", offset: attributes.offset, expected: "DER (RFC 5652 §5.3)")
            }
            signedAttributesEncoded = r.encoded(attributes)
            var ac = try r.children(attributes)
            while let a = try ac.next() {
                guard a.tag == .sequence else {
                    throw .tlv(.unexpectedTag(offset: a.offset, expected: .sequence, found: a.tag))
                }
                var attribute = try r.children(a)
                let oid = try r.oid(try attribute.expect(.objectIdentifier))
                let values = try attribute.expect(.set)
                try attribute.requireEnd()
                var vc = try r.children(values)
                guard !vc.isAtEnd else {
                    throw .invalidField(field: "attrValues", offset: values.offset, expected: "at least one value (RFC 5652 §5.3)")
                }
                // RFC 5652 §11.1–11.3: one instance each, with exactly one value.
                if oid == .messageDigestAttribute || oid == .contentTypeAttribute || oid == .signingTimeAttribute {
                    guard !types.contains(oid) else {
                        throw .invalidField(field: SignerInfo.name(of: oid), offset: a.offset,
                                            expected: "one attribute of this type (RFC 5652 §11)")
                    }
                    let value = try vc.expectAny()
                    guard vc.isAtEnd else {
                        throw .invalidField(field: SignerInfo.name(of: oid), offset: values.offset,
                                            expected: "exactly one value (RFC 5652 §11)")
                    }
                    switch oid {
                    case .messageDigestAttribute:
                        guard value.tag.withConstructed(false) == .octetString else {
                            throw .tlv(.unexpectedTag(offset: value.offset, expected: .octetString, found: value.tag))
                        }
                        digest = try r.octetString(value)
                    case .contentTypeAttribute:
                        guard value.tag == .objectIdentifier else {
                            throw .tlv(.unexpectedTag(offset: value.offset, expected: .objectIdentifier, found: value.tag))
                        }
                        type = try r.oid(value)
                    default:
                        time = try X509Time.date(r, value)
                    }
                }
                types.append(oid)
            }
            guard !types.isEmpty else {
                throw .invalidField(field: "signedAttrs", offset: attributes.offset, expected: "at least one attribute")
            }
        } else {
            signedAttributesEncoded = nil
        }
        signedAttributeTypes = types
        messageDigest = digest
        contentType = type
        signingTime = time
        signatureAlgorithm = try AlgorithmIdentifier.parse(r, try c.expect(.sequence))
        let signatureElement = try c.expect(.octetString)
        signature = try r.octetString(signatureElement)
        _ = try c.optional(0xA1)  // unsignedAttrs
        try c.requireEnd()
    }

    static func name(of attribute: OID) -> String {
        switch attribute {
        case .messageDigestAttribute: return "messageDigest"
        case .contentTypeAttribute: return "contentType"
        case .signingTimeAttribute: return "signingTime"
        default: return attribute.dotted
        }
    }
}

/// A CMS SignedData (RFC 5652 §5) in its ContentInfo, with the encapsulated content attached: what EF.SOD
/// (ICAO 9303-10 §4.6.2) and a CSCA master list (ICAO 9303-12 §9) are made of.
///
/// BER is accepted where CMS allows it (indefinite lengths, a segmented eContent), DER where a signature covers
/// the encoding (the signed attributes). Certificates are parsed (``Certificate``); other CertificateChoices and the
/// CRLs are passed over.
public struct SignedData: Sendable, Hashable {
    /// The SignedData version.
    public let version: Int
    /// The digest algorithms the signers used.
    public let digestAlgorithms: [AlgorithmIdentifier]
    /// The encapsulated content type (eContentType).
    public let contentType: OID
    /// The encapsulated content (eContent's octets) exactly as signed: a slice of the bytes parsed, or the joined
    /// segments of a constructed OCTET STRING.
    public let content: ArraySlice<UInt8>
    /// The X.509 certificates of the `certificates` field, in order.
    public let certificates: [Certificate]
    /// The signer infos, in order.
    public let signerInfos: [SignerInfo]

    /// Where the content lies, to parse it in place: its reader and range.
    let contentReader: FileReader
    let contentRange: Range<Int>
    let contentDepth: Int

    /// The largest SignedData parsed (a master list of several hundred CSCAs is about 1 MB).
    public static let maximumSize = 64 << 20

    /// Parses a CMS `ContentInfo { id-signedData, [0] SignedData }`.
    public init(contentInfo bytes: [UInt8]) throws(PKIError) {
        guard bytes.count <= SignedData.maximumSize else {
            throw PKIError(structure: .signedData, reason: .invalidField(field: "ContentInfo", offset: 0,
                                                                         expected: "at most 64 MiB"))
        }
        self = try PKIError.parsing(.signedData) { () throws(LDSError.Reason) -> SignedData in
            let r = FileReader(bytes, options: .cms)
            return try SignedData(r, contentInfo: try r.single(.sequence))
        }
    }

    init(_ r: FileReader, contentInfo: TLVElement) throws(LDSError.Reason) {
        guard contentInfo.tag == .sequence else {
            throw .tlv(.unexpectedTag(offset: contentInfo.offset, expected: .sequence, found: contentInfo.tag))
        }
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
        version = try r.integer(try sd.expect(.integer))
        var algorithms: [AlgorithmIdentifier] = []
        var ac = try r.children(try sd.expect(.set))
        while let a = try ac.next() { algorithms.append(try AlgorithmIdentifier.parse(r, a)) }
        digestAlgorithms = algorithms
        let encapsulated = try sd.expect(.sequence)
        var encap = try r.children(encapsulated)
        contentType = try r.oid(try encap.expect(.objectIdentifier))
        // ICAO 9303-10 §4.6.2 and 9303-12 §9: the content is always attached.
        guard let wrapper = try encap.optional(0xA0) else {
            throw .invalidField(field: "eContent", offset: encapsulated.valueEnd, expected: "the encapsulated content")
        }
        try encap.requireEnd()
        var wc = try r.children(wrapper)
        guard let octets = try wc.next(), octets.tag.withConstructed(false) == .octetString else {
            throw .tlv(.missingElement(offset: wrapper.valueStart, expected: .octetString))
        }
        try wc.requireEnd()
        if octets.isConstructed {
            // BER's segmented OCTET STRING: join the segments, and parse the joined copy.
            let joined = Array(try r.octetString(octets))
            content = joined[...]
            contentReader = FileReader(joined, options: r.reader.options)
            contentRange = 0..<joined.count
            contentDepth = 0
        } else {
            content = r.value(octets)
            contentReader = r
            contentRange = octets.valueRange
            contentDepth = octets.depth + 1
        }
        var certs: [Certificate] = []
        if let set = try sd.optional(0xA0) {
            var cc = try r.children(set)
            while let cert = try cc.next() {
                guard cert.tag == .sequence else { continue }  // other CertificateChoices are not X.509 certificates
                certs.append(try Certificate(r, cert))
            }
        }
        certificates = certs
        _ = try sd.optional(0xA1)  // crls: revocation lists come from the trust store, not from the signer
        var infos: [SignerInfo] = []
        var sc = try r.children(try sd.expect(.set))
        while let s = try sc.next() { infos.append(try SignerInfo(r, s)) }
        signerInfos = infos
        try sd.requireEnd()
    }

    /// The encapsulated content's single outermost element, which must carry `tag` and fill the content; parsed
    /// in place.
    func parseContent<T>(_ tag: BERTag, _ body: (FileReader, TLVElement) throws(LDSError.Reason) -> T) throws(LDSError.Reason) -> T {
        var cursor = contentReader.cursor(over: contentRange, depth: contentDepth)
        let element = try cursor.expect(tag)
        try cursor.requireEnd()
        return try body(contentReader, element)
    }

    /// Equal version, digest algorithms, content type and content, certificates and signer infos.
    public static func == (a: SignedData, b: SignedData) -> Bool {
        a.version == b.version && a.digestAlgorithms == b.digestAlgorithms && a.contentType == b.contentType
            && a.content.elementsEqual(b.content) && a.certificates == b.certificates && a.signerInfos == b.signerInfos
    }

    /// Hashes the content type, the content and the signer infos (fields `==` compares).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(contentType)
        hasher.combine(content)
        hasher.combine(signerInfos)
    }
}
