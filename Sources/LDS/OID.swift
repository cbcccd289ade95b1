/// An ASN.1 OBJECT IDENTIFIER, kept as its DER content octets (X.690 §8.19).
///
/// Identifiers of up to 24 content octets (every one ICAO and CMS use) are stored inline, so decoding one
/// allocates nothing; longer ones are stored on the heap. Equality compares the encodings, which DER makes
/// canonical.
public struct OID: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    // Inline storage: up to 24 octets packed little-endian into three words, or all octets in `overflow`.
    private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0
    private var count: UInt8 = 0
    private var overflow: [UInt8]? = nil

    /// An identifier from DER content octets, checked against X.690 §8.19.2 (base-128 subidentifiers, none
    /// starting with the padding octet `80`, the last octet with bit 8 clear). Nil when they are not valid.
    public init?(derContent bytes: some BidirectionalCollection<UInt8>) {
        guard OID.isValid(bytes) else { return nil }
        self.init(unchecked: bytes)
    }

    private init(unchecked bytes: some Collection<UInt8>) {
        let n = bytes.count
        if n <= 24 {
            count = UInt8(n)
            var i = 0
            for b in bytes {
                let word = UInt64(b) << UInt64(8 * (i & 7))
                switch i >> 3 {
                case 0: w0 |= word
                case 1: w1 |= word
                default: w2 |= word
                }
                i += 1
            }
        } else {
            overflow = Array(bytes)
        }
    }

    static func isValid(_ bytes: some BidirectionalCollection<UInt8>) -> Bool {
        guard let last = bytes.last, last & 0x80 == 0 else { return false }
        var startOfArc = true
        for b in bytes {
            if startOfArc && b == 0x80 { return false }
            startOfArc = b & 0x80 == 0
        }
        return true
    }

    /// An identifier from its dotted form (`"0.4.0.127.0.7.2.2.4.2.2"`); nil when the text is not one.
    public init?(dotted text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return nil }
        var arcs: [UInt64] = []
        for part in parts {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }), let v = UInt64(part) else {
                return nil
            }
            arcs.append(v)
        }
        self.init(arcs: arcs)
    }

    /// An identifier from its arcs; nil when the first two arcs are out of X.660's range.
    public init?(arcs: [UInt64]) {
        guard arcs.count >= 2, arcs[0] <= 2, arcs[0] == 2 || arcs[1] < 40 else { return nil }
        let (first, overflow) = (arcs[0] * 40).addingReportingOverflow(arcs[1])
        guard !overflow else { return nil }
        var out: [UInt8] = []
        for arc in [first] + arcs.dropFirst(2) {
            var groups: [UInt8] = [UInt8(arc & 0x7F)]
            var v = arc >> 7
            while v > 0 {
                groups.append(UInt8(v & 0x7F) | 0x80)
                v >>= 7
            }
            out.append(contentsOf: groups.reversed())
        }
        self.init(unchecked: out)
    }

    /// Creates an identifier from a dotted-string literal; the literal must be valid.
    public init(stringLiteral value: String) {
        guard let oid = OID(dotted: value) else { preconditionFailure("invalid OID literal \(value)") }
        self = oid
    }

    /// The number of DER content octets.
    var byteCount: Int { overflow?.count ?? Int(count) }

    /// One DER content octet, read without building an array.
    func byte(at i: Int) -> UInt8 {
        if let overflow { return overflow[i] }
        let word = i < 8 ? w0 : i < 16 ? w1 : w2
        return UInt8(truncatingIfNeeded: word >> UInt64(8 * (i & 7)))
    }

    /// How many arcs `self` has below `prefix`, or nil when it does not lie under it (0 when equal).
    /// Allocation-free: the SecurityInfos parser calls it for every info.
    func arcCount(below prefix: OID) -> Int? {
        let n = prefix.byteCount, m = byteCount
        guard m >= n else { return nil }
        for i in 0..<n where byte(at: i) != prefix.byte(at: i) { return nil }
        var arcs = 0
        for i in n..<m where byte(at: i) & 0x80 == 0 { arcs += 1 }
        return arcs
    }

    /// The DER content octets (without tag and length).
    public var derContent: [UInt8] {
        if let overflow { return overflow }
        return (0..<Int(count)).map { i in
            let word = i < 8 ? w0 : i < 16 ? w1 : w2
            return UInt8(truncatingIfNeeded: word >> UInt64(8 * (i & 7)))
        }
    }

    /// The complete DER encoding, tag `06` and length included.
    public var derEncoded: [UInt8] {
        let content = derContent
        return [0x06] + TLVWriter.lengthOctets(content.count) + content
    }

    /// The arcs, or nil when one does not fit in 64 bits.
    public var arcs: [UInt64]? {
        var result: [UInt64] = []
        var v: UInt64 = 0
        for b in derContent {
            guard v >> 57 == 0 else { return nil }
            v = v << 7 | UInt64(b & 0x7F)
            if b & 0x80 == 0 {
                if result.isEmpty {
                    let first: UInt64 = v < 40 ? 0 : v < 80 ? 1 : 2
                    result.append(first)
                    result.append(v - 40 * first)
                } else {
                    result.append(v)
                }
                v = 0
            }
        }
        return result
    }

    /// The dotted form (`0.4.0.127.0.7.2.2.4.2.2`); arcs too large for 64 bits show as the hex encoding.
    public var dotted: String {
        guard let arcs else { return "OID(" + derContent.map { String($0, radix: 16) }.joined() + ")" }
        return arcs.map(String.init).joined(separator: ".")
    }

    /// The dotted form, followed by the ICAO or CMS name when there is one.
    public var description: String {
        if let name { return "\(dotted) (\(name))" }
        return dotted
    }

    /// Whether `self` lies under `prefix` in the OID tree (or equals it).
    public func hasPrefix(_ prefix: OID) -> Bool {
        // DER content always ends on an arc boundary, so a byte prefix is an arc prefix.
        arcCount(below: prefix) != nil
    }
}

