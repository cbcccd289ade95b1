import Testing
import ICAOCrypto

@Suite struct EllipticCurveTests {
    /// ICAO 9303-11 Table 4: IDs 8…18 and the byte lengths of their fields and orders.
    @Test(arguments: [
        (8, 24, 24), (9, 24, 24), (10, 28, 28), (11, 28, 28), (12, 32, 32), (13, 32, 32),
        (14, 40, 40), (15, 48, 48), (16, 48, 48), (17, 64, 64), (18, 66, 66),
    ])
    func everyTable4Curve_buildsWithItsSizes_andNegatesG(id: Int, fieldLength: Int, orderLength: Int) throws {
        let curve = try EllipticCurve(standardizedDomainParameterID: id)
        #expect(curve.coordinateLength == fieldLength)
        #expect(curve.orderLength == orderLength)
        #expect(curve.namedCurve?.domainParameterID == id)
        // (n − 1)·G = −G: same x, y' = p − y.
        var nMinus1 = curve.order
        nMinus1[nMinus1.count - 1] -= 1  // n is odd for every Table 4 curve, so no borrow
        let negG = try curve.multiplyGenerator(by: nMinus1)
        #expect(negG.x == curve.generator.x)
        #expect(throws: CryptoError.pointAtInfinity) { try curve.add(negG, curve.generator) }
        // G decodes, and encodes back.
        #expect(try curve.decodePoint(curve.generator.uncompressed) == curve.generator)
    }

