import Foundation
import LDS
import Testing
@testable import Verification

/// Loading CSCAs, link certificates, CRLs and master lists from Vectors/pki (made by scripts/make-test-pki.sh).
@Suite struct TrustStoreTests {
    /// This test's scratch folder, removed with the suite instance.
    let scratch = ScratchFolder()

    @Test func pemAndDER_loadTheSameCSCA_asAnAnchor() throws {
        let pem = try Fixture.store("csca-a.pem")
        let der = try Fixture.store("csca-a.der")
        #expect(pem.anchors.count == 1)
        #expect(pem.anchors == der.anchors)
        #expect(pem.intermediates.isEmpty)
    }

    @Test func linkCertificate_isAnIntermediate_neverAnAnchor() throws {
        let store = try Fixture.store("csca-a2-link.pem")
        #expect(store.anchors.isEmpty)
        #expect(store.intermediates == [try Fixture.certificate("csca-a2-link")])
        #expect(store.isEmpty)
    }

    @Test func documentSignerCertificate_inATrustFolder_trustsNothing() throws {
        let store = try Fixture.store("ds-good.pem")
        #expect(store.anchors.isEmpty && store.intermediates.isEmpty)
        #expect(store.ignored.count == 1)
        #expect(store.ignored[0].contains("not a CA"))
    }

    @Test func masterList_yieldsItsCSCAs_andItsLink_asLearnt_besideTheInstalledAnchor() throws {
        let store = try Fixture.store("csca-a.pem", "masterlist.ml")
        // masterlist.ml holds csca-a, csca-a2, csca-a2-link and csca-b (scripts/make-test-pki.sh); csca-a is installed.
        #expect(store.anchors == [try Fixture.certificate("csca-a")])
        #expect(Set(store.learntCSCAs) == Set(try ["csca-a2", "csca-b"].map { try Fixture.certificate($0) }))
        #expect(store.learntLinks == [try Fixture.certificate("csca-a2-link")])
        #expect(store.intermediates.isEmpty)
        #expect(store.source(of: try Fixture.certificate("csca-b")) == .masterList(Fixture.pkiPath("masterlist.ml")))
        #expect(store.source(of: try Fixture.certificate("csca-a")) == .installed(Fixture.pkiPath("csca-a.pem")))
        #expect(store.masterLists.count == 1)
    }

    @Test func masterList_parsed_namesItsSigner() throws {
        let list = try MasterList(der: try Fixture.pki("masterlist.ml"), anchors: [try Fixture.certificate("csca-a")],
                                  at: Fixture.now)
        #expect(list.signerPath == [try Fixture.certificate("csca-a")])
        #expect(list.signer.subject.text == "CN=cccd TEST master list signer, O=cccd TEST ONLY, C=VN")
        #expect(list.certificates.count == 4)
        #expect(list.skippedEntries == 0)
    }

