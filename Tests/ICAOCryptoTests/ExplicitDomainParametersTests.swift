import Foundation
import Testing
import ICAOCrypto

/// Explicit elliptic-curve domain parameters as documents carry them in DG14 and DG15: a standard curve written
/// out is recognised by all of its parameters; any other set is checked before use, and a bad one names its defect.
/// Parameters are published ones (RFC 5639 §3.4 for brainpool, FIPS 186-4 D.1.2.3 for P-256), as
/// `openssl ecparam -param_enc explicit -text` prints them.
@Suite struct ExplicitDomainParametersTests {
    struct Parameters {
        var p, a, b, g, n, h: [UInt8]
    }

    /// RFC 5639 §3.4 brainpoolP256r1.
    static let brainpoolP256r1 = Parameters(
        p: h("A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377"),
        a: h("7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9"),
        b: h("26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6"),
        g: h("04" + "8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262"
             + "547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997"),
        n: h("A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7"), h: [1])

    /// RFC 5639 §3.4 brainpoolP256t1 (the twisted curve: a = p − 3), outside ICAO 9303-11 Table 4.
    static let brainpoolP256t1 = Parameters(
        p: h("A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377"),
        a: h("A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5374"),
        b: h("662C61C430D84EA4FE66A7733D0B76B7BF93EBC4AF2F49256AE58101FEE92B04"),
        g: h("04" + "A3E8EB3CC1CFE7B7732213B23A656149AFA142C47AAFBC2B79A191562E1305F4"
             + "2D996C823439C56D7F7B22E14644417E69BCB6DE39D027001DABE8F35B25C9BE"),
        n: h("A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7"), h: [1])

    /// FIPS 186-4 D.1.2.3 P-256, with a leading zero octet on p, a and n as DER INTEGERs and some encoders keep.
    static let p256 = Parameters(
        p: h("00FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF"),
        a: h("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC"),
        b: h("5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B"),
        g: h("04" + "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
             + "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5"),
        n: h("00FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"), h: [0, 1])

    static func recognizing(_ c: Parameters, cofactor: [UInt8]?? = .none) throws -> EllipticCurve {
        try EllipticCurve(recognizing: c.p, a: c.a, b: c.b, generator: c.g, order: c.n,
                          cofactor: cofactor ?? c.h)
    }

    static func checked(_ c: Parameters) throws(CryptoError) -> EllipticCurve {
        try EllipticCurve(prime: c.p, a: c.a, b: c.b, generator: c.g, order: c.n, cofactor: c.h)
    }

    @Test func standardCurvesWrittenOut_areRecognised() throws {
        #expect(try Self.recognizing(Self.brainpoolP256r1).namedCurve == .brainpoolP256r1)
        #expect(try Self.recognizing(Self.p256).namedCurve == .p256)
        // A cofactor left out (SEC 1 §C.2 allows it) is computed: 1.
        #expect(try Self.recognizing(Self.brainpoolP256r1, cofactor: .some(nil)).namedCurve == .brainpoolP256r1)
        // The generator compressed: brainpoolP256r1's y ends in 97, odd, so 03 ‖ x.
        var compressed = Self.brainpoolP256r1
        compressed.g = [0x03] + Array(compressed.g[1...32])
        #expect(try Self.recognizing(compressed).namedCurve == .brainpoolP256r1)
    }

