import Foundation

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

    /// Parses an AlgorithmIdentifier's DER (`30 { OID, parameters }`).
    public init(der bytes: [UInt8]) throws(PKIError) {
        self = try PKIError.parsing(.algorithmIdentifier) { () throws(LDSError.Reason) -> AlgorithmIdentifier in
            let r = FileReader(bytes, options: .cms)
            return try AlgorithmIdentifier.parse(r, try r.single(.sequence))
        }
    }

    /// The AlgorithmIdentifier at `element` of `reader` (for parameters nested in other structures, such as
    /// RSASSA-PSS's hash and mask generation algorithms).
    public init(_ reader: BERReader, _ element: TLVElement) throws(TLVError) {
        do throws(LDSError.Reason) { self = try AlgorithmIdentifier.parse(FileReader(reader), element) } catch {
            if case .tlv(let tlv) = error { throw tlv }
            throw .invalidValue(offset: element.offset, tag: element.tag, expected: "an AlgorithmIdentifier")
        }
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

/// An X.509 v3 certificate (RFC 5280 §4.1): names, validity, key, signature, and the extensions CSCAs, document
/// signers and master list signers carry (ICAO 9303-12 §7.1).
///
/// Parsed over the bytes it was given: ``der``, ``tbsCertificate``, the names, the key and the signature are
/// slices of them, nothing is copied but the names' text. The parser checks the structure (every field in its
/// place, the inner and outer signature algorithms equal, extensions only in a v3 certificate, each extension at
/// most once, known extensions well formed); what the certificate is worth (its signature, validity, purpose) is for
/// the verification layer to judge.
public struct Certificate: Sendable, Hashable, CustomStringConvertible {
    /// The whole certificate DER.
    public let der: ArraySlice<UInt8>
    /// The TBSCertificate DER: what the issuer signed.
    public let tbsCertificate: ArraySlice<UInt8>
    /// The X.509 version as people number it: 1 or 3 (2 is allowed, never seen).
    public let version: Int
    /// The serial number: the INTEGER's content octets in their minimal two's complement form (X.690 §8.3.2), so
    /// a number whose first octet is 80 or more starts with the sign octet `00`. RFC 5280 §4.1.2.2 requires a
    /// positive number; negative ones, which some CSCAs issued nonetheless, are kept as they are.
    public let serialNumber: ArraySlice<UInt8>
    /// The issuer.
    public let issuer: DistinguishedName
    /// The first instant of validity.
    public let notBefore: Date
    /// The last instant of validity.
    public let notAfter: Date
    /// The subject.
    public let subject: DistinguishedName
    /// The subject's public key.
    public let subjectPublicKeyInfo: SubjectPublicKeyInfo
    /// The algorithm the issuer signed with.
    public let signatureAlgorithm: AlgorithmIdentifier
    /// The signature (the BIT STRING's octets).
    public let signature: ArraySlice<UInt8>
    /// The extensions this type reads; ``Extensions/unknownCritical`` lists the others marked critical.
    public let extensions: Extensions

    /// The extensions of a certificate (RFC 5280 §4.2.1) that path checking uses.
    public struct Extensions: Sendable, Hashable {
        /// basicConstraints: whether the subject is a CA; nil when the extension is absent.
        public var isCA: Bool?
        /// basicConstraints' pathLenConstraint.
        public var pathLengthConstraint: Int?
        /// keyUsage bits; nil when the extension is absent.
        public var keyUsage: KeyUsage?
        /// extendedKeyUsage purposes; nil when the extension is absent.
        public var extendedKeyUsage: [OID]?
        /// subjectKeyIdentifier.
        public var subjectKeyIdentifier: ArraySlice<UInt8>?
        /// authorityKeyIdentifier's keyIdentifier.
        public var authorityKeyIdentifier: ArraySlice<UInt8>?
        /// Every extension's identifier, in certificate order.
        public var identifiers: [OID] = []
        /// Critical extensions this module does not read and that constrain uses a verifier makes (RFC 5280 §4.2:
        /// a certificate with one must be rejected). Critical extensions that only constrain what passive
        /// authentication never does (names, policies, CRL locations, ICAO's name change and document types) are
        /// not listed.
        public var unknownCritical: [OID] = []

        /// No extensions.
        public init() {}
    }

    /// The keyUsage bits (RFC 5280 §4.2.1.3).
    public struct KeyUsage: OptionSet, Sendable, Hashable {
        /// The bits, bit n of the BIT STRING as `1 << n`.
        public let rawValue: UInt16
        /// Creates a key usage from its bits (bit 0 of the BIT STRING is `1 << 0`).
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// digitalSignature (0): document signers and master list signers.
        public static let digitalSignature = KeyUsage(rawValue: 1 << 0)
        /// keyEncipherment (2).
        public static let keyEncipherment = KeyUsage(rawValue: 1 << 2)
        /// keyCertSign (5): CSCAs.
        public static let keyCertSign = KeyUsage(rawValue: 1 << 5)
        /// cRLSign (6): CSCAs.
        public static let cRLSign = KeyUsage(rawValue: 1 << 6)
    }

    /// Parses a certificate's DER.
    public init(der bytes: [UInt8]) throws(PKIError) {
        guard bytes.count <= Certificate.maximumSize else {
            throw PKIError(structure: .certificate, reason: .invalidField(field: "Certificate", offset: 0,
                                                                          expected: "at most 1 MiB"))
        }
        self = try PKIError.parsing(.certificate) { () throws(LDSError.Reason) -> Certificate in
            let r = FileReader(bytes, options: .cms)
            return try Certificate(r, try r.single(.sequence))
        }
    }

    /// The largest certificate parsed on its own (a CSCA's is about 2 KB).
    public static let maximumSize = 1 << 20

    init(_ r: FileReader, _ e: TLVElement) throws(LDSError.Reason) {
        let signed = try SignedStructure(r, e)
        let tbs = signed.tbs
        signatureAlgorithm = signed.algorithm
        signature = signed.signature

        var t = try r.children(tbs)
        var version = 1
        if let explicit = try t.optional(0xA0) {
            var v = try r.children(explicit)
            let number = try v.expect(.integer)
            let value = try r.integer(number)
            guard (0...2).contains(value) else {
                throw .invalidField(field: "version", offset: number.offset, expected: "v1, v2 or v3 (0, 1 or 2)")
            }
            try v.requireEnd()
            version = value + 1
        }
        self.version = version
        serialNumber = try Certificate.serialNumber(r, try t.expect(.integer))
        try signed.requireSameAlgorithm(r, inner: try t.expect(.sequence), section: "§4.1.1.2")
        issuer = try DistinguishedName(r, try t.expect(.sequence))
        let validityElement = try t.expect(.sequence)
        var validity = try r.children(validityElement)
        notBefore = try X509Time.date(r, try validity.expectAny())
        notAfter = try X509Time.date(r, try validity.expectAny())
        try validity.requireEnd()
        subject = try DistinguishedName(r, try t.expect(.sequence))
        let spki = try t.expect(.sequence)
        do throws(TLVError) { subjectPublicKeyInfo = try SubjectPublicKeyInfo(r.reader, spki) } catch {
            throw .tlv(error)
        }
        for (tag, field) in [(BERTag(rawValue: 0x81), "issuerUniqueID"), (BERTag(rawValue: 0x82), "subjectUniqueID")] {
            if let unique = try t.optional(tag) {
                guard version >= 2 else {
                    throw .invalidField(field: field, offset: unique.offset, expected: "only in v2 or v3")
                }
            }
        }
        var extensions = Extensions()
        if let wrapper = try t.optional(0xA3) {
            guard version == 3 else {
                throw .invalidField(field: "extensions", offset: wrapper.offset, expected: "only in a v3 certificate")
            }
            var w = try r.children(wrapper)
            extensions = try Certificate.parseExtensions(r, try w.expect(.sequence))
            try w.requireEnd()
        }
        self.extensions = extensions
        try t.requireEnd()
        tbsCertificate = r.encoded(tbs)
        der = r.encoded(e)
    }

    /// An INTEGER's octets as ``serialNumber`` keeps them.
    static func serialNumber(_ r: FileReader, _ e: TLVElement) throws(LDSError.Reason) -> ArraySlice<UInt8> {
        let value = r.value(e)
        guard !e.isConstructed, !value.isEmpty else {
            throw .invalidField(field: "serialNumber", offset: e.offset, expected: "an INTEGER")
        }
        return normalizedSerialNumber(value)
    }

    /// The INTEGER's two's complement octets in their minimal form (X.690 §8.3.2): a redundant leading `00`
    /// (before an octet below 80) or `FF` (before one of 80 or more) removed, as a BER encoder may have written.
    static func normalizedSerialNumber(_ octets: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var v = octets
        while v.count > 1, let first = v.first {
            let next = v[v.startIndex + 1]
            guard (first == 0x00 && next & 0x80 == 0) || (first == 0xFF && next & 0x80 != 0) else { break }
            v = v.dropFirst()
        }
        return v
    }

    static func parseExtensions(_ r: FileReader, _ list: TLVElement) throws(LDSError.Reason) -> Extensions {
        var result = Extensions()
        var c = try r.children(list)
        while let ext = try c.next() {
            guard ext.tag == .sequence else {
                throw .tlv(.unexpectedTag(offset: ext.offset, expected: .sequence, found: ext.tag))
            }
            var ec = try r.children(ext)
            let idElement = try ec.expect(.objectIdentifier)
            let id = try r.oid(idElement)
            // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
            guard !result.identifiers.contains(id) else {
                throw .invalidField(field: "extensions", offset: ext.offset, expected: "each extension at most once (RFC 5280 §4.2)")
            }
            result.identifiers.append(id)
            var critical = false
            if let flag = try ec.optional(.boolean) { critical = try r.boolean(flag) }
            let octets = try ec.expect(.octetString)
            try ec.requireEnd()
            guard !octets.isConstructed else {
                throw .tlv(.wrongForm(offset: octets.offset, tag: octets.tag, expectedConstructed: false))
            }
            // extnValue holds the extension's DER; it is read in place.
            var inner = r.contents(octets)
            func single(_ tag: BERTag) throws(LDSError.Reason) -> TLVElement {
                let element = try inner.expect(tag)
                try inner.requireEnd()
                return element
            }
            switch id {
            case .basicConstraintsExtension:
                var bc = try r.children(try single(.sequence))
                result.isCA = false
                if let flag = try bc.optional(.boolean) { result.isCA = try r.boolean(flag) }
                if let length = try bc.optional(.integer) {
                    let value = try r.integer(length)
                    guard value >= 0 else {
                        throw .invalidField(field: "pathLenConstraint", offset: length.offset, expected: "0 or more")
                    }
                    result.pathLengthConstraint = value
                }
                try bc.requireEnd()
            case .keyUsageExtension:
                let bits = try single(.bitString)
                let content = r.value(bits)
                guard !bits.isConstructed, let unused = content.first, unused < 8, content.count > 1 || unused == 0
                else { throw .invalidField(field: "keyUsage", offset: bits.offset, expected: "a BIT STRING") }
                var usage: UInt16 = 0
                for (i, byte) in content.dropFirst().prefix(2).enumerated() {
                    for bit in 0..<8 where byte & (0x80 >> UInt8(bit)) != 0 { usage |= 1 << UInt16(8 * i + bit) }
                }
                result.keyUsage = KeyUsage(rawValue: usage)
            case .extendedKeyUsageExtension:
                var purposes: [OID] = []
                var pc = try r.children(try single(.sequence))
                while let p = try pc.next() {
                    guard p.tag == .objectIdentifier else {
                        throw .tlv(.unexpectedTag(offset: p.offset, expected: .objectIdentifier, found: p.tag))
                    }
                    purposes.append(try r.oid(p))
                }
                guard !purposes.isEmpty else {
                    throw .invalidField(field: "extKeyUsage", offset: octets.offset, expected: "at least one purpose")
                }
                result.extendedKeyUsage = purposes
            case .subjectKeyIdentifierExtension:
                result.subjectKeyIdentifier = try r.octetString(try single(.octetString))
            case .authorityKeyIdentifierExtension:
                var ac = try r.children(try single(.sequence))
                if let keyID = try ac.optional(0x80) { result.authorityKeyIdentifier = r.value(keyID) }
                _ = try ac.optional(0xA1)  // authorityCertIssuer
                _ = try ac.optional(0x82)  // authorityCertSerialNumber
                try ac.requireEnd()
            default:
                if critical && !Certificate.notConstrainingPassiveAuthentication.contains(id) {
                    result.unknownCritical.append(id)
                }
            }
        }
        return result
    }

    /// Whether the issuer and subject names are the same (a CSCA, or a link certificate between CSCA keys).
    public var isSelfIssued: Bool { issuer.matches(subject) }

    /// Whether the certificate is a CA by its basicConstraints (ICAO 9303-12 §7.1.1: CSCAs must carry it).
    public var isCA: Bool { extensions.isCA == true }

    /// Whether `date` lies in the validity period.
    public func isValid(at date: Date) -> Bool { notBefore <= date && date <= notAfter }

    /// The subject's name in RFC 4514 form (``DistinguishedName/text``).
    public var description: String { subject.text }

    /// Two certificates are equal when their DER encodings are.
    public static func == (a: Certificate, b: Certificate) -> Bool { a.der.elementsEqual(b.der) }
    /// Hashes the DER encoding, as `==` compares it.
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }

    /// Extensions that may be critical without affecting passive authentication: they constrain uses this verifier
    /// does not make (names, policies, private key usage period, CRL locations) or are ICAO's own
    /// (9303-12 §7.1.1.3 nameChange, documentTypeList).
    static let notConstrainingPassiveAuthentication: Set<OID> = [
        .privateKeyUsagePeriodExtension, .subjectAltNameExtension, .issuerAltNameExtension,
        .crlDistributionPointsExtension, .certificatePoliciesExtension, .freshestCRLExtension,
        .icaoNameChangeExtension, .icaoDocumentTypeListExtension,
    ]
}