    @Test func corruptMasterList_isATypedErrorNamingTheFile() throws {
        var bytes = try Fixture.pki("masterlist.ml")
        // A byte inside the first listed certificate's subject: the content no longer matches its messageDigest.
        let certificate = try Fixture.pki("csca-a.der")
        let position = try #require(bytes.firstRange(of: certificate[40..<60])).lowerBound
        bytes[position] ^= 0x01
        let file = try temporaryFile("corrupt.ml", bytes)
        #expect {
            try TrustStore.load(paths: [file])
        } throws: { error in
            guard let error = error as? TrustStoreError, error.path == file,
                  case .invalidMasterList(.invalidSignature(let why)) = error.reason else { return false }
            return why.contains("messageDigest")
        }
        #expect {
            try MasterList(der: Array(bytes.prefix(100)), anchors: [], at: Fixture.now)
        } throws: { error in
            guard case .malformed(let parse) = error as? MasterList.Failure else { return false }
            return parse.structure == .masterList
        }
    }

    @Test func masterList_whoseSignerChainsToNoListedCSCA_isRefused_unlessItsCSCAIsTrusted() throws {
        // masterlist-rogue.ml lists only CSCA A, but its signer is issued by CSCA B.
        let path = Fixture.pkiPath("masterlist-rogue.ml")
        #expect {
            try TrustStore.load(paths: [path])
        } throws: { error in
            guard let error = error as? TrustStoreError, case .invalidMasterList(.untrustedSigner) = error.reason else {
                return false
            }
            return error.path == path && error.description.contains("masterlist-rogue.ml")
        }
        let store = try TrustStore.load(paths: [path, Fixture.pkiPath("csca-b.pem")])
        #expect(store.anchors == [try Fixture.certificate("csca-b")])
        #expect(store.learntCSCAs == [try Fixture.certificate("csca-a")])
    }

    @Test func folder_isLoadedRecursively_skippingKeysAndUnknownFiles() throws {
        let folder = try scratch.folder("trust")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("vn/old"), withIntermediateDirectories: true)
        try Data(try Fixture.pki("csca-a.pem")).write(to: folder.appendingPathComponent("vn/csca-a.crt"))
        try Data(try Fixture.pki("csca-a2-link.der")).write(to: folder.appendingPathComponent("vn/old/link.cer"))
        try Data(try Fixture.pki("csca-a.crl")).write(to: folder.appendingPathComponent("vn/csca-a.crl"))
        try Data(try Fixture.pki("csca-a.key")).write(to: folder.appendingPathComponent("vn/csca-a.key"))
        try Data("notes".utf8).write(to: folder.appendingPathComponent("README"))
        let store = try TrustStore.load(paths: [folder.path])
        #expect(store.anchors.count == 1)
        #expect(store.intermediates.count == 1)
        #expect(store.revocationLists.count == 1)
        #expect(store.ignored.count == 2)
    }

    @Test func badFiles_areTypedErrorsNamingTheFile() throws {
        let missing = "/nonexistent/cccd/trust"
        #expect(throws: TrustStoreError(path: missing, reason: .notFound)) { try TrustStore.load(paths: [missing]) }
        let garbage = try temporaryFile("garbage.pem", Array("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".utf8))
        #expect {
            try TrustStore.load(paths: [garbage])
        } throws: { error in
            guard let error = error as? TrustStoreError, case .malformedCertificate = error.reason else { return false }
            return error.path == garbage
        }
        let noBlock = try temporaryFile("key.pem", try Fixture.pki("csca-a.key"))
        #expect {
            try TrustStore.load(paths: [noBlock])
        } throws: { error in
            guard let error = error as? TrustStoreError, case .unrecognized = error.reason else { return false }
            return error.path == noBlock
        }
        let unknown = try temporaryFile("trust.bin", [0x30, 0x03, 0x02, 0x01, 0x00])
        #expect {
            try TrustStore.load(paths: [unknown])
        } throws: { error in
            guard let error = error as? TrustStoreError, case .unrecognized = error.reason else { return false }
            return error.path == unknown
        }
        let badCRL = try temporaryFile("bad.crl", [0x30, 0x03, 0x02, 0x01, 0x00])
        #expect {
            try TrustStore.load(paths: [badCRL])
        } throws: { error in
            guard let error = error as? TrustStoreError, case .malformedRevocationList = error.reason else { return false }
            return error.path == badCRL
        }
    }

    @Test func fileNamedExplicitly_isRecognisedByItsContent() throws {
        let list = try TrustStore.load(paths: [Fixture.pkiPath("csca-a.pem"),
                                               try temporaryFile("icao-list.bin", try Fixture.pki("masterlist.ml"))])
        #expect(list.learntCSCAs.count == 2)
        let crl = try TrustStore.load(paths: [try temporaryFile("a.revoked", try Fixture.pki("csca-a.crl"))])
        #expect(crl.revocationLists.count == 1)
        let certificate = try TrustStore.load(paths: [try temporaryFile("csca", try Fixture.pki("csca-a.der"))])
        #expect(certificate.anchors.count == 1)
    }

    @Test func pemCRL_andPEMBundles_areRead() throws {
        let crl = try Fixture.pki("csca-a.crl")
        let pem = "-----BEGIN X509 CRL-----\n" + Data(crl).base64EncodedString(options: .lineLength64Characters)
            + "\n-----END X509 CRL-----\n"
        let bundle = String(decoding: try Fixture.pki("csca-a.pem"), as: UTF8.self)
            + String(decoding: try Fixture.pki("csca-b.pem"), as: UTF8.self) + pem
        let store = try TrustStore.load(paths: [try temporaryFile("bundle.pem", Array(bundle.utf8))])
        #expect(store.anchors.count == 2)
        #expect(store.revocationLists.count == 1)
    }

    @Test func defaultLocations_areEtcThenTheUsersConfig() {
        let locations = TrustStore.defaultLocations
        #expect(locations.first == "/etc/cccd/trust")
        #expect(locations.count == 2 && locations[1].hasSuffix("/cccd/trust"))
    }

    private func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = try scratch.folder("file").appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}

