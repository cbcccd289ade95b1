import CardIO
import ICAOCrypto
import LDS
import Testing
@testable import VirtualCard

private func h(_ text: String) -> [UInt8] { try! [UInt8](hex: text) }

/// The chip's side of the ICAO 9303-11 worked examples, byte for byte: given the chip's published randomness,
/// it must answer the published commands with the published responses.
@Suite struct EMRTDChipKnownAnswerTests {
    /// ICAO 9303-11 Appendix D.3 (BAC) and D.4 (secure messaging: SELECT EF.COM, two READ BINARY).
    @Test func bacAndSecureMessaging_matchICAO_D3_D4() {
        let configuration = ChipConfiguration(
            files: [0x011E: h("60145F0104303130365F36063034303030305C026175")],
            mrzInformation: "L898902C<369080619406236",
            pace: nil,
            // RND.ICC, then K.ICC (D.3).
            entropy: RecordedEntropy([h("4608F91988702212"), h("0B4F80323EB3191CB04970CB4052790B")]))
        let chip = EMRTDChip(configuration: configuration)
        chip.powerOn()
        let exchanges: [(String, String)] = [
            ("00A4040C07A0000002471001", "9000"),
            ("0084000008", "4608F919887022129000"),
            ("0082000028" + "72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2" + "5F1448EEA8AD90A7" + "28",
             "46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F" + "2F2D235D074D7449" + "9000"),
            ("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800", "990290008E08FA855A5D4C50A8ED9000"),
            ("0CB000000D9701048E08ED6705417E96BA5500", "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"),
            ("0CB000040D9701128E082EA28A70F3C7B53500",
             "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000"),
        ]
        for (index, (command, response)) in exchanges.enumerated() {
            #expect(chip.process(h(command))?.hexString == response, "exchange \(index)")
        }
        #expect(chip.sessionKind == "BAC")
    }

    static let g1PKMapIFD = "047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
        + "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"
    static let g1PKMapIC = "04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
        + "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
    static let g1PKIFD = "042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
        + "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"
    static let g1PKIC = "049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
        + "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"

    /// The G.1 chip: MRZ T22000129/640812/101031, PACE-ECDH-GM-AES-CBC-CMAC-128 on brainpoolP256r1, and the
    /// chip's published nonce s, SK_map,IC and SK_IC as its randomness.
    static func g1Chip() -> EMRTDChip {
        EMRTDChip(configuration: ChipConfiguration(
            files: [:], mrzInformation: "T22000129364081251010318",
            pace: PACESettings(protocolOID: .idPACEECDHGMAESCBCCMAC128, curve: .brainpoolP256r1),
            entropy: RecordedEntropy([
                h("3F00C4D39D153F2B2A214A078D899B22"),
                h("498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560"),
                h("107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A"),
            ])))
    }

    /// ICAO 9303-11 Appendix G.1: PACE ECDH generic mapping, brainpoolP256r1, AES-128 — the chip's answers.
    @Test func pace_matchesICAO_G1() {
        let chip = Self.g1Chip()
        chip.powerOn()
        let exchanges: [(String, String)] = [
            ("0022C1A412800A04007F00070202040202830101" + "84010D", "9000"),
            ("10860000027C0000", "7C12801095A3A016522EE98D01E76CB6B98B42C39000"),
            ("1086000045" + "7C438141" + Self.g1PKMapIFD + "00", "7C438241" + Self.g1PKMapIC + "9000"),
            ("1086000045" + "7C438341" + Self.g1PKIFD + "00", "7C438441" + Self.g1PKIC + "9000"),
            ("008600000C" + "7C0A8508C2B0BD78D94BA866" + "00", "7C0A86083ABB9674BCE93C089000"),
        ]
        for (index, (command, response)) in exchanges.enumerated() {
            #expect(chip.process(h(command))?.hexString == response, "exchange \(index)")
        }
        #expect(chip.sessionKind == "PACE")
    }

    @Test func pace_wrongToken_is6300_andOpensNoSession() {
        let chip = Self.g1Chip()
        chip.powerOn()
        _ = chip.process(h("0022C1A412800A04007F00070202040202830101" + "84010D"))
        _ = chip.process(h("10860000027C0000"))
        _ = chip.process(h("1086000045" + "7C438141" + Self.g1PKMapIFD + "00"))
        _ = chip.process(h("1086000045" + "7C438341" + Self.g1PKIFD + "00"))
        #expect(chip.process(h("008600000C" + "7C0A8508C2B0BD78D94BA867" + "00")) == [0x63, 0x00])
        #expect(chip.sessionKind == nil)
        #expect(chip.failedAuthentications == 1)
    }
}

@Suite struct EMRTDChipStatusWordTests {
    func chip() -> EMRTDChip {
        let chip = EMRTDChip(configuration: ChipConfiguration(
            files: [0x011C: h("3134300d060804007f0007020202020101300f060a04007f000702020302020201013012060a04007f0007020204020202010202010d"),
                    0x011E: h("60145F0104303130365F36063034303030305C026175")],
            cardAccessNumber: "123456", mrzInformation: "L898902C<369080619406236"))
        chip.powerOn()
        return chip
    }

    @Test func selectMF_is6D00() {
        #expect(chip().process(h("00A4000C023F00")) == [0x6D, 0x00])
    }

    @Test func cardAccess_isReadableBeforeAnyAccess() {
        let c = chip()
        #expect(c.process(h("00A4020C02011C")) == [0x90, 0x00])
        let read = c.process(h("00B0000000"))!
        #expect(read.count == 54 + 2 && read.suffix(2) == [0x62, 0x82])
    }

    @Test func efCOM_beforeAccess_is6982_andMissingFile_is6A82() {
        let c = chip()
        #expect(c.process(h("00A4040C07A0000002471001")) == [0x90, 0x00])
        #expect(c.process(h("00A4020C02011E")) == [0x69, 0x82])
        #expect(c.process(h("00A4020C020105")) == [0x6A, 0x82])
        #expect(c.process(h("00A4020C020103")) == [0x69, 0x82])  // DG3 needs terminal authentication
        #expect(c.process(h("00B09E0004")) == [0x69, 0x82])  // EF.COM by short file identifier
    }

    @Test func protectedCommandWithoutSession_is6987() {
        #expect(chip().process(h("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")) == [0x69, 0x87])
    }

    @Test func extendedLength_onAShortOnlyChip_is6700() {
        var configuration = chip().configuration
        configuration.acceptsExtendedLength = false
        let c = EMRTDChip(configuration: configuration)
        c.powerOn()
        #expect(c.process(h("00A4020C02011C")) == [0x90, 0x00])
        #expect(c.process(h("00B00000000400")) == [0x67, 0x00])
    }
}
