import Foundation
import ICAOCrypto
import LDS

/// What passive authentication found: a verdict per check, the overall verdict, and every problem.
public struct PassiveAuthenticationReport: Sendable {
    /// The overall verdict, for `evidence.passiveAuthentication`.
    public var verdict: PassiveAuthenticationVerdict
    /// Each data group given, by number: its hash against the SOD's.
    public var dataGroups: [Int: Verdict]
    /// Data groups the SOD lists but that were not given (not read, or refused by the chip): not a failure here
    /// (the read decides what it must have read).
    public var dataGroupsNotRead: [Int]
    /// The SOD's hash algorithm, when it is one this verifier knows.
    public var hashAlgorithm: HashAlgorithm?
    /// The CMS signature: content type, the signed attributes' messageDigest, and the signature by the document
    /// signer's key.
    public var signature: Verdict
    /// The document signer's certificate: its validity at the time of reading, key usage, revocation, its chain to
    /// a trusted CSCA, and the countries.
    public var chain: Verdict
    /// The document signer's certificate, when the SOD has one that matches its SignerInfo.
    public var signerCertificate: Certificate?
    /// The certificates from the document signer's issuer up to the trust anchor, when a path was found.
    public var certificatePath: [Certificate]
    /// Where the trust anchor at the end of ``certificatePath`` comes from: installed, or learnt from a master list.
    public var trustAnchorSource: TrustSource?
    /// The issuing state the signer's country was compared with (an MRZ code such as `VNM` or `D`): the one given,
    /// or else DG1's; nil when neither was known.
    public var issuingState: String?
    /// The time of reading the checks were made for.
    public var readAt: Date
    /// Every problem found, in the order of the checks: errors and warnings.
    public var problems: [VerificationProblem]

    /// The signer's subject DN (`CN=…, O=…, C=VN`), for `evidence.signer`.
    public var signer: String? { signerCertificate?.subject.text }
    /// The problems that fail the verdict.
    public var errors: [VerificationProblem] { problems.filter(\.isError) }
    /// The problems reported only.
    public var warnings: [VerificationProblem] { problems.filter { !$0.isError } }
}

