import Testing
@testable import CardIO

@Suite struct CommandAPDUTests {
    @Test func case1_isHeaderOnly() throws {
        let apdu = CommandAPDU(cla: 0x00, ins: 0xA4, p1: 0x00, p2: 0x0C)
        #expect(try apdu.encoded() == [0x00, 0xA4, 0x00, 0x0C])
        #expect(apdu.isoCase == .case1)
    }

    @Test func case2Short_le256_isWrittenAsZero() throws {
        let apdu = CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0, p2: 0, expectedLength: 256)
        #expect(try apdu.encoded() == [0x00, 0xB0, 0x00, 0x00, 0x00])
    }

    @Test func case2Extended_le65536_isWrittenAsThreeZeros() throws {
        let apdu = CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0, p2: 0, expectedLength: 65536)
        #expect(try apdu.encoded() == [0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00])
    }

    @Test func case3Short() throws {
        let apdu = CommandAPDU(cla: 0x00, ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1E])
        #expect(try apdu.encoded() == [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x1E])
        #expect(apdu.isoCase == .case3)
    }

    @Test func case4Extended_bothLengthsTwoBytes() throws {
        let data = [UInt8](repeating: 0xAB, count: 300)
        let apdu = CommandAPDU(cla: 0x0C, ins: 0xB1, p1: 0, p2: 0, data: data, expectedLength: 1000)
        let bytes = try apdu.encoded()
        #expect(Array(bytes[0..<7]) == [0x0C, 0xB1, 0x00, 0x00, 0x00, 0x01, 0x2C])
        #expect(Array(bytes.suffix(2)) == [0x03, 0xE8])
        #expect(bytes.count == 4 + 3 + 300 + 2)
    }

    @Test func forcedExtended_case4_smallLengths() throws {
        let apdu = CommandAPDU(cla: 0x0C, ins: 0xB0, p1: 0, p2: 0, data: [1, 2], expectedLength: 256)
        #expect(try apdu.encoded(forceExtended: true) == [0x0C, 0xB0, 0, 0, 0x00, 0x00, 0x02, 1, 2, 0x01, 0x00])
    }

    @Test(arguments: [
        CommandAPDU(cla: 0, ins: 0xA4, p1: 4, p2: 0x0C),
        CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 1),
        CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 256),
        CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 257),
        CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 65536),
        CommandAPDU(cla: 0, ins: 0xA4, p1: 4, p2: 0x0C, data: [0xA0, 0, 0, 2, 0x47, 0x10, 0x01]),
        CommandAPDU(cla: 0, ins: 0x88, p1: 0, p2: 0, data: [1, 2, 3], expectedLength: 256),
        CommandAPDU(cla: 0, ins: 0xD6, p1: 0, p2: 0, data: [UInt8](repeating: 7, count: 256)),
        CommandAPDU(cla: 0, ins: 0x2A, p1: 0, p2: 0, data: [UInt8](repeating: 7, count: 1000), expectedLength: 65536),
    ])
    func encodedThenParsed_isTheSameCommand(_ apdu: CommandAPDU) throws {
        #expect(try CommandAPDU(encoded: apdu.encoded()) == apdu)
    }

    @Test func dataTooLong_isATypedError() {
        let apdu = CommandAPDU(cla: 0, ins: 0xD6, p1: 0, p2: 0, data: [UInt8](repeating: 0, count: 65536))
        #expect(throws: APDUError.commandDataTooLong(65536)) { try apdu.encoded() }
    }

    @Test func expectedLengthZero_isRejected() {
        let apdu = CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 0)
        #expect(throws: APDUError.expectedLengthOutOfRange(0)) { try apdu.encoded() }
    }

    @Test func inconsistentLc_isRejected() {
        #expect(throws: APDUError.malformedCommandLength) { try CommandAPDU(encoded: [0, 0xA4, 0, 0, 5, 1, 2]) }
        #expect(throws: APDUError.truncatedCommand(3)) { try CommandAPDU(encoded: [0, 0xA4, 0]) }
    }
}

@Suite struct ExtendedPreferenceTests {
    @Test func chosenExtendedForm_survivesAParseAndReencode() throws {
        let apdu = CommandAPDU(cla: 0x0C, ins: 0xB0, p1: 0, p2: 0, expectedLength: 200, prefersExtendedLength: true)
        let bytes = try apdu.encoded()
        #expect(bytes == [0x0C, 0xB0, 0, 0, 0x00, 0x00, 0xC8])
        #expect(try CommandAPDU(encoded: bytes).encoded() == bytes)
    }
}
