import Foundation
import ICAOCrypto
import LDS
import Testing
@testable import Verification
@testable import VirtualCard

/// One test per passive-authentication and certificate-path rule, in which that rule and only that rule fails
/// (issue 17), over the test PKI of Vectors/pki (scripts/make-test-pki.sh) and fixed bytes. Each asserts the exact
/// problem codes, so a check that is skipped, inverted or off by one is caught.
@Suite struct CertificatePathRuleTests {
    static let groups = Fixture.dataGroups(try! Fixture.card())

    /// EF.SOD over the virtual card's data groups signed by `ds`, checked against a store of `trust` at `date`.
    static func verify(signer ds: String, trust: [String], at date: Date = Fixture.now, issuingState: String? = "VNM",
                       dataGroups: [Int: [UInt8]] = groups) throws -> PassiveAuthenticationReport {
        let sod = try Fixture.sod(groups, signer: ds)
        return PassiveAuthentication.verify(sod: sod, dataGroups: dataGroups, issuingState: issuingState,
                                            trust: try TrustStore.load(paths: trust.map(Fixture.pkiPath), at: date),
                                            at: date)
    }

    // MARK: Validity at the time of reading (the document signer's is in PassiveAuthenticationTests)

    @Test func csca_notYetValidAtTheTimeOfReading_isTheOnlyFailure() throws {
        // csca-window is valid 2025-01-01 .. 2030-01-01; ds-window under it 2021 .. 2036.
        let report = try Self.verify(signer: "ds-window", trust: ["csca-window.pem"], at: Fixture.date("2024-06-01"))
        #expect(report.codes == [.cscaCertificateNotYetValid])
        #expect(report.signature == .passed)
        #expect(report.verdict == .failed)
    }

    @Test func csca_expiredAtTheTimeOfReading_isTheOnlyFailure() throws {
        let report = try Self.verify(signer: "ds-window", trust: ["csca-window.pem"], at: Fixture.date("2031-06-01"))
        #expect(report.codes == [.cscaCertificateExpired])
        let inside = try Self.verify(signer: "ds-window", trust: ["csca-window.pem"], at: Fixture.date("2027-06-01"))
        #expect(inside.verdict == .passed, "\(inside.problems)")
    }

    // MARK: Key usage, critical extensions, path length

    @Test func csca_withoutKeyCertSign_isInvalid() throws {
        let report = try Self.verify(signer: "ds-nosign", trust: ["csca-nosign.pem"])
        #expect(report.codes == [.cscaCertificateInvalid])
        #expect(report.problems.first?.message.contains("keyCertSign") == true)
    }

    @Test func csca_withAnUnknownCriticalExtension_fails_namingIt() throws {
        let report = try Self.verify(signer: "ds-under-critical", trust: ["csca-critical.pem"])
        #expect(report.codes == [.certificateCriticalExtensionUnknown])
        #expect(report.problems.first?.certificate == "CN=cccd TEST CSCA critical extension, O=cccd TEST ONLY, C=VN")
        #expect(report.chain.reason?.contains("1.3.6.1.4.1.55555.2") == true)
    }