// MARK: Named identifiers

extension OID {
    /// BSI TR-03110 / ICAO 9303-11 §9.2: `bsi-de protocols smartcard` = 0.4.0.127.0.7.2.2.
    public static let bsiSmartcardProtocols: OID = "0.4.0.127.0.7.2.2"

    /// id-PK: chip authentication public keys (9303-11 §9.2.5).
    public static let idPK: OID = "0.4.0.127.0.7.2.2.1"
    /// id-PK-DH.
    public static let idPKDH: OID = "0.4.0.127.0.7.2.2.1.1"
    /// id-PK-ECDH.
    public static let idPKECDH: OID = "0.4.0.127.0.7.2.2.1.2"

    /// id-TA: terminal authentication (9303-11 §9.2.6).
    public static let idTA: OID = "0.4.0.127.0.7.2.2.2"

    /// id-CA: chip authentication (9303-11 §9.2.5).
    public static let idCA: OID = "0.4.0.127.0.7.2.2.3"
    /// id-CA-DH.
    public static let idCADH: OID = "0.4.0.127.0.7.2.2.3.1"
    /// id-CA-DH-3DES-CBC-CBC.
    public static let idCADH3DESCBCCBC: OID = "0.4.0.127.0.7.2.2.3.1.1"
    /// id-CA-DH-AES-CBC-CMAC-128.
    public static let idCADHAESCBCCMAC128: OID = "0.4.0.127.0.7.2.2.3.1.2"
    /// id-CA-DH-AES-CBC-CMAC-192.
    public static let idCADHAESCBCCMAC192: OID = "0.4.0.127.0.7.2.2.3.1.3"
    /// id-CA-DH-AES-CBC-CMAC-256.
    public static let idCADHAESCBCCMAC256: OID = "0.4.0.127.0.7.2.2.3.1.4"
    /// id-CA-ECDH.
    public static let idCAECDH: OID = "0.4.0.127.0.7.2.2.3.2"
    /// id-CA-ECDH-3DES-CBC-CBC.
    public static let idCAECDH3DESCBCCBC: OID = "0.4.0.127.0.7.2.2.3.2.1"
    /// id-CA-ECDH-AES-CBC-CMAC-128.
    public static let idCAECDHAESCBCCMAC128: OID = "0.4.0.127.0.7.2.2.3.2.2"
    /// id-CA-ECDH-AES-CBC-CMAC-192.
    public static let idCAECDHAESCBCCMAC192: OID = "0.4.0.127.0.7.2.2.3.2.3"
    /// id-CA-ECDH-AES-CBC-CMAC-256.
    public static let idCAECDHAESCBCCMAC256: OID = "0.4.0.127.0.7.2.2.3.2.4"

