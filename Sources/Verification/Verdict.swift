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
    /// The verdict's name (``name``).
    public var description: String { rawValue }
}

/// How much a problem weighs in the verdict.
public enum Severity: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The check failed: passive authentication's verdict is `failed` (or `no-trust-anchor` for `NO_TRUST_ANCHOR`).
    case error = "error"
    /// Something a reader should know and that does not fail the verdict: a legacy encoding or algorithm that real
    /// documents still carry (SHA-1, an older eContentType), a CRL past its next update, an issuing state not known.
    case warning = "warning"

    /// `error` or `warning`.
    public var description: String { rawValue }
}

/// One problem found by passive authentication or while loading trust, with a stable code and a severity.
public struct VerificationProblem: Sendable, Hashable, CustomStringConvertible {
    /// The stable code (upper snake case), listed in ``ProblemCode``.
    public var code: ProblemCode
    /// Whether it fails the verdict (``Severity/error``) or is reported only (``Severity/warning``); each code has
    /// one severity (``ProblemCode/severity``), except where a policy sets it (``AlgorithmPolicy``).
    public var severity: Severity
    /// The data group concerned, when there is one.
    public var dataGroup: Int?
    /// The certificate concerned, as its subject DN (`CN=…, O=…, C=VN`), when there is one.
    public var certificate: String?
    /// What was found, in one line for people.
    public var message: String

    /// A problem, with its code's severity unless another is given.
    public init(_ code: ProblemCode, severity: Severity? = nil, dataGroup: Int? = nil, certificate: String? = nil,
                message: String) {
        self.code = code
        self.severity = severity ?? code.severity
        self.dataGroup = dataGroup
        self.certificate = certificate
        self.message = message
    }

    /// Whether the problem fails the verdict.
    public var isError: Bool { severity == .error }

    /// The code, the severity and the message: `SOD_SIGNATURE_INVALID (error): …`.
    public var description: String { "\(code.rawValue) (\(severity)): \(message)" }
}

/// The problem codes of passive authentication. Stable: scripts and the level-1 payload's `problems` depend on them.
/// Each is listed, with its severity, in the README's problem-code table.
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
    /// The SignedData has several SignerInfos (ICAO 9303-10 §4.6.2.1 requires one).
    case sodSignerInfoCount = "SOD_SIGNER_INFO_COUNT"
    /// EContentType is not the LDSSecurityObject's (nor a legacy one), or the contentType signed attribute differs
    /// from it.
    case sodContentTypeInvalid = "SOD_CONTENT_TYPE_INVALID"
    /// Warning: eContentType is one of the legacy identifiers older documents carry (id-data 1.2.840.113549.1.7.1,
    /// 1.3.27.1.1.1, 1.2.528.1.1006.1.20.1), not id-icao-mrtd-security-ldsSecurityObject.
    case sodContentTypeLegacy = "SOD_CONTENT_TYPE_LEGACY"
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
    /// A CRL of the trust store, whose signature verifies, lists the DS certificate.
    case dsCertificateRevoked = "DS_CERTIFICATE_REVOKED"
    /// The DS certificate names a CSCA of the store, but its signature does not verify with that CSCA's key.
    case dsCertificateSignatureInvalid = "DS_CERTIFICATE_SIGNATURE_INVALID"
    /// The store has CSCAs, but the DS certificate chains to none of them (whatever country it names).
    case dsChainUntrusted = "DS_CHAIN_UNTRUSTED"
    /// A CSCA or link certificate on the path had expired at the time of reading.
    case cscaCertificateExpired = "CSCA_CERTIFICATE_EXPIRED"
    /// A CSCA or link certificate on the path was not yet valid at the time of reading.
    case cscaCertificateNotYetValid = "CSCA_CERTIFICATE_NOT_YET_VALID"
    /// A certificate on the path is not a CA (basicConstraints), may not sign certificates (keyUsage), or has more
    /// CA certificates below it than its path length constraint allows.
    case cscaCertificateInvalid = "CSCA_CERTIFICATE_INVALID"
    /// A CRL, whose signature verifies, lists a link certificate on the path.
    case cscaCertificateRevoked = "CSCA_CERTIFICATE_REVOKED"
    /// A certificate on the path has a critical extension this verifier does not know (RFC 5280 §4.2).
    case certificateCriticalExtensionUnknown = "CERTIFICATE_CRITICAL_EXTENSION_UNKNOWN"
    /// A certificate on the path is signed with an algorithm this verifier does not handle.
    case certificateSignatureAlgorithmUnsupported = "CERTIFICATE_SIGNATURE_ALGORITHM_UNSUPPORTED"
    /// The document signer and the CSCA or link certificates on its path do not name the same country.
    case dsCSCACountryMismatch = "DS_CSCA_COUNTRY_MISMATCH"
    /// The document's issuing state (given, or DG1's) is not the country of its document signer.
    case issuingStateMismatch = "ISSUING_STATE_MISMATCH"
    /// The issuing state is a code that names no ISO 3166 country, so no signer's country can match it.
    case issuingStateUnrecognized = "ISSUING_STATE_UNRECOGNIZED"
    /// Warning: the issuing state was neither given nor read (no DG1): the signer's country is not compared with it.
    case issuingStateUnknown = "ISSUING_STATE_UNKNOWN"
    /// Warning (by default, ``AlgorithmPolicy``): SHA-1 hashes the data groups, the signed attributes or a
    /// certificate on the path.
    case algorithmSHA1 = "ALGORITHM_SHA1"
    /// A key on the path is below the policy's minimum (RSA under 2048 bits, EC under 224 bits by default).
    case keySizeTooSmall = "KEY_SIZE_TOO_SMALL"
    /// Warning: a key on the path is at the minimum but below the recommended size (EC of 224 to 255 bits by default).
    case keySizeWeak = "KEY_SIZE_WEAK"
    /// A CRL of the trust store that names a CSCA of the path as its issuer does not verify with that CSCA's key:
    /// it is not applied, and revocation cannot be ruled out.
    case crlSignatureInvalid = "CRL_SIGNATURE_INVALID"
    /// Warning: a CRL applied to the path was past its next update at the time of reading (or states none): it is
    /// applied, but may miss later revocations.
    case crlOutdated = "CRL_OUTDATED"
    /// The trust store holds no CSCA at all: the chain could not be checked.
    case noTrustAnchor = "NO_TRUST_ANCHOR"

    /// The severity of a problem with this code: ``Severity/warning`` for `SOD_CONTENT_TYPE_LEGACY`,
    /// `ISSUING_STATE_UNKNOWN`, `ALGORITHM_SHA1`, `KEY_SIZE_WEAK` and `CRL_OUTDATED`; ``Severity/error`` for the rest.
    public var severity: Severity {
        switch self {
        case .sodContentTypeLegacy, .issuingStateUnknown, .algorithmSHA1, .keySizeWeak, .crlOutdated: return .warning
        default: return .error
        }
    }
}
