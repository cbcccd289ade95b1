import Foundation
import LDS

/// An X.509 v3 certificate (RFC 5280 §4.1) with what certificate-path checking needs: names, validity, key,
/// signature, and the extensions CSCAs and document signers carry (ICAO 9303-12 §7.1).
public struct Certificate: Sendable, Hashable, CustomStringConvertible {
    /// The whole certificate DER.
    public let der: [UInt8]
    /// The TBSCertificate DER: what the issuer signed.
    public let tbsCertificate: ArraySlice<UInt8>
    /// The serial number's content octets (two's complement, as encoded).
    public let serialNumber: [UInt8]
    /// The issuer.
    public let issuer: DistinguishedName
    /// The subject.
    public let subject: DistinguishedName
    /// The first instant of validity.
    public let notBefore: Date
    /// The last instant of validity.
    public let notAfter: Date
    /// The subject's public key.
    public let subjectPublicKeyInfo: SubjectPublicKeyInfo
    /// The algorithm the issuer signed with.
    public let signatureAlgorithm: AlgorithmIdentifier
    /// The signature (the BIT STRING's octets).
    public let signature: [UInt8]
    /// The extensions this type reads; ``Extensions/unknownCritical`` lists the others marked critical.
    public let extensions: Extensions

    /// The extensions of a certificate that path checking uses (RFC 5280 §4.2.1).
    public struct Extensions: Sendable, Hashable {
        /// basicConstraints: whether the subject is a CA; nil when the extension is absent.
        public var isCA: Bool?
        /// basicConstraints' pathLenConstraint.
        public var pathLengthConstraint: Int?
        /// keyUsage bits (bit 0 digitalSignature … bit 6 cRLSign); nil when the extension is absent.
        public var keyUsage: KeyUsage?
        /// extendedKeyUsage purposes; nil when the extension is absent.
        public var extendedKeyUsage: [OID]?
        /// subjectKeyIdentifier.
        public var subjectKeyIdentifier: [UInt8]?
        /// authorityKeyIdentifier's keyIdentifier.
        public var authorityKeyIdentifier: [UInt8]?
        /// Critical extensions this implementation does not process (RFC 5280 §4.2: such a certificate is rejected).
        public var unknownCritical: [OID] = []
    }

    /// The keyUsage bits (RFC 5280 §4.2.1.3).
    public struct KeyUsage: OptionSet, Sendable, Hashable {
        /// The bits, bit n of the BIT STRING as `1 << n`.
        public let rawValue: UInt16
        /// Creates a key usage from its bits (bit 0 of the BIT STRING is `1 << 0`).
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// digitalSignature (0): document signers and master list signers.
        public static let digitalSignature = KeyUsage(rawValue: 1 << 0)
        /// keyCertSign (5): CSCAs.
        public static let keyCertSign = KeyUsage(rawValue: 1 << 5)
        /// cRLSign (6): CSCAs.
        public static let cRLSign = KeyUsage(rawValue: 1 << 6)
    }

    /// Parses a certificate's DER.
    public init(der bytes: [UInt8]) throws(VerificationError) {
        guard bytes.count <= 1 << 20 else {
            throw .invalidField(structure: "certificate", field: "size", expected: "at most 1 MiB")
        }
        let reader = BERReader(bytes, options: .cms)
        self = try VerificationError.parsing("certificate") { () throws(TLVError) -> Certificate in
            try Certificate(reader, try reader.singleElement(.sequence))
        }
    }