    /// id-PACE (9303-11 §9.2.2 / §4.4).
    public static let idPACE: OID = "0.4.0.127.0.7.2.2.4"
    /// id-PACE-DH-GM.
    public static let idPACEDHGM: OID = "0.4.0.127.0.7.2.2.4.1"
    /// id-PACE-DH-GM-3DES-CBC-CBC.
    public static let idPACEDHGM3DESCBCCBC: OID = "0.4.0.127.0.7.2.2.4.1.1"
    /// id-PACE-DH-GM-AES-CBC-CMAC-128.
    public static let idPACEDHGMAESCBCCMAC128: OID = "0.4.0.127.0.7.2.2.4.1.2"
    /// id-PACE-DH-GM-AES-CBC-CMAC-192.
    public static let idPACEDHGMAESCBCCMAC192: OID = "0.4.0.127.0.7.2.2.4.1.3"
    /// id-PACE-DH-GM-AES-CBC-CMAC-256.
    public static let idPACEDHGMAESCBCCMAC256: OID = "0.4.0.127.0.7.2.2.4.1.4"
    /// id-PACE-ECDH-GM.
    public static let idPACEECDHGM: OID = "0.4.0.127.0.7.2.2.4.2"
    /// id-PACE-ECDH-GM-3DES-CBC-CBC.
    public static let idPACEECDHGM3DESCBCCBC: OID = "0.4.0.127.0.7.2.2.4.2.1"
    /// id-PACE-ECDH-GM-AES-CBC-CMAC-128 (the CCCD's).
    public static let idPACEECDHGMAESCBCCMAC128: OID = "0.4.0.127.0.7.2.2.4.2.2"
    /// id-PACE-ECDH-GM-AES-CBC-CMAC-192.
    public static let idPACEECDHGMAESCBCCMAC192: OID = "0.4.0.127.0.7.2.2.4.2.3"
    /// id-PACE-ECDH-GM-AES-CBC-CMAC-256.
    public static let idPACEECDHGMAESCBCCMAC256: OID = "0.4.0.127.0.7.2.2.4.2.4"
    /// id-PACE-DH-IM.
    public static let idPACEDHIM: OID = "0.4.0.127.0.7.2.2.4.3"
    /// id-PACE-DH-IM-3DES-CBC-CBC.
    public static let idPACEDHIM3DESCBCCBC: OID = "0.4.0.127.0.7.2.2.4.3.1"
    /// id-PACE-DH-IM-AES-CBC-CMAC-128.
    public static let idPACEDHIMAESCBCCMAC128: OID = "0.4.0.127.0.7.2.2.4.3.2"
    /// id-PACE-DH-IM-AES-CBC-CMAC-192.
    public static let idPACEDHIMAESCBCCMAC192: OID = "0.4.0.127.0.7.2.2.4.3.3"
    /// id-PACE-DH-IM-AES-CBC-CMAC-256.
    public static let idPACEDHIMAESCBCCMAC256: OID = "0.4.0.127.0.7.2.2.4.3.4"
    /// id-PACE-ECDH-IM.
    public static let idPACEECDHIM: OID = "0.4.0.127.0.7.2.2.4.4"
    /// id-PACE-ECDH-IM-3DES-CBC-CBC.
    public static let idPACEECDHIM3DESCBCCBC: OID = "0.4.0.127.0.7.2.2.4.4.1"
    /// id-PACE-ECDH-IM-AES-CBC-CMAC-128.
    public static let idPACEECDHIMAESCBCCMAC128: OID = "0.4.0.127.0.7.2.2.4.4.2"
    /// id-PACE-ECDH-IM-AES-CBC-CMAC-192.
    public static let idPACEECDHIMAESCBCCMAC192: OID = "0.4.0.127.0.7.2.2.4.4.3"
    /// id-PACE-ECDH-IM-AES-CBC-CMAC-256.
    public static let idPACEECDHIMAESCBCCMAC256: OID = "0.4.0.127.0.7.2.2.4.4.4"
    /// id-PACE-ECDH-CAM.
    public static let idPACEECDHCAM: OID = "0.4.0.127.0.7.2.2.4.6"
    /// id-PACE-ECDH-CAM-AES-CBC-CMAC-128.
    public static let idPACEECDHCAMAESCBCCMAC128: OID = "0.4.0.127.0.7.2.2.4.6.2"
    /// id-PACE-ECDH-CAM-AES-CBC-CMAC-192.
    public static let idPACEECDHCAMAESCBCCMAC192: OID = "0.4.0.127.0.7.2.2.4.6.3"
    /// id-PACE-ECDH-CAM-AES-CBC-CMAC-256.
    public static let idPACEECDHCAMAESCBCCMAC256: OID = "0.4.0.127.0.7.2.2.4.6.4"

