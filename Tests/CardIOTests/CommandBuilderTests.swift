import Foundation
import Testing
@testable import CardIO

private func hx(_ text: String) -> [UInt8] { try! [UInt8](hex: text) }

/// Each builder against the bytes the standards publish (ICAO 9303-11 Appendix D.3/D.4 for BAC and the plain
/// commands of secure messaging, Appendix G.1 for PACE), or, where no appendix shows the command, bytes written
/// out by hand from the cited clause.
@Suite struct CommandBuilderTests {
    @Test func selectFile_EFCOM_isAppendixD4() throws {
        // 9303-11 D.4: "Select EF.COM: unprotected command APDU 00 A4 02 0C 02 01 1E".
        #expect(try CommandAPDU.selectFile(0x011E).encoded() == hx("00A4020C02011E"))
    }

    @Test func selectCardAccess_selectsFID011C() throws {
        #expect(try CommandAPDU.selectCardAccess.encoded() == hx("00A4020C02011C"))
    }

    @Test func selectApplication_eMRTD_isByDFNameWithoutFCI() throws {
        // 9303-10 §3.6.3: the eMRTD application A0 00 00 02 47 10 01, P1 04 by name, P2 0C no answer data.
        #expect(try CommandAPDU.selectApplication(hx("A0000002471001")).encoded() == hx("00A4040C07A0000002471001"))
    }

    @Test func readBinary_atOffset_isAppendixD4() throws {
        // 9303-11 D.4: "Read Binary of first four bytes: 00 B0 00 00 04", then "00 B0 00 04 12".
        #expect(try CommandAPDU.readBinary(offset: 0, expectedLength: 4).encoded() == hx("00B0000004"))
        #expect(try CommandAPDU.readBinary(offset: 4, expectedLength: 0x12).encoded() == hx("00B0000412"))
        #expect(try CommandAPDU.readBinary(offset: 0x7FFF, expectedLength: 0xDF).encoded() == hx("00B07FFFDF"))
    }

