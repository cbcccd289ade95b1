import Testing
@testable import CardIO

/// A card scripted as a function of the command bytes, counting what it is sent.
private final class ScriptedCard {
    var sent: [[UInt8]] = []
    let answer: ([UInt8], Int) -> [UInt8]
    init(_ answer: @escaping ([UInt8], Int) -> [UInt8]) { self.answer = answer }
    func exchange(_ bytes: [UInt8]) throws(ChannelError) -> ResponseAPDU {
        sent.append(bytes)
        do {
            return try ResponseAPDU(encoded: answer(bytes, sent.count))
        } catch {
            throw .transport("scripted answer")
        }
    }
}

@Suite struct ResponseChainingTests {
    private func run(_ command: CommandAPDU, _ card: ScriptedCard) throws(ChannelError) -> ResponseAPDU {
        try ResponseChaining.transmit(command) { (bytes) throws(ChannelError) -> ResponseAPDU in
            try card.exchange(bytes)
        }
    }

    /// ISO/IEC 7816-4 §5.3.4: 61xx is followed by GET RESPONSE with Le = xx until the card ends with 9000.
    @Test func bytesAvailable_areFetchedWithGetResponse_andJoined() throws {
        let card = ScriptedCard { _, n in n == 1 ? [0xAA, 0xBB, 0x61, 0x02] : [0xCC, 0xDD, 0x90, 0x00] }
        let response = try run(.readBinary(offset: 0, expectedLength: 4), card)
        #expect(response.data == [0xAA, 0xBB, 0xCC, 0xDD] && response.statusWord == .success)
        #expect(card.sent == [[0x00, 0xB0, 0x00, 0x00, 0x04], [0x00, 0xC0, 0x00, 0x00, 0x02]])
    }

    /// 6Cxx: the same command again with the exact Le, once.
    @Test func wrongLe_isResentOnce_withTheExactLength() throws {
        let card = ScriptedCard { _, n in n == 1 ? [0x6C, 0x10] : [UInt8](repeating: 7, count: 16) + [0x90, 0x00] }
        let response = try run(.readBinary(offset: 0, expectedLength: 0xDF), card)
        #expect(response.data.count == 16)
        #expect(card.sent == [[0x00, 0xB0, 0x00, 0x00, 0xDF], [0x00, 0xB0, 0x00, 0x00, 0x10]])
    }

    @Test func wrongLe_again_isTheCardsAnswer_notAnotherResend() throws {
        let card = ScriptedCard { _, _ in [0x6C, 0x10] }
        let response = try run(.readBinary(offset: 0, expectedLength: 0xDF), card)
        #expect(response.statusWord == StatusWord(rawValue: 0x6C10))
        #expect(card.sent.count == 1 + ResponseChaining.maxWrongLeResends)
    }

    /// A card that answers 61xx for ever is stopped after the round limit, not looped on.
    @Test func endless61xx_stopsAtTheRoundLimit() {
        let card = ScriptedCard { _, _ in [0x01, 0x61, 0x01] }
        #expect(throws: ChannelError.responseChainTooLong(rounds: ResponseChaining.maxGetResponseRounds,
                                                          bytes: 1 + ResponseChaining.maxGetResponseRounds)) {
            try run(.readBinary(offset: 0, expectedLength: 1), card)
        }
        #expect(card.sent.count == 1 + ResponseChaining.maxGetResponseRounds)
    }

    /// A card that sends more than it announces cannot grow the buffer past the largest response an APDU asks for.
    @Test func oversizedChunks_stopAtTheByteLimit() {
        let card = ScriptedCard { _, _ in [UInt8](repeating: 0x55, count: 1000) + [0x61, 0x00] }
        do {
            _ = try run(.readBinary(offset: 0, expectedLength: 256), card)
            Issue.record("an endless chain was accepted")
        } catch {
            guard case .responseChainTooLong(let rounds, let bytes) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(bytes > ResponseChaining.maxChainedResponseLength && bytes <= ResponseChaining.maxChainedResponseLength + 1000)
            #expect(rounds == 65 && card.sent.count == 66)  // 1000 + 64 × 1000 ≤ 65536 < 1000 + 65 × 1000
        }
    }
}