    /// ICAO 9303-10: id-icao-mrtd-security = 2.23.136.1.1.
    public static let icaoMRTDSecurity: OID = "2.23.136.1.1"
    /// id-icao-mrtd-security-ldsSecurityObject (9303-10 §4.6.2).
    public static let ldsSecurityObject: OID = "2.23.136.1.1.1"
    /// id-icao-mrtd-security-aaProtocolObject: ActiveAuthenticationInfo (9303-11 §9.2.7).
    public static let idAA: OID = "2.23.136.1.1.5"

    /// BSI TR-03111: ecdsa-plain-signatures = 0.4.0.127.0.7.1.1.4.1.
    public static let ecdsaPlainSHA1: OID = "0.4.0.127.0.7.1.1.4.1.1"
    /// ecdsa-plain-SHA224.
    public static let ecdsaPlainSHA224: OID = "0.4.0.127.0.7.1.1.4.1.2"
    /// ecdsa-plain-SHA256.
    public static let ecdsaPlainSHA256: OID = "0.4.0.127.0.7.1.1.4.1.3"
    /// ecdsa-plain-SHA384.
    public static let ecdsaPlainSHA384: OID = "0.4.0.127.0.7.1.1.4.1.4"
    /// ecdsa-plain-SHA512.
    public static let ecdsaPlainSHA512: OID = "0.4.0.127.0.7.1.1.4.1.5"

    /// RFC 5652: id-signedData.
    public static let signedData: OID = "1.2.840.113549.1.7.2"
    /// RFC 5652: id-data.
    public static let data: OID = "1.2.840.113549.1.7.1"
    /// RFC 5652 §11.1: id-contentType (signed attribute).
    public static let contentTypeAttribute: OID = "1.2.840.113549.1.9.3"
    /// RFC 5652 §11.2: id-messageDigest (signed attribute).
    public static let messageDigestAttribute: OID = "1.2.840.113549.1.9.4"
    /// RFC 5652 §11.3: id-signingTime (signed attribute).
    public static let signingTimeAttribute: OID = "1.2.840.113549.1.9.5"

