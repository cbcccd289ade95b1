import Foundation
import ICAOCrypto
import LDS

/// What passive authentication found: a verdict per check, the overall verdict, and every problem.
public struct PassiveAuthenticationReport: Sendable {
    /// The overall verdict, for `evidence.passiveAuthentication`.
    public var verdict: PassiveAuthenticationVerdict
    /// Each data group given, by number: its hash against the SOD's.
    public var dataGroups: [Int: Verdict]
    /// Data groups the SOD lists but that were not given (not read, or refused by the chip): not a failure.
    public var dataGroupsNotRead: [Int]
    /// The SOD's hash algorithm, when it is one this verifier knows.
    public var hashAlgorithm: HashAlgorithm?
    /// The CMS signature: content type, the signed attributes' messageDigest, and the signature by the document
    /// signer's key.
    public var signature: Verdict
    /// The document signer's certificate: its validity at the time of reading, key usage, revocation, and its
    /// chain to a trusted CSCA.
    public var chain: Verdict
    /// The document signer's certificate, when the SOD has one that matches its SignerInfo.
    public var signerCertificate: Certificate?
    /// The certificates from the document signer's issuer up to the trust anchor, when a path was found.
    public var certificatePath: [Certificate]
    /// The time of reading the checks were made for.
    public var readAt: Date
    /// Every problem found, in the order of the checks.
    public var problems: [VerificationProblem]

    /// The signer's subject DN (`CN=…, O=…, C=VN`), for `evidence.signer`.
    public var signer: String? { signerCertificate?.subject.text }
}

/// Passive authentication (ICAO 9303-11 §5.1, 9303-10 §4.6.2): every data group read is hashed and compared with
/// the LDSSecurityObject, the SOD's CMS signature is checked in full, and the document signer's certificate is
/// checked and chained to a CSCA of the trust store.
public enum PassiveAuthentication {
    /// Verifies EF.SOD and the data groups read, as at the time of reading `date`.
    ///
    /// Never throws: a SOD that does not parse is a `failed` verdict with `SOD_MALFORMED`, since it is what the
    /// chip (or the dump) gave. Without a trust store, or with one that holds no CSCA at all, the chain verdict is
    /// `no-trust-anchor`, and the hashes, the signature and the signer's own certificate are still checked.
    ///
    /// - Parameters:
    ///   - sod: EF.SOD as read.
    ///   - dataGroups: each data group read, by number (1…16), as read (the whole file).
    ///   - trust: the CSCAs, link certificates and CRLs; nil for none.
    ///   - date: the time of reading, against which certificate validity is judged.
    public static func verify(sod: [UInt8], dataGroups: [Int: [UInt8]], trust: TrustStore?,
                              at date: Date) -> PassiveAuthenticationReport {
        var problems: [VerificationProblem] = []
        let parsed: EFSOD
        do throws(LDSError) { parsed = try EFSOD(bytes: sod) } catch {
            let why = "EF.SOD does not parse: \(error.reason)"
            problems.append(VerificationProblem(.sodMalformed, message: why))
            let groups = Dictionary(uniqueKeysWithValues: dataGroups.keys.map {
                ($0, Verdict.failed(reason: "DG\($0) cannot be checked: EF.SOD does not parse"))
            })
            return PassiveAuthenticationReport(
                verdict: .failed, dataGroups: groups, dataGroupsNotRead: [], hashAlgorithm: nil,
                signature: .failed(reason: why), chain: .failed(reason: why), signerCertificate: nil,
                certificatePath: [], readAt: date, problems: problems)
        }

        // 1. Data group hashes (ICAO 9303-11 §5.1.1 step 4).
        let securityObject = parsed.securityObject
        var groups: [Int: Verdict] = [:]
        var hash: HashAlgorithm?
        do throws(SignatureScheme.Unsupported) { hash = try SignatureScheme.hash(securityObject.hashAlgorithm) } catch {
            problems.append(VerificationProblem(.sodHashAlgorithmUnsupported, message: "LDSSecurityObject: \(error.reason)"))
        }
        if dataGroups.isEmpty {
            problems.append(VerificationProblem(.dataGroupNoneGiven, message: "no data group was given to check"))
        }
        for number in dataGroups.keys.sorted() {
            let bytes = dataGroups[number]!
            guard let expected = securityObject.hash(ofDataGroup: number) else {
                let why = "DG\(number) was read, but the SOD has no hash for it"
                groups[number] = .failed(reason: why)
                problems.append(VerificationProblem(.dataGroupNotInSOD, dataGroup: number, message: why))
                continue
            }
            guard let hash else {
                groups[number] = .notSupported(reason: "the SOD's hash algorithm \(securityObject.hashAlgorithm.algorithm) is not supported")
                continue
            }
            if hash.hash(bytes).elementsEqual(expected) {
                groups[number] = .passed
            } else {
                let why = "DG\(number)'s \(hash.rawValue) hash differs from the SOD's"
                groups[number] = .failed(reason: why)
                problems.append(VerificationProblem(.dataGroupHashMismatch, dataGroup: number, message: why))
            }
        }
        let notRead = securityObject.dataGroupHashes.map(\.dataGroupNumber).filter { dataGroups[$0] == nil }.sorted()

        // 2. The CMS signature (RFC 5652 §5.4, §5.6; ICAO 9303-10 §4.6.2).
        let check = SignedContent(sod: parsed).checkSigner(expectedContentType: .ldsSecurityObject)
        var signature = Verdict.passed
        for failure in check.failures {
            let code: ProblemCode
            switch failure {
            case .signerInfoCount: code = .sodSignerInfoCount
            case .contentType: code = .sodContentTypeInvalid
            case .signedAttributesMissing: code = .sodSignedAttributesMissing
            case .messageDigestMismatch: code = .sodMessageDigestMismatch
            case .signerCertificateMissing: code = .sodSignerCertificateMissing
            case .signerCertificateMalformed: code = .dsCertificateMalformed
            case .algorithmUnsupported: code = .sodSignatureAlgorithmUnsupported
            case .signatureInvalid: code = .sodSignatureInvalid
            }
            problems.append(VerificationProblem(code, certificate: check.certificate?.subject.text, message: failure.message))
        }
        if let first = check.failures.first {
            let onlyUnsupported = check.failures.allSatisfy {
                if case .algorithmUnsupported = $0 { return true } else { return false }
            }
            signature = onlyUnsupported ? .notSupported(reason: first.message) : .failed(reason: first.message)
        }

        // 3. The document signer's certificate and its chain (ICAO 9303-11 §5.1.1 steps 1–3).
        var chain: Verdict
        var path: [Certificate] = []
        if let ds = check.certificate {
            let result = checkChain(ds, trust: trust ?? TrustStore(), at: date)
            chain = result.verdict
            path = result.path
            problems += result.problems
        } else {
            chain = .failed(reason: "no document signer certificate to check")
        }

        let verdict: PassiveAuthenticationVerdict
        if !problems.allSatisfy({ $0.code == .noTrustAnchor }) || !groups.values.allSatisfy(\.isPassed)
            || signature != .passed {
            verdict = .failed
        } else if chain == .noTrustAnchor {
            verdict = .noTrustAnchor
        } else {
            verdict = chain == .passed ? .passed : .failed
        }
        return PassiveAuthenticationReport(
            verdict: verdict, dataGroups: groups, dataGroupsNotRead: notRead, hashAlgorithm: hash,
            signature: signature, chain: chain, signerCertificate: check.certificate, certificatePath: path,
            readAt: date, problems: problems)
    }