    init(_ r: BERReader, _ e: TLVElement) throws(TLVError) {
        guard e.tag == .sequence else { throw .unexpectedTag(offset: e.offset, expected: .sequence, found: e.tag) }
        var c = try r.children(of: e)
        let tbs = try c.expect(.sequence)
        let outerAlgorithm = try c.expect(.sequence)
        signatureAlgorithm = try algorithmIdentifier(r, outerAlgorithm)
        signature = Array(try r.bitStringOctets(try c.expect(.bitString)))
        try c.requireEnd()

        var t = try r.children(of: tbs)
        var version = 0
        if let explicit = try t.optional(0xA0) {
            var v = try r.children(of: explicit)
            version = try r.integer(try v.expect(.integer))
            try v.requireEnd()
        }
        let serial = try t.expect(.integer)
        guard serial.length >= 1 else {
            throw .invalidValue(offset: serial.offset, tag: serial.tag, expected: "a serial number")
        }
        serialNumber = Array(r.value(of: serial))
        let innerAlgorithm = try t.expect(.sequence)
        // RFC 5280 §4.1.1.2: the signed and the outer algorithm must be the same.
        guard r.encoded(innerAlgorithm).elementsEqual(r.encoded(outerAlgorithm)) else {
            throw .invalidValue(offset: innerAlgorithm.offset, tag: innerAlgorithm.tag,
                                expected: "the same signature algorithm as the outer one (RFC 5280 §4.1.1.2)")
        }
        issuer = try DistinguishedName(r, try t.expect(.sequence))
        var validity = try r.children(of: try t.expect(.sequence))
        guard let start = try validity.next(), let end = try validity.next() else {
            throw .missingElement(offset: tbs.valueEnd, expected: .utcTime)
        }
        notBefore = try ASN1Time.date(r, start)
        notAfter = try ASN1Time.date(r, end)
        try validity.requireEnd()
        subject = try DistinguishedName(r, try t.expect(.sequence))
        let spkiElement = try t.expect(.sequence)
        subjectPublicKeyInfo = try SubjectPublicKeyInfo(der: Array(r.encoded(spkiElement)))
        _ = try t.optional(0x81)  // issuerUniqueID
        _ = try t.optional(0x82)  // subjectUniqueID
        var extensions = Extensions()
        if let wrapper = try t.optional(0xA3) {
            guard version == 2 else {
                throw .invalidValue(offset: wrapper.offset, tag: wrapper.tag, expected: "extensions only in a v3 certificate")
            }
            var w = try r.children(of: wrapper)
            extensions = try Certificate.parseExtensions(r, try w.expect(.sequence))
            try w.requireEnd()
        }
        self.extensions = extensions
        try t.requireEnd()
        tbsCertificate = bytesSlice(r, tbs)
        der = Array(r.encoded(e))
    }

