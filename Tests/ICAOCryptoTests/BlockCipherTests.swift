import Testing
@testable import ICAOCrypto

/// NIST SP 800-38A Appendix F plaintext, shared by every AES example there.
private let sp80038aPlaintext = h("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    + "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710")
private let sp80038aIV = h("000102030405060708090a0b0c0d0e0f")

@Suite struct BlockCipherTests {
    @Test func aes128CBC_matchesSP80038A_F21() throws {
        let key = h("2b7e151628aed2a6abf7158809cf4f3c")
        let expected = h("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
            + "73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7")
        let c = try BlockCipher.encrypt(sp80038aPlaintext, key: key, family: .aes, mode: .cbc(iv: sp80038aIV))
        #expect(c == expected)
        #expect(try BlockCipher.decrypt(c, key: key, family: .aes, mode: .cbc(iv: sp80038aIV)) == sp80038aPlaintext)
    }

    @Test func aes192CBC_matchesSP80038A_F23() throws {
        let key = h("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b")
        let expected = h("4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a"
            + "571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd")
        #expect(try BlockCipher.encrypt(sp80038aPlaintext, key: key, family: .aes, mode: .cbc(iv: sp80038aIV)) == expected)
    }

    @Test func aes256CBC_matchesSP80038A_F25() throws {
        let key = h("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")
        let expected = h("f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
            + "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b")
        #expect(try BlockCipher.encrypt(sp80038aPlaintext, key: key, family: .aes, mode: .cbc(iv: sp80038aIV)) == expected)
        #expect(try BlockCipher.decrypt(expected, key: key, family: .aes, mode: .cbc(iv: sp80038aIV)) == sp80038aPlaintext)
    }

    @Test func aes128ECB_matchesSP80038A_F11() throws {
        let key = h("2b7e151628aed2a6abf7158809cf4f3c")
        let expected = h("3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf"
            + "43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4")
        #expect(try BlockCipher.encrypt(sp80038aPlaintext, key: key, family: .aes, mode: .ecb) == expected)
    }

    /// ICAO 9303-11 Appendix D.3: E_IFD = E(K_Enc, RND.IFD ‖ RND.IC ‖ K.IFD), and the chip's E_IC decrypts to
    /// RND.IC ‖ RND.IFD ‖ K.IC.
    @Test func tripleDESCBC_matchesICAO_D3() throws {
        let kEnc = h("AB94FDECF2674FDFB9B391F85D7F76F2")
        let s = h("781723860C06C2264608F919887022120B795240CB7049B01C19B33E32804F0B")
        let eIFD = try BlockCipher.encrypt(s, key: kEnc, family: .tripleDES, mode: .cbcZeroIV(.tripleDES))
        #expect(eIFD == h("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2"))
        let eIC = h("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F")
        let r = try BlockCipher.decrypt(eIC, key: kEnc, family: .tripleDES, mode: .cbcZeroIV(.tripleDES))
        #expect(r == h("4608F91988702212781723860C06C2260B4F80323EB3191CB04970CB4052790B"))
    }

    /// `openssl enc -des-ede-ecb -K 0123456789abcdef0123456789abcdef -nopad` of 0123456789abcdef (K1 = K2, so
    /// single DES): the classic DES test "0123456789ABCDEF" under itself.
    @Test func tripleDESECB_withEqualHalves_isSingleDES() throws {
        let key = h("0123456789abcdef0123456789abcdef")
        #expect(try BlockCipher.encrypt(h("0123456789abcdef"), key: key, family: .tripleDES, mode: .ecb)
            == h("56cc09e7cfdc4cef"))
    }

    @Test func rejectsUnalignedInput_wrongKeyAndIVLengths() {
        #expect(throws: CryptoError.notBlockAligned(length: 5, blockSize: 16)) {
            try BlockCipher.encrypt([1, 2, 3, 4, 5], key: [UInt8](repeating: 0, count: 16), family: .aes, mode: .ecb)
        }
        #expect(throws: CryptoError.invalidKeyLength(algorithm: "3DES", length: 8)) {
            try BlockCipher.encrypt([UInt8](repeating: 0, count: 8), key: [UInt8](repeating: 0, count: 8),
                                    family: .tripleDES, mode: .ecb)
        }
        #expect(throws: CryptoError.invalidIVLength(expected: 16, actual: 8)) {
            try BlockCipher.encrypt([UInt8](repeating: 0, count: 16), key: [UInt8](repeating: 0, count: 16),
                                    family: .aes, mode: .cbc(iv: [UInt8](repeating: 0, count: 8)))
        }
    }

    @Test func padding_method2_roundTripsAndRejectsGarbage() throws {
        #expect(ISO9797Padding.pad(h("011E"), blockSize: 8) == h("011E800000000000"))
        #expect(ISO9797Padding.pad([UInt8](repeating: 1, count: 8), blockSize: 8).count == 16)
        #expect(ISO9797Padding.pad([], blockSize: 16) == h("80000000000000000000000000000000"))
        #expect(try ISO9797Padding.unpad(h("60145F0180000000"), blockSize: 8) == h("60145F01"))
        #expect(try ISO9797Padding.unpad(h("80"), blockSize: 8) == [])
        #expect(throws: CryptoError.invalidPadding) { try ISO9797Padding.unpad(h("60145F0100000000"), blockSize: 8) }
        #expect(throws: CryptoError.invalidPadding) { try ISO9797Padding.unpad([], blockSize: 8) }
        #expect(throws: CryptoError.invalidPadding) {
            try ISO9797Padding.unpad(h("800000000000000000"), blockSize: 8)
        }
    }
}
