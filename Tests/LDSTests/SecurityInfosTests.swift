import Testing
@testable import LDS

@Suite struct SecurityInfosTests {
    // EF.CardAccess of a real CCCD (CCCD.md): TA v1; CA id-CA-ECDH-AES-CBC-CMAC-128 v1;
    // PACE id-PACE-ECDH-GM-AES-CBC-CMAC-128 v2 with parameter ID 13 (brainpoolP256r1, ICAO 9303-11 Table 6).
    static let cardAccess = hex("3134300d060804007f0007020202020101300f060a04007f000702020302020201013012060a04007f0007020204020202010202010d")

    @Test func test_realCardAccess_everyValue() throws {
        let infos = try SecurityInfos(cardAccess: Self.cardAccess)
        #expect(infos.infos.count == 3)
        #expect(infos.infos[0] == .terminalAuthentication(TerminalAuthenticationInfo(protocolID: .idTA, version: 1)))
        #expect(infos.infos[1] == .chipAuthentication(ChipAuthenticationInfo(
            protocolID: .idCAECDHAESCBCCMAC128, version: 1, keyID: nil)))
        #expect(infos.infos[2] == .pace(PACEInfo(protocolID: .idPACEECDHGMAESCBCCMAC128, version: 2, parameterID: 13)))
        #expect(infos.pace.first?.protocolID.dotted == "0.4.0.127.0.7.2.2.4.2.2")
        #expect(infos.chipAuthentication.first?.protocolID.dotted == "0.4.0.127.0.7.2.2.3.2.2")
        #expect(infos.terminalAuthentication?.efCVCA == nil)
        #expect(infos.activeAuthentication == nil)
        #expect(infos.encoded() == Self.cardAccess)
        #expect(try Fixture.card("EF.CardAccess.bin") == Self.cardAccess)
    }

    @Test func test_dg14Fixture() throws {
        let dg = try DataGroup14(bytes: try Fixture.card("DG14.bin"))
        let infos = dg.securityInfos
        let key = try #require(infos.chipAuthenticationPublicKeys.first)
        #expect(key.protocolID == .idPKECDH)
        #expect(key.keyID == nil)
        #expect(Array(key.publicKey.der) == (try Fixture.bytes("keys/test-only-ca.pub.der")))
        #expect(key.publicKey.algorithm == .ecPublicKey)
        #expect(key.publicKey.namedCurve == .brainpoolP256r1)
        #expect(key.publicKey.publicKey.count == 65)
        #expect(key.publicKey.publicKey.first == 0x04)
        #expect(infos.chipAuthentication == [ChipAuthenticationInfo(protocolID: .idCAECDHAESCBCCMAC128, version: 1, keyID: nil)])
        #expect(infos.activeAuthentication == ActiveAuthenticationInfo(version: 1, signatureAlgorithm: .ecdsaPlainSHA256))
        #expect(infos.pace == [PACEInfo(protocolID: .idPACEECDHGMAESCBCCMAC128, version: 2, parameterID: 13)])
        #expect(dg.encoded() == (try Fixture.card("DG14.bin")))
    }

    @Test func test_unknownSecurityInfo_isKeptRaw() throws {
        // A PACEDomainParameterInfo (id-PACE-ECDH-GM, one arc short of a PACEInfo) and a proprietary info.
        let domain = hex("3010 060904007F000702020402 3003 020101")
        let other = hex("3008 0603 2A0304 020105")
        let set = [0x31, UInt8(domain.count + other.count)] + domain + other
        let infos = try SecurityInfos(cardAccess: set)
        #expect(infos.infos == [.other(protocolID: .idPACEECDHGM, der: domain),
                                .other(protocolID: OID(dotted: "1.2.3.4")!, der: other)])
        #expect(infos.encoded() == set)
    }

    @Test func test_malformedInfo_isAPreciseError() {
        // PACEInfo whose version is an OCTET STRING.
        let bytes = hex("3110 300E 060A04007F00070202040202 0400")
        #expect(throws: LDSError(file: .cardAccess, reason: .tlv(.unexpectedTag(offset: 16, expected: .integer, found: .octetString)))) {
            _ = try SecurityInfos(cardAccess: bytes)
        }
        #expect(throws: LDSError(file: .cardAccess, reason: .tlv(.lengthPastEnd(offset: 0, tag: .set, length: 0x34, available: 51)))) {
            _ = try SecurityInfos(cardAccess: Array(Self.cardAccess.dropLast()))
        }
    }

    @Test func test_dg15Fixture() throws {
        let bytes = try Fixture.card("DG15.bin")
        let dg = try DataGroup15(bytes: bytes)
        #expect(Array(dg.publicKey.der) == (try Fixture.bytes("keys/test-only-aa.pub.der")))
        #expect(dg.publicKey.namedCurve == .secp256r1)
        #expect(dg.encoded() == bytes)
    }

    // RFC 8017 A.1.1 RSAPublicKey inside an RFC 5280 SubjectPublicKeyInfo, built by hand: n = 0x00C3 (two
    // octets with the sign octet), e = 65537.
    @Test func test_rsaKey_handWritten() throws {
        let spki = hex("301B 300D 06092A864886F70D0101010500 030A 00 3007 020200C3 0201 03")
        let dg = try DataGroup15(bytes: [0x6F, UInt8(spki.count)] + spki)
        #expect(dg.publicKey.algorithm == .rsaEncryption)
        #expect(dg.publicKey.parameters.map(Array.init) == [0x05, 0x00])
        let rsa = try #require(dg.publicKey.rsaComponents)
        #expect(rsa.modulus == [0xC3])
        #expect(rsa.exponent == [0x03])
        #expect(SubjectPublicKeyInfo.rsa(modulus: [0xC3], exponent: [0x03]).der == spki[...])
    }
}