/// Passive authentication (ICAO 9303-11 §5.1, 9303-10 §4.6.2): every data group read is hashed and compared with
/// the LDSSecurityObject, the SOD's CMS signature is checked in full, and the document signer's certificate is
/// checked and chained to a CSCA of the trust store, whose country must be the document's.
public enum PassiveAuthentication {
    /// Verifies EF.SOD and the data groups read, as at the time of reading `date`.
    ///
    /// Never throws: a SOD that does not parse is a `failed` verdict with `SOD_MALFORMED`, since it is what the
    /// chip (or the dump) gave. Without a trust store, or with one that holds no CSCA at all, the chain verdict is
    /// `no-trust-anchor`, and the hashes, the signature and the signer's own certificate are still checked.
    /// Warnings (``Severity/warning``) are reported without failing the verdict.
    ///
    /// Countries: the document signer, every CSCA and link certificate on its path, and the issuing state must name
    /// the same country (ICAO 9303-12 §5: a CSCA signs its own state's documents), so a document of one state
    /// signed under another state's CSCA fails whatever else the store holds.
    ///
    /// - Parameters:
    ///   - sod: EF.SOD as read.
    ///   - dataGroups: each data group read, by number (1…16), as read (the whole file).
    ///   - issuingState: the state that issued the document as the MRZ writes it (`VNM`; `D` for Germany), when the
    ///     caller knows it (a CCCD reader knows it reads Vietnamese cards). Nil means not known: the state is then
    ///     taken from DG1 when DG1 is among `dataGroups` and matches its hash (it is signed); when DG1 is not given
    ///     either, `ISSUING_STATE_UNKNOWN` is reported as a warning, and a pass then says only that a CSCA of the
    ///     store vouches for the data, not that it is the state the document claims to be from. When both are
    ///     known they must agree.
    ///   - trust: the CSCAs, link certificates and CRLs; nil for none.
    ///   - date: the time of reading, against which certificate validity and CRL freshness are judged.
    ///   - policy: the minimum algorithms and key sizes (``AlgorithmPolicy/default``).
    public static func verify(sod: [UInt8], dataGroups: [Int: [UInt8]], issuingState: String?, trust: TrustStore?,
                              at date: Date, policy: AlgorithmPolicy = .default) -> PassiveAuthenticationReport {
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
                certificatePath: [], trustAnchorSource: nil, issuingState: issuingState, readAt: date,
                problems: problems)
        }

        // 1. Data group hashes (ICAO 9303-11 §5.1.1 step 4).
        let securityObject = parsed.securityObject
        var groups: [Int: Verdict] = [:]
        var hash: HashAlgorithm?
        do throws(SignatureScheme.Unsupported) { hash = try SignatureScheme.hash(securityObject.hashAlgorithm) } catch {
            problems.append(VerificationProblem(.sodHashAlgorithmUnsupported, message: "LDSSecurityObject: \(error.reason)"))
        }
        if let hash, let p = policy.problem(hash: hash, in: "the LDSSecurityObject (the data groups' hashes)") {
            problems.append(p)
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
        let signed = parsed.signedData
        var signatureFailed = false
        if signed.contentType == .ldsSecurityObject {
            // The content type ICAO assigned.
        } else if legacyContentTypes.contains(signed.contentType) {
            problems.append(VerificationProblem(.sodContentTypeLegacy, message: "the encapsulated content type is "
                                                + "\(signed.contentType), a legacy identifier for the LDSSecurityObject"))
        } else {
            signatureFailed = true
            problems.append(VerificationProblem(.sodContentTypeInvalid, message: "the encapsulated content type is "
                                                + "\(signed.contentType), not id-icao-mrtd-security-ldsSecurityObject"))
        }
        let check = signed.checkSigner()
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
        for digest in Set(check.hashes) {
            if let p = policy.problem(hash: digest, in: "the SOD's signature", certificate: check.certificate) {
                problems.append(p)
            }
        }
        var signature = Verdict.passed
        if let first = check.failures.first {
            let onlyUnsupported = !signatureFailed && check.failures.allSatisfy {
                if case .algorithmUnsupported = $0 { return true } else { return false }
            }
            signature = onlyUnsupported ? .notSupported(reason: first.message) : .failed(reason: first.message)
        } else if signatureFailed, let invalid = problems.last(where: { $0.code == .sodContentTypeInvalid }) {
            signature = .failed(reason: invalid.message)
        }

        // 3. The document's issuing state: the one given, or DG1's (signed, once its hash matched).
        var state = issuingState.map { String($0.uppercased().filter { $0 != "<" && $0 != " " }) }
        var stateProblems: [VerificationProblem] = []
        if groups[1] == .passed, let dg1 = dataGroups[1], let written = try? DataGroup1(bytes: dg1).mrz.issuingState {
            if let given = state {
                let mapped = IssuingState.alpha2(mrzCode: given)
                let agree = mapped.map { $0 == IssuingState.alpha2(mrzCode: written) } ?? (given == written)
                if !agree {
                    stateProblems.append(VerificationProblem(.issuingStateMismatch, dataGroup: 1, message:
                        "the issuing state given (\(given)) is not DG1's (\(written))"))
                }
            }
            state = state ?? written
        }

        // 4. The document signer's certificate, its chain and the countries (ICAO 9303-11 §5.1.1 steps 1–3).
        var chain: Verdict
        var path: [CertificatePool.Member] = []
        if let ds = check.certificate {
            let result = checkChain(ds, trust: trust ?? TrustStore(), issuingState: state, at: date, policy: policy)
            path = result.path
            problems += stateProblems + result.problems
            chain = result.verdict
            if let first = stateProblems.first, chain == .passed || chain == .noTrustAnchor {
                chain = .failed(reason: first.message)
            }
        } else {
            problems += stateProblems
            chain = .failed(reason: "no document signer certificate to check")
        }

        let verdict: PassiveAuthenticationVerdict
        if problems.contains(where: { $0.isError && $0.code != .noTrustAnchor }) || !groups.values.allSatisfy(\.isPassed)
            || signature != .passed {
            verdict = .failed
        } else if chain == .noTrustAnchor {
            verdict = .noTrustAnchor
        } else {
            verdict = chain == .passed ? .passed : .failed
        }
        return PassiveAuthenticationReport(
            verdict: verdict, dataGroups: groups, dataGroupsNotRead: notRead, hashAlgorithm: hash,
            signature: signature, chain: chain, signerCertificate: check.certificate,
            certificatePath: path.map(\.certificate), trustAnchorSource: path.last?.source, issuingState: state,
            readAt: date, problems: problems)
    }

    /// The eContentTypes older genuine documents carry for the LDSSecurityObject, accepted with
    /// `SOD_CONTENT_TYPE_LEGACY`: id-data (1.2.840.113549.1.7.1, Chinese passports), 1.3.27.1.1.1 (older Belgian and
    /// French passports) and 1.2.528.1.1006.1.20.1 (Dutch passports). No other identifier is accepted.
    public static let legacyContentTypes: Set<OID> = [.data, .ldsSecurityObjectLegacy, .ldsSecurityObjectSdu]

    /// The document signer's own checks, then its path to a trust anchor and the path's checks (RFC 5280 §6.1,
    /// simplified to what ICAO's two-level PKI needs), revocation, the algorithm policy and the countries.
    ///
    /// `no-trust-anchor` only when the store holds no CSCA at all: the question cannot be asked. When it holds CSCAs
    /// and the signer chains to none of them, the verdict is `failed` (`DS_CHAIN_UNTRUSTED`), whatever country the
    /// signer claims: a desk that installed CSCAs must not see a signer made by someone else as merely
    /// "unverifiable", and a forger must not turn `failed` into `no-trust-anchor` by naming a country the store
    /// has no CSCA for (the signer's certificate is the forger's to write).
    static func checkChain(_ ds: Certificate, trust: TrustStore, issuingState: String?, at date: Date,
                           policy: AlgorithmPolicy) -> (verdict: Verdict, path: [CertificatePool.Member],
                                                        problems: [VerificationProblem]) {
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
        if let key = try? ds.publicKey(), let p = policy.problem(key: key, of: ds, role: "the document signer") {
            problems.append(p)
        }
        // The issuing state against the signer's own country: a Vietnamese document is signed by a Vietnamese DS.
        let country = ds.subject.country
        if let issuingState {
            if let expected = IssuingState.alpha2(mrzCode: issuingState) {
                if country != expected {
                    problem(.issuingStateMismatch, ds, "the document's issuing state \(issuingState) (\(expected)) is "
                            + "not the document signer's country (\(country.map { "C=\($0)" } ?? "none"))")
                }
            } else {
                problem(.issuingStateUnrecognized, ds, "the issuing state \(issuingState) names no ISO 3166 country "
                        + "to compare with the document signer's (\(country.map { "C=\($0)" } ?? "none"))")
            }
        } else {
            problems.append(VerificationProblem(.issuingStateUnknown, message: "the document's issuing state is not "
                                                + "known (none given, DG1 not read): \(name)'s country is not compared "
                                                + "with it"))
        }

        guard !trust.isEmpty else {
            problem(.noTrustAnchor, ds, "the trust store holds no CSCA: \(name)'s issuer \(ds.issuer.text) cannot be "
                    + "checked")
            let failures = problems.filter { $0.isError && $0.code != .noTrustAnchor }
            return (failures.first.map { .failed(reason: $0.message) } ?? .noTrustAnchor, [], problems)
        }

        var path: [CertificatePool.Member] = []
        switch PathBuilder(pool: trust.pool).search(from: ds) {
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
            let cas = path.map(\.certificate)
            let chain = [ds] + cas
            // The CSCA and link certificates: validity at the time of reading, CA, key usage, path length.
            for (index, ca) in cas.enumerated() {
                let caName = ca.subject.text
                let role = index == cas.count - 1 ? "the CSCA" : "the link certificate"
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
                // RFC 5280 §4.2.1.9: the CA certificates below this one on the path, the end entity and self-issued
                // certificates not counted, may number at most pathLenConstraint.
                if let limit = ca.extensions.pathLengthConstraint,
                   cas[..<index].filter({ !$0.isSelfIssued }).count > limit {
                    problem(.cscaCertificateInvalid, ca, "\(role) \(caName)'s path length constraint \(limit) is exceeded")
                }
                if !ca.extensions.unknownCritical.isEmpty {
                    problem(.certificateCriticalExtensionUnknown, ca,
                            "\(caName) has unknown critical extensions \(ca.extensions.unknownCritical.map(\.dotted))")
                }
                if let key = try? ca.publicKey(), let p = policy.problem(key: key, of: ca, role: role) { problems.append(p) }
                if ca.subject.country != country {
                    problem(.dsCSCACountryMismatch, ca, "\(role) \(caName) is not of the document signer's country "
                            + "(\(country.map { "C=\($0)" } ?? "none"))")
                }
            }
            // The signatures on the path: the algorithm policy (the anchor's own signature is not relied on).
            for certificate in chain.dropLast() {
                if let scheme = try? SignatureScheme(certificate.signatureAlgorithm),
                   let p = policy.problem(hash: scheme.hash, in: "the signature of \(certificate.subject.text)",
                                          certificate: certificate) {
                    problems.append(p)
                }
            }
            problems += revocationProblems(chain, trust: trust, at: date)
        }

        guard let first = problems.first(where: \.isError) else { return (.passed, path, problems) }
        if problems.filter(\.isError).allSatisfy({ $0.code == .certificateSignatureAlgorithmUnsupported }) {
            return (.notSupported(reason: first.message), path, problems)
        }
        return (.failed(reason: first.message), path, problems)
    }

    /// Revocation (ICAO 9303-12 §7.1.4): each certificate below the anchor against the CRLs of its issuer's name.
    ///
    /// A CRL is applied only when its signature verifies with the key of the certificate's issuer on the path, or of
    /// a CSCA of the store of the same name (another key generation) allowed to sign CRLs; one that does not is
    /// `CRL_SIGNATURE_INVALID` and revokes nothing. A CRL past its nextUpdate is applied, with `CRL_OUTDATED`. A
    /// listed certificate counts as revoked whatever its revocation date: a compromised key may have signed before
    /// it was reported.
    static func revocationProblems(_ chain: [Certificate], trust: TrustStore, at date: Date) -> [VerificationProblem] {
        var problems: [VerificationProblem] = []
        var revoked: Set<Int> = []
        for index in 0..<(chain.count - 1) {
            let certificate = chain[index], issuer = chain[index + 1]
            for crl in trust.revocationLists(issuedBy: certificate.issuer) {
                let signers = [issuer] + trust.pool.members(named: crl.issuer).filter(\.isAnchor).map(\.certificate)
                let verified = signers.contains { signer in
                    guard signer.extensions.keyUsage?.contains(.cRLSign) ?? true, let key = try? signer.publicKey() else {
                        return false
                    }
                    return crl.checkSignature(issuerKey: key) == .valid
                }
                guard verified else {
                    problems.append(VerificationProblem(.crlSignatureInvalid, certificate: issuer.subject.text, message:
                        "a CRL naming \(crl.issuer.text) as its issuer (this update \(iso(crl.thisUpdate))) does not "
                        + "verify with its key: not applied"))
                    continue
                }
                if let next = crl.nextUpdate, next >= date {
                    // Fresh.
                } else {
                    problems.append(VerificationProblem(.crlOutdated, certificate: issuer.subject.text, message:
                        "the CRL of \(crl.issuer.text) " + (crl.nextUpdate.map { "was due for renewal on \(iso($0))" }
                                                            ?? "states no next update")))
                }
                if let revokedOn = crl.revocationDate(of: certificate), !revoked.contains(index) {
                    revoked.insert(index)
                    let what = index == 0 ? "the document signer" : "the link certificate"
                    problems.append(VerificationProblem(index == 0 ? .dsCertificateRevoked : .cscaCertificateRevoked,
                                                        certificate: certificate.subject.text, message:
                        "\(what) \(certificate.subject.text) is revoked since \(iso(revokedOn)) by a CRL of "
                        + "\(crl.issuer.text)"))
                }
            }
        }
        return problems
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