    /// SHA-1 (RFC 3279).
    public static let sha1: OID = "1.3.14.3.2.26"
    /// SHA-224 (RFC 5754).
    public static let sha224: OID = "2.16.840.1.101.3.4.2.4"
    /// SHA-256 (RFC 5754).
    public static let sha256: OID = "2.16.840.1.101.3.4.2.1"
    /// SHA-384 (RFC 5754).
    public static let sha384: OID = "2.16.840.1.101.3.4.2.2"
    /// SHA-512 (RFC 5754).
    public static let sha512: OID = "2.16.840.1.101.3.4.2.3"

    /// rsaEncryption (RFC 8017).
    public static let rsaEncryption: OID = "1.2.840.113549.1.1.1"
    /// sha1WithRSAEncryption.
    public static let sha1WithRSAEncryption: OID = "1.2.840.113549.1.1.5"
    /// RSASSA-PSS (RFC 8017).
    public static let rsassaPSS: OID = "1.2.840.113549.1.1.10"
    /// sha256WithRSAEncryption.
    public static let sha256WithRSAEncryption: OID = "1.2.840.113549.1.1.11"
    /// sha384WithRSAEncryption.
    public static let sha384WithRSAEncryption: OID = "1.2.840.113549.1.1.12"
    /// sha512WithRSAEncryption.
    public static let sha512WithRSAEncryption: OID = "1.2.840.113549.1.1.13"
    /// sha224WithRSAEncryption.
    public static let sha224WithRSAEncryption: OID = "1.2.840.113549.1.1.14"
    /// id-ecPublicKey (RFC 5480).
    public static let ecPublicKey: OID = "1.2.840.10045.2.1"
    /// ecdsa-with-SHA1 (RFC 3279).
    public static let ecdsaWithSHA1: OID = "1.2.840.10045.4.1"
    /// ecdsa-with-SHA224 (RFC 5758).
    public static let ecdsaWithSHA224: OID = "1.2.840.10045.4.3.1"
    /// ecdsa-with-SHA256.
    public static let ecdsaWithSHA256: OID = "1.2.840.10045.4.3.2"
    /// ecdsa-with-SHA384.
    public static let ecdsaWithSHA384: OID = "1.2.840.10045.4.3.3"
    /// ecdsa-with-SHA512.
    public static let ecdsaWithSHA512: OID = "1.2.840.10045.4.3.4"
    /// dhpublicnumber (ANSI X9.42, RFC 3279).
    public static let dhPublicNumber: OID = "1.2.840.10046.2.1"

    /// brainpoolP192r1 (RFC 5639).
    public static let brainpoolP192r1: OID = "1.3.36.3.3.2.8.1.1.3"
    /// brainpoolP224r1.
    public static let brainpoolP224r1: OID = "1.3.36.3.3.2.8.1.1.5"
    /// brainpoolP256r1.
    public static let brainpoolP256r1: OID = "1.3.36.3.3.2.8.1.1.7"
    /// brainpoolP320r1.
    public static let brainpoolP320r1: OID = "1.3.36.3.3.2.8.1.1.9"
    /// brainpoolP384r1.
    public static let brainpoolP384r1: OID = "1.3.36.3.3.2.8.1.1.11"
    /// brainpoolP512r1.
    public static let brainpoolP512r1: OID = "1.3.36.3.3.2.8.1.1.13"
    /// NIST P-224 (secp224r1).
    public static let secp224r1: OID = "1.3.132.0.33"
    /// NIST P-256 (prime256v1 / secp256r1).
    public static let secp256r1: OID = "1.2.840.10045.3.1.7"
    /// NIST P-384 (secp384r1).
    public static let secp384r1: OID = "1.3.132.0.34"
    /// NIST P-521 (secp521r1).
    public static let secp521r1: OID = "1.3.132.0.35"

    /// ISO/IEC 10646-1 UTF-8, the encoding identifier DG13 carries (1.0.10646.1.0.8).
    public static let utf8Encoding: OID = "1.0.10646.1.0.8"

    /// The spec's name for a known identifier (`id-PACE-ECDH-GM-AES-CBC-CMAC-128`), nil for others.
    public var name: String? { OID.names[self] }

