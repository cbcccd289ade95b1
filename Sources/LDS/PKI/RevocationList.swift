import Foundation

/// An X.509 certificate revocation list (RFC 5280 §5.1), as CSCAs publish them for their document signers and
/// link certificates (ICAO 9303-12 §7.1.4).
///
/// Parsed in place like ``Certificate``; the structure is checked (version v1 or v2, the inner and outer signature
/// algorithms equal, entry and list extensions only in v2), its signature and freshness are for the verification
/// layer.
public struct RevocationList: Sendable, Hashable {
    /// One revoked certificate.
    public struct Entry: Sendable, Hashable {
        /// The serial number, in the form of ``Certificate/serialNumber``.
        public var serialNumber: ArraySlice<UInt8>
        /// When it was revoked.
        public var revocationDate: Date
    }

    /// The whole CRL DER.
    public let der: ArraySlice<UInt8>
    /// The TBSCertList DER: what the issuer signed.
    public let tbsCertList: ArraySlice<UInt8>
    /// The version as people number it: 1 or 2.
    public let version: Int
    /// The CSCA that issued the list.
    public let issuer: DistinguishedName
    /// When the list was issued.
    public let thisUpdate: Date
    /// When the next list is due, if stated (ICAO 9303-12 §7.1.4 requires it).
    public let nextUpdate: Date?
    /// The revoked certificates, in list order.
    public let revoked: [Entry]
    /// The authorityKeyIdentifier extension's keyIdentifier: which of the issuer's keys signed, when stated.
    public let authorityKeyIdentifier: ArraySlice<UInt8>?
    /// The algorithm the issuer signed with.
    public let signatureAlgorithm: AlgorithmIdentifier
    /// The signature (the BIT STRING's octets).
    public let signature: ArraySlice<UInt8>

    /// The largest CRL parsed.
    public static let maximumSize = 16 << 20

    /// Parses a CRL's DER.
    public init(der bytes: [UInt8]) throws(PKIError) {
        guard bytes.count <= RevocationList.maximumSize else {
            throw PKIError(structure: .revocationList,
                           reason: .invalidField(field: "CertificateList", offset: 0, expected: "at most 16 MiB"))
        }
        self = try PKIError.parsing(.revocationList) { () throws(LDSError.Reason) -> RevocationList in
            let r = FileReader(bytes, options: .cms)
            return try RevocationList(r, try r.single(.sequence))
        }
    }

    init(_ r: FileReader, _ e: TLVElement) throws(LDSError.Reason) {
        let signed = try SignedStructure(r, e)
        let tbs = signed.tbs
        signatureAlgorithm = signed.algorithm
        signature = signed.signature

        var t = try r.children(tbs)
        var version = 1
        if let number = try t.optional(.integer) {
            guard try r.integer(number) == 1 else {
                throw .invalidField(field: "version", offset: number.offset, expected: "v2 (1) when present")
            }
            version = 2
        }
        self.version = version
        try signed.requireSameAlgorithm(r, inner: try t.expect(.sequence), section: "§5.1.2.2")
        issuer = try DistinguishedName(r, try t.expect(.sequence))
        thisUpdate = try X509Time.date(r, try t.expectAny())
        var next: Date?
        if let n = try t.optional(.utcTime) {
            next = try X509Time.date(r, n)
        } else if let n = try t.optional(.generalizedTime) {
            next = try X509Time.date(r, n)
        }
        nextUpdate = next
        var entries: [Entry] = []
        if let list = try t.optional(.sequence) {
            var lc = try r.children(list)
            while let entry = try lc.next() {
                guard entry.tag == .sequence else {
                    throw .tlv(.unexpectedTag(offset: entry.offset, expected: .sequence, found: entry.tag))
                }
                var ec = try r.children(entry)
                let serial = try Certificate.serialNumber(r, try ec.expect(.integer))
                let date = try X509Time.date(r, try ec.expectAny())
                if let extensions = try ec.optional(.sequence) {
                    guard version == 2 else {
                        throw .invalidField(field: "crlEntryExtensions", offset: extensions.offset, expected: "only in v2")
                    }
                }
                try ec.requireEnd()
                entries.append(Entry(serialNumber: serial, revocationDate: date))
            }
        }
        revoked = entries
        var keyIdentifier: ArraySlice<UInt8>?
        if let wrapper = try t.optional(0xA0) {
            guard version == 2 else {
                throw .invalidField(field: "crlExtensions", offset: wrapper.offset, expected: "only in v2")
            }
            var w = try r.children(wrapper)
            var list = try r.children(try w.expect(.sequence))
            try w.requireEnd()
            while let ext = try list.next() {
                var ec = try r.children(ext)
                let id = try r.oid(try ec.expect(.objectIdentifier))
                _ = try ec.optional(.boolean)
                let octets = try ec.expect(.octetString)
                try ec.requireEnd()
                if id == .authorityKeyIdentifierExtension {
                    var inner = r.contents(octets)
                    let sequence = try inner.expect(.sequence)
                    try inner.requireEnd()
                    var ac = try r.children(sequence)
                    if let keyID = try ac.optional(0x80) { keyIdentifier = r.value(keyID) }
                }
            }
        }
        authorityKeyIdentifier = keyIdentifier
        try t.requireEnd()
        tbsCertList = r.encoded(tbs)
        der = r.encoded(e)
    }

    /// The revocation date of a certificate the list names by its serial number, nil when it does not name it.
    /// Whether the list covers the certificate at all (its issuer) is the caller's to decide.
    public func revocationDate(of certificate: Certificate) -> Date? {
        revoked.first { $0.serialNumber.elementsEqual(certificate.serialNumber) }?.revocationDate
    }

    /// Two CRLs are equal when their DER encodings are.
    public static func == (a: RevocationList, b: RevocationList) -> Bool { a.der.elementsEqual(b.der) }
    /// Hashes the DER encoding, as `==` compares it.
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }
}
