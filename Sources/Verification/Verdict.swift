/// The outcome of one check: earned, explained, and never confused with another.
///
/// The text names (``name``) are those of `shared/LEVEL1.md` and the CLI's JSON: `passed`, `failed`,
/// `not-supported`, `no-trust-anchor`.
public enum Verdict: Sendable, Hashable, CustomStringConvertible {
    /// The check ran and the document passed it.
    case passed
    /// The check ran and the document failed it; the reason names the data group, certificate or step.
    case failed(reason: String)
    /// The check could not run: an algorithm or structure this implementation does not handle.
    case notSupported(reason: String)
    /// The signer could not be checked against a CSCA: the trust store holds none.
    case noTrustAnchor

    /// The JSON and text name: `passed`, `failed`, `not-supported` or `no-trust-anchor`.
    public var name: String {
        switch self {
        case .passed: return "passed"
        case .failed: return "failed"
        case .notSupported: return "not-supported"
        case .noTrustAnchor: return "no-trust-anchor"
        }
    }

    /// The reason of a failed or unsupported check, nil otherwise.
    public var reason: String? {
        switch self {
        case .failed(let reason), .notSupported(let reason): return reason
        case .passed, .noTrustAnchor: return nil
        }
    }

    /// Whether the check passed.
    public var isPassed: Bool { self == .passed }

    /// The name, followed by the reason when there is one.
    public var description: String {
        if let reason { return "\(name): \(reason)" }
        return name
    }
}

/// The overall verdict of passive authentication, as `evidence.passiveAuthentication` of `shared/LEVEL1.md`.
public enum PassiveAuthenticationVerdict: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Every data group read matches its hash, the SOD signature verifies, and its signer chains to a trusted CSCA.
    case passed = "passed"
    /// A hash, the signature, the signer's certificate or its chain failed (the reasons are in the problems), or
    /// something needed for the check is not supported: a verdict that was not earned is not a pass.
    case failed = "failed"
    /// The hashes match and the SOD signature verifies, but the trust store has no CSCA to check the signer against.
    case noTrustAnchor = "no-trust-anchor"

    /// The JSON and text name.
    public var name: String { rawValue }
    public var description: String { rawValue }
}

/// One problem found by passive authentication or while loading trust, with a stable code.
public struct VerificationProblem: Sendable, Hashable, CustomStringConvertible {
    /// The stable code (upper snake case), listed in ``ProblemCode``.
    public var code: ProblemCode
    /// The data group concerned, when there is one.
    public var dataGroup: Int?
    /// The certificate concerned, as its subject DN (`CN=…, O=…, C=VN`), when there is one.
    public var certificate: String?
    /// What was found, in one line for people.
    public var message: String