    @Test func everyParameterTakesPart_inRecognition() throws {
        let r1 = Self.brainpoolP256r1
        #expect(NamedCurve.matching(prime: r1.p, a: r1.a, b: r1.b, generator: r1.g, order: r1.n, cofactor: r1.h)
            == .brainpoolP256r1)
        // Each parameter changed on its own (the generator to 2·G, still on the curve, and the wrong parity of y).
        let twoG = try EllipticCurve(.brainpoolP256r1).multiplyGenerator(by: [2]).uncompressed
        let variants: [Parameters] = [
            Parameters(p: Self.p256.p, a: r1.a, b: r1.b, g: r1.g, n: r1.n, h: r1.h),
            Parameters(p: r1.p, a: Self.brainpoolP256t1.a, b: r1.b, g: r1.g, n: r1.n, h: r1.h),
            Parameters(p: r1.p, a: r1.a, b: Self.brainpoolP256t1.b, g: r1.g, n: r1.n, h: r1.h),
            Parameters(p: r1.p, a: r1.a, b: r1.b, g: twoG, n: r1.n, h: r1.h),
            Parameters(p: r1.p, a: r1.a, b: r1.b, g: [0x02] + Array(r1.g[1...32]), n: r1.n, h: r1.h),
            Parameters(p: r1.p, a: r1.a, b: r1.b, g: r1.g, n: Self.p256.n, h: r1.h),
            Parameters(p: r1.p, a: r1.a, b: r1.b, g: r1.g, n: r1.n, h: [2]),
        ]
        for (i, v) in variants.enumerated() {
            #expect(NamedCurve.matching(prime: v.p, a: v.a, b: v.b, generator: v.g, order: v.n, cofactor: v.h) == nil,
                    "variant \(i)")
        }
        // 2·G is a sound generator of the same group: checked and built as given, without a name.
        let other = try Self.checked(variants[3])
        #expect(other.namedCurve == nil)
    }

    /// brainpoolP256t1 is no Table 4 curve: it is checked and built from its parameters, and computes what
    /// OpenSSL's own key generation gave (`openssl ecparam -name brainpoolP256t1 -genkey`, then `openssl ec -text`).
    @Test func curveOutsideTable4_isBuiltFromItsParameters() throws {
        let t1 = try Self.recognizing(Self.brainpoolP256t1)
        #expect(t1.namedCurve == nil)
        let d = h("1D99949FD41038B466DD71155863016B3C474A4BB113DF56C00FAFF4108EA01F")
        #expect(try t1.publicKey(privateKey: d).uncompressed == h("04"
            + "75664A069DA1AC3552CE50B94D0901DA1B7F0D3157697ED1C948FC07A3138155"
            + "9608107C1BA7F707883BD21DBD797B4DAA2477FDE46418E601C71F4235362D82"))
    }

    /// A key on a curve without a name signs, and OpenSSL's command line verifies the signature with the key's
    /// SubjectPublicKeyInfo (explicit parameters).
    @Test func explicitCurveKey_signs_andTheOpenSSLToolVerifies() throws {
        let t1 = try Self.checked(Self.brainpoolP256t1)
        let key = try ECPrivateKey(curve: t1, privateKey: h("1D99949FD41038B466DD71155863016B3C474A4BB113DF56C00FAFF4108EA01F"))
        let message = Array("challenge".utf8)
        let signature = try key.sign(message: message, digest: .sha256, encoding: .der)
        let spki = try key.publicKey.subjectPublicKeyInfo
        #expect(try key.publicKey.verifyECDSA(signature: signature, encoding: .der, message: message, digest: .sha256))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-ec-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(spki).write(to: folder.appendingPathComponent("pub.der"))
        try Data(signature).write(to: folder.appendingPathComponent("sig.der"))
        try Data(message).write(to: folder.appendingPathComponent("msg"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.currentDirectoryURL = folder
        process.arguments = ["dgst", "-sha256", "-keyform", "DER", "-verify", "pub.der", "-signature", "sig.der", "msg"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func malformedParameters_nameTheirDefect() throws {
        let r1 = Self.brainpoolP256r1
        var one = r1.p
        one[one.count - 1] ^= 0x01  // even
        var plus2 = r1.p
        plus2[plus2.count - 1] &+= 2  // odd, composite
        let mersenne127 = h("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF")  // 2^127 − 1, a prime far too small for the field
        // brainpoolP160r1 (RFC 5639 §3.2): a sound curve, but a field of 160 bits.
        let p160 = Parameters(
            p: h("E95E4A5F737059DC60DFC7AD95B3D8139515620F"), a: h("340E7BE2A280EB74E2BE61BADA745D97E8F7C300"),
            b: h("1E589A8595423412134FAA2DBDEC95C8D8675E58"),
            g: h("04BED5AF16EA3F6A4F62938C4631EB5AF7BDBCDBC31667CB477A1A8EC338F94741669C976316DA6321"),
            n: h("E95E4A5F737059DC60DF5991D45029409E60FC09"), h: [1])
        let cases: [(Parameters, DomainParameterDefect)] = [
            (p160, .fieldSize(bits: 160)),
            (Parameters(p: one, a: r1.a, b: r1.b, g: r1.g, n: r1.n, h: r1.h), .fieldNotPrime),
            (Parameters(p: plus2, a: r1.a, b: r1.b, g: r1.g, n: r1.n, h: r1.h), .fieldNotPrime),
            (Parameters(p: r1.p, a: r1.p, b: r1.b, g: r1.g, n: r1.n, h: r1.h), .coefficientNotFieldElement),
            (Parameters(p: r1.p, a: [0], b: [0], g: r1.g, n: r1.n, h: r1.h), .singularCurve),
            (Parameters(p: r1.p, a: r1.a, b: r1.b, g: r1.g, n: plus2, h: r1.h), .orderNotPrime),
            (Parameters(p: r1.p, a: r1.a, b: r1.b, g: r1.g, n: r1.p, h: r1.h), .anomalous),
            (Parameters(p: r1.p, a: r1.a, b: r1.b, g: r1.g, n: r1.n, h: [0]), .cofactorImplausible),
            (Parameters(p: r1.p, a: r1.a, b: r1.b, g: r1.g, n: r1.n, h: h("010000000000")), .cofactorImplausible),
            (Parameters(p: r1.p, a: r1.a, b: r1.b, g: r1.g, n: mersenne127, h: r1.h), .orderOutsideHasseBound),
            (Parameters(p: r1.p, a: r1.a, b: r1.b, g: [0x04] + [UInt8](repeating: 1, count: 64), n: r1.n, h: r1.h),
             .generatorNotOnCurve),
            (Parameters(p: r1.p, a: r1.a, b: r1.b, g: [0x00], n: r1.n, h: r1.h), .generatorNotOnCurve),
            (Parameters(p: [], a: r1.a, b: r1.b, g: r1.g, n: r1.n, h: r1.h), .implausibleLength),
        ]
        for (i, (parameters, defect)) in cases.enumerated() {
            #expect(throws: CryptoError.invalidDomainParameters(defect), "case \(i)") {
                _ = try Self.checked(parameters)
            }
        }
    }
}
