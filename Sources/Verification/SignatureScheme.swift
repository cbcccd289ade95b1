import ICAOCrypto
import LDS

/// A signature algorithm with its hash, as certificates, CRLs and CMS SignerInfos name it.
///
/// ICAO 9303-12 §4.4.2 allows RSASSA-PKCS1-v1_5, RSASSA-PSS and ECDSA (DER, on any prime curve, named or with
/// explicit parameters); BSI TR-03111's plain ECDSA is accepted too.
public enum SignatureScheme: Sendable, Hashable, CustomStringConvertible {
    /// ECDSA; `plain` is r ‖ s (BSI TR-03111 §5.2.1), otherwise the X9.62 DER encoding.
    case ecdsa(HashAlgorithm, plain: Bool)
    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2).
    case rsaPKCS1v15(HashAlgorithm)
    /// RSASSA-PSS (RFC 8017 §8.1) with its MGF1 hash and salt length (RFC 4055 §3.1).
    case rsaPSS(HashAlgorithm, mgf1: HashAlgorithm, saltLength: Int)

    /// Why an algorithm identifier is not one this verifier handles.
    public struct Unsupported: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is not supported.
        public var reason: String
        /// The ``reason``.
        public var description: String { reason }
    }

    /// The scheme of a signature algorithm identifier.
    ///
    /// - Parameter algorithm: the signature algorithm (a certificate's, a CRL's or a SignerInfo's).
    /// - Parameter digestAlgorithm: a CMS SignerInfo's digestAlgorithm, used when the signature algorithm names
    ///   only the key type (`rsaEncryption`, `id-ecPublicKey`), as some document signers write it.
    public init(_ algorithm: AlgorithmIdentifier, digestAlgorithm: AlgorithmIdentifier? = nil) throws(Unsupported) {
        let oid = algorithm.algorithm
        if let hash = SignatureScheme.ecdsaOIDs[oid] {
            self = .ecdsa(hash, plain: false)
        } else if let hash = SignatureScheme.plainECDSAOIDs[oid] {
            self = .ecdsa(hash, plain: true)
        } else if let hash = SignatureScheme.rsaOIDs[oid] {
            self = .rsaPKCS1v15(hash)
        } else if oid == .rsassaPSS {
            self = try SignatureScheme.pss(parameters: algorithm.parameters)
        } else if oid == .rsaEncryption || oid == .ecPublicKey {
            guard let digestAlgorithm else {
                throw Unsupported(reason: "\(oid) names no hash, and no digest algorithm is given")
            }
            let hash = try SignatureScheme.hash(digestAlgorithm)
            self = oid == .rsaEncryption ? .rsaPKCS1v15(hash) : .ecdsa(hash, plain: false)
        } else {
            throw Unsupported(reason: "signature algorithm \(oid) is not supported")
        }
    }

    /// The hash the signature is computed over.
    public var hash: HashAlgorithm {
        switch self {
        case .ecdsa(let h, _), .rsaPKCS1v15(let h), .rsaPSS(let h, _, _): return h
        }
    }

    /// The scheme and its hash, e.g. `ECDSA with SHA256` or `RSA-PSS with SHA256, MGF1-SHA256, salt 32`.
    public var description: String {
        switch self {
        case .ecdsa(let h, let plain): return "ECDSA\(plain ? " (plain)" : "") with \(h.rawValue)"
        case .rsaPKCS1v15(let h): return "RSA PKCS#1 v1.5 with \(h.rawValue)"
        case .rsaPSS(let h, let m, let s): return "RSA-PSS with \(h.rawValue), MGF1-\(m.rawValue), salt \(s)"
        }
    }

    /// Verifies `signature` over `message` with `key`.
    ///
    /// - Returns: nil when the signature verifies, else why not (a wrong key type, a malformed or wrong signature).
    public func verify(signature: [UInt8], message: [UInt8], key: PublicKey) -> String? {
        do throws(CryptoError) {
            let valid: Bool
            switch self {
            case .ecdsa(let hash, let plain):
                guard key.kind == .ec else { return "an ECDSA signature, but the key is not an EC key" }
                valid = try key.verifyECDSA(signature: signature, encoding: plain ? .plain : .der, message: message,
                                            digest: hash)
            case .rsaPKCS1v15(let hash):
                guard key.kind == .rsa else { return "an RSA signature, but the key is not an RSA key" }
                valid = try key.verifyRSAPKCS1v15(signature: signature, message: message, digest: hash)
            case .rsaPSS(let hash, let mgf1, let salt):
                guard key.kind == .rsa else { return "an RSA-PSS signature, but the key is not an RSA key" }
                valid = try key.verifyRSAPSS(signature: signature, message: message, digest: hash, mgf1Digest: mgf1,
                                             saltLength: salt)
            }
            return valid ? nil : "the \(self) signature does not verify"
        } catch {
            return "the \(self) signature cannot be checked: \(error)"
        }
    }

    /// The hash of a digest AlgorithmIdentifier (SHA-1 … SHA-512; parameters absent or NULL).
    public static func hash(_ algorithm: AlgorithmIdentifier) throws(Unsupported) -> HashAlgorithm {
        guard let hash = digestOIDs[algorithm.algorithm] else {
            throw Unsupported(reason: "hash algorithm \(algorithm.algorithm) is not supported")
        }
        return hash
    }

    static let digestOIDs: [OID: HashAlgorithm] = [
        .sha1: .sha1, .sha224: .sha224, .sha256: .sha256, .sha384: .sha384, .sha512: .sha512,
    ]
    static let ecdsaOIDs: [OID: HashAlgorithm] = [
        .ecdsaWithSHA1: .sha1, .ecdsaWithSHA224: .sha224, .ecdsaWithSHA256: .sha256, .ecdsaWithSHA384: .sha384,
        .ecdsaWithSHA512: .sha512,
    ]
    static let plainECDSAOIDs: [OID: HashAlgorithm] = [
        .ecdsaPlainSHA1: .sha1, .ecdsaPlainSHA224: .sha224, .ecdsaPlainSHA256: .sha256, .ecdsaPlainSHA384: .sha384,
        .ecdsaPlainSHA512: .sha512,
    ]
    static let rsaOIDs: [OID: HashAlgorithm] = [
        .sha1WithRSAEncryption: .sha1, .sha224WithRSAEncryption: .sha224, .sha256WithRSAEncryption: .sha256,
        .sha384WithRSAEncryption: .sha384, .sha512WithRSAEncryption: .sha512,
    ]
    static let mgf1: OID = "1.2.840.113549.1.1.8"

    /// RFC 4055 §3.1 RSASSA-PSS-params: `[0]` hashAlgorithm (SHA-1), `[1]` maskGenAlgorithm (MGF1 with SHA-1),
    /// `[2]` saltLength (20), `[3]` trailerField (1, the only value allowed); defaults in parentheses.
    static func pss(parameters: [UInt8]?) throws(Unsupported) -> SignatureScheme {
        var hash = HashAlgorithm.sha1, mgfHash = HashAlgorithm.sha1, salt = 20
        guard let parameters, parameters != [0x05, 0x00] else { return .rsaPSS(hash, mgf1: mgfHash, saltLength: salt) }
        let r = BERReader(parameters, options: .cms)
        do {
            var c = try r.children(of: try r.singleElement(.sequence))
            if let h = try c.optional(0xA0) {
                var hc = try r.children(of: h)
                hash = try SignatureScheme.hash(try AlgorithmIdentifier(r, try hc.expect(.sequence)))
            }
            if let m = try c.optional(0xA1) {
                var mc = try r.children(of: m)
                let mgf = try AlgorithmIdentifier(r, try mc.expect(.sequence))
                guard mgf.algorithm == SignatureScheme.mgf1, let inner = mgf.parameters else {
                    throw Unsupported(reason: "RSA-PSS mask generation \(mgf.algorithm) is not MGF1")
                }
                let ir = BERReader(inner, options: .cms)
                mgfHash = try SignatureScheme.hash(try AlgorithmIdentifier(ir, try ir.singleElement(.sequence)))
            }
            if let s = try c.optional(0xA2) {
                var sc = try r.children(of: s)
                salt = try r.integer(try sc.expect(.integer))
                guard (0...1024).contains(salt) else { throw Unsupported(reason: "RSA-PSS salt length \(salt)") }
            }
            if let t = try c.optional(0xA3) {
                var tc = try r.children(of: t)
                guard try r.integer(try tc.expect(.integer)) == 1 else {
                    throw Unsupported(reason: "RSA-PSS trailer field other than 1 (RFC 4055 §3.1)")
                }
            }
            try c.requireEnd()
        } catch let error as Unsupported {
            throw error
        } catch {
            throw Unsupported(reason: "RSA-PSS parameters do not parse: \(error)")
        }
        return .rsaPSS(hash, mgf1: mgfHash, saltLength: salt)
    }
}

