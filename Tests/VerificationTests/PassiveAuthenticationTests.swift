import Foundation
import ICAOCrypto
import LDS
import Testing
@testable import Verification
@testable import VirtualCard

/// Passive authentication over the virtual cards and the test PKI of Vectors/pki (scripts/make-test-pki.sh, made
/// with the openssl command): one test per verdict the issue names.
@Suite struct PassiveAuthenticationTests {
    // MARK: Passing chains

    @Test func goodChain_passes_withTheSignerNamed() throws {
        let card = try Fixture.card()
        let report = PassiveAuthentication.verify(sod: Fixture.sod(card), dataGroups: Fixture.dataGroups(card), issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"), at: Fixture.now)
        #expect(report.verdict == .passed)
        #expect(report.problems.isEmpty)
        #expect(report.signature == .passed)
        #expect(report.chain == .passed)
        #expect(report.hashAlgorithm == .sha256)
        #expect(Set(report.dataGroups.keys) == [1, 2, 13, 14, 15])
        #expect(report.dataGroups.values.allSatisfy { $0 == .passed })
        #expect(report.dataGroupsNotRead.isEmpty)
        // The subject as `openssl x509 -subject -nameopt RFC2253` prints it.
        #expect(report.signer == "CN=cccd TEST DS good, O=cccd TEST ONLY, C=VN")
        #expect(report.certificatePath == [try Fixture.certificate("csca-a")])
    }

    @Test func linkCertificate_chainsTheNewCSCAGeneration_toTheTrustedOldOne() throws {
        // he-le-khue-2024 is signed by ds-link, issued by CSCA A2; only CSCA A and the A→A2 link are trusted.
        let card = try Fixture.card("he-le-khue-2024.json")
        let report = PassiveAuthentication.verify(sod: Fixture.sod(card), dataGroups: Fixture.dataGroups(card), issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem", "csca-a2-link.der"),
                                                  at: Fixture.now)
        #expect(report.verdict == .passed, "\(report.problems)")
        #expect(report.hashAlgorithm == .sha384)
        #expect(report.certificatePath == [try Fixture.certificate("csca-a2-link"), try Fixture.certificate("csca-a")])
    }

    @Test func linkCertificate_missing_isAnUntrustedChain_notAForgedSignature() throws {
        let card = try Fixture.card("he-le-khue-2024.json")
        let report = PassiveAuthentication.verify(sod: Fixture.sod(card), dataGroups: Fixture.dataGroups(card), issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"), at: Fixture.now)
        #expect(report.verdict == .failed)
        #expect(report.codes == [.dsChainUntrusted])
        #expect(report.signature == .passed)
    }

    @Test func newCSCAGeneration_trustedDirectly_passesWithoutTheLink() throws {
        let card = try Fixture.card("he-le-khue-2024.json")
        let report = PassiveAuthentication.verify(sod: Fixture.sod(card), dataGroups: Fixture.dataGroups(card), issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem", "csca-a2.pem"), at: Fixture.now)
        #expect(report.verdict == .passed)
        #expect(report.certificatePath == [try Fixture.certificate("csca-a2")])
    }

    @Test(arguments: HashAlgorithm.allCases)
    func everyHashAlgorithm_ofTheSecurityObject_isChecked(_ digest: HashAlgorithm) throws {
        let groups = Fixture.dataGroups(try Fixture.card())
        let sod = try Fixture.sod(groups, signer: "ds-good", digest: digest)
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"),
                                                  at: Fixture.now)
        #expect(report.verdict == .passed)
        #expect(report.hashAlgorithm == digest)
        // SHA-1 passes with warnings (AlgorithmPolicy.default): for the data groups' hashes and the SOD's signature.
        #expect(report.warnings.map(\.code) == (digest == .sha1 ? [.algorithmSHA1, .algorithmSHA1] : []))
        #expect(report.errors.isEmpty)
        var altered = groups
        altered[1]![10] ^= 0x01
        let bad = PassiveAuthentication.verify(sod: sod, dataGroups: altered, issuingState: "VNM",
                                               trust: try Fixture.store("csca-a.pem"),
                                               at: Fixture.now)
        #expect(bad.errors.map(\.code) == [.dataGroupHashMismatch])
    }

    @Test func rsaPSSDocumentSigner_withAnOpenSSLMadePSSSignature_passes() throws {
        // ds-rsapss's certificate is signed by csca-rsa with RSA-PSS (SHA-256, MGF1-SHA-256, salt 32); the SOD here is
        // made by `openssl cms` with a PSS signature, so both PSS checks meet an independent encoder.
        let groups = Fixture.dataGroups(try Fixture.card())
        let content = Fixture.securityObject(groups, digest: .sha256)
        let sod = try Fixture.opensslSOD(content: content, signer: "ds-rsapss", digest: "sha256",
                                         keyOptions: ["rsa_padding_mode:pss", "rsa_pss_saltlen:32"])
        let parsed = try EFSOD(bytes: sod)
        #expect(parsed.signerInfos[0].signatureAlgorithm.algorithm == .rsassaPSS)
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-rsa.pem"),
                                                  at: Fixture.now)
        #expect(report.verdict == .passed, "\(report.problems)")
        #expect(report.signer == "CN=cccd TEST DS RSA-PSS, O=cccd TEST ONLY, C=VN")
    }

    @Test func rsaDocumentSigner_withPKCS1v15_passes() throws {
        let groups = Fixture.dataGroups(try Fixture.card())
        let sod = try Fixture.sod(groups, signer: "ds-rsapss", digest: .sha512)
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-rsa.pem"),
                                                  at: Fixture.now)
        #expect(report.verdict == .passed, "\(report.problems)")
    }