    @Test func pathLength_overTheLimit_fails() throws {
        // csca-pl0 (pathLenConstraint 0) → sub-pl0 (a CA of another name) → ds-pl0: one CA below a limit of 0.
        let report = try Self.verify(signer: "ds-pl0", trust: ["csca-pl0.pem", "sub-pl0.pem"])
        #expect(report.codes == [.cscaCertificateInvalid])
        #expect(report.problems.first?.message.contains("path length constraint 0 is exceeded") == true)
        #expect(report.certificatePath.map(\.subject.commonName) == ["cccd TEST sub-CA under path length 0",
                                                                     "cccd TEST CSCA path length 0"])
    }

    @Test func pathLength_atTheLimit_passes() throws {
        // csca-pl1 (pathLenConstraint 1) → sub-pl1 → ds-pl1: one CA below a limit of 1 (RFC 5280 §4.2.1.9).
        let report = try Self.verify(signer: "ds-pl1", trust: ["csca-pl1.pem", "sub-pl1.pem"])
        #expect(report.verdict == .passed, "\(report.problems)")
        #expect(report.certificatePath.count == 2)
    }

    @Test func subCA_notInstalled_leavesThePathUntrusted() throws {
        let report = try Self.verify(signer: "ds-pl1", trust: ["csca-pl1.pem"])
        #expect(report.codes == [.dsChainUntrusted])
    }

    // MARK: Revocation: the CRL's signature and freshness

    @Test func crl_whoseSignatureDoesNotVerify_revokesNothing_andIsReported() throws {
        // CSCA A's CRL lists ds-revoked; one bit of its signature flipped.
        var crl = try Fixture.pki("csca-a.crl")
        crl[crl.count - 10] ^= 0x01
        let folder = ScratchFolder()
        let path = try folder.folder("crl").appendingPathComponent("bad.crl")
        try Data(crl).write(to: path)
        let sod = try Fixture.sod(Self.groups, signer: "ds-revoked")
        let trust = try TrustStore.load(paths: [Fixture.pkiPath("csca-a.pem"), path.path])
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: Self.groups, issuingState: "VNM", trust: trust,
                                                  at: Fixture.now)
        #expect(report.codes == [.crlSignatureInvalid])
        #expect(report.verdict == .failed)
        // The untouched CRL revokes it.
        let good = try Self.verify(signer: "ds-revoked", trust: ["csca-a.pem", "csca-a.crl"])
        #expect(good.codes == [.dsCertificateRevoked])
    }

    @Test func crl_signedByAnotherKeyOfTheSameName_isNotApplied() throws {
        // A CRL naming CSCA A but signed by CSCA A2's key (the same name, another generation), with only CSCA A
        // installed: no key of the store's CSCA A verifies it.
        let crl = try RevocationList(der: try Fixture.pki("csca-a.crl"))
        let a2 = try Fixture.certificate("csca-a2")
        #expect(crl.issuer.matches(a2.subject))
        #expect(crl.checkSignature(issuerKey: try a2.publicKey()) != .valid)
    }

    @Test func crl_pastItsNextUpdate_isAppliedWithAWarning() throws {
        // csca-a-outdated.crl: this update 2024-01-01, next update 2025-01-01, lists ds-revoked.
        let good = try Self.verify(signer: "ds-good", trust: ["csca-a.pem", "csca-a-outdated.crl"])
        #expect(good.codes == [.crlOutdated])
        #expect(good.problems.first?.severity == .warning)
        #expect(good.verdict == .passed)
        let revoked = try Self.verify(signer: "ds-revoked", trust: ["csca-a.pem", "csca-a-outdated.crl"])
        #expect(revoked.codes == [.crlOutdated, .dsCertificateRevoked])
        #expect(revoked.verdict == .failed)
    }

    @Test func crl_beforeItsNextUpdate_isFresh() throws {
        let report = try Self.verify(signer: "ds-good", trust: ["csca-a.pem", "csca-a-outdated.crl"],
                                     at: Fixture.date("2024-12-31"))
        #expect(report.codes.isEmpty)
        #expect(report.verdict == .passed)
    }

    @Test func linkCertificate_revokedByItsIssuersCRL_fails() throws {
        // ds-link2 is issued by CSCA A2, reached through the A→A2 link, which CSCA A's CRL revokes.
        let trust = ["csca-a.pem", "csca-a2-link.der"]
        #expect(try Self.verify(signer: "ds-link2", trust: trust).verdict == .passed)
        let report = try Self.verify(signer: "ds-link2", trust: trust + ["csca-a-link-revoked.crl"])
        #expect(report.codes == [.cscaCertificateRevoked])
        #expect(report.problems.first?.certificate == "CN=cccd TEST CSCA A, O=cccd TEST ONLY, C=VN")
        #expect(report.problems.first?.message.contains("the link certificate") == true)
    }

    // MARK: Countries (issue 12)

    @Test func documentSigner_ofVietNam_underAnotherCountrysCSCA_fails() throws {
        // ds-vn-under-th writes C=VN, but CSCA TH (C=TH) issued it; both CSCAs are trusted.
        let report = try Self.verify(signer: "ds-vn-under-th", trust: ["csca-a.pem", "csca-th.pem"])
        #expect(report.codes == [.dsCSCACountryMismatch])
        #expect(report.verdict == .failed)
    }

    @Test func vietnameseCard_signedUnderAnotherCountrysSigner_failsWhateverTheStoreHolds() throws {
        // The card's DG1 says VNM; its SOD is re-signed by ds-th (C=TH) under CSCA TH, which the store trusts.
        let sod = try Fixture.sod(Self.groups, signer: "ds-th")
        let trust = try Fixture.store("csca-a.pem", "csca-th.pem")
        for state in ["VNM", nil] as [String?] {
            let report = PassiveAuthentication.verify(sod: sod, dataGroups: Self.groups, issuingState: state,
                                                      trust: trust, at: Fixture.now)
            #expect(report.codes == [.issuingStateMismatch], "issuing state \(state ?? "from DG1")")
            #expect(report.issuingState == "VNM")
            #expect(report.signature == .passed)
            #expect(report.verdict == .failed)
        }
        // The same signer for a Thai document (no DG1 given, the state given) passes.
        let thai = PassiveAuthentication.verify(sod: sod, dataGroups: Self.groups.filter { $0.key != 1 },
                                                issuingState: "THA", trust: trust, at: Fixture.now)
        #expect(thai.verdict == .passed, "\(thai.problems)")
    }

    @Test func issuingState_givenAndDG1_mustAgree() throws {
        let report = try Self.verify(signer: "ds-good", trust: ["csca-a.pem"], issuingState: "THA")
        // THA against DG1's VNM, and THA against the signer's VN.
        #expect(report.codes == [.issuingStateMismatch, .issuingStateMismatch])
    }

    @Test func issuingState_unknown_isAWarning() throws {
        let report = try Self.verify(signer: "ds-good", trust: ["csca-a.pem"], issuingState: nil,
                                     dataGroups: Self.groups.filter { $0.key != 1 })
        #expect(report.codes == [.issuingStateUnknown])
        #expect(report.verdict == .passed)
        #expect(report.issuingState == nil)
        // With DG1 given, the state comes from it.
        let fromDG1 = try Self.verify(signer: "ds-good", trust: ["csca-a.pem"], issuingState: nil)
        #expect(fromDG1.codes.isEmpty)
        #expect(fromDG1.issuingState == "VNM")
    }

    @Test func issuingState_thatNamesNoCountry_fails() throws {
        let report = try Self.verify(signer: "ds-good", trust: ["csca-a.pem"], issuingState: "UNO",
                                     dataGroups: Self.groups.filter { $0.key != 1 })
        #expect(report.codes == [.issuingStateUnrecognized])
    }

    @Test func icaoCodes_mapToISO3166Alpha2_asDebiansIsoCodesLists() throws {
        // An independent source: the iso-codes package's ISO 3166-1 table (scripts/setup.sh installs it).
        let data = try Data(contentsOf: URL(fileURLWithPath: "/usr/share/iso-codes/json/iso_3166-1.json"))
        let table = try JSONDecoder().decode([String: [[String: String]]].self, from: data)["3166-1"] ?? []
        #expect(table.count >= 249)
        for entry in table {
            #expect(IssuingState.alpha2(mrzCode: entry["alpha_3"]!) == entry["alpha_2"], "\(entry)")
        }
        // ICAO 9303-3 §5's own codes.
        #expect(IssuingState.alpha2(mrzCode: "D<<") == "DE")
        #expect(IssuingState.alpha2(mrzCode: "GBD") == "GB")
        #expect(IssuingState.alpha2(mrzCode: "vnm") == "VN")
        for code in ["UNO", "UNA", "UNK", "XXA", "EUE", "", "<<<", "VN"] { #expect(IssuingState.alpha2(mrzCode: code) == nil) }
    }

    // MARK: Algorithm policy

    @Test func rsa1024DocumentSigner_isTooSmall() throws {
        let report = try Self.verify(signer: "ds-rsa1024", trust: ["csca-rsa.pem"])
        #expect(report.codes == [.keySizeTooSmall])
        #expect(report.problems.first?.message.contains("1024-bit RSA") == true)
        #expect(report.verdict == .failed)
    }

    @Test func p192DocumentSigner_isTooSmall() throws {
        let report = try Self.verify(signer: "ds-p192", trust: ["csca-a.pem"])
        #expect(report.codes == [.keySizeTooSmall])
    }

    @Test func p224DocumentSigner_isWeak_butPasses() throws {
        let report = try Self.verify(signer: "ds-p224", trust: ["csca-a.pem"])
        #expect(report.codes == [.keySizeWeak])
        #expect(report.verdict == .passed)
    }

    @Test func sha1_failsUnderAPolicyThatSaysSo() throws {
        let sod = try Fixture.sod(Self.groups, signer: "ds-good", digest: .sha1)
        var strict = AlgorithmPolicy.default
        strict.sha1Severity = .error
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: Self.groups, issuingState: "VNM",
                                                  trust: try Fixture.store("csca-a.pem"), at: Fixture.now,
                                                  policy: strict)
        #expect(report.codes == [.algorithmSHA1, .algorithmSHA1])
        #expect(report.verdict == .failed)
    }
}

