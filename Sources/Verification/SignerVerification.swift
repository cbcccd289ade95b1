import ICAOCrypto
import LDS

/// Why the check of a SignedData's signer failed; passive authentication and master lists turn these into their
/// own terms.
enum SignerFailure: Sendable, Hashable {
    case signerInfoCount(Int)
    case contentType(String)
    case signedAttributesMissing(String)
    case messageDigestMismatch(String)
    case signerCertificateMissing
    case signerCertificateMalformed(String)
    case algorithmUnsupported(String)
    case signatureInvalid(String)

    var message: String {
        switch self {
        case .signerInfoCount(let n): return "the SignedData has \(n) SignerInfos, where exactly one is required"
        case .contentType(let why), .signedAttributesMissing(let why), .messageDigestMismatch(let why),
             .signerCertificateMalformed(let why), .algorithmUnsupported(let why), .signatureInvalid(let why):
            return why
        case .signerCertificateMissing: return "no certificate in the SignedData matches the SignerInfo's signer"
        }
    }
}

/// The outcome of checking a SignedData's one SignerInfo: the signer's certificate when found, every failure, and
/// the hashes it used (for the algorithm policy).
struct SignerCheck: Sendable {
    var certificate: Certificate?
    var failures: [SignerFailure]
    /// The digest algorithm and the signature's hash, when known.
    var hashes: [HashAlgorithm]
}

extension SignedData {
    /// RFC 5652 §5.4 and §5.6: the one SignerInfo's signed attributes (contentType equal to eContentType,
    /// messageDigest equal to the content's hash) and its signature over them by the key of the certificate it
    /// names. Whether eContentType itself is the right one is the caller's question.
    func checkSigner() -> SignerCheck {
        var failures: [SignerFailure] = []
        var hashes: [HashAlgorithm] = []
        guard signerInfos.count == 1, let signer = signerInfos.first else {
            return SignerCheck(certificate: nil, failures: [.signerInfoCount(signerInfos.count)], hashes: [])
        }
        guard let attributes = signer.signedAttributesDER else {
            failures.append(.signedAttributesMissing("the SignerInfo has no signed attributes"))
            return SignerCheck(certificate: signerCertificate(signer), failures: failures, hashes: [])
        }
        if let type = signer.contentType {
            if type != contentType {
                failures.append(.contentType(
                    "the contentType attribute (\(type)) differs from the encapsulated content type (\(contentType))"))
            }
        } else {
            failures.append(.signedAttributesMissing("the signed attributes have no contentType"))
        }
        do throws(SignatureScheme.Unsupported) {
            let hash = try SignatureScheme.hash(signer.digestAlgorithm)
            hashes.append(hash)
            if let digest = signer.messageDigest {
                if !digest.elementsEqual(hash.hash(Array(content))) {
                    failures.append(.messageDigestMismatch(
                        "the messageDigest attribute is not the \(hash.rawValue) of the encapsulated content"))
                }
            } else {
                failures.append(.signedAttributesMissing("the signed attributes have no messageDigest"))
            }
        } catch {
            failures.append(.algorithmUnsupported("digest: \(error.reason)"))
        }
        guard let certificate = signerCertificate(signer) else {
            failures.append(.signerCertificateMissing)
            return SignerCheck(certificate: nil, failures: failures, hashes: hashes)
        }
        let key: PublicKey
        do throws(CryptoError) { key = try certificate.publicKey() } catch {
            failures.append(.signerCertificateMalformed("the signer's public key cannot be loaded: \(error)"))
            return SignerCheck(certificate: certificate, failures: failures, hashes: hashes)
        }
        if let scheme = try? SignatureScheme(signer.signatureAlgorithm, digestAlgorithm: signer.digestAlgorithm) {
            hashes.append(scheme.hash)
        }
        switch SignatureCheck(algorithm: signer.signatureAlgorithm, digestAlgorithm: signer.digestAlgorithm,
                              signature: Array(signer.signature), message: attributes, key: key) {
        case .valid: break
        case .invalid(let why): failures.append(.signatureInvalid(why + " with the key of \(certificate.subject.text)"))
        case .unsupported(let why): failures.append(.algorithmUnsupported(why))
        }
        return SignerCheck(certificate: certificate, failures: failures, hashes: hashes)
    }

    /// The certificate the SignerInfo names (RFC 5652 §5.3): by subject key identifier, or by issuer and serial
    /// number. The serial number must be the same; the issuer is compared by RFC 5280 §7.1 (string types, case and
    /// spacing do not matter), and when no certificate matches so, with the RDNs in any order (issue 18's Malaysian
    /// passport). The signature is then checked with the certificate found, so a looser name match admits nothing
    /// that the signer's key did not sign.
    func signerCertificate(_ signer: SignerInfo) -> Certificate? {
        switch signer.signerIdentifier {
        case .subjectKeyIdentifier(let id):
            return certificates.first { $0.extensions.subjectKeyIdentifier?.elementsEqual(id) == true }
        case .issuerAndSerialNumber(let issuer, let serial):
            let numbered = certificates.filter { $0.serialNumber.elementsEqual(serial) }
            return numbered.first { $0.issuer.matches(issuer) }
                ?? numbered.first { $0.issuer.matchesIgnoringRDNOrder(issuer) }
        }
    }
}