    private static let names: [OID: String] = {
        var n: [OID: String] = [
            .idPK: "id-PK", .idPKDH: "id-PK-DH", .idPKECDH: "id-PK-ECDH", .idTA: "id-TA", .idCA: "id-CA",
            .idCADH: "id-CA-DH", .idCAECDH: "id-CA-ECDH", .idPACE: "id-PACE", .idPACEDHGM: "id-PACE-DH-GM",
            .idPACEECDHGM: "id-PACE-ECDH-GM", .idPACEDHIM: "id-PACE-DH-IM", .idPACEECDHIM: "id-PACE-ECDH-IM",
            .idPACEECDHCAM: "id-PACE-ECDH-CAM",
            .ldsSecurityObject: "id-icao-mrtd-security-ldsSecurityObject", .idAA: "id-AA",
            .ecdsaPlainSHA1: "ecdsa-plain-SHA1", .ecdsaPlainSHA224: "ecdsa-plain-SHA224",
            .ecdsaPlainSHA256: "ecdsa-plain-SHA256", .ecdsaPlainSHA384: "ecdsa-plain-SHA384",
            .ecdsaPlainSHA512: "ecdsa-plain-SHA512",
            .signedData: "id-signedData", .data: "id-data", .contentTypeAttribute: "id-contentType",
            .messageDigestAttribute: "id-messageDigest", .signingTimeAttribute: "id-signingTime",
            .sha1: "SHA-1", .sha224: "SHA-224", .sha256: "SHA-256", .sha384: "SHA-384", .sha512: "SHA-512",
            .rsaEncryption: "rsaEncryption", .sha1WithRSAEncryption: "sha1WithRSAEncryption",
            .rsassaPSS: "RSASSA-PSS", .sha256WithRSAEncryption: "sha256WithRSAEncryption",
            .sha384WithRSAEncryption: "sha384WithRSAEncryption", .sha512WithRSAEncryption: "sha512WithRSAEncryption",
            .sha224WithRSAEncryption: "sha224WithRSAEncryption", .ecPublicKey: "id-ecPublicKey",
            .ecdsaWithSHA1: "ecdsa-with-SHA1", .ecdsaWithSHA224: "ecdsa-with-SHA224",
            .ecdsaWithSHA256: "ecdsa-with-SHA256", .ecdsaWithSHA384: "ecdsa-with-SHA384",
            .ecdsaWithSHA512: "ecdsa-with-SHA512", .dhPublicNumber: "dhpublicnumber",
            .brainpoolP192r1: "brainpoolP192r1", .brainpoolP224r1: "brainpoolP224r1",
            .brainpoolP256r1: "brainpoolP256r1", .brainpoolP320r1: "brainpoolP320r1",
            .brainpoolP384r1: "brainpoolP384r1", .brainpoolP512r1: "brainpoolP512r1",
            .secp224r1: "secp224r1", .secp256r1: "secp256r1", .secp384r1: "secp384r1", .secp521r1: "secp521r1",
            .utf8Encoding: "UTF-8 (ISO/IEC 10646-1)",
        ]
        let ciphers = ["3DES-CBC-CBC", "AES-CBC-CMAC-128", "AES-CBC-CMAC-192", "AES-CBC-CMAC-256"]
        for (family, prefix) in [("CA-DH", OID.idCADH), ("CA-ECDH", .idCAECDH), ("PACE-DH-GM", .idPACEDHGM),
                                 ("PACE-ECDH-GM", .idPACEECDHGM), ("PACE-DH-IM", .idPACEDHIM),
                                 ("PACE-ECDH-IM", .idPACEECDHIM), ("PACE-ECDH-CAM", .idPACEECDHCAM)] {
            for (i, cipher) in ciphers.enumerated() where !(family == "PACE-ECDH-CAM" && i == 0) {
                n[OID(derContent: prefix.derContent + [UInt8(i + 1)])!] = "id-\(family)-\(cipher)"
            }
        }
        return n
    }()
}