    /// A problem.
    public init(_ code: ProblemCode, dataGroup: Int? = nil, certificate: String? = nil, message: String) {
        self.code = code
        self.dataGroup = dataGroup
        self.certificate = certificate
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// The problem codes of passive authentication. Stable: scripts and the level-1 payload's `problems` depend on them.
///
/// | code | meaning |
/// | --- | --- |
/// | `SOD_MALFORMED` | EF.SOD does not parse as `77 { ContentInfo { SignedData } }` with an LDSSecurityObject |
/// | `SOD_HASH_ALGORITHM_UNSUPPORTED` | the LDSSecurityObject's hash algorithm is not SHA-1, -224, -256, -384 or -512 |
/// | `DG_HASH_MISMATCH` | a data group read from the chip does not hash to the value in the SOD (`dataGroup` says which) |
/// | `DG_NOT_IN_SOD` | a data group was read but the SOD has no hash for it |
/// | `DG_NONE_GIVEN` | no data group was given: a signature over nothing read vouches for nothing |
/// | `SOD_SIGNER_INFO_COUNT` | the SignedData has no or several SignerInfos (ICAO 9303-10 §4.6.2.1 requires one) |
/// | `SOD_CONTENT_TYPE_INVALID` | eContentType or the contentType signed attribute is not id-icao-mrtd-security-ldsSecurityObject |
/// | `SOD_SIGNED_ATTRIBUTES_MISSING` | the SignerInfo has no signed attributes, or lacks contentType or messageDigest |
/// | `SOD_MESSAGE_DIGEST_MISMATCH` | the messageDigest attribute is not the hash of the LDSSecurityObject |
/// | `SOD_SIGNER_CERTIFICATE_MISSING` | no certificate in the SOD matches the SignerInfo's signer identifier |
/// | `SOD_SIGNATURE_ALGORITHM_UNSUPPORTED` | the SignerInfo's signature or digest algorithm is not one this verifier handles |
/// | `SOD_SIGNATURE_INVALID` | the SOD's signature does not verify with the document signer's public key |
/// | `DS_CERTIFICATE_MALFORMED` | the document signer's certificate does not parse, or its key cannot be loaded |
/// | `DS_CERTIFICATE_EXPIRED` | the document signer's certificate had expired at the time of reading |
/// | `DS_CERTIFICATE_NOT_YET_VALID` | the document signer's certificate was not yet valid at the time of reading |
/// | `DS_CERTIFICATE_KEY_USAGE` | the document signer's key usage does not allow digitalSignature |
/// | `DS_CERTIFICATE_REVOKED` | a CRL of the trust store, signed by the DS's CSCA, lists the DS certificate |
/// | `DS_CERTIFICATE_SIGNATURE_INVALID` | the DS certificate names a CSCA of the store, but its signature does not verify with that CSCA's key |
/// | `DS_CHAIN_UNTRUSTED` | the store has CSCAs, but the DS certificate chains to none of them (whatever country it names) |
/// | `CSCA_CERTIFICATE_EXPIRED` | a CSCA or link certificate on the path had expired at the time of reading |
/// | `CSCA_CERTIFICATE_NOT_YET_VALID` | a CSCA or link certificate on the path was not yet valid at the time of reading |
/// | `CSCA_CERTIFICATE_INVALID` | a certificate on the path is not a CA (basicConstraints) or may not sign certificates (keyUsage) |
/// | `CSCA_CERTIFICATE_REVOKED` | a CRL lists a link certificate on the path |
/// | `CERTIFICATE_CRITICAL_EXTENSION_UNKNOWN` | a certificate on the path has a critical extension this verifier does not know (RFC 5280 §4.2) |
/// | `CERTIFICATE_SIGNATURE_ALGORITHM_UNSUPPORTED` | a certificate on the path is signed with an algorithm this verifier does not handle |
/// | `NO_TRUST_ANCHOR` | the trust store holds no CSCA at all: the chain could not be checked |
public enum ProblemCode: String, Sendable, Hashable, CaseIterable {
    /// EF.SOD does not parse as `77 { ContentInfo { SignedData } }` with an LDSSecurityObject.
    case sodMalformed = "SOD_MALFORMED"
    /// The LDSSecurityObject's hash algorithm is not SHA-1, -224, -256, -384 or -512.
    case sodHashAlgorithmUnsupported = "SOD_HASH_ALGORITHM_UNSUPPORTED"
    /// A data group read from the chip does not hash to the value in the SOD (`dataGroup` says which).
    case dataGroupHashMismatch = "DG_HASH_MISMATCH"
    /// A data group was read but the SOD has no hash for it.
    case dataGroupNotInSOD = "DG_NOT_IN_SOD"
    /// No data group was given: a signature over nothing read vouches for nothing.
    case dataGroupNoneGiven = "DG_NONE_GIVEN"
    /// The SignedData has no or several SignerInfos (ICAO 9303-10 §4.6.2.1 requires one).
    case sodSignerInfoCount = "SOD_SIGNER_INFO_COUNT"
    /// EContentType or the contentType signed attribute is not id-icao-mrtd-security-ldsSecurityObject.
    case sodContentTypeInvalid = "SOD_CONTENT_TYPE_INVALID"
    /// The SignerInfo has no signed attributes, or lacks contentType or messageDigest.
    case sodSignedAttributesMissing = "SOD_SIGNED_ATTRIBUTES_MISSING"
    /// The messageDigest attribute is not the hash of the LDSSecurityObject.
    case sodMessageDigestMismatch = "SOD_MESSAGE_DIGEST_MISMATCH"
    /// No certificate in the SOD matches the SignerInfo's signer identifier.
    case sodSignerCertificateMissing = "SOD_SIGNER_CERTIFICATE_MISSING"
    /// The SignerInfo's signature or digest algorithm is not one this verifier handles.
    case sodSignatureAlgorithmUnsupported = "SOD_SIGNATURE_ALGORITHM_UNSUPPORTED"
    /// The SOD's signature does not verify with the document signer's public key.
    case sodSignatureInvalid = "SOD_SIGNATURE_INVALID"
    /// The document signer's certificate does not parse, or its key cannot be loaded.
    case dsCertificateMalformed = "DS_CERTIFICATE_MALFORMED"
    /// The document signer's certificate had expired at the time of reading.
    case dsCertificateExpired = "DS_CERTIFICATE_EXPIRED"
    /// The document signer's certificate was not yet valid at the time of reading.
    case dsCertificateNotYetValid = "DS_CERTIFICATE_NOT_YET_VALID"
    /// The document signer's key usage does not allow digitalSignature.
    case dsCertificateKeyUsage = "DS_CERTIFICATE_KEY_USAGE"
    /// A CRL of the trust store, signed by the DS's CSCA, lists the DS certificate.
    case dsCertificateRevoked = "DS_CERTIFICATE_REVOKED"
    /// The DS certificate names a CSCA of the store, but its signature does not verify with that CSCA's key.
    case dsCertificateSignatureInvalid = "DS_CERTIFICATE_SIGNATURE_INVALID"
    /// The store has CSCAs, but the DS certificate chains to none of them (whatever country it names).
    case dsChainUntrusted = "DS_CHAIN_UNTRUSTED"
    /// A CSCA or link certificate on the path had expired at the time of reading.
    case cscaCertificateExpired = "CSCA_CERTIFICATE_EXPIRED"
    /// A CSCA or link certificate on the path was not yet valid at the time of reading.
    case cscaCertificateNotYetValid = "CSCA_CERTIFICATE_NOT_YET_VALID"
    /// A certificate on the path is not a CA (basicConstraints) or may not sign certificates (keyUsage).
    case cscaCertificateInvalid = "CSCA_CERTIFICATE_INVALID"
    /// A CRL lists a link certificate on the path.
    case cscaCertificateRevoked = "CSCA_CERTIFICATE_REVOKED"
    /// A certificate on the path has a critical extension this verifier does not know (RFC 5280 §4.2).
    case certificateCriticalExtensionUnknown = "CERTIFICATE_CRITICAL_EXTENSION_UNKNOWN"
    /// A certificate on the path is signed with an algorithm this verifier does not handle.
    case certificateSignatureAlgorithmUnsupported = "CERTIFICATE_SIGNATURE_ALGORITHM_UNSUPPORTED"
    /// The trust store holds no CSCA at all: the chain could not be checked.
    case noTrustAnchor = "NO_TRUST_ANCHOR"
}
