import Testing
@testable import LDS

@Suite struct SecurityObjectTests {
    /// Both fixtures were signed by `openssl cms -sign` (make_fixtures.sh); the second with `-stream`, which
    /// writes BER indefinite lengths and a segmented eContent OCTET STRING.
    @Test(arguments: ["EF.SOD.bin", "EF.SOD-indefinite.bin"])
    func test_opensslSignedSOD(file: String) throws {
        let sod = try EFSOD(bytes: try Fixture.card(file))
        #expect(sod.contentType == .ldsSecurityObject)
        #expect(sod.digestAlgorithms.map(\.algorithm) == [.sha256])
        #expect(Array(sod.encapsulatedContent) == (try Fixture.card("LDSSecurityObject.der")))
        let so = sod.securityObject
        #expect(so.version == 0)
        #expect(so.hashAlgorithm.algorithm == .sha256)
        #expect(so.dataGroupHashes.map(\.dataGroupNumber) == [1, 2, 13, 14, 15])
        for (n, name) in [(1, "DG1.bin"), (2, "DG2.bin"), (13, "DG13.bin"), (14, "DG14.bin"), (15, "DG15.bin")] {
            #expect(so.hash(ofDataGroup: n).map(Array.init) == (try Fixture.sha256(of: name)))
        }
        #expect(so.hash(ofDataGroup: 3) == nil)

        let cert = try #require(sod.documentSignerCertificate)
        #expect(Array(cert.der) == (try Fixture.bytes("keys/test-only-ds.cert.der")))
        #expect(Array(cert.serialNumber) == [0x12, 0x34])  // -set_serial 4660
        #expect(cert.issuer == cert.subject)  // self-signed test certificate
        #expect(cert.subjectPublicKeyInfo.namedCurve == .brainpoolP256r1)
        #expect(cert.signatureAlgorithm.algorithm == .ecdsaWithSHA256)

        #expect(sod.signerInfos.count == 1)
        let signer = sod.signerInfos[0]
        #expect(signer.version == 1)
        #expect(signer.signerIdentifier == .issuerAndSerialNumber(issuer: cert.issuer, serialNumber: cert.serialNumber))
        #expect(signer.digestAlgorithm.algorithm == .sha256)
        #expect(signer.signatureAlgorithm.algorithm == .ecdsaWithSHA256)
        #expect(signer.contentType == .ldsSecurityObject)
        #expect(signer.messageDigest.map(Array.init) == (try Fixture.sha256(of: "LDSSecurityObject.der")))
        let attributes = try #require(signer.signedAttributesDER)
        #expect(attributes.first == 0x31)
        #expect(try BERReader(attributes).validate() > 0)
        #expect(signer.signature.first == 0x30)  // an ECDSA-Sig-Value SEQUENCE
    }

    /// `openssl cms -sign -keyid`: the signer is named by its certificate's subjectKeyIdentifier, which
    /// `openssl x509 -ext subjectKeyIdentifier` prints as 42:F0:1E:6C:A1:25:75:B0:BA:8D:71:03:07:AE:DF:13:32:1D:E9:0E.
    @Test func test_signerBySubjectKeyIdentifier() throws {
        let sod = try EFSOD(bytes: try Fixture.card("EF.SOD-keyid.bin"))
        #expect(sod.signerInfo.version == 3)
        #expect(sod.signerInfo.signerIdentifier == .subjectKeyIdentifier(hex("42F01E6CA12575B0BA8D710307AEDF13321DE90E")[...]))
        #expect(Array(sod.encapsulatedContent) == (try Fixture.card("LDSSecurityObject.der")))
    }

