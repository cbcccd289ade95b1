import Foundation
import ICAOCrypto
import LDS

/// An X.509 certificate revocation list (RFC 5280 §5.1), as CSCAs publish them for their document signers
/// (ICAO 9303-12 §7.1.4).
public struct RevocationList: Sendable, Hashable {
    /// The whole CRL DER.
    public let der: [UInt8]
    /// The TBSCertList DER: what the issuer signed.
    public let tbsCertList: ArraySlice<UInt8>
    /// The CSCA that issued the list.
    public let issuer: DistinguishedName
    /// When the list was issued.
    public let thisUpdate: Date
    /// When the next list is due, if stated.
    public let nextUpdate: Date?
    /// The revoked serial numbers (content octets as encoded), with their revocation dates.
    public let revoked: [(serialNumber: [UInt8], date: Date)]
    /// The algorithm the issuer signed with.
    public let signatureAlgorithm: AlgorithmIdentifier
    /// The signature.
    public let signature: [UInt8]

    /// Parses a CRL's DER.
    public init(der bytes: [UInt8]) throws(VerificationError) {
        guard bytes.count <= 16 << 20 else {
            throw .invalidField(structure: "CRL", field: "size", expected: "at most 16 MiB")
        }
        let r = BERReader(bytes, options: .cms)
        self = try VerificationError.parsing("CRL") { () throws(TLVError) -> RevocationList in
            try RevocationList(r, try r.singleElement(.sequence))
        }
    }

    init(_ r: BERReader, _ e: TLVElement) throws(TLVError) {
        var c = try r.children(of: e)
        let tbs = try c.expect(.sequence)
        signatureAlgorithm = try algorithmIdentifier(r, try c.expect(.sequence))
        signature = Array(try r.bitStringOctets(try c.expect(.bitString)))
        try c.requireEnd()
        var t = try r.children(of: tbs)
        _ = try t.optional(.integer)  // version v2
        _ = try t.expect(.sequence)   // signature algorithm
        issuer = try DistinguishedName(r, try t.expect(.sequence))
        guard let this = try t.next() else { throw .missingElement(offset: tbs.valueEnd, expected: .utcTime) }
        thisUpdate = try ASN1Time.date(r, this)
        var next: Date?
        if let n = try t.optional(.utcTime) {
            next = try ASN1Time.date(r, n)
        } else if let n = try t.optional(.generalizedTime) {
            next = try ASN1Time.date(r, n)
        }
        nextUpdate = next
        var entries: [(serialNumber: [UInt8], date: Date)] = []
        if let list = try t.optional(.sequence) {
            var lc = try r.children(of: list)
            while let entry = try lc.next() {
                var ec = try r.children(of: entry)
                let serial = try ec.expect(.integer)
                guard let when = try ec.next() else { throw .missingElement(offset: entry.valueEnd, expected: .utcTime) }
                let date = try ASN1Time.date(r, when)
                entries.append((Array(r.value(of: serial)), date))
            }
        }
        revoked = entries
        _ = try t.optional(0xA0)  // crlExtensions
        try t.requireEnd()
        tbsCertList = bytesSlice(r, tbs)
        der = Array(r.encoded(e))
    }

    /// The revocation date of a certificate the list names, nil when it does not name it.
    public func revocationDate(of certificate: Certificate) -> Date? {
        let serial = RevocationList.magnitude(certificate.serialNumber)
        return revoked.first { RevocationList.magnitude($0.serialNumber) == serial }?.date
    }

    /// Checks the list's signature with its issuer's key.
    public func checkSignature(issuerKey: PublicKey) -> SignatureCheck {
        SignatureCheck(algorithm: signatureAlgorithm, signature: signature, message: Array(tbsCertList), key: issuerKey)
    }

    static func magnitude(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var slice = bytes[...]
        while slice.count > 1, slice.first == 0 { slice = slice.dropFirst() }
        return slice
    }

    public static func == (a: RevocationList, b: RevocationList) -> Bool { a.der == b.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }
}
