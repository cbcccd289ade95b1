import Testing
import ICAOCrypto

/// Keys and signatures made with the `openssl` command (OpenSSL 3.0.19) for these tests:
/// `openssl ecparam -name brainpoolP256r1 -genkey`, `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024`,
/// `openssl dgst -sha256 -sign` (ECDSA, PKCS#1 v1.5, and `-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32`),
/// over the message "ICAO 9303 active authentication". The raw RSA result is pow(m, d, n) from Python.
private enum Fixture {
    static let message = Array("ICAO 9303 active authentication".utf8)
    static let ecPrivate = h("37c209cd651a66733761eb03f5de0b70f215ba482309b945382598147be7c71e")
    static let ecPoint = h("045420053a41a2845b24d9570392d7e6eaf4faa3ccf2910b3b3b4590a69159a3b0"
        + "53f1859cabbf8b73e6469fc30b8259204a5e465aaf3603c1026c9af2cd6c2682")
    static let ecSPKI = h("305a301406072a8648ce3d020106092b2403030208010107034200") + ecPoint
    /// The same key with explicit domain parameters (`openssl ec -param_enc explicit`), as ICAO DS certificates
    /// and DG14/DG15 often carry them.
    static let ecSPKIExplicit = h("308201333081ec06072a8648ce3d02013081e0020101302c06072a8648ce3d0101022100"
        + "a9fb57dba1eea9bc3e660a909d838d726e3bf623d52620282013481d1f6e5377304404207d5a0975fc2c3057eef67530417a"
        + "ffe7fb8055c126dc5c6ce94a4b44f330b5d9042026dc5c6ce94a4b44f330b5d9bbd77cbf958416295cf7e1ce6bccdc18ff8c"
        + "07b60441048bd2aeb9cb7e57cb2c4b482ffc81b7afb9de27e1e3bd23c23a4453bd9ace3262547ef835c3dac4fd97f8461a14"
        + "611dc9c27745132ded8e545c1d54c72f046997022100a9fb57dba1eea9bc3e660a909d838d718c397aa3b561a6f7901e0e82"
        + "974856a7020101034200") + ecPoint
    static let ecdsaDER = h("30440220180d1e720a5d88f4159426cd3680106d3ed051811e57fb9c8cf04af6305e6bb2"
        + "02206739bdd69f1e7bd65d14968872b6bd35ad32f240e228342c9f19160efc4f754e")
    static let ecdsaPlain = h("180d1e720a5d88f4159426cd3680106d3ed051811e57fb9c8cf04af6305e6bb2"
        + "6739bdd69f1e7bd65d14968872b6bd35ad32f240e228342c9f19160efc4f754e")
    static let rsaSPKI = h("30819f300d06092a864886f70d010101050003818d0030818902818100cad46986b0aea1d5a7"
        + "c49bad616fe19bce77d34e5144b36a8c6f42893b3ffb945af6de3c8416ade0e9a446462b1077fb16f84ba72a60b53fbe3b7a"
        + "103f14e5a02f92791b29efe9749d5751572ad2d5ae7110b3838de1cf807cdd869174f051911fa6db16a68293d6837b6d15fe"
        + "21fb89f7b82e1259a08fd66789a548a7f0616f0203010001")
    static let rsaPKCS1 = h("5a9219e81ba2fbd5e7367ae2d435b2ff434344851410ad0c7849c94f35c344a381cf0e0fec27"
        + "6cdc208e8bf0db761246ba480162820536f6093ead7515b7e14a48ceb26ac40dcb97bd0ca321aec4d4def6d5cc30f2a3142"
        + "26a34abc450c69cffe744c129ec2201777372e2b8a143cdb8d237c90fd82a07821e2edc4c0f1cfff7")
    static let rsaPSS = h("55f2faae48f84936e08ba103844688ba3de2a209cce997163571369ce05d089b15d31aa91d852b"
        + "82456769b5debd7ca6a0e39c458f10172f12da53099f143d35c55cc2837f1a722dce64e69d45592552634589d87bcddf18e4"
        + "48bbd2a0ce37a130114a165094eda36634508c43a76ce8c53d31b7da7184937c0e1ab3f76aefac")
    static let rsaPrivate = h("3082025d02010002818100cad46986b0aea1d5a7c49bad616fe19bce77d34e5144b36a8c6f4"
        + "2893b3ffb945af6de3c8416ade0e9a446462b1077fb16f84ba72a60b53fbe3b7a103f14e5a02f92791b29efe9749d575157"
        + "2ad2d5ae7110b3838de1cf807cdd869174f051911fa6db16a68293d6837b6d15fe21fb89f7b82e1259a08fd66789a548a7f"
        + "0616f020301000102818100ba48077afa7e08880f83146f5253cce2a9e7871c20ab76145f5237cb8dad1fc38b1fbbcfdc88"
        + "6fbd6717c6aadf164afb42875c03f579c83cf8dbeb294ca6469509b900aa3dd84cca5337874ecf1411678de3d01fe40c1c3"
        + "8488b73e386553af651df9fa3aca18c1fcd926c1fee06eb91b593d287408485f52b6b2bf234acbb31024100f882287fc907"
        + "b96eff7fa496f2a3ce66ec4804287da1c07c6a32a8a4f9a09d5da43f9bb20edcaf23add54b8e13cadea2cc8b540702c8c5c"
        + "4cfda2ef8d4fd7615024100d0f1bb93fe299501d9242523f49008880aeeb78ea0e6c86b6e4ed7c4fc4c9399165f8245f1536"
        + "525de2be0daf445ab021853b78e06ed213e5b17c75f359e7e7302407831ec08b260ec0d85c265072560992a2aca42489b4b"
        + "2ae08234f260a8e44878cc427fb9c57a73b35c16b82e85e02f82aa50115a3abc84fb46550f37073d7869024100b8a0c1f575"
        + "a2dcae33678302107aad6f38e9d37ccea4def83f12a00aca3e08363fd4c952707a1668adb6ec0bcdc939e0b20a57a9c2690a"
        + "f5049d3068eb02500d02401607675a48f4aa6c67c9f715242005b4d5d117ad351c28515773ce55b316044a64e4728c829ab0"
        + "4afeaa13ff30c49311d188c61c4d4a427f8daad26a105bb6aa")
    static let rawInput = [0x6A] + (1...125).map { UInt8($0) } + [0x01, 0xBC]
    static let rawOutput = h("5c678792af7aad33f8d9c416f253a59f556c55d71366a056b3d28c4a75b2a7e8ac9e362b1e37"
        + "c5850defc1f16f43c2ac8186a5b69e856c1f166a25805c8ed0a9c5ca55ac5ccd2183162c2cc4e75ca5bbc719831b02d2538"
        + "bf56cb1eb2906a076c8d7df6fd8c2fe611c996523e549cc80c8f69e7c7c62fc5d0a08d4c197f991af")
}