/// The X.509 pieces, against what the openssl command says about the same files.
@Suite struct CertificateParsingTests {
    @Test func documentSigner_fieldsMatchOpenSSL() throws {
        // openssl x509 -in Vectors/pki/ds-good.pem -noout -text: serial 4098 (0x1002), validity 2021-01-01 to
        // 2036-01-01 00:00:00 GMT, keyUsage critical digitalSignature, CA:FALSE.
        let ds = try Fixture.certificate("ds-good")
        #expect(ds.serialNumber == [0x10, 0x02])
        #expect(ds.notBefore == Fixture.date("2021-01-01"))
        #expect(ds.notAfter == Fixture.date("2036-01-01"))
        #expect(ds.extensions.keyUsage == .digitalSignature)
        #expect(ds.extensions.isCA == false)
        #expect(ds.issuer.text == "CN=cccd TEST CSCA A, O=cccd TEST ONLY, C=VN")
        #expect(ds.issuer.country == "VN")
        #expect(ds.extensions.authorityKeyIdentifier == (try Fixture.certificate("csca-a")).extensions.subjectKeyIdentifier)
    }

    @Test func csca_isASelfSignedCA_withPathLengthZero() throws {
        let csca = try Fixture.certificate("csca-a")
        #expect(csca.isCA)
        #expect(csca.extensions.pathLengthConstraint == 0)
        #expect(csca.extensions.keyUsage == [.keyCertSign, .cRLSign])
        #expect(csca.isSelfSigned)
        // The link certificate is self-issued (same name) but signed by CSCA A's key, not its own.
        let link = try Fixture.certificate("csca-a2-link")
        #expect(link.isSelfIssued)
        #expect(!link.isSelfSigned)
    }

    @Test func rsaPSSCertificateSignature_parameters_areRead() throws {
        let ds = try Fixture.certificate("ds-rsapss")
        let scheme = try SignatureScheme(ds.signatureAlgorithm)
        // openssl: Hash Algorithm sha256, Mask Algorithm mgf1 with sha256, Salt Length 0x20.
        #expect(scheme == .rsaPSS(.sha256, mgf1: .sha256, saltLength: 32))
        #expect(ds.checkSignature(issuerKey: try Fixture.certificate("csca-rsa").publicKey()) == .valid)
        #expect(ds.checkSignature(issuerKey: try Fixture.certificate("csca-a").publicKey()) != .valid)
    }

    @Test func crl_listsTheRevokedSerial() throws {
        // openssl crl -in Vectors/pki/csca-a.crl -inform DER -text: Serial Number 1004, issuer CSCA A.
        let crl = try RevocationList(der: try Fixture.pki("csca-a.crl"))
        #expect(crl.revoked.map(\.serialNumber) == [[0x10, 0x04]])
        #expect(crl.issuer.commonName == "cccd TEST CSCA A")
        #expect(crl.revocationDate(of: try Fixture.certificate("ds-revoked")) != nil)
        #expect(crl.revocationDate(of: try Fixture.certificate("ds-good")) == nil)
        #expect(crl.checkSignature(issuerKey: try Fixture.certificate("csca-a").publicKey()) == .valid)
        #expect(crl.checkSignature(issuerKey: try Fixture.certificate("csca-a2").publicKey()) != .valid)
    }

    @Test func names_compareAcrossCaseAndSpacing_butNotAcrossValues() throws {
        func name(_ cn: String, tag: UInt8 = 0x0C) throws -> DistinguishedName {
            var w = TLVWriter()
            w.append(.sequence) { w in
                w.append(.set) { w in
                    w.append(.sequence) { w in
                        w.appendOID("2.5.4.6")
                        w.append(0x13, value: Array("VN".utf8))
                    }
                }
                w.append(.set) { w in
                    w.append(.sequence) { w in
                        w.appendOID("2.5.4.3")
                        w.append(BERTag(rawValue: UInt32(tag)), value: Array(cn.utf8))
                    }
                }
            }
            return try DistinguishedName(der: w.bytes)
        }
        #expect(try name("CSCA  Viet Nam").matches(try name("csca viet nam", tag: 0x13)))
        #expect(try !name("CSCA Viet Nam").matches(try name("CSCA Viet Nam 2")))
        #expect(try name("Bộ Công an, C06").text == "CN=Bộ Công an\\, C06, C=VN")
    }
}
