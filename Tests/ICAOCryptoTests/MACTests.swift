import Testing
import ICAOCrypto

@Suite struct MACTests {
    /// RFC 4493 §4, examples 1–4 (AES-128 key 2b7e1516…).
    @Test(arguments: [
        (0, "bb1d6929e95937287fa37d129b756746"),
        (16, "070a16b46b4d4144f79bdd9dd04a287c"),
        (40, "dfa66747de9ae63030ca32611497c827"),
        (64, "51f0bebf7e3b9d92fc49741779363cfe"),
    ])
    func aesCMAC_matchesRFC4493(length: Int, expected: String) throws {
        let key = h("2b7e151628aed2a6abf7158809cf4f3c")
        let message = h("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
            + "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710")
        #expect(try AESCMAC.mac(key: key, message: Array(message.prefix(length))) == h(expected))
        #expect(try AESCMAC.mac(key: key, message: Array(message.prefix(length)), length: 8)
            == Array(h(expected).prefix(8)))
    }

    @Test func aesCMAC_rejectsBadLengths() {
        #expect(throws: CryptoError.invalidMACLength(17)) { try AESCMAC.mac(key: [UInt8](repeating: 0, count: 16), message: [], length: 17) }
        #expect(throws: CryptoError.invalidKeyLength(algorithm: "AES", length: 10)) {
            try AESCMAC.mac(key: [UInt8](repeating: 0, count: 10), message: [])
        }
    }

    /// ICAO 9303-11 Appendix D.3: M_IFD = MAC(K_MAC, E_IFD), and the chip's M_IC over E_IC.
    @Test func retailMAC_matchesICAO_D3() throws {
        let kMAC = h("7962D9ECE03D1ACD4C76089DCE131543")
        let eIFD = h("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2")
        #expect(try RetailMAC.mac(key: kMAC, message: eIFD) == h("5F1448EEA8AD90A7"))
        let eIC = h("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F")
        #expect(try RetailMAC.mac(key: kMAC, message: eIC) == h("2F2D235D074D7449"))
    }

    /// ICAO 9303-11 Appendix D.4: the MACs of the protected SELECT and READ BINARY commands and responses
    /// (N = SSC ‖ padded header ‖ data objects, padded).
    @Test(arguments: [
        ("887022120C06C2270CA4020C800000008709016375432908C044F68000000000", "BF8B92D635FF24F8"),
        ("887022120C06C2289902900080000000", "FA855A5D4C50A8ED"),
        ("887022120C06C2290CB00000800000009701048000000000", "ED6705417E96BA55"),
        ("887022120C06C22A8709019FF0EC34F99226519902900080", "AD55CC17140B2DED"),
        ("887022120C06C22B0CB00004800000009701128000000000", "2EA28A70F3C7B535"),
    ])
    func retailMAC_matchesICAO_D4(paddedInput: String, mac: String) throws {
        let ksMAC = h("F1CB1F1FB5ADF208806B89DC579DC1F8")
        #expect(try RetailMAC.mac(key: ksMAC, paddedMessage: h(paddedInput)) == h(mac))
    }

    @Test func retailMAC_rejectsUnpaddedInputAndShortKeys() {
        #expect(throws: CryptoError.notBlockAligned(length: 3, blockSize: 8)) {
            try RetailMAC.mac(key: [UInt8](repeating: 0, count: 16), paddedMessage: [1, 2, 3])
        }
        #expect(throws: CryptoError.invalidKeyLength(algorithm: "retail MAC", length: 8)) {
            try RetailMAC.mac(key: [UInt8](repeating: 0, count: 8), message: [1])
        }
    }
}