    static func parseExtensions(_ r: BERReader, _ list: TLVElement) throws(TLVError) -> Extensions {
        var result = Extensions()
        var c = try r.children(of: list)
        while let ext = try c.next() {
            guard ext.tag == .sequence else { throw .unexpectedTag(offset: ext.offset, expected: .sequence, found: ext.tag) }
            var ec = try r.children(of: ext)
            let id = try r.objectIdentifier(try ec.expect(.objectIdentifier))
            var critical = false
            if let flag = try ec.optional(.boolean) {
                critical = r.value(of: flag).first.map { $0 != 0 } ?? false
            }
            let octets = try ec.expect(.octetString)
            try ec.requireEnd()
            let value = Array(r.value(of: octets))
            let inner = BERReader(value, options: .cms)
            switch id {
            case Certificate.basicConstraintsOID:
                var bc = try inner.children(of: try inner.singleElement(.sequence))
                result.isCA = false
                if let flag = try bc.optional(.boolean) { result.isCA = inner.value(of: flag).first.map { $0 != 0 } ?? false }
                if let length = try bc.optional(.integer) { result.pathLengthConstraint = try inner.integer(length) }
                try bc.requireEnd()
            case Certificate.keyUsageOID:
                let bits = try inner.singleElement(.bitString)
                let content = inner.value(of: bits)
                guard let unused = content.first, unused < 8 else {
                    throw .invalidValue(offset: bits.offset, tag: bits.tag, expected: "a key usage bit string")
                }
                var usage: UInt16 = 0
                for (i, byte) in content.dropFirst().prefix(2).enumerated() {
                    for bit in 0..<8 where byte & (0x80 >> UInt8(bit)) != 0 { usage |= 1 << UInt16(8 * i + bit) }
                }
                result.keyUsage = KeyUsage(rawValue: usage)
            case Certificate.extendedKeyUsageOID:
                var purposes: [OID] = []
                var pc = try inner.children(of: try inner.singleElement(.sequence))
                while let p = try pc.next() { purposes.append(try inner.objectIdentifier(p)) }
                result.extendedKeyUsage = purposes
            case Certificate.subjectKeyIdentifierOID:
                result.subjectKeyIdentifier = Array(try inner.octetString(try inner.singleElement(.octetString)))
            case Certificate.authorityKeyIdentifierOID:
                var ac = try inner.children(of: try inner.singleElement(.sequence))
                if let keyID = try ac.optional(0x80) { result.authorityKeyIdentifier = Array(inner.value(of: keyID)) }
            default:
                if critical && !Certificate.processedElsewhere.contains(id) { result.unknownCritical.append(id) }
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

    public var description: String { subject.text }

    public static func == (a: Certificate, b: Certificate) -> Bool { a.der == b.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }

    static let basicConstraintsOID: OID = "2.5.29.19"
    static let keyUsageOID: OID = "2.5.29.15"
    static let extendedKeyUsageOID: OID = "2.5.29.37"
    static let subjectKeyIdentifierOID: OID = "2.5.29.14"
    static let authorityKeyIdentifierOID: OID = "2.5.29.35"
    /// Extensions that may be critical without affecting a passive-authentication path: they constrain uses this
    /// verifier does not make (names, policies, private key usage period, CRL locations) or are ICAO's own
    /// (9303-12 §7.1.1.3 nameChange, documentTypeList).
    static let processedElsewhere: Set<OID> = [
        "2.5.29.16",  // privateKeyUsagePeriod
        "2.5.29.17",  // subjectAltName
        "2.5.29.18",  // issuerAltName
        "2.5.29.31",  // cRLDistributionPoints
        "2.5.29.32",  // certificatePolicies
        "2.5.29.46",  // freshestCRL
        "2.23.136.1.1.6.1",  // ICAO nameChange
        "2.23.136.1.1.6.2",  // ICAO documentTypeList
    ]
    /// id-icao-cscaMasterListSigningKey (ICAO 9303-12 §9): the extended key usage of master list signers.
    static let masterListSigningKeyPurpose: OID = "2.23.136.1.1.3"
}

/// The element's whole encoding as a slice of its own zero-based copy.
func bytesSlice(_ r: BERReader, _ e: TLVElement) -> ArraySlice<UInt8> { Array(r.encoded(e))[...] }

/// An AlgorithmIdentifier from its SEQUENCE.
func algorithmIdentifier(_ r: BERReader, _ e: TLVElement) throws(TLVError) -> AlgorithmIdentifier {
    var c = try r.children(of: e)
    let oid = try r.objectIdentifier(try c.expect(.objectIdentifier))
    var parameters: [UInt8]?
    if let p = try c.next() {
        parameters = Array(r.encoded(p))
        try c.requireEnd()
    }
    return AlgorithmIdentifier(algorithm: oid, parameters: parameters)
}

/// UTCTime and GeneralizedTime (X.680 §46–47, RFC 5280 §4.1.2.5) to dates.
enum ASN1Time {
    static func date(_ r: BERReader, _ e: TLVElement) throws(TLVError) -> Date {
        let text = r.value(of: e)
        let invalid = TLVError.invalidValue(offset: e.offset, tag: e.tag, expected: "a UTC or generalized time")
        guard !e.isConstructed, text.allSatisfy({ $0 < 0x80 }) else { throw invalid }
        let s = Array(String(decoding: text, as: UTF8.self))
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= s.count else { return nil }
            var v = 0
            for ch in s[i..<(i + digits)] {
                guard let d = ch.wholeNumberValue, ch.isASCII else { return nil }
                v = v * 10 + d
            }
            i += digits
            return v
        }
        let year: Int
        if e.tag == .utcTime {
            guard let yy = number(2) else { throw invalid }
            year = yy >= 50 ? 1900 + yy : 2000 + yy  // RFC 5280 §4.1.2.5.1
        } else if e.tag == .generalizedTime {
            guard let yyyy = number(4) else { throw invalid }
            year = yyyy
        } else {
            throw invalid
        }
        guard let month = number(2), let day = number(2), let hour = number(2), let minute = number(2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60 else { throw invalid }
        var second = 0
        if i < s.count, s[i].isNumber {
            guard let ss = number(2), ss < 61 else { throw invalid }
            second = ss
        }
        if e.tag == .generalizedTime, i < s.count, s[i] == "." || s[i] == "," {
            i += 1
            while i < s.count, s[i].isNumber { i += 1 }  // fractions of a second: dropped
        }
        var offset = 0
        if i < s.count, s[i] == "Z" {
            i += 1
        } else if i < s.count, s[i] == "+" || s[i] == "-" {
            let sign = s[i] == "-" ? -1 : 1
            i += 1
            guard let oh = number(2), let om = number(2) else { throw invalid }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            throw invalid
        }
        guard i == s.count else { throw invalid }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