    /// `openssl cms -sign -keyopt rsa_padding_mode:pss` with a 2048-bit RSA key: RSASSA-PSS with parameters
    /// (SHA-256, MGF1 with SHA-256, salt length), as `openssl asn1parse` shows them.
    @Test func test_rsaPSSSignature() throws {
        let sod = try EFSOD(bytes: try Fixture.card("EF.SOD-rsapss.bin"))
        let signer = sod.signerInfo
        #expect(signer.signatureAlgorithm.algorithm == .rsassaPSS)
        let parameters = try #require(signer.signatureAlgorithm.parameters)
        #expect(parameters.count == 55)  // SEQUENCE of 53 content bytes
        #expect(signer.signature.count == 256)
        let cert = try #require(sod.documentSignerCertificate)
        // -set_serial 0x00C0FFEE: the INTEGER is 00 C0 FF EE, the sign octet kept since C0 ≥ 80 (X.690 §8.3.2).
        #expect(Array(cert.serialNumber) == [0x00, 0xC0, 0xFF, 0xEE])
        #expect(cert.subjectPublicKeyInfo.rsaComponents?.exponent == [0x01, 0x00, 0x01])
        #expect(cert.subjectPublicKeyInfo.rsaComponents?.modulus.count == 256)
        #expect(Array(cert.der) == (try Fixture.bytes("keys/test-only-ds-rsa.cert.der")))
    }

    @Test func test_encoder_rebuildsAnEquivalentSOD() throws {
        let original = try EFSOD(bytes: try Fixture.card("EF.SOD.bin"))
        let signer = original.signerInfos[0]
        let rebuilt = try EFSOD.encode(
            encapsulatedContent: Array(original.encapsulatedContent), digestAlgorithm: signer.digestAlgorithm,
            signedAttributes: try #require(signer.signedAttributesDER), signatureAlgorithm: signer.signatureAlgorithm,
            signature: Array(signer.signature), certificate: Array(try #require(original.documentSignerCertificate).der))
        let parsed = try EFSOD(bytes: rebuilt)
        #expect(parsed.securityObject == original.securityObject)
        #expect(parsed.signerInfos[0].signedAttributesDER == signer.signedAttributesDER)
        #expect(parsed.signerInfos[0].signature == signer.signature)
        #expect(parsed.signerInfos[0].signerIdentifier == signer.signerIdentifier)
        #expect(parsed.certificates == original.certificates)
    }

    @Test func test_signedAttributes_forTheVirtualChip() throws {
        let digest = [UInt8](repeating: 0xAB, count: 32)
        let der = EFSOD.signedAttributes(messageDigest: digest)
        // RFC 5652 §11.1/11.2: SET { SEQUENCE { id-contentType, SET { OID } }, SEQUENCE { id-messageDigest, SET { OCTET STRING } } }.
        #expect(der == hex("3148 3015 06092A864886F70D010903 3108 0606678108010101 302F 06092A864886F70D010904 3122 0420") + digest)
    }

    @Test func test_ldsSecurityObject_v1() throws {
        let so = LDSSecurityObject(version: 1, hashAlgorithm: AlgorithmIdentifier(algorithm: .sha256),
                                   dataGroupHashes: [DataGroupHash(dataGroupNumber: 1, hashValue: [1, 2, 3][...])],
                                   ldsVersionInfo: ("0108", "040000"))
        let parsed = try LDSSecurityObject(der: so.encoded())
        #expect(parsed == so)
        #expect(parsed.ldsVersionInfo?.ldsVersion == "0108")
    }

    @Test func test_malformedSOD() throws {
        let bytes = try Fixture.card("EF.SOD.bin")
        for cut in [0, 1, 3, 10, 100, bytes.count - 1] {
            #expect(throws: LDSError.self) { _ = try EFSOD(bytes: Array(bytes.prefix(cut))) }
        }
        // Data-group number out of range in the LDSSecurityObject.
        #expect(throws: LDSError(file: .sod, reason: .invalidField(field: "dataGroupNumber", offset: 22, expected: "1 to 16"))) {
            _ = try LDSSecurityObject(der: hex("3019 020100 300B0609608648016503040201 3007 3005 020111 0400"))
        }
        // Wrong content type.
        #expect(throws: LDSError(file: .sod, reason: .invalidField(field: "contentType", offset: 4, expected: "id-signedData"))) {
            _ = try EFSOD(bytes: hex("770F 300D 06092A864886F70D010701 A000"))
        }
    }
}

