import Testing
import ICAOCrypto

@Suite struct KeyDerivationTests {
    /// ICAO 9303-11 Appendix D.2: K_seed from MRZ_information "L898902C<369080619406236", then K_Enc and K_MAC
    /// with the parity bits adjusted (D.1).
    @Test func bacKeys_matchICAO_D2() {
        let mrzInformation = Array("L898902C<369080619406236".utf8)
        let kSeed = Array(HashAlgorithm.sha1.hash(mrzInformation).prefix(16))
        #expect(kSeed == h("239AB9CB282DAF66231DC5A4DF6BFBAE"))
        #expect(KeyDerivation.derive(sharedSecret: kSeed, purpose: .encryption, cipher: .tripleDES)
            == h("AB94FDECF2674FDFB9B391F85D7F76F2"))
        #expect(KeyDerivation.derive(sharedSecret: kSeed, purpose: .mac, cipher: .tripleDES)
            == h("7962D9ECE03D1ACD4C76089DCE131543"))
    }

    /// ICAO 9303-11 Appendix D.2: the unadjusted Ka ‖ Kb and their parity-adjusted forms.
    @Test func desParity_matchesICAO_D2() {
        #expect(DESParity.adjusted(h("AB94FCEDF2664EDFB9B291F85D7F77F2")) == h("AB94FDECF2674FDFB9B391F85D7F76F2"))
        #expect(DESParity.adjusted(h("7862D9ECE03C1BCD4D77089DCF131442")) == h("7962D9ECE03D1ACD4C76089DCE131543"))
    }

    /// ICAO 9303-11 Appendix D.3: session keys from K_seed = K.IFD ⊕ K.IC.
    @Test func bacSessionKeys_matchICAO_D3() {
        let kSeed = h("0036D272F5C350ACAC50C3F572D23600")
        #expect(KeyDerivation.derive(sharedSecret: kSeed, purpose: .encryption, cipher: .tripleDES)
            == h("979EC13B1CBFE9DCD01AB0FED307EAE5"))
        #expect(KeyDerivation.derive(sharedSecret: kSeed, purpose: .mac, cipher: .tripleDES)
            == h("F1CB1F1FB5ADF208806B89DC579DC1F8"))
    }

    /// ICAO 9303-11 Appendix G.1: K = SHA-1(MRZ_information of T22000129/640812/101031), K_π = KDF_π(K) for
    /// AES-128, and the session keys from the ECDH shared secret.
    @Test func paceKeys_matchICAO_G1() {
        let k = HashAlgorithm.sha1.hash(Array("T22000129364081251010318".utf8))
        #expect(k == h("7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD"))
        #expect(KeyDerivation.derive(sharedSecret: k, purpose: .password, cipher: .aes128)
            == h("89DED1B26624EC1E634C1989302849DD"))
        let shared = h("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925")
        #expect(KeyDerivation.derive(sharedSecret: shared, purpose: .encryption, cipher: .aes128)
            == h("F5F0E35C0D7161EE6724EE513A0D9A7F"))
        #expect(KeyDerivation.derive(sharedSecret: shared, purpose: .mac, cipher: .aes128)
            == h("FE251C7858B356B24514B3BD5F4297D1"))
    }

    /// ICAO 9303-11 §9.7.1.1 for AES-192/256: the first 24 / all 32 bytes of SHA-256(K ‖ c). Expected values
    /// are computed independently with Python's hashlib: sha256(K ‖ 00000001) and sha256(K ‖ 00000002).
    @Test func aes192And256_useSHA256() {
        let shared = h("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925")
        #expect(KeyDerivation.derive(sharedSecret: shared, purpose: .encryption, cipher: .aes256)
            == h("8419651A9932A555FE20D96406746A82F750F4CCB3D6BE786D4630BCC681BF0E"))
        #expect(KeyDerivation.derive(sharedSecret: shared, purpose: .encryption, cipher: .aes192)
            == h("8419651A9932A555FE20D96406746A82F750F4CCB3D6BE78"))
        #expect(KeyDerivation.derive(sharedSecret: shared, purpose: .mac, cipher: .aes256)
            == h("AA35FDB8D201BC2FD2BD98550C6FE549568C5E769BE67F04733673B7C910A59F"))
    }
}

@Suite struct HashTests {
    /// FIPS 180-4 examples (NIST CSRC "SHA examples"): the digests of "abc".
    @Test(arguments: [
        (HashAlgorithm.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (.sha224, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"),
        (.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (.sha384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
        (.sha512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
    ])
    func abc_matchesFIPS180(algorithm: HashAlgorithm, expected: String) {
        let digest = algorithm.hash(Array("abc".utf8))
        #expect(digest == h(expected))
        #expect(digest.count == algorithm.digestLength)
    }

    @Test func secureRandom_givesTheLengthAsked() throws {
        #expect(try SecureRandom.bytes(0) == [])
        let a = try SecureRandom.bytes(32)
        let b = try SecureRandom.bytes(32)
        #expect(a.count == 32 && a != b)
    }
}
