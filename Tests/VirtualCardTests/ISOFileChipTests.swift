import CardIO
import Testing
@testable import VirtualCard

@Suite struct ISOFileChipTests {
    let file: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }

    @Test func inProcess_selectAndRead_shortAndExtended() throws {
        let channel = InProcessChannel(chip: ISOFileChip(files: [0x0101: file]))
        #expect(try channel.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 2, p2: 0x0C, data: [0x01, 0x01])).isSuccess)
        let short = try channel.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 256))
        #expect(short.data == Array(file[0..<256]) && short.isSuccess)
        let long = try channel.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 65536))
        #expect(long.data == file && long.statusWord == .endOfFileBeforeNe)
    }

    @Test func shortOnlyChip_capsTheResponseAt256() throws {
        let channel = InProcessChannel(chip: ISOFileChip(files: [0x0101: file], maxExpectedLength: 256))
        _ = try channel.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 2, p2: 0x0C, data: [0x01, 0x01]))
        let read = try channel.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 1000))
        #expect(read.data.count == 256)
    }

    @Test func selectMF_is6D00_likeTheCCCD() throws {
        let channel = InProcessChannel(chip: ISOFileChip())
        let r = try channel.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 0, p2: 0x0C, data: [0x3F, 0x00]))
        #expect(r.statusWord == .instructionNotSupported)
    }

    @Test func readByShortFileIdentifier() throws {
        let channel = InProcessChannel(chip: ISOFileChip(files: [0x011E: [1, 2, 3]]))
        let r = try channel.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0x9E, p2: 0, expectedLength: 3))
        #expect(r.data == [1, 2, 3] && r.isSuccess)
    }

    @Test func faults_removeCorruptAndGarbage() throws {
        let chip = FaultInjectingChip(wrapping: ISOFileChip(files: [0x0101: file]),
                                      plan: .init(removeAtExchange: 4, corruptResponseAtExchange: 2,
                                                  garbageAtExchange: 3))
        let channel = InProcessChannel(chip: chip)
        _ = try channel.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 2, p2: 0x0C, data: [0x01, 0x01]))
        let corrupted = try channel.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 4))
        #expect(corrupted.data == [0, 1, 2, 3 ^ 1])
        #expect(throws: ChannelError.self) {
            try channel.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 4))
        }
        #expect(throws: ChannelError.cardRemoved) {
            try channel.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 4))
        }
        #expect(throws: ChannelError.cardRemoved) {
            try channel.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 4))
        }
    }
}
