import CardIO
import ICAOCrypto
import Testing
@testable import ICAOSession

/// ICAO 9303-11 Appendix D.3 session keys and SSC.
private func appendixDKeys() throws -> SecureMessagingKeys {
    try SecureMessagingKeys(cipher: .tripleDES, encryptionKey: hx("979EC13B1CBFE9DCD01AB0FED307EAE5"),
                            macKey: hx("F1CB1F1FB5ADF208806B89DC579DC1F8"))
}

/// ICAO 9303-11 Appendix G.1 session keys.
private func appendixGKeys() throws -> SecureMessagingKeys {
    try SecureMessagingKeys(cipher: .aes128, encryptionKey: hx("F5F0E35C0D7161EE6724EE513A0D9A7F"),
                            macKey: hx("FE251C7858B356B24514B3BD5F4297D1"))
}

@Suite struct SecureMessagingTests {
    /// ICAO 9303-11 Appendix D.4: the codec alone, command by command, SSC by SSC.
    @Test func appendixD4_protectAndUnprotect() throws {
        let sm = SecureMessaging(keys: try appendixDKeys(), counter: SendSequenceCounter(hx("887022120C06C226")))
        let select = try sm.protect(CommandAPDU(cla: 0x00, ins: 0xA4, p1: 0x02, p2: 0x0C, data: hx("011E")))
        #expect(try select.encoded() == hx("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800"))
        #expect(sm.counter.bytes == hx("887022120C06C227"))
        let selected = try sm.unprotect(ResponseAPDU(encoded: hx("990290008E08FA855A5D4C50A8ED9000")))
        #expect(selected == ResponseAPDU(data: [], statusWord: .success))
        #expect(sm.counter.bytes == hx("887022120C06C228"))
        let read = try sm.protect(CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x00, p2: 0x00, expectedLength: 4))
        #expect(try read.encoded() == hx("0CB000000D9701048E08ED6705417E96BA5500"))
        let data = try sm.unprotect(ResponseAPDU(encoded: hx("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")))
        #expect(data.data == hx("60145F01"))
    }

    /// A response MAC altered in one bit is an error, never data, and ends the session.
    @Test func tamperedResponseMAC_isRejected_andClosesTheSession() throws {
        let card = replay([
            ("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800", "990290008E08FA855A5D4C50A8EC9000"),
        ])
        let secure = SecureMessagingChannel(base: card, keys: try appendixDKeys(),
                                            counter: SendSequenceCounter(hx("887022120C06C226")))
        #expect(throws: SessionError.secureMessaging(.macMismatch)) {
            try secure.send(CommandAPDU(cla: 0x00, ins: 0xA4, p1: 0x02, p2: 0x0C, data: hx("011E")))
        }
        #expect(!secure.isOpen)
        #expect(throws: SessionError.secureMessaging(.macMismatch)) {
            try secure.send(CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x00, p2: 0x00, expectedLength: 4))
        }
        #expect(throws: ChannelError.transport("secure messaging: the response MAC does not verify")) {
            try secure.transmit(CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x00, p2: 0x00, expectedLength: 4))
        }
    }

    /// Tampered encrypted data with the original MAC: the MAC covers DO'87', so this fails too.
    @Test func tamperedCryptogram_isRejected() throws {
        let sm = SecureMessaging(keys: try appendixDKeys(), counter: SendSequenceCounter(hx("887022120C06C228")))
        _ = try sm.protect(CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x00, p2: 0x00, expectedLength: 4))
        #expect(throws: SessionError.secureMessaging(.macMismatch)) {
            try sm.unprotect(ResponseAPDU(encoded: hx("8709019FF0EC34F9922650990290008E08AD55CC17140B2DED9000")))
        }
    }

    /// The chip's plain 6988 / 6982 (no DO'99', no DO'8E') is reported as that status; 6988 ends the session.
    @Test func unprotectedErrorStatus_isReportedAsSuch() throws {
        let card = replay([
            ("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800", "6982"),
            ("0CB000000D9701048E08ED6705417E96BA5500", "6988"),
        ])
        // The SSC advances for each response as on the chip, so the second command is D.4's second one.
        let secure = SecureMessagingChannel(base: card, keys: try appendixDKeys(),
                                            counter: SendSequenceCounter(hx("887022120C06C226")))
        let denied = try secure.send(CommandAPDU(cla: 0x00, ins: 0xA4, p1: 0x02, p2: 0x0C, data: hx("011E")))
        #expect(denied == ResponseAPDU(data: [], statusWord: .securityStatusNotSatisfied))
        #expect(secure.isOpen)
        let broken = try secure.send(CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x00, p2: 0x00, expectedLength: 4))
        #expect(broken.statusWord == .secureMessagingObjectsIncorrect)
        #expect(!secure.isOpen)
        #expect(throws: SessionError.secureMessaging(.sessionClosed(.secureMessagingObjectsIncorrect))) {
            try secure.send(CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x00, p2: 0x00, expectedLength: 4))
        }
    }

    /// Data or success without protection could come from anyone: rejected.
    @Test func unprotectedDataOrSuccess_isRejected() throws {
        let sm = SecureMessaging(keys: try appendixDKeys(), counter: SendSequenceCounter(hx("887022120C06C226")))
        #expect(throws: SessionError.secureMessaging(.responseNotProtected)) {
            try sm.unprotect(ResponseAPDU(data: [], statusWord: .success))
        }
        #expect(throws: SessionError.secureMessaging(.missingDataObject(tag: 0x8E))) {
            try sm.unprotect(ResponseAPDU(data: hx("99029000"), statusWord: .success))
        }
        #expect(throws: SessionError.secureMessaging(.unexpectedDataObject(tag: 0x53, offset: 0))) {
            try sm.unprotect(ResponseAPDU(data: hx("53026014"), statusWord: .success))
        }
        #expect(throws: SessionError.secureMessaging(.malformedDataObject(offset: 0))) {
            try sm.unprotect(ResponseAPDU(data: hx("8709019FF0"), statusWord: .success))
        }
        #expect(throws: SessionError.secureMessaging(.malformedDataObject(offset: 0))) {
            try sm.unprotect(ResponseAPDU(data: hx("8784FFFFFFFF"), statusWord: .success))
        }
    }

    @Test func counter_incrementsBigEndian_andWraps() {
        var c = SendSequenceCounter(hx("00000000000000FF"))
        c.increment()
        #expect(c.bytes == hx("0000000000000100"))
        var top = SendSequenceCounter(hx("FFFF"))
        top.increment()
        #expect(top.bytes == hx("0000"))
    }

    /// AES secure messaging with the G.1 session keys from SSC 0 (IV = E(KS_Enc, SSC), CMAC/8). No appendix
    /// publishes AES SM exchanges: these bytes were computed independently by Vectors/icao/verify-icao-vectors.py.
    @Test func aes128_afterG1_matchesIndependentComputation() throws {
        let card = replay([
            ("0CA4040C1D871101752F676B09FAC86A87D632749A49C7CC8E08C18BA1FCE707BD9F00",
             "990290008E08BEA7B381C494A0799000"),
            ("0CB09E000D9701048E080B677D403928060A00",
             "871101645C0B1F998A088278D07942BBE94B60990290008E0894A33C6AA2D8CCC89000"),
            ("0CB000040D9701208E086DFF9DF1B8F5F9FC00",
             "8721010248E4CD1A0FA420C073DE04232C67718D603F01B5F537079CBAC9F70B4CADF2990262828E08665FB691E5FE8E8B6282"),
        ])
        let secure = SecureMessagingChannel(base: card, keys: try appendixGKeys(), counter: .zero(length: 16))
        let aid = try secure.send(CommandAPDU(cla: 0x00, ins: 0xA4, p1: 0x04, p2: 0x0C, data: hx("A0000002471001")))
        #expect(aid.isSuccess && aid.data.isEmpty)
        let head = try secure.send(CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x9E, p2: 0x00, expectedLength: 4))
        #expect(head == ResponseAPDU(data: hx("60145F01"), statusWord: .success))
        let tail = try secure.send(CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x00, p2: 0x04, expectedLength: 0x20))
        #expect(tail == ResponseAPDU(data: hx("04303130365F36063034303030305C026175"), statusWord: .endOfFileBeforeNe))
        #expect(secure.session.counter.bytes == hx("00000000000000000000000000000006"))
        #expect(card.isFinished)
    }

    /// An extended Le (1000) is carried as a two-byte DO'97' and the protected command becomes extended with
    /// Le' = 0000 (ICAO 9303-11 §9.8.4). Bytes computed independently by Vectors/icao/verify-icao-vectors.py.
    @Test func extendedLe_isProtectedAsExtended() throws {
        let sm = SecureMessaging(keys: try appendixDKeys(), counter: .zero(length: 8))
        let command = try sm.protect(CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x00, p2: 0x00, expectedLength: 1000))
        #expect(try command.encoded() == hx("0CB0000000000E970203E88E08F65AEB59F2BEACA20000"))
    }

    /// Odd INS: the data goes into DO'85' without a padding-content indicator (ICAO 9303-11 §9.8.4), here with
    /// AES-256 test keys 00…1F (KS_Enc) and 20…3F (KS_MAC). Bytes from Vectors/icao/verify-icao-vectors.py.
    @Test func oddINS_usesDO85_aes256() throws {
        let keys = try SecureMessagingKeys(cipher: .aes256, encryptionKey: (0..<32).map { UInt8($0) },
                                           macKey: (32..<64).map { UInt8($0) })
        let sm = SecureMessaging(keys: keys, counter: .zero(length: 16))
        let command = try sm.protect(CommandAPDU(cla: 0x00, ins: 0xB1, p1: 0x00, p2: 0x00, data: hx("54020100"),
                                                 expectedLength: 256))
        #expect(try command.encoded()
            == hx("0CB100001F8510E77199E77DC9E675CC79BC451521ECF99701008E08BFC1A2264890C72D00"))
    }
    /// Command data that outgrows a short Lc once wrapped (240 bytes → DO'87' of 252, plus DO'8E') makes the
    /// protected command extended, Le' = 0000. Bytes computed independently by Vectors/icao/verify-icao-vectors.py.
    @Test func longCommandData_isProtectedAsExtended() throws {
        let sm = SecureMessaging(keys: try appendixDKeys(), counter: .zero(length: 8))
        let data = (0..<240).map { UInt8(truncatingIfNeeded: $0 * 3) }
        let command = try sm.protect(CommandAPDU(cla: 0x00, ins: 0xD6, p1: 0x00, p2: 0x00, data: data))
        #expect(try command.encoded() == hx("0CD600000001068781F901134742771D8D28E94337CDBAB9BB6DC0CBF099EAD64E639D3FBC14507DCAB8955E0B82FD06"
            + "5DC3ED52560B4F4603977156705DC47ADEE80801C65DBB8CF001DE3D4CBE92C0D84CEF97653921F0E0354ABF4E4CFE84"
            + "0100F1AD70045100D7F1DB93C16DBFE36BD395D6D35AE704A5A8200244FC102213DA15ACB6FC6EAA4DC158B04BFC4C42"
            + "795DD5745C42F6E75B6C14BF46BE9435ACCF44461D32D8F461B6C267C2F99E3AD05A834B5F23DEB359F245712A5EB80D"
            + "C72036F1CB04B4DC7EC711EED0C627CEE8175497370F2064215BA8803F4FC8BDAEC4857E79CFFD51880C9ADA86A948CA"
            + "2070155787D532852ACEE99663D6B3507EDE1F8E080DE591BA7CF707BD0000"))
    }
}