/// Each structural check of EF.SOD failing alone (the others are in PassiveAuthenticationTests and
/// SignedContentTests): EF.SOD made by the `openssl cms` command or by the LDS encoder with one part changed.
@Suite struct SODStructureRuleTests {
    static let groups = Fixture.dataGroups(try! Fixture.card())
    static let content = Fixture.securityObject(groups, digest: .sha256)

    static func verify(_ sod: [UInt8], trust: TrustStore? = nil) throws -> PassiveAuthenticationReport {
        PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                     trust: try trust ?? Fixture.store("csca-a.pem"), at: Fixture.now)
    }

    @Test func twoSignerInfos_areRefused() throws {
        let sod = try Fixture.opensslSOD(content: Self.content, signer: "ds-good", digest: "sha256",
                                         arguments: ["-signer", Fixture.pkiPath("ds-p256.pem"),
                                                     "-inkey", Fixture.pkiPath("ds-p256.key")])
        #expect(try EFSOD(bytes: sod).signerInfos.count == 2)
        let report = try Self.verify(sod)
        #expect(report.codes == [.sodSignerInfoCount])
    }

    @Test func noSignedAttributes_areRefused() throws {
        let sod = try Fixture.opensslSOD(content: Self.content, signer: "ds-good", digest: "sha256",
                                         arguments: ["-noattr"])
        #expect(try EFSOD(bytes: sod).signerInfo.signedAttributesEncoded == nil)
        #expect(try Self.verify(sod).codes == [.sodSignedAttributesMissing])
    }

    static func signed(attributes: [UInt8]) throws -> [UInt8] {
        try Fixture.sod(content: content, signedAttributes: attributes)
    }

    static func attributes(contentType: Bool, messageDigest: Bool) -> [UInt8] {
        var w = TLVWriter()
        w.append(.set) { w in
            if contentType {
                w.append(.sequence) { w in
                    w.appendOID(.contentTypeAttribute)
                    w.append(.set) { w in w.appendOID(.ldsSecurityObject) }
                }
            }
            if messageDigest {
                w.append(.sequence) { w in
                    w.appendOID(.messageDigestAttribute)
                    w.append(.set) { w in w.append(.octetString, value: HashAlgorithm.sha256.hash(content)) }
                }
            }
            w.append(.sequence) { w in  // signingTime, so the set is never empty
                w.appendOID(.signingTimeAttribute)
                w.append(.set) { w in w.append(.utcTime, value: Array("260101000000Z".utf8)) }
            }
        }
        return w.bytes
    }

    @Test func allSignedAttributes_signThrough() throws {
        #expect(try Self.verify(try Self.signed(attributes: Self.attributes(contentType: true, messageDigest: true))).codes
            == [])
    }

    @Test func contentTypeAttribute_missing_isRefused() throws {
        let report = try Self.verify(try Self.signed(attributes: Self.attributes(contentType: false, messageDigest: true)))
        #expect(report.codes == [.sodSignedAttributesMissing])
        #expect(report.problems.first?.message.contains("contentType") == true)
    }

    @Test func messageDigestAttribute_missing_isRefused() throws {
        let report = try Self.verify(try Self.signed(attributes: Self.attributes(contentType: true, messageDigest: false)))
        #expect(report.codes == [.sodSignedAttributesMissing])
        #expect(report.problems.first?.message.contains("messageDigest") == true)
    }

    @Test func noCertificateInTheSOD_isAMissingSigner() throws {
        let sod = try Fixture.opensslSOD(content: Self.content, signer: "ds-good", digest: "sha256",
                                         arguments: ["-nocerts"])
        #expect(try EFSOD(bytes: sod).certificates.isEmpty)
        let report = try Self.verify(sod)
        #expect(report.codes == [.sodSignerCertificateMissing])
        #expect(report.chain.name == "failed")
    }

    @Test func signerKey_thatCannotBeLoaded_isAMalformedSignerCertificate() throws {
        // ds-good's certificate with its EC point's format octet 04 (uncompressed) changed to 05 (none).
        var der = try Fixture.pki("ds-good.der")
        let point = try Fixture.certificate("ds-good").subjectPublicKeyInfo.publicKey
        let at = try #require(der.firstRange(of: Array(point)))
        der[at.lowerBound] = 0x05
        #expect(throws: CryptoError.self) { try Certificate(der: der).publicKey() }
        let sod = try Personalization.signSecurityObject(Self.content, digest: .sha256, certificate: der,
                                                         privateKey: try Fixture.pki("ds-good.key.der"))
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: Self.groups, issuingState: "VNM", trust: nil,
                                                  at: Fixture.now)
        #expect(report.codes == [.dsCertificateMalformed, .noTrustAnchor])
        #expect(report.verdict == .failed)
    }
}

