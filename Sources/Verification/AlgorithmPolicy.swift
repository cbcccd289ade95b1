import ICAOCrypto
import LDS

/// The minimum strength of the algorithms and keys passive authentication accepts (the README's "Algorithm
/// policy" section).
///
/// ICAO 9303-12 §4.4 allows SHA-1 to SHA-512, RSA, RSA-PSS and ECDSA, and sets no key size; BSI TR-03116-2 asks
/// for RSA of 2048 bits or more and elliptic curves of 256 bits or more on new documents. The default policy:
/// - an RSA modulus under 2048 bits or an EC key under 224 bits fails (`KEY_SIZE_TOO_SMALL`): such keys are within
///   reach of a well-funded forger, and no document still in circulation needs one;
/// - an EC key of 224 to 255 bits is a warning (`KEY_SIZE_WEAK`);
/// - SHA-1 (for the data groups, the signed attributes or a certificate signature) is a warning (`ALGORITHM_SHA1`):
///   genuine documents still carry it (a Russian passport signs with ECDSA and SHA-1), and a collision attack does
///   not let a forger sign new content under a CSCA's key;
/// - MD5 and any other hash are not supported at all, and so never pass.
public struct AlgorithmPolicy: Sendable, Hashable {
    /// The smallest RSA modulus accepted, in bits.
    public var minimumRSABits: Int
    /// The smallest EC key (the group order) accepted, in bits.
    public var minimumECBits: Int
    /// EC keys below this size (and at least ``minimumECBits``) are reported as `KEY_SIZE_WEAK`.
    public var recommendedECBits: Int
    /// The severity of `ALGORITHM_SHA1`.
    public var sha1Severity: Severity

    /// A policy.
    public init(minimumRSABits: Int, minimumECBits: Int, recommendedECBits: Int, sha1Severity: Severity) {
        self.minimumRSABits = minimumRSABits
        self.minimumECBits = minimumECBits
        self.recommendedECBits = recommendedECBits
        self.sha1Severity = sha1Severity
    }

    /// The documented default: RSA ≥ 2048 bits, EC ≥ 224 bits (warning below 256), SHA-1 a warning.
    public static let `default` = AlgorithmPolicy(minimumRSABits: 2048, minimumECBits: 224, recommendedECBits: 256,
                                                  sha1Severity: .warning)

    /// The problem a hash raises where `place` uses it, nil when it meets the policy.
    func problem(hash: HashAlgorithm, in place: String, certificate: Certificate? = nil) -> VerificationProblem? {
        guard hash == .sha1 else { return nil }
        return VerificationProblem(.algorithmSHA1, severity: sha1Severity, certificate: certificate?.subject.text,
                                   message: "\(place) uses SHA-1")
    }

    /// The problem a certificate's key raises, nil when it meets the policy (or is of a kind the policy does not
    /// size).
    func problem(key: PublicKey, of certificate: Certificate, role: String) -> VerificationProblem? {
        let bits = key.bitLength
        let name = certificate.subject.text
        switch key.kind {
        case .rsa where bits < minimumRSABits:
            return VerificationProblem(.keySizeTooSmall, certificate: name,
                                       message: "\(role) \(name) has a \(bits)-bit RSA key (the minimum is \(minimumRSABits))")
        case .ec where bits < minimumECBits:
            return VerificationProblem(.keySizeTooSmall, certificate: name,
                                       message: "\(role) \(name) has a \(bits)-bit EC key (the minimum is \(minimumECBits))")
        case .ec where bits < recommendedECBits:
            return VerificationProblem(.keySizeWeak, certificate: name,
                                       message: "\(role) \(name) has a \(bits)-bit EC key (\(recommendedECBits) recommended)")
        default:
            return nil
        }
    }
}