    @Test func openSSLMadeECDSASOD_withSigningTime_passes() throws {
        // `openssl cms` adds a signingTime attribute; the verifier signs off on any signed attributes as encoded.
        let groups = Fixture.dataGroups(try Fixture.card())
        let sod = try Fixture.opensslSOD(content: Fixture.securityObject(groups, digest: .sha384), signer: "ds-good",
                                         digest: "sha384")
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"),
                                                  at: Fixture.now)
        #expect(report.verdict == .passed, "\(report.problems)")
    }

    @Test func explicitCurveParameters_inTheDocumentSignerKey_areAccepted() throws {
        let ds = try Fixture.certificate("ds-explicit")
        // The key is brainpoolP256r1 written out as SpecifiedECDomain (a SEQUENCE), not as a curve OID.
        #expect(ds.subjectPublicKeyInfo.parameters?.first == 0x30)
        let groups = Fixture.dataGroups(try Fixture.card())
        let sod = try Fixture.opensslSOD(content: Fixture.securityObject(groups, digest: .sha256), signer: "ds-explicit",
                                         digest: "sha256")
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"),
                                                  at: Fixture.now)
        #expect(report.verdict == .passed, "\(report.problems)")
    }

    @Test func cscaWithExplicitCurveParameters_isAnAnchor_andVerifiesItsSigners() throws {
        let csca = try Fixture.certificate("csca-explicit")
        #expect(csca.subjectPublicKeyInfo.parameters?.first == 0x30)
        let trust = try Fixture.store("csca-explicit.pem")
        #expect(trust.anchors == [csca])
        let groups = Fixture.dataGroups(try Fixture.card())
        let sod = try Fixture.sod(groups, signer: "ds-explicit-ca", digest: .sha384)
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: trust, at: Fixture.now)
        #expect(report.verdict == .passed, "\(report.problems)")
        #expect(report.certificatePath == [csca])
    }

    @Test func nistP256DocumentSigner_passes() throws {
        let groups = Fixture.dataGroups(try Fixture.card())
        let sod = try Fixture.opensslSOD(content: Fixture.securityObject(groups, digest: .sha256), signer: "ds-p256",
                                         digest: "sha256")
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"),
                                                  at: Fixture.now)
        #expect(report.verdict == .passed, "\(report.problems)")
    }

    @Test func masterList_withItsSignersCSCAInstalled_anchorsTheCSCAsItLists() throws {
        // masterlist.ml is signed by ml-signer under CSCA A and lists CSCA A, A2, the A→A2 link and CSCA B. With CSCA
        // A installed, ds-other (under CSCA B, which only the list vouches for) passes, its anchor learnt from the list.
        let trust = try Fixture.store("csca-a.pem", "masterlist.ml")
        let groups = Fixture.dataGroups(try Fixture.card())
        let other = PassiveAuthentication.verify(sod: try Fixture.sod(groups, signer: "ds-other"), dataGroups: groups,
                                                 issuingState: "VNM", trust: trust, at: Fixture.now)
        #expect(other.verdict == .passed, "\(other.problems)")
        #expect(other.certificatePath == [try Fixture.certificate("csca-b")])
        #expect(other.trustAnchorSource == .masterList(Fixture.pkiPath("masterlist.ml")))
        let card = try Fixture.card()
        let good = PassiveAuthentication.verify(sod: Fixture.sod(card), dataGroups: Fixture.dataGroups(card),
                                                issuingState: "VNM", trust: trust, at: Fixture.now)
        #expect(good.verdict == .passed)
        #expect(good.trustAnchorSource == .installed(Fixture.pkiPath("csca-a.pem")))
        let linked = try Fixture.card("he-le-khue-2024.json")
        let viaList = PassiveAuthentication.verify(sod: Fixture.sod(linked), dataGroups: Fixture.dataGroups(linked),
                                                   issuingState: "VNM", trust: trust, at: Fixture.now)
        #expect(viaList.verdict == .passed)
    }

    @Test func masterList_vouchingForItsOwnSignersCSCA_isRefused() throws {
        // The same list alone: its signer chains only to CSCA A, which the list itself carries. Anchors stay anchors.
        #expect {
            try Fixture.store("masterlist.ml")
        } throws: { error in
            guard let error = error as? TrustStoreError, case .invalidMasterList(.untrustedSigner(let why)) = error.reason
            else { return false }
            return why.contains("installed")
        }
        #expect(throws: MasterList.Failure.self) {
            try MasterList(der: try Fixture.pki("masterlist.ml"), anchors: [], at: Fixture.now)
        }
    }

    // MARK: Failing chains

    @Test func expiredDocumentSigner_failsNow_butPassesAtAReadingInsideItsValidity() throws {
        let groups = Fixture.dataGroups(try Fixture.card())
        let sod = try Fixture.sod(groups, signer: "ds-expired")
        let trust = try Fixture.store("csca-a.pem")
        let now = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                               trust: trust, at: Fixture.now)
        #expect(now.verdict == .failed)
        #expect(now.codes == [.dsCertificateExpired])
        #expect(now.signature == .passed)
        #expect(now.chain.reason?.contains("2021-01-01") == true)
        #expect(now.problems.first?.certificate == "CN=cccd TEST DS expired, O=cccd TEST ONLY, C=VN")
        let then = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                trust: trust, at: Fixture.date("2020-06-01"))
        #expect(then.verdict == .passed)
    }

    @Test func documentSigner_notYetValid_atTheTimeOfReading_fails() throws {
        let card = try Fixture.card()
        // ds-good is valid from 2021-01-01.
        let report = PassiveAuthentication.verify(sod: Fixture.sod(card), dataGroups: Fixture.dataGroups(card), issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"), at: Fixture.date("2020-06-01"))
        #expect(report.codes == [.dsCertificateNotYetValid])
    }

    @Test func expiredCSCA_andLink_atTheTimeOfReading_fail() throws {
        // In 2046 ds-link (to 2039), the link (to 2045) and CSCA A (to 2045) have all expired.
        let card = try Fixture.card("he-le-khue-2024.json")
        let report = PassiveAuthentication.verify(sod: Fixture.sod(card), dataGroups: Fixture.dataGroups(card), issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem", "csca-a2-link.der"),
                                                  at: Fixture.date("2046-01-01"))
        #expect(report.codes == [.dsCertificateExpired, .cscaCertificateExpired, .cscaCertificateExpired])
        #expect(report.problems.map(\.message).joined().contains("the link certificate"))
        #expect(report.certificatePath.count == 2)
    }

    @Test func documentSigner_fromAnotherCSCA_isUntrusted_notMerelyUnanchored() throws {
        // ds-other is issued by CSCA B; the store knows only CSCA A. That is a failure, not "no trust anchor": the
        // desk installed the CSCAs it trusts and this signer is not one of theirs.
        let groups = Fixture.dataGroups(try Fixture.card())
        let sod = try Fixture.sod(groups, signer: "ds-other")
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"),
                                                  at: Fixture.now)
        #expect(report.verdict == .failed)
        #expect(report.codes == [.dsChainUntrusted])
        #expect(report.chain.reason?.contains("CN=cccd TEST CSCA B") == true)
        let trusted = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                   trust: try Fixture.store("csca-b.pem"),
                                                   at: Fixture.now)
        #expect(trusted.verdict == .passed)
    }

    @Test func revokedDocumentSigner_isCaughtByTheCSCAsCRL() throws {
        let groups = Fixture.dataGroups(try Fixture.card())
        let sod = try Fixture.sod(groups, signer: "ds-revoked")
        let withCRL = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                   trust: try Fixture.store("csca-a.pem", "csca-a.crl"), at: Fixture.now)
        #expect(withCRL.verdict == .failed)
        #expect(withCRL.codes == [.dsCertificateRevoked])
        let withoutCRL = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                      trust: try Fixture.store("csca-a.pem"), at: Fixture.now)
        #expect(withoutCRL.verdict == .passed)
        // The same CRL does not touch another signer of the same CSCA.
        let card = try Fixture.card()
        let good = PassiveAuthentication.verify(sod: Fixture.sod(card), dataGroups: Fixture.dataGroups(card), issuingState: "VNM",
                                                trust: try Fixture.store("csca-a.pem", "csca-a.crl"), at: Fixture.now)
        #expect(good.verdict == .passed)
    }

    @Test func documentSignerCertificate_notSignedByTheCSCAItNames_isInvalid() throws {
        // A DS certificate naming CSCA A as issuer with A's key identifier, but whose signature is by another key.
        var der = try Fixture.pki("ds-good.der")
        let certificate = try Certificate(der: der)
        let signatureStart = der.count - certificate.signature.count
        der[signatureStart + 10] ^= 0x40
        let groups = Fixture.dataGroups(try Fixture.card())
        let sod = try Personalization.signSecurityObject(Fixture.securityObject(groups, digest: .sha256), digest: .sha256,
                                                         certificate: der, privateKey: try Fixture.pki("ds-good.key.der"))
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"),
                                                  at: Fixture.now)
        #expect(report.verdict == .failed)
        #expect(report.codes == [.dsCertificateSignatureInvalid])
        #expect(report.signature == .passed)
    }

    @Test func documentSigner_withAnUnknownCriticalExtension_fails() throws {
        let groups = Fixture.dataGroups(try Fixture.card())
        let sod = try Fixture.sod(groups, signer: "ds-critical")
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"),
                                                  at: Fixture.now)
        #expect(report.verdict == .failed)
        #expect(report.codes == [.certificateCriticalExtensionUnknown])
        #expect(report.chain.reason?.contains("1.3.6.1.4.1.55555.1") == true)
    }

    @Test func documentSigner_whoseKeyUsageIsNotDigitalSignature_fails() throws {
        let groups = Fixture.dataGroups(try Fixture.card())
        let sod = try Fixture.sod(groups, signer: "ds-usage")
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"),
                                                  at: Fixture.now)
        #expect(report.codes == [.dsCertificateKeyUsage])
        #expect(report.signature == .passed)
    }

    @Test func signerNamedBySubjectKeyIdentifier_isFound() throws {
        // `openssl cms -keyid` names the signer by its subject key identifier (SignerInfo version 3).
        let groups = Fixture.dataGroups(try Fixture.card())
        let sod = try Fixture.opensslSOD(content: Fixture.securityObject(groups, digest: .sha256), signer: "ds-good",
                                         digest: "sha256", arguments: ["-keyid"])
        guard case .subjectKeyIdentifier = try EFSOD(bytes: sod).signerInfos[0].signerIdentifier else {
            Issue.record("openssl did not write a subjectKeyIdentifier")
            return
        }
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"),
                                                  at: Fixture.now)
        #expect(report.verdict == .passed, "\(report.problems)")
    }

    @Test func unknownHashAlgorithm_ofTheSecurityObject_isNotSupported_andSoNotAPass() throws {
        // MD5 (1.2.840.113549.2.5) is not among the hashes ICAO 9303-12 allows.
        let groups = Fixture.dataGroups(try Fixture.card())
        let content = LDSSecurityObject(
            hashAlgorithm: AlgorithmIdentifier(algorithm: "1.2.840.113549.2.5"),
            dataGroupHashes: groups.keys.sorted().map { DataGroupHash(dataGroupNumber: $0, hashValue: [UInt8](repeating: 0, count: 16)[...]) }
        ).encoded()
        let sod = try Personalization.signSecurityObject(content, digest: .sha256, certificate: try Fixture.pki("ds-good.der"),
                                                         privateKey: try Fixture.pki("ds-good.key.der"))
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"),
                                                  at: Fixture.now)
        #expect(report.verdict == .failed)
        #expect(report.codes == [.sodHashAlgorithmUnsupported])
        #expect(report.dataGroups.values.allSatisfy { $0.name == "not-supported" })
        #expect(report.signature == .passed)
    }

    @Test func unknownSignatureAlgorithm_isNotSupported_andSoNotAPass() throws {
        let groups = Fixture.dataGroups(try Fixture.card())
        let content = Fixture.securityObject(groups, digest: .sha256)
        let attributes = EFSOD.signedAttributes(messageDigest: HashAlgorithm.sha256.hash(content))
        let sod = try EFSOD.encode(encapsulatedContent: content, digestAlgorithm: AlgorithmIdentifier(algorithm: .sha256),
                                   signedAttributes: attributes,
                                   signatureAlgorithm: AlgorithmIdentifier(algorithm: "1.3.101.112"),  // Ed25519
                                   signature: [UInt8](repeating: 1, count: 64), certificate: try Fixture.pki("ds-good.der"))
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"),
                                                  at: Fixture.now)
        #expect(report.verdict == .failed)
        #expect(report.codes == [.sodSignatureAlgorithmUnsupported])
        #expect(report.signature.name == "not-supported")
    }

    // MARK: Data groups and the signature

    @Test func oneDataGroupByteFlipped_failsThatDataGroupOnly() throws {
        let card = try Fixture.card()
        var groups = Fixture.dataGroups(card)
        groups[13]![groups[13]!.count / 2] ^= 0x20
        let report = PassiveAuthentication.verify(sod: Fixture.sod(card), dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"), at: Fixture.now)
        #expect(report.verdict == .failed)
        #expect(report.codes == [.dataGroupHashMismatch])
        #expect(report.problems.first?.dataGroup == 13)
        #expect(report.dataGroups[13]?.reason?.contains("DG13") == true)
        #expect(report.dataGroups.filter { $0.key != 13 }.values.allSatisfy { $0 == .passed })
        #expect(report.signature == .passed)
        #expect(report.chain == .passed)
    }

    @Test func dataGroupNotInTheSOD_fails_butOneNotRead_isOnlyListed() throws {
        let card = try Fixture.card()
        var groups = Fixture.dataGroups(card)
        groups[2] = nil
        groups[3] = [0x63, 0x00]
        let report = PassiveAuthentication.verify(sod: Fixture.sod(card), dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"), at: Fixture.now)
        #expect(report.codes == [.dataGroupNotInSOD])
        #expect(report.problems.first?.dataGroup == 3)
        #expect(report.dataGroupsNotRead == [2])
        groups[3] = nil
        let withoutDG2 = PassiveAuthentication.verify(sod: Fixture.sod(card), dataGroups: groups, issuingState: "VNM",
                                                      trust: try Fixture.store("csca-a.pem"), at: Fixture.now)
        #expect(withoutDG2.verdict == .passed)
        #expect(withoutDG2.dataGroupsNotRead == [2])
    }

    @Test func noDataGroup_isNotAPass() throws {
        let card = try Fixture.card()
        let report = PassiveAuthentication.verify(sod: Fixture.sod(card), dataGroups: [:], issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"), at: Fixture.now)
        #expect(report.verdict == .failed)
        #expect(report.codes == [.dataGroupNoneGiven])
    }

    @Test func sodSignedByTheWrongKey_failsTheSignature_evenWithAGoodCertificate() throws {
        // ds-good's certificate, ds-other's key.
        let groups = Fixture.dataGroups(try Fixture.card())
        let sod = try Fixture.sod(groups, signer: "ds-good", key: "ds-other")
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"),
                                                  at: Fixture.now)
        #expect(report.verdict == .failed)
        #expect(report.codes == [.sodSignatureInvalid])
        #expect(report.dataGroups.values.allSatisfy { $0 == .passed })
        #expect(report.chain == .passed)
    }

    @Test func messageDigestAttribute_ofOtherContent_fails_evenWhenTheAttributesAreSigned() throws {
        let groups = Fixture.dataGroups(try Fixture.card())
        let content = Fixture.securityObject(groups, digest: .sha256)
        let attributes = EFSOD.signedAttributes(messageDigest: HashAlgorithm.sha256.hash(content + [0]))
        let sod = try Fixture.sod(content: content, signedAttributes: attributes)
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"),
                                                  at: Fixture.now)
        #expect(report.codes == [.sodMessageDigestMismatch])
        #expect(report.signature.name == "failed")
    }

    @Test func contentTypeAttribute_otherThanTheLDSSecurityObject_fails() throws {
        let groups = Fixture.dataGroups(try Fixture.card())
        let content = Fixture.securityObject(groups, digest: .sha256)
        let attributes = EFSOD.signedAttributes(contentType: .data, messageDigest: HashAlgorithm.sha256.hash(content))
        let sod = try Fixture.sod(content: content, signedAttributes: attributes)
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"),
                                                  at: Fixture.now)
        #expect(report.codes == [.sodContentTypeInvalid])
    }

    // MARK: No trust anchor

    @Test func noTrustAnchor_isItsOwnVerdict_andHashesAndSignatureAreStillChecked() throws {
        let card = try Fixture.card()
        let groups = Fixture.dataGroups(card)
        for trust in [nil, TrustStore()] as [TrustStore?] {
            let report = PassiveAuthentication.verify(sod: Fixture.sod(card), dataGroups: groups, issuingState: "VNM",
                                                      trust: trust,
                                                      at: Fixture.now)
            #expect(report.verdict == .noTrustAnchor)
            #expect(report.chain == .noTrustAnchor)
            #expect(report.codes == [.noTrustAnchor])
            #expect(report.signer == "CN=cccd TEST DS good, O=cccd TEST ONLY, C=VN")
            #expect(report.dataGroups.values.allSatisfy { $0 == .passed })
            #expect(report.signature == .passed)
        }
        var altered = groups
        altered[1]![5] ^= 1
        let flipped = PassiveAuthentication.verify(sod: Fixture.sod(card), dataGroups: altered, issuingState: "VNM",
                                                   trust: nil, at: Fixture.now)
        #expect(flipped.verdict == .failed)
        #expect(flipped.codes == [.dataGroupHashMismatch, .noTrustAnchor])
        let wrongKey = PassiveAuthentication.verify(sod: try Fixture.sod(groups, signer: "ds-good", key: "ds-other"),
                                                    dataGroups: groups, issuingState: "VNM",
                                                    trust: nil, at: Fixture.now)
        #expect(wrongKey.verdict == .failed)
        #expect(wrongKey.codes == [.sodSignatureInvalid, .noTrustAnchor])
        let expired = PassiveAuthentication.verify(sod: try Fixture.sod(groups, signer: "ds-expired"),
                                                   dataGroups: groups, issuingState: "VNM", trust: nil, at: Fixture.now)
        #expect(expired.verdict == .failed)
        #expect(expired.chain.name == "failed")
    }

    // MARK: Malformed input

    @Test func malformedSOD_isAFailedVerdict_neverACrash() throws {
        let card = try Fixture.card()
        let groups = Fixture.dataGroups(card)
        let sod = Fixture.sod(card)
        for bytes in [[], [0x77], [0x77, 0x00], Array(sod.prefix(sod.count / 2)), [UInt8](repeating: 0xFF, count: 64)] {
            let report = PassiveAuthentication.verify(sod: bytes, dataGroups: groups, issuingState: "VNM",
                                                      trust: nil, at: Fixture.now)
            #expect(report.verdict == .failed)
            #expect(report.codes == [.sodMalformed])
            #expect(report.dataGroups.count == groups.count)
            #expect(report.dataGroups.values.allSatisfy { $0.name == "failed" })
        }
    }

    @Test func everySingleByteCorruptionOfTheSOD_failsUnlessItMissesEverySignedPart() throws {
        // Every 5th byte flipped in turn. A pass is only allowed when the flip left the signed content, the signed
        // attributes, the signature and the certificate as they were (the SignedData version, say, is not signed);
        // nothing crashes.
        let card = try Fixture.card()
        let groups = Fixture.dataGroups(card)
        let sod = Fixture.sod(card)
        let original = try EFSOD(bytes: sod)
        let trust = try Fixture.store("csca-a.pem")
        var failed = 0
        for index in stride(from: 0, to: sod.count, by: 5) {
            var bytes = sod
            bytes[index] ^= 0x01
            let report = PassiveAuthentication.verify(sod: bytes, dataGroups: groups, issuingState: "VNM",
                                                      trust: trust, at: Fixture.now)
            guard report.verdict == .passed else { failed += 1; continue }
            let parsed = try EFSOD(bytes: bytes)
            #expect(parsed.encapsulatedContent.elementsEqual(original.encapsulatedContent), "byte \(index)")
            #expect(parsed.signerInfos[0].signedAttributesDER == original.signerInfos[0].signedAttributesDER)
            #expect(parsed.signerInfos[0].signature.elementsEqual(original.signerInfos[0].signature))
            #expect(parsed.certificates.map { Array($0.der) } == original.certificates.map { Array($0.der) })
        }
        #expect(failed > sod.count / 5 * 9 / 10)
    }
}