    @Test(arguments: [0, 1, 2, 3, 7, 19, 31])
    func otherParameterIDs_areRejected(id: Int) {
        #expect(throws: CryptoError.unsupportedDomainParameterID(id)) {
            try EllipticCurve(standardizedDomainParameterID: id)
        }
    }

    /// RFC 7027 Appendix A.1: ECDH on brainpoolP256r1 (dA, dB, their public keys, x of the shared point).
    @Test func ecdh_brainpoolP256r1_matchesRFC7027() throws {
        let curve = try EllipticCurve(.brainpoolP256r1)
        let dA = h("81DB1EE100150FF2EA338D708271BE38300CB54241D79950F77B063039804F1D")
        let dB = h("55E40BC41E37E3E2AD25C3C6654511FFA8474A91A0032087593852D3E7D76BD3")
        let qA = try curve.publicKey(privateKey: dA)
        #expect(qA.uncompressed == h("04"
            + "44106E913F92BC02A1705D9953A8414DB95E1AAA49E81D9E85F929A8E3100BE5"
            + "8AB4846F11CACCB73CE49CBDD120F5A900A69FD32C272223F789EF10EB089BDC"))
        let qB = try curve.decodePoint(h("04"
            + "8D2D688C6CF93E1160AD04CC4429117DC2C41825E1E9FCA0ADDD34E6F1B39F7B"
            + "990C57520812BE512641E47034832106BC7D3E8DD0E4C7F1136D7006547CEC6A"))
        #expect(try curve.publicKey(privateKey: dB) == qB)
        let z = h("89AFC39D41D3B327814B80940B042590F96556EC91E6AE7939BCE31F3A18BF2B")
        #expect(try curve.sharedSecret(privateKey: dA, peer: qB) == z)
        #expect(try curve.sharedSecret(privateKey: dB, peer: qA) == z)
    }

    /// RFC 5903 §8.1: ECDH on P-256 (i, r, g^i, g^r, x of g^ir).
    @Test func ecdh_p256_matchesRFC5903() throws {
        let curve = try EllipticCurve(standardizedDomainParameterID: 12)
        let i = h("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433")
        let gr = try curve.decodePoint(h("04"
            + "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
            + "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB"))
        #expect(try curve.publicKey(privateKey: i).uncompressed == h("04"
            + "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
            + "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3"))
        #expect(try curve.sharedSecret(privateKey: i, peer: gr)
            == h("D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE"))
    }

    /// ICAO 9303-11 Appendix G.1: the generic mapping on brainpoolP256r1, step by step.
    @Test func genericMapping_matchesICAO_G1() throws {
        let curve = try EllipticCurve(standardizedDomainParameterID: 13)
        let skMapIFD = h("7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99")
        #expect(try curve.publicKey(privateKey: skMapIFD).uncompressed == h("04"
            + "7ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
            + "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"))
        let pkMapIC = try curve.decodePoint(h("04"
            + "824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
            + "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"))
        let sharedH = try curve.multiply(pkMapIC, by: skMapIFD)
        #expect(sharedH.uncompressed == h("04"
            + "60332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5"
            + "0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181"))
        let s = h("3F00C4D39D153F2B2A214A078D899B22")
        let mapped = try curve.add(try curve.multiplyGenerator(by: s), sharedH)
        #expect(mapped.uncompressed == h("04"
            + "8CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2"
            + "8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522"))
        let skIFD = h("A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595")
        #expect(try curve.multiply(mapped, by: skIFD).uncompressed == h("04"
            + "2DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
            + "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"))
        let pkIC = try curve.decodePoint(h("04"
            + "9E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
            + "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"))
        #expect(try curve.sharedSecret(privateKey: skIFD, peer: pkIC)
            == h("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925"))
        // The mapped domain (Ĝ as generator) gives the same public key through publicKey(privateKey:).
        let ephemeral = try curve.withGenerator(mapped)
        #expect(try ephemeral.publicKey(privateKey: skIFD) == (try curve.multiply(mapped, by: skIFD)))
        #expect(ephemeral.order == curve.order)
    }

    /// brainpoolP256r1 from its explicit RFC 5639 §3.4 parameters behaves as the named curve.
    @Test func explicitParameters_matchNamedCurve() throws {
        let named = try EllipticCurve(.brainpoolP256r1)
        let explicit = try EllipticCurve(
            prime: h("A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377"),
            a: h("7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9"),
            b: h("26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6"),
            generator: h("04"
                + "8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262"
                + "547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997"),
            order: h("A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7"),
            cofactor: [1])
        #expect(explicit.namedCurve == nil)
        #expect(explicit.prime == named.prime && explicit.a == named.a && explicit.b == named.b)
        #expect(explicit.generator == named.generator && explicit.order == named.order)
        let d = h("81DB1EE100150FF2EA338D708271BE38300CB54241D79950F77B063039804F1D")
        #expect(try explicit.publicKey(privateKey: d) == (try named.publicKey(privateKey: d)))
    }

    @Test func explicitParameters_withGeneratorOffTheCurve_areRejected() throws {
        #expect(throws: CryptoError.self) {
            try EllipticCurve(
                prime: h("A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377"),
                a: h("7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9"),
                b: h("26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6"),
                generator: h("04"
                    + "8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262"
                    + "547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046998"),
                order: h("A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7"),
                cofactor: [1])
        }
    }

    @Test func decodePoint_rejectsBadEncodings() throws {
        let curve = try EllipticCurve(.brainpoolP256r1)
        let g = curve.generator.uncompressed
        var offCurve = g
        offCurve[offCurve.count - 1] ^= 1
        #expect(throws: CryptoError.invalidPoint("not on the curve")) { try curve.decodePoint(offCurve) }
        #expect(throws: CryptoError.invalidPoint("the point at infinity")) { try curve.decodePoint([0x00]) }
        #expect(throws: CryptoError.invalidPoint("empty encoding")) { try curve.decodePoint([]) }
        #expect(throws: CryptoError.invalidPoint("not an uncompressed point (first byte 2)")) {
            try curve.decodePoint([0x02] + curve.generator.x)
        }
        #expect(throws: CryptoError.invalidPoint("64 bytes, expected 65")) { try curve.decodePoint(Array(g.dropLast())) }
        // A point of another curve.
        let p256 = try EllipticCurve(.p256)
        #expect(throws: CryptoError.invalidPoint("not on the curve")) { try curve.decodePoint(p256.generator.uncompressed) }
    }

    @Test func privateKeys_outside1ToNMinus1_areRejected() throws {
        let curve = try EllipticCurve(.brainpoolP256r1)
        #expect(throws: CryptoError.invalidPrivateKey("zero")) {
            try curve.publicKey(privateKey: [UInt8](repeating: 0, count: 32))
        }
        #expect(throws: CryptoError.invalidPrivateKey("not below the order")) { try curve.publicKey(privateKey: curve.order) }
        #expect(throws: CryptoError.invalidPrivateKey("31 bytes, expected 32")) {
            try curve.publicKey(privateKey: [UInt8](repeating: 1, count: 31))
        }
        let random = try curve.randomPrivateKey()
        #expect(random.count == 32)
        try curve.validatePrivateKey(random)
    }
}
