import Testing
@testable import LDS

/// EC keys with explicit domain parameters (X9.62 / RFC 3279 `ECParameters`) in DG14 and DG15, as OpenSSL writes
/// them (`openssl ec -param_enc explicit`, Vectors/lds/make_fixtures.sh). Values from FIPS 186-4 D.1.2.3 (P-256)
/// and RFC 5639 §3.4 (brainpoolP256r1).
@Suite struct ExplicitECParametersTests {
    @Test func dg15_p256WrittenOut() throws {
        let bytes = try Fixture.card("DG15-explicit.bin")
        let dg = try DataGroup15(bytes: bytes)
        #expect(dg.publicKey.namedCurve == nil)
        guard case .explicit(let p)? = try dg.publicKey.ecParameters() else {
            Issue.record("not explicit parameters")
            return
        }
        #expect(p.version == 1)
        #expect(p.prime == hex("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF"))
        #expect(p.a == hex("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC"))
        #expect(p.b == hex("5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B"))
        #expect(p.seed == hex("C49D360886E704936A6678E1139D26B7819F7E90"))
        #expect(p.generator == hex("04 6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296"
                                   + "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5"))
        #expect(p.order == hex("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"))
        #expect(p.cofactor == [1])
        // Our encoding of the parameters is OpenSSL's, byte for byte; the file round-trips.
        #expect(p.encoded() == Array(try #require(dg.publicKey.parameters)))
        #expect(dg.encoded() == bytes)
    }

    @Test func dg14_brainpoolP256r1WrittenOut() throws {
        let dg = try DataGroup14(bytes: try Fixture.card("DG14-explicit.bin"))
        let key = try #require(dg.securityInfos.chipAuthenticationPublicKeys.first)
        guard case .explicit(let p)? = try key.publicKey.ecParameters() else {
            Issue.record("not explicit parameters")
            return
        }
        #expect(p.prime == hex("A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377"))
        #expect(p.order == hex("A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7"))
        #expect(p.generator.count == 65)
        // The named key of DG14.bin is the same point.
        let named = try #require(try DataGroup14(bytes: try Fixture.card("DG14.bin")).securityInfos.chipAuthenticationPublicKeys.first)
        #expect(try named.publicKey.ecParameters() == .named(.brainpoolP256r1))
        #expect(named.publicKey.publicKey == key.publicKey.publicKey)
    }

    @Test func malformedParameters_areTypedErrors() throws {
        let good = try #require(try DataGroup15(bytes: try Fixture.card("DG15-explicit.bin")).publicKey.parameters)
        var p = try ExplicitECDomainParameters(der: Array(good))
        // A characteristic-two field (X9.62 1.2.840.10045.1.2).
        var w = TLVWriter()
        w.append(.sequence) { w in
            w.appendInteger(1)
            w.append(.sequence) { w in
                w.appendOID("1.2.840.10045.1.2")
                w.appendInteger(163)
            }
        }
        #expect(throws: TLVError.self) { _ = try ExplicitECDomainParameters(der: w.bytes) }
        // Version 4, an order of zero, a generator that is no encoded point, an `a` longer than p.
        for change in [{ (q: inout ExplicitECDomainParameters) in q.version = 4 },
                       { $0.order = [0] }, { $0.generator = [0x05, 0x01] }, { $0.a = [1] + $0.prime }] {
            var q = p
            change(&q)
            #expect(throws: TLVError.self) { _ = try ExplicitECDomainParameters(der: q.encoded()) }
        }
        // implicitlyCA (NULL) and a missing parameter field are refused for a key.
        let point = [UInt8](repeating: 4, count: 65)
        #expect(throws: TLVError.self) {
            _ = try SubjectPublicKeyInfo.make(algorithm: .ecPublicKey, parameters: [0x05, 0x00], publicKey: point).ecParameters()
        }
        #expect(throws: TLVError.self) {
            _ = try SubjectPublicKeyInfo.make(algorithm: .ecPublicKey, parameters: nil, publicKey: point).ecParameters()
        }
        // A key that is not EC has none.
        #expect(try SubjectPublicKeyInfo.rsa(modulus: [0xC5, 0x01], exponent: [1, 0, 1]).ecParameters() == nil)
        p.cofactor = nil
        #expect(try ExplicitECDomainParameters(der: p.encoded()).cofactor == nil)
    }
}
