import Foundation
import ICAOCrypto
import LDS

/// Where a certificate of the trust store comes from.
public enum TrustSource: Sendable, Hashable, CustomStringConvertible {
    /// Installed by the configuration: a trust file (its path) or a call to ``TrustStore/add(_:source:)``.
    case installed(String)
    /// Learnt from a master list whose signer chains to an installed CSCA (the list's file or source name).
    case masterList(String)

    /// `installed (…)` or `master list (…)`, with the source.
    public var description: String {
        switch self {
        case .installed(let source): return "installed (\(source))"
        case .masterList(let source): return "master list (\(source))"
        }
    }
}

/// The certificates paths are built through, indexed by subject so that finding a certificate's possible issuers
/// looks up its issuer's name instead of scanning the store.
struct CertificatePool: Sendable {
    /// One certificate and its role.
    struct Member: Sendable {
        let certificate: Certificate
        /// Whether a path may end here (a CSCA), rather than only pass through (a link certificate).
        let isAnchor: Bool
        let source: TrustSource
    }

    private(set) var members: [Member] = []
    private var positions: [Certificate: Int] = [:]
    private var bySubject: [String: [Int]] = [:]

    /// Adds a certificate unless the pool has it already; returns whether it was added.
    @discardableResult
    mutating func insert(_ certificate: Certificate, isAnchor: Bool, source: TrustSource) -> Bool {
        guard positions[certificate] == nil else { return false }
        positions[certificate] = members.count
        bySubject[certificate.subject.matchingKey, default: []].append(members.count)
        members.append(Member(certificate: certificate, isAnchor: isAnchor, source: source))
        return true
    }

    /// The member holding `certificate`, if any.
    func member(_ certificate: Certificate) -> Member? { positions[certificate].map { members[$0] } }

    /// The members whose subject matches `name` (RFC 5280 §7.1).
    func members(named name: DistinguishedName) -> [Member] {
        (bySubject[name.matchingKey] ?? []).map { members[$0] }
    }

    /// The members that could have issued `certificate`: those whose subject matches its issuer, the ones whose
    /// subject key identifier is its authority key identifier first (CSCA generations share a name), and among
    /// those the anchors first.
    func issuerCandidates(of certificate: Certificate) -> [Member] {
        let named = members(named: certificate.issuer).filter { $0.certificate != certificate }
        guard let aki = certificate.extensions.authorityKeyIdentifier else {
            return named.filter(\.isAnchor) + named.filter { !$0.isAnchor }
        }
        let keyed = named.filter { $0.certificate.extensions.subjectKeyIdentifier?.elementsEqual(aki) == true }
        let others = named.filter { $0.certificate.extensions.subjectKeyIdentifier?.elementsEqual(aki) != true }
        return keyed.filter(\.isAnchor) + keyed.filter { !$0.isAnchor } + others
    }
}

/// Finds a path from a certificate to an anchor of a pool through its link certificates (ICAO 9303-12 §5.1: a new
/// CSCA key is linked to the previous one by a link certificate), checking each signature on the way.
struct PathBuilder {
    let pool: CertificatePool

    /// The longest chain of certificates followed above the one checked, the anchor included.
    static let maximumDepth = 6

    /// How a search ended.
    enum Outcome {
        /// From the certificate's issuer up to the anchor, in that order.
        case anchored([CertificatePool.Member])
        /// `certificate`'s issuer is not in the pool.
        case noIssuer(certificate: Certificate)
        /// `certificate` names issuers in the pool, but no issuer's key verifies its signature.
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

    /// Searches a path from `certificate` up to an anchor.
    func search(from certificate: Certificate) -> Outcome { search(from: certificate, path: []).outcome }

    /// The search below `path`; a failure reports how many verified signatures lay below it, so the failure that
    /// got furthest up explains the result (a verified link whose issuer is missing, rather than a bad signature
    /// by another generation's CSCA of the same name).
    private func search(from certificate: Certificate, path: [Certificate]) -> (outcome: Outcome, depth: Int) {
        let candidates = pool.issuerCandidates(of: certificate).filter { !path.contains($0.certificate) }
        guard !candidates.isEmpty else { return (.noIssuer(certificate: certificate), path.count) }
        var best: (outcome: Outcome, depth: Int)?
        func keep(_ outcome: Outcome, _ depth: Int) {
            guard let current = best else { best = (outcome, depth); return }
            if (depth, outcome.rank) > (current.depth, current.outcome.rank) { best = (outcome, depth) }
        }
        for candidate in candidates {
            let issuer = candidate.certificate
            let key: PublicKey
            do throws(CryptoError) { key = try issuer.publicKey() } catch {
                keep(.badSignature(certificate: certificate, issuer: issuer,
                                   reason: "the key of \(issuer.subject.text) cannot be loaded: \(error)"), path.count)
                continue
            }
            switch certificate.checkSignature(issuerKey: key) {
            case .valid:
                if candidate.isAnchor { return (.anchored([candidate]), path.count) }
                guard path.count + 1 < PathBuilder.maximumDepth else {
                    keep(.noIssuer(certificate: issuer), path.count + 1)
                    continue
                }
                let above = search(from: issuer, path: path + [certificate])
                if case .anchored(let rest) = above.outcome { return (.anchored([candidate] + rest), path.count) }
                keep(above.outcome, above.depth)
            case .invalid(let why):
                // A CSCA of the same name whose key identifier is not the one the certificate names is another key
                // generation: its failure says the right key is missing, not that the signature is forged.
                if let aki = certificate.extensions.authorityKeyIdentifier,
                   let ski = issuer.extensions.subjectKeyIdentifier, !aki.elementsEqual(ski) {
                    keep(.noIssuer(certificate: certificate), path.count)
                } else {
                    keep(.badSignature(certificate: certificate, issuer: issuer, reason: why), path.count)
                }
            case .unsupported(let why):
                keep(.unsupported(certificate: certificate, reason: why), path.count)
            }
        }
        return best ?? (.noIssuer(certificate: certificate), path.count)
    }
}
