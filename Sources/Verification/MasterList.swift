import Foundation
import ICAOCrypto
import LDS

/// A verified ICAO CSCA master list (ICAO 9303-12 §9): LDS's `LDS.CscaMasterList`, whose signature verifies and
/// whose signer the reader already trusts.
///
/// Anchors stay anchors: the signer must chain to a CSCA installed in the trust store by other means (a trust
/// file, or ``TrustStore/add(_:source:)``), or be a master list signer certificate the configuration names
/// explicitly; never to a certificate inside the list itself, which would let any list vouch for itself. The
/// signer must be valid, with the CSCAs of its path, at the time the list is loaded, carry the extended key usage
/// id-icao-cscaMasterListSigningKey and the key usage digitalSignature, and meet the algorithm policy.
public struct MasterList: Sendable {
    /// The parsed list.
    public let list: CscaMasterList
    /// The master list signer's certificate.
    public let signer: Certificate
    /// The certificates from the signer's issuer up to the installed CSCA it chains to; empty when the signer is a
    /// configured master list signer itself.
    public let signerPath: [Certificate]
    /// Policy warnings about the list's signature or its signer's path (SHA-1, for one).
    public let warnings: [VerificationProblem]

    /// The certificates listed (CSCAs and link certificates), in list order.
    public var certificates: [Certificate] { list.certificates }
    /// How many listed entries were skipped because they do not parse as certificates.
    public var skippedEntries: Int { list.skippedEntries.count }

    /// Why a master list was refused.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The CMS structure or the CscaMasterList content does not parse (or the eContentType is not
        /// id-icao-cscaMasterList).
        case malformed(PKIError)
        /// The SignerInfo, the signed attributes or the signature do not verify.
        case invalidSignature(String)
        /// The signer's certificate is missing, or chains to no installed CSCA (and is no configured signer).
        case untrustedSigner(String)
        /// The signer's certificate, or a CSCA of its path, is not valid at the time of loading.
        case signerNotValid(String)
        /// The signer's certificate is not for signing master lists (extended key usage, key usage) or its key is
        /// below the algorithm policy's minimum.
        case signerNotAuthorized(String)

        /// One line naming the check the master list fails, and why.
        public var description: String {
            switch self {
            case .malformed(let error): return "malformed master list: \(error)"
            case .invalidSignature(let why): return "master list signature: \(why)"
            case .untrustedSigner(let why): return "master list signer: \(why)"
            case .signerNotValid(let why): return "master list signer: \(why)"
            case .signerNotAuthorized(let why): return "master list signer: \(why)"
            }
        }
    }

    /// Parses and verifies a master list.
    ///
    /// - Parameters:
    ///   - bytes: the list's DER (or BER).
    ///   - anchors: the installed CSCAs the signer may chain to.
    ///   - links: installed link certificates the signer's path may pass through.
    ///   - signers: master list signer certificates the configuration names explicitly: a list signed by one of
    ///     them is trusted without a path.
    ///   - date: the time of loading, at which the signer and its path must be valid.
    ///   - policy: the algorithm policy.
    public init(der bytes: [UInt8], anchors: [Certificate], links: [Certificate] = [], signers: [Certificate] = [],
                at date: Date, policy: AlgorithmPolicy = .default) throws(Failure) {
        let list: CscaMasterList
        do throws(PKIError) { list = try CscaMasterList(der: bytes) } catch { throw .malformed(error) }
        let check = list.signedData.checkSigner()
        if let failure = check.failures.first {
            switch failure {
            case .signerCertificateMissing, .signerCertificateMalformed: throw .untrustedSigner(failure.message)
            default: throw .invalidSignature(failure.message)
            }
        }
        guard let signer = check.certificate else { throw .untrustedSigner("no signer certificate") }
        let name = signer.subject.text
        // ICAO 9303-12 §7.1.2 (Table 7): a master list signer carries id-icao-cscaMasterListSigningKey.
        guard signer.extensions.extendedKeyUsage?.contains(.cscaMasterListSigningKey) == true else {
            throw .signerNotAuthorized("\(name) lacks the extended key usage id-icao-cscaMasterListSigningKey")
        }
        if let usage = signer.extensions.keyUsage, !usage.contains(.digitalSignature) {
            throw .signerNotAuthorized("\(name)'s key usage does not allow digitalSignature")
        }
        var warnings: [VerificationProblem] = []
        func note(_ problem: VerificationProblem?) throws(Failure) {
            guard let problem else { return }
            guard !problem.isError else { throw .signerNotAuthorized(problem.message) }
            warnings.append(problem)
        }
        for hash in check.hashes { try note(policy.problem(hash: hash, in: "the master list signature")) }

        var path: [Certificate] = []
        if !signers.contains(signer) {
            var pool = CertificatePool()
            for anchor in anchors { pool.insert(anchor, isAnchor: true, source: .installed("anchor")) }
            for link in links { pool.insert(link, isAnchor: false, source: .installed("link")) }
            switch PathBuilder(pool: pool).search(from: signer) {
            case .anchored(let members):
                path = members.map(\.certificate)
            case .noIssuer(let certificate):
                throw .untrustedSigner("no CSCA installed in the trust store issued \(certificate.subject.text) (a "
                                       + "master list is trusted only through a CSCA installed by other means)")
            case .badSignature(let certificate, let issuer, let reason):
                throw .untrustedSigner("\(certificate.subject.text) is not verified by \(issuer.subject.text): \(reason)")
            case .unsupported(let certificate, let reason):
                throw .untrustedSigner("\(certificate.subject.text): \(reason)")
            }
        }
        for certificate in [signer] + path where !certificate.isValid(at: date) {
            let role = certificate == signer ? "" : "the CSCA \(certificate.subject.text) of "
            throw .signerNotValid("\(role)\(name) is valid from \(PassiveAuthentication.iso(certificate.notBefore)) to "
                                  + "\(PassiveAuthentication.iso(certificate.notAfter)), not at "
                                  + "\(PassiveAuthentication.iso(date))")
        }
        for (index, certificate) in ([signer] + path).enumerated() {
            guard let key = try? certificate.publicKey() else { continue }
            try note(policy.problem(key: key, of: certificate, role: index == 0 ? "the master list signer" : "the CSCA"))
            if index < path.count, let scheme = try? SignatureScheme(certificate.signatureAlgorithm) {
                try note(policy.problem(hash: scheme.hash, in: "the signature of \(certificate.subject.text)",
                                        certificate: certificate))
            }
        }
        self.list = list
        self.signer = signer
        signerPath = path
        self.warnings = warnings
    }
}