/// The master-list rules (ICAO 9303-12 §9, issue 12), each failing alone.
@Suite struct MasterListRuleTests {
    static let anchors = [try! Fixture.certificate("csca-a")]
    static let listContent: [UInt8] = {
        // masterlist.ml's CscaMasterList content, as `openssl cms -verify -noverify` gives it back.
        let sod = try! SignedData(contentInfo: try! Fixture.pki("masterlist.ml"))
        return Array(sod.content)
    }()

    /// A master list over masterlist.ml's content, signed by `signer` with `openssl cms`.
    static func list(signer: String, contentType: String = "2.23.136.1.1.2") throws -> [UInt8] {
        // Fixture.opensslSOD wraps in the 77 tag; a master list is the bare ContentInfo.
        let wrapped = try Fixture.opensslSOD(content: listContent, signer: signer, digest: "sha256",
                                             contentType: contentType)
        let r = BERReader(wrapped, options: .cms)
        let outer = try r.singleElement(0x77)
        return Array(r.value(of: outer))
    }

    @Test func theTestList_isAcceptedOverItsInstalledCSCA() throws {
        let list = try MasterList(der: try Self.list(signer: "ml-signer"), anchors: Self.anchors, at: Fixture.now)
        #expect(list.certificates.count == 4)
    }