    /// The document signer's own checks, then its path to a trust anchor and the path's checks (RFC 5280 §6.1,
    /// simplified to what ICAO's two-level PKI needs).
    ///
    /// `no-trust-anchor` only when the store holds no CSCA at all: the question cannot be asked. When it holds CSCAs
    /// and the signer chains to none of them, the verdict is `failed` (`DS_CHAIN_UNTRUSTED`), whatever country the
    /// signer claims: a desk that installed CSCAs must not see a signer made by someone else as merely
    /// "unverifiable", and a forger must not turn `failed` into `no-trust-anchor` by naming a country the store
    /// has no CSCA for (the signer's certificate is the forger's to write).
    static func checkChain(_ ds: Certificate, trust: TrustStore,
                           at date: Date) -> (verdict: Verdict, path: [Certificate], problems: [VerificationProblem]) {
        var problems: [VerificationProblem] = []
        let name = ds.subject.text
        func problem(_ code: ProblemCode, _ certificate: Certificate, _ message: String) {
            problems.append(VerificationProblem(code, certificate: certificate.subject.text, message: message))
        }
        if date < ds.notBefore {
            problem(.dsCertificateNotYetValid, ds, "the document signer \(name) is valid only from \(iso(ds.notBefore))")
        } else if date > ds.notAfter {
            problem(.dsCertificateExpired, ds, "the document signer \(name) expired on \(iso(ds.notAfter))")
        }
        if let usage = ds.extensions.keyUsage, !usage.contains(.digitalSignature) {
            problem(.dsCertificateKeyUsage, ds, "the document signer \(name)'s key usage does not allow digitalSignature")
        }
        if !ds.extensions.unknownCritical.isEmpty {
            problem(.certificateCriticalExtensionUnknown, ds,
                    "\(name) has unknown critical extensions \(ds.extensions.unknownCritical.map(\.dotted))")
        }

        guard !trust.anchors.isEmpty else {
            problem(.noTrustAnchor, ds, "the trust store holds no CSCA: \(name)'s issuer \(ds.issuer.text) cannot be "
                    + "checked")
            let failures = problems.filter { $0.code != .noTrustAnchor }
            return (failures.first.map { .failed(reason: $0.message) } ?? .noTrustAnchor, [], problems)
        }

        let builder = PathBuilder(anchors: trust.anchors, intermediates: trust.intermediates)
        var path: [Certificate] = []
        switch builder.search(from: ds) {
        case .anchored(let found):
            path = found
        case .noIssuer(let certificate):
            if certificate == ds {
                problem(.dsChainUntrusted, ds, "no CSCA of the trust store issued the document signer \(name) "
                        + "(issuer \(ds.issuer.text))")
            } else {
                problem(.dsChainUntrusted, certificate, "the path from \(name) stops at \(certificate.subject.text), "
                        + "whose issuer \(certificate.issuer.text) is not in the trust store")
            }
        case .badSignature(let certificate, let issuer, let reason):
            if certificate == ds {
                problem(.dsCertificateSignatureInvalid, ds, "the document signer \(name) is not signed by the CSCA "
                        + "\(issuer.subject.text): \(reason)")
            } else {
                problem(.dsChainUntrusted, certificate, "\(certificate.subject.text) on the path from \(name) is not "
                        + "signed by \(issuer.subject.text): \(reason)")
            }
        case .unsupported(let certificate, let reason):
            problem(.certificateSignatureAlgorithmUnsupported, certificate, "\(certificate.subject.text): \(reason)")
        }

        if !path.isEmpty {
            // The CSCA and link certificates: validity at the time of reading, CA, key usage.
            for (index, ca) in path.enumerated() {
                let caName = ca.subject.text
                let role = index == path.count - 1 ? "the CSCA" : "the link certificate"
                if date < ca.notBefore {
                    problem(.cscaCertificateNotYetValid, ca, "\(role) \(caName) is valid only from \(iso(ca.notBefore))")
                } else if date > ca.notAfter {
                    problem(.cscaCertificateExpired, ca, "\(role) \(caName) expired on \(iso(ca.notAfter))")
                }
                if !ca.isCA {
                    problem(.cscaCertificateInvalid, ca, "\(role) \(caName) is not a CA (basicConstraints)")
                } else if let usage = ca.extensions.keyUsage, !usage.contains(.keyCertSign) {
                    problem(.cscaCertificateInvalid, ca, "\(role) \(caName)'s key usage does not allow keyCertSign")
                }
                // RFC 5280 §4.2.1.9: the CA certificates below this one, self-issued ones not counted.
                if let limit = ca.extensions.pathLengthConstraint,
                   path[..<index].filter({ !$0.isSelfIssued }).count > limit {
                    problem(.cscaCertificateInvalid, ca, "\(role) \(caName)'s path length constraint \(limit) is exceeded")
                }
                if !ca.extensions.unknownCritical.isEmpty {
                    problem(.certificateCriticalExtensionUnknown, ca,
                            "\(caName) has unknown critical extensions \(ca.extensions.unknownCritical.map(\.dotted))")
                }
            }
            // Revocation: CRLs that the issuing CSCA's key verifies (ICAO 9303-12 §7.1.4). A listed certificate counts
            // as revoked whatever its revocation date: a compromised key may have signed before it was reported.
            let chain = [ds] + path
            for index in 0..<(chain.count - 1) {
                let certificate = chain[index], issuer = chain[index + 1]
                guard let key = try? issuer.publicKey() else { continue }
                for crl in trust.revocationLists where crl.issuer.matches(certificate.issuer) {
                    guard crl.checkSignature(issuerKey: key) == .valid,
                          let revokedOn = crl.revocationDate(of: certificate) else { continue }
                    let what = index == 0 ? "the document signer" : "the link certificate"
                    problem(index == 0 ? .dsCertificateRevoked : .cscaCertificateRevoked, certificate,
                            "\(what) \(certificate.subject.text) is revoked since \(iso(revokedOn)) by a CRL of "
                            + "\(issuer.subject.text)")
                    break
                }
            }
        }

        guard let first = problems.first else { return (.passed, path, problems) }
        if problems.allSatisfy({ $0.code == .certificateSignatureAlgorithmUnsupported }) {
            return (.notSupported(reason: first.message), path, problems)
        }
        return (.failed(reason: first.message), path, problems)
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