extension Certificate {
    /// The subject's public key, loaded for signature checks.
    public func publicKey() throws(CryptoError) -> PublicKey {
        try PublicKey(subjectPublicKeyInfo: Array(subjectPublicKeyInfo.der))
    }

    /// Checks this certificate's signature with its issuer's key.
    public func checkSignature(issuerKey: PublicKey) -> SignatureCheck {
        SignatureCheck(algorithm: signatureAlgorithm, signature: Array(signature), message: Array(tbsCertificate),
                       key: issuerKey)
    }

    /// Whether the certificate is self-signed: self-issued, and its own key verifies its signature.
    public var isSelfSigned: Bool {
        guard isSelfIssued, let key = try? publicKey() else { return false }
        return checkSignature(issuerKey: key) == .valid
    }
}

extension RevocationList {
    /// Checks the list's signature with its issuer's key.
    public func checkSignature(issuerKey: PublicKey) -> SignatureCheck {
        SignatureCheck(algorithm: signatureAlgorithm, signature: Array(signature), message: Array(tbsCertList),
                       key: issuerKey)
    }
}

/// The outcome of checking one signature.
public enum SignatureCheck: Sendable, Hashable {
    /// The signature verifies.
    case valid
    /// The signature does not verify (or cannot be parsed), and why.
    case invalid(String)
    /// The algorithm is not one this verifier handles.
    case unsupported(String)

    /// Checks `signature` over `message` with `key`, by the scheme of `algorithm`.
    public init(algorithm: AlgorithmIdentifier, digestAlgorithm: AlgorithmIdentifier? = nil, signature: [UInt8],
                message: [UInt8], key: PublicKey) {
        let scheme: SignatureScheme
        do throws(SignatureScheme.Unsupported) {
            scheme = try SignatureScheme(algorithm, digestAlgorithm: digestAlgorithm)
        } catch {
            self = .unsupported(error.reason)
            return
        }
        if let problem = scheme.verify(signature: signature, message: message, key: key) {
            self = .invalid(problem)
        } else {
            self = .valid
        }
    }
}