    @Test func signer_withoutTheMasterListExtendedKeyUsage_isRefused() throws {
        #expect(throws: MasterList.Failure.signerNotAuthorized(
            "CN=cccd TEST DS good, O=cccd TEST ONLY, C=VN lacks the extended key usage id-icao-cscaMasterListSigningKey")) {
            try MasterList(der: try Self.list(signer: "ds-good"), anchors: Self.anchors, at: Fixture.now)
        }
    }

    @Test func signer_whoseKeyUsageIsNotDigitalSignature_isRefused() throws {
        #expect {
            try MasterList(der: try Self.list(signer: "mls-usage"), anchors: Self.anchors, at: Fixture.now)
        } throws: { error in
            guard case .signerNotAuthorized(let why) = error as? MasterList.Failure else { return false }
            return why.contains("digitalSignature")
        }
    }

    @Test(arguments: ["2020-06-01", "2036-06-01"])
    func signer_outsideItsValidityAtLoading_isRefused(_ day: String) throws {
        // ml-signer is valid 2021-01-01 .. 2036-01-01; CSCA A 2020-01-01 .. 2045-01-01.
        #expect {
            try MasterList(der: try Fixture.pki("masterlist.ml"), anchors: Self.anchors, at: Fixture.date(day))
        } throws: { error in
            guard case .signerNotValid(let why) = error as? MasterList.Failure else { return false }
            return why.hasPrefix("CN=cccd TEST master list signer")
        }
    }

    @Test func contentOtherThanAMasterList_isMalformed() throws {
        #expect {
            try MasterList(der: try Self.list(signer: "ml-signer", contentType: "2.23.136.1.1.1"), anchors: Self.anchors,
                           at: Fixture.now)
        } throws: { error in
            guard case .malformed(let parse) = error as? MasterList.Failure,
                  case .invalidField(let field, _, _) = parse.reason else { return false }
            return parse.structure == .masterList && field == "eContentType"
        }
    }

    @Test func configuredMasterListSigner_isTrustedWithoutAPath() throws {
        // Only ml-signer's certificate is installed (no CSCA): the list it signed is trusted as configured.
        let store = try Fixture.store("ml-signer.pem", "masterlist.ml")
        #expect(store.masterListSigners == [try Fixture.certificate("ml-signer")])
        #expect(store.anchors.isEmpty)
        #expect(store.learntCSCAs.count == 3)
        #expect(store.masterLists.first?.signerPath == [])
    }

    @Test func learntCSCA_neverVouchesForAnotherMasterList() throws {
        // masterlist.ml (over installed CSCA A) teaches CSCA B; masterlist-rogue.ml is signed under CSCA B: refused.
        #expect {
            try Fixture.store("csca-a.pem", "masterlist.ml", "masterlist-rogue.ml")
        } throws: { error in
            guard let error = error as? TrustStoreError, case .invalidMasterList(.untrustedSigner) = error.reason else {
                return false
            }
            return error.path == Fixture.pkiPath("masterlist-rogue.ml")
        }
    }
}