@Suite struct SignatureTests {
    @Test func ecdsa_opensslSignature_verifiesInBothEncodings_namedAndExplicitKeys() throws {
        for spki in [Fixture.ecSPKI, Fixture.ecSPKIExplicit] {
            let key = try PublicKey(subjectPublicKeyInfo: spki)
            #expect(key.kind == .ec)
            #expect(key.bitLength == 256)
            #expect(try key.verifyECDSA(signature: Fixture.ecdsaDER, encoding: .der, message: Fixture.message,
                                        digest: .sha256))
            #expect(try key.verifyECDSA(signature: Fixture.ecdsaPlain, encoding: .plain, message: Fixture.message,
                                        digest: .sha256))
            #expect(try !key.verifyECDSA(signature: Fixture.ecdsaDER, encoding: .der, message: Fixture.message + [0],
                                         digest: .sha256))
            #expect(try !key.verifyECDSA(signature: Fixture.ecdsaDER, encoding: .der, message: Fixture.message,
                                         digest: .sha384))
        }
    }

    @Test func ecdsaEncodings_convertBothWays() throws {
        #expect(try ECDSASignature.plainFromDER(Fixture.ecdsaDER, componentLength: 32) == Fixture.ecdsaPlain)
        #expect(try ECDSASignature.derFromPlain(Fixture.ecdsaPlain) == Fixture.ecdsaDER)
        #expect(throws: CryptoError.self) { try ECDSASignature.plainFromDER([0x30, 0x01], componentLength: 32) }
        #expect(throws: CryptoError.self) { try ECDSASignature.derFromPlain([1, 2, 3]) }
    }

    @Test func ecdsa_signedHere_verifiesAgainstTheOpenSSLKey() throws {
        let curve = try EllipticCurve(.brainpoolP256r1)
        let key = try ECPrivateKey(curve: curve, privateKey: Fixture.ecPrivate)
        #expect(key.publicPoint.uncompressed == Fixture.ecPoint)
        let verifier = try PublicKey(subjectPublicKeyInfo: Fixture.ecSPKI)
        let plain = try key.sign(message: Fixture.message, digest: .sha256, encoding: .plain)
        #expect(plain.count == 64)
        #expect(try verifier.verifyECDSA(signature: plain, encoding: .plain, message: Fixture.message, digest: .sha256))
        let der = try key.sign(message: Fixture.message, digest: .sha512, encoding: .der)
        #expect(try verifier.verifyECDSA(signature: der, encoding: .der, message: Fixture.message, digest: .sha512))
        #expect(try key.publicKey.subjectPublicKeyInfo == Fixture.ecSPKI)
    }

    @Test func rsa_pkcs1AndPSS_opensslSignaturesVerify() throws {
        let key = try PublicKey(subjectPublicKeyInfo: Fixture.rsaSPKI)
        #expect(key.kind == .rsa)
        #expect(key.bitLength == 1024)
        #expect(try key.verifyRSAPKCS1v15(signature: Fixture.rsaPKCS1, message: Fixture.message, digest: .sha256))
        #expect(try !key.verifyRSAPKCS1v15(signature: Fixture.rsaPSS, message: Fixture.message, digest: .sha256))
        #expect(try key.verifyRSAPSS(signature: Fixture.rsaPSS, message: Fixture.message, digest: .sha256,
                                     saltLength: 32))
        #expect(try key.verifyRSAPSS(signature: Fixture.rsaPSS, message: Fixture.message, digest: .sha256))
        #expect(try !key.verifyRSAPSS(signature: Fixture.rsaPSS, message: Fixture.message, digest: .sha256,
                                      saltLength: 20))
        #expect(throws: CryptoError.invalidKey("not an EC key")) {
            try key.verifyECDSA(signature: Fixture.ecdsaDER, encoding: .der, message: Fixture.message, digest: .sha256)
        }
    }

    @Test func rsaRawOperations_matchPythonPow_andInvertEachOther() throws {
        let privateKey = try RSAPrivateKey(derEncoded: Fixture.rsaPrivate)
        #expect(privateKey.modulusLength == 128)
        let signed = try privateKey.rawPrivateOperation(Fixture.rawInput)
        #expect(signed == Fixture.rawOutput)
        let publicKey = try PublicKey(subjectPublicKeyInfo: Fixture.rsaSPKI)
        #expect(try publicKey.rsaRawPublicOperation(signed) == Fixture.rawInput)
        #expect(try privateKey.publicKey.subjectPublicKeyInfo == Fixture.rsaSPKI)
    }

    @Test func garbageKeys_areTypedErrors() {
        #expect(throws: CryptoError.invalidKey("SubjectPublicKeyInfo does not parse")) {
            try PublicKey(subjectPublicKeyInfo: [0x30, 0x03, 0x02, 0x01, 0x00])
        }
        #expect(throws: CryptoError.invalidKey("empty or oversized SubjectPublicKeyInfo")) {
            try PublicKey(subjectPublicKeyInfo: [])
        }
        #expect(throws: CryptoError.invalidKey("private key does not parse")) {
            try RSAPrivateKey(derEncoded: [0x30, 0x00])
        }
    }
}
