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

    /// ICAO 9303-11 §9.8: once the session is open, nothing unprotected is believed. A plain status word — "file
    /// not found" included — is a secure messaging failure that ends the session; only the chip's own 6987/6988
    /// may come plain, and they end it too.
    @Test(arguments: ["6A82", "9000", "6982", "6F00", "6700", "6300", "6D00", "6282", "6B00"])
    func unprotectedStatus_isNeverBelieved(_ status: String) throws {
        let card = replay([("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800", status)])
        let secure = SecureMessagingChannel(base: card, keys: try appendixDKeys(),
                                            counter: SendSequenceCounter(hx("887022120C06C226")))
        let sw = StatusWord(rawValue: UInt16(status, radix: 16)!)
        #expect(throws: SessionError.secureMessaging(.unprotectedStatus(sw))) {
            try secure.send(CommandAPDU(cla: 0x00, ins: 0xA4, p1: 0x02, p2: 0x0C, data: hx("011E")))
        }
        #expect(!secure.isOpen)
        #expect(secure.verifiedResponseCount == 0)
        #expect(throws: SessionError.secureMessaging(.unprotectedStatus(sw))) {
            try secure.send(CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x00, p2: 0x00, expectedLength: 4))
        }
        #expect(card.position == 1)  // nothing more was sent
    }

    @Test(arguments: ["6987", "6988"])
    func chipSecureMessagingError_endsTheSession(_ status: String) throws {
        let card = replay([("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800", status)])
        let secure = SecureMessagingChannel(base: card, keys: try appendixDKeys(),
                                            counter: SendSequenceCounter(hx("887022120C06C226")))
        let sw = StatusWord(rawValue: UInt16(status, radix: 16)!)
        #expect(throws: SessionError.secureMessaging(.sessionClosed(sw))) {
            try secure.send(CommandAPDU(cla: 0x00, ins: 0xA4, p1: 0x02, p2: 0x0C, data: hx("011E")))
        }
        #expect(!secure.isOpen)
    }

    /// Data without secure messaging objects is no answer either.
    @Test func unprotectedData_isRejected() throws {
        let sm = SecureMessaging(keys: try appendixDKeys(), counter: SendSequenceCounter(hx("887022120C06C226")))
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

    /// The SSC: Appendix D.4's answer to SELECT, replayed as the answer to the READ BINARY that follows, carries a
    /// valid MAC under the previous counter value only.
    @Test func answerReplayedUnderAnotherCounter_isRejected() throws {
        let sm = SecureMessaging(keys: try appendixDKeys(), counter: SendSequenceCounter(hx("887022120C06C228")))
        _ = try sm.protect(CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x00, p2: 0x00, expectedLength: 4))
        #expect(throws: SessionError.secureMessaging(.macMismatch)) {
            try sm.unprotect(ResponseAPDU(encoded: hx("990290008E08FA855A5D4C50A8ED9000")))
        }
    }

    /// The forger below (the chip's side of §9.8.5, from the published primitives) reproduces Appendix D.4's
    /// answer byte for byte: so the answers it builds differ from a genuine one only where a test says.
    @Test func forger_reproducesAppendixD4() throws {
        let forger = try Forger()
        let answer = try forger.answer(Forger.do87(try forger.encrypt(hx("60145F01") + hx("80000000"))) + hx("99029000"))
        #expect(answer.encoded == hx("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"))
        #expect(try forger.open(answer) == ResponseAPDU(data: hx("60145F01"), statusWord: .success))
    }

    /// Each structural check of §9.8.5 failing alone, under a MAC that verifies (a chip, or whoever holds the keys,
    /// sending a malformed answer).
    @Test func validMAC_overMalformedObjects_isRejected() throws {
        let f = try Forger()
        let cryptogram = try f.encrypt(hx("60145F01") + hx("80000000"))
        // Padding: the plain block has no 80 marker.
        #expect(throws: SessionError.secureMessaging(.malformedCryptogram)) {
            try f.open(try f.answer(Forger.do87(try f.encrypt(hx("60145F0100000000"))) + hx("99029000")))
        }
        // Padding-content indicator other than 01.
        #expect(throws: SessionError.secureMessaging(.malformedCryptogram)) {
            try f.open(try f.answer(Forger.do87(cryptogram, indicator: 0x02) + hx("99029000")))
        }
        // A cryptogram that is not whole blocks.
        #expect(throws: SessionError.secureMessaging(.malformedCryptogram)) {
            try f.open(try f.answer(Forger.do87(Array(cryptogram.prefix(7))) + hx("99029000")))
        }
        // DO'99' missing, or not two bytes.
        #expect(throws: SessionError.secureMessaging(.missingDataObject(tag: 0x99))) {
            try f.open(try f.answer(Forger.do87(cryptogram)))
        }
        #expect(throws: SessionError.secureMessaging(.malformedDataObject(offset: 0))) {
            try f.open(try f.answer(hx("9903900000")))
        }
        // DO'87' after DO'99', twice DO'99', an object §9.8.5 does not have.
        #expect(throws: SessionError.secureMessaging(.unexpectedDataObject(tag: 0x87, offset: 4))) {
            try f.open(try f.answer(hx("99029000") + Forger.do87(cryptogram)))
        }
        #expect(throws: SessionError.secureMessaging(.unexpectedDataObject(tag: 0x99, offset: 4))) {
            try f.open(try f.answer(hx("99029000") + hx("99026A82")))
        }
        #expect(throws: SessionError.secureMessaging(.unexpectedDataObject(tag: 0x97, offset: 4))) {
            try f.open(try f.answer(hx("99029000") + hx("970100")))
        }
        // DO'8E' not last: whatever follows it would not be authenticated.
        let good = try f.answer(hx("99029000"))
        #expect(throws: SessionError.secureMessaging(.unexpectedDataObject(tag: 0x8E, offset: 4))) {
            try f.open(ResponseAPDU(data: good.data + hx("99026A82"), statusWord: .success))
        }
        // A MAC of another length.
        #expect(throws: SessionError.secureMessaging(.macMismatch)) {
            try f.open(ResponseAPDU(data: hx("99029000") + hx("8E04") + Array(good.data.suffix(8).prefix(4)),
                                    statusWord: .success))
        }
    }

    /// A protected "file not found" (DO'99' = 6A82 under a valid MAC) is the chip's word, and is believed.
    @Test func protectedErrorStatus_isTheChipsWord() throws {
        let f = try Forger()
        #expect(try f.open(try f.answer(hx("99026A82"), status: "6A82")) == ResponseAPDU(statusWord: .fileNotFound))
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

/// Builds protected answers as the chip does (ICAO 9303-11 §9.8.5: DO'87' with the 3DES cryptogram, DO'99', DO'8E'
/// the retail MAC over SSC ‖ objects) from ICAOCrypto's primitives, themselves checked against published vectors:
/// with Appendix D's session keys, for the READ BINARY sent at SSC 887022120C06C229 (the answer's SSC is …2A).
struct Forger {
    let keys: SecureMessagingKeys
    let answerCounter = hx("887022120C06C22A")

    init() throws {
        keys = try SecureMessagingKeys(cipher: .tripleDES, encryptionKey: hx("979EC13B1CBFE9DCD01AB0FED307EAE5"),
                                       macKey: hx("F1CB1F1FB5ADF208806B89DC579DC1F8"))
    }

    /// 3DES-CBC, zero IV, of data already padded (or not, when a test wants it so).
    func encrypt(_ block: [UInt8]) throws -> [UInt8] {
        try BlockCipher.encrypt(block, key: keys.encryptionKey, family: .tripleDES, mode: .cbcZeroIV(.tripleDES))
    }

    static func do87(_ cryptogram: [UInt8], indicator: UInt8 = 0x01) -> [UInt8] {
        [0x87, UInt8(cryptogram.count + 1), indicator] + cryptogram
    }

    /// `objects` ‖ DO'8E' with the MAC over SSC ‖ `objects`, and the outer status word.
    func answer(_ objects: [UInt8], status: String = "9000") throws -> ResponseAPDU {
        let mac = try RetailMAC.mac(key: keys.macKey, paddedMessage: ISO9797Padding.pad(answerCounter + objects,
                                                                                       blockSize: 8))
        return try ResponseAPDU(encoded: objects + [0x8E, 0x08] + mac + hx(status))
    }

    /// Opens `answer` as the terminal does, after sending D.4's READ BINARY.
    func open(_ answer: ResponseAPDU) throws -> ResponseAPDU {
        let sm = SecureMessaging(keys: keys, counter: SendSequenceCounter(hx("887022120C06C228")))
        _ = try sm.protect(CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0x00, p2: 0x00, expectedLength: 4))
        return try sm.unprotect(answer)
    }
}
