import Foundation
import ICAOCrypto
import LDS

/// Finds a path from a certificate to a trust anchor through the store's CSCAs and link certificates
/// (ICAO 9303-12 §5.1: a new CSCA key is linked to the previous one by a link certificate), checking each
/// signature on the way.
struct PathBuilder {
    let anchors: [Certificate]
    let intermediates: [Certificate]

    /// The longest chain of links followed between a certificate and its anchor.
    static let maximumDepth = 6

    /// How a search ended.
    enum Outcome {
        /// From the certificate's issuer up to the anchor, in that order.
        case anchored([Certificate])
        /// `certificate`'s issuer is not in the store.
        case noIssuer(certificate: Certificate)
        /// `certificate` names issuers in the store, but no issuer's key verifies its signature.
        case badSignature(certificate: Certificate, issuer: Certificate, reason: String)
        /// `certificate` is signed with an algorithm the verifier does not handle.
        case unsupported(certificate: Certificate, reason: String)

        /// Among failures at the same height, the more telling one.
        var rank: Int {
            switch self {
            case .anchored: return 3
            case .unsupported: return 2
            case .badSignature: return 1
            case .noIssuer: return 0
            }
        }
    }

    /// The store's certificates that could have issued `certificate`: those whose subject matches its issuer, the one
    /// whose subject key identifier matches the authority key identifier first (CSCA generations share a name).
    func issuerCandidates(of certificate: Certificate, excluding path: [Certificate]) -> [Certificate] {
        let named = (anchors + intermediates).filter { candidate in
            candidate.subject.matches(certificate.issuer) && !path.contains(candidate) && candidate != certificate
        }
        guard let aki = certificate.extensions.authorityKeyIdentifier else { return named }
        return named.filter { $0.extensions.subjectKeyIdentifier == aki }
            + named.filter { $0.extensions.subjectKeyIdentifier != aki }
    }

    /// Searches a path from `certificate` up to an anchor.
    func search(from certificate: Certificate) -> Outcome { search(from: certificate, path: []).outcome }

    /// The search below `path`; a failure reports how many verified signatures lay below it, so the failure that
    /// got furthest up explains the result (a verified link whose issuer is missing, rather than a bad signature
    /// by another generation's CSCA of the same name).
    private func search(from certificate: Certificate, path: [Certificate]) -> (outcome: Outcome, depth: Int) {
        let candidates = issuerCandidates(of: certificate, excluding: path)
        guard !candidates.isEmpty else { return (.noIssuer(certificate: certificate), path.count) }
        var best: (outcome: Outcome, depth: Int)?
        func keep(_ outcome: Outcome, _ depth: Int) {
            guard let current = best else { best = (outcome, depth); return }
            if (depth, outcome.rank) > (current.depth, current.outcome.rank) { best = (outcome, depth) }
        }
        for candidate in candidates {
            let key: PublicKey
            do throws(CryptoError) { key = try candidate.publicKey() } catch {
                keep(.badSignature(certificate: certificate, issuer: candidate,
                                   reason: "the key of \(candidate.subject.text) cannot be loaded: \(error)"), path.count)
                continue
            }
            switch certificate.checkSignature(issuerKey: key) {
            case .valid:
                if anchors.contains(candidate) { return (.anchored([candidate]), path.count) }
                guard path.count < PathBuilder.maximumDepth else {
                    keep(.noIssuer(certificate: candidate), path.count + 1)
                    continue
                }
                let above = search(from: candidate, path: path + [certificate])
                if case .anchored(let rest) = above.outcome { return (.anchored([candidate] + rest), path.count) }
                keep(above.outcome, above.depth)
            case .invalid(let why):
                // A CSCA of the same name whose key identifier is not the one the certificate names is another key
                // generation: its failure says the right key is missing, not that the signature is forged.
                if let aki = certificate.extensions.authorityKeyIdentifier,
                   let ski = candidate.extensions.subjectKeyIdentifier, aki != ski {
                    keep(.noIssuer(certificate: certificate), path.count)
                } else {
                    keep(.badSignature(certificate: certificate, issuer: candidate, reason: why), path.count)
                }
            case .unsupported(let why):
                keep(.unsupported(certificate: certificate, reason: why), path.count)
            }
        }
        return best ?? (.noIssuer(certificate: certificate), path.count)
    }

    /// Whether a certificate is self-signed: self-issued, and its own key verifies its signature.
    static func isSelfSigned(_ certificate: Certificate) -> Bool {
        guard certificate.isSelfIssued, let key = try? certificate.publicKey() else { return false }
        return certificate.checkSignature(issuerKey: key) == .valid
    }
}