    @Test func readBinary_byShortFileIdentifier_setsBit8OfP1() throws {
        // ISO/IEC 7816-4 READ BINARY: P1 = 100xxxxx with the SFI; EF.COM's SFI is 1E, EF.CardAccess' 1C.
        #expect(try CommandAPDU.readBinary(shortFileIdentifier: 0x1E, expectedLength: 1).encoded() == hx("00B09E0001"))
        #expect(try CommandAPDU.readBinary(shortFileIdentifier: 0x02, expectedLength: 0xDF).encoded() == hx("00B08200DF"))
        // Ne = 65536 in the extended form: 00 followed by 00 00.
        #expect(try CommandAPDU.readBinary(shortFileIdentifier: 0x1C, expectedLength: 65536).encoded()
                == hx("00B09C00000000"))
        // A short Ne asked for in the extended form, as the link probe does.
        #expect(try CommandAPDU.readBinary(shortFileIdentifier: 0x01, expectedLength: 0xDF, extendedLength: true)
            .encoded() == hx("00B081000000DF"))
    }

    @Test func readBinary_oddINS_carriesTheOffsetInDO54() throws {
        // ISO/IEC 7816-4 READ BINARY B1: data = 54 L offset; two offset bytes up to 65535, three beyond.
        #expect(try CommandAPDU.readBinary(beyond: 0x8000, expectedLength: 0xDF).encoded() == hx("00B100000454028000DF"))
        #expect(try CommandAPDU.readBinary(beyond: 0x012345, expectedLength: 0x80).encoded()
                == hx("00B1000005540301234580"))
    }

    @Test func getChallenge_isAppendixD3() throws {
        #expect(try CommandAPDU.getChallenge().encoded() == hx("0084000008"))
    }

    @Test func externalAuthenticate_isAppendixD3() throws {
        // 9303-11 D.3: cmd_data = E_IFD ‖ M_IFD, sent with Lc 28 and Le 28.
        let data = hx("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A7")
        #expect(try CommandAPDU.externalAuthenticate(data).encoded() == hx("0082000028") + data + [0x28])
    }

    @Test func internalAuthenticate_shortAndExtended() throws {
        let challenge = hx("0102030405060708")
        // Lc 08, the challenge, Le 00 (256); extended: Lc 00 00 08, Le 00 00 (65536).
        #expect(try CommandAPDU.internalAuthenticate(challenge).encoded() == hx("0088000008") + challenge + [0x00])
        #expect(try CommandAPDU.internalAuthenticate(challenge, extendedLength: true).encoded()
                == hx("00880000000008") + challenge + [0x00, 0x00])
    }

    @Test func mseSetATForPACE_isAppendixG1() throws {
        // 9303-11 G.1: id-PACE-ECDH-GM-AES-CBC-CMAC-128, MRZ password (reference 1), brainpoolP256r1 (ID 13).
        let command = CommandAPDU.mseSetATForPACE(protocolOID: hx("04007F00070202040202"), passwordReference: 1,
                                                  domainParameterReference: 13)
        #expect(try command.encoded() == hx("0022C1A412800A04007F0007020204020283010184010D"))
        let withoutParameters = CommandAPDU.mseSetATForPACE(protocolOID: hx("04007F00070202040202"),
                                                            passwordReference: 2, domainParameterReference: nil)
        #expect(try withoutParameters.encoded() == hx("0022C1A40F800A04007F00070202040202830102"))
    }

    @Test func generalAuthenticate_chainedSteps_andMutualAuthentication_areAppendixG1() throws {
        // Step 1: an empty 7C under command chaining (CLA 10), Le 00.
        #expect(try CommandAPDU.generalAuthenticate([], chained: true).encoded() == hx("10860000027C0000"))
        // Step 4: 7C { 85 T_IFD } without chaining.
        #expect(try CommandAPDU.generalAuthenticate(hx("8508C2B0BD78D94BA866"), chained: false).encoded()
                == hx("008600000C7C0A8508C2B0BD78D94BA86600"))
    }

    @Test func generalAuthenticate_mappingStep_replaysTheG1Trace() throws {
        // The G.1 trace's second exchange carries 7C { 81 PK_map,IFD }: rebuilding it from the inner object gives
        // the recorded bytes (CLA 10, short Lc, Le 00).
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let trace = try Trace(contentsOf: root.appendingPathComponent("Vectors/icao/pace-g1.json"))
        let recorded = trace.exchanges[2].command
        let inner = Array(recorded[7..<(recorded.count - 1)])
        #expect(inner.first == 0x81)
        #expect(try CommandAPDU.generalAuthenticate(inner, chained: true).encoded() == recorded)
    }

    @Test func mseSetATForChipAuthentication_withAndWithoutKeyID() throws {
        // 9303-11 §6.2.4.2: 80 = id-CA-ECDH-AES-CBC-CMAC-128 (0.4.0.127.0.7.2.2.3.2.2), 84 = key ID.
        let oid = hx("04007F00070202030202")
        #expect(try CommandAPDU.mseSetATForChipAuthentication(protocolOID: oid, keyID: nil).encoded()
                == hx("002241A40C800A04007F00070202030202"))
        #expect(try CommandAPDU.mseSetATForChipAuthentication(protocolOID: oid, keyID: 1).encoded()
                == hx("002241A40F800A04007F00070202030202840101"))
    }

    @Test func mseSetKAT_carriesTheEphemeralKeyInDO91() throws {
        // 9303-11 §6.2.4.1: 91 = the terminal's ephemeral public key, 84 = key ID.
        let point = [0x04] + [UInt8](repeating: 0xAA, count: 64)
        let bytes = try CommandAPDU.mseSetKAT(ephemeralPublicKey: point, keyID: 128).encoded()
        #expect(Array(bytes.prefix(7)) == hx("002241A6479141"))
        #expect(Array(bytes[7..<72]) == point)
        #expect(Array(bytes.suffix(4)) == hx("84020080"))
        #expect(bytes.count == 5 + 0x47)
    }

    @Test func getResponse_keepsOnlyTheLogicalChannel_andWrites256AsZero() throws {
        #expect(try CommandAPDU.getResponse(expectedLength: 256, logicalChannelOf: 0x0C).encoded() == hx("00C0000000"))
        #expect(try CommandAPDU.getResponse(expectedLength: 0x10, logicalChannelOf: 0x11).encoded() == hx("01C0000010"))
    }

    @Test(arguments: [(0, "00"), (13, "0D"), (127, "7F"), (128, "0080"), (255, "00FF"), (256, "0100"), (-1, "FF")])
    func integerContent_isMinimalDER(_ value: Int, _ hex: String) {
        #expect(BERDataObject.integerContent(value) == hx(hex))
    }

    @Test func dataObjectLengths_shortAndLongForms() {
        #expect(BERDataObject.encodeLength(0x7F) == [0x7F])
        #expect(BERDataObject.encodeLength(0x80) == [0x81, 0x80])
        #expect(BERDataObject.encodeLength(0x1234) == [0x82, 0x12, 0x34])
    }
}
