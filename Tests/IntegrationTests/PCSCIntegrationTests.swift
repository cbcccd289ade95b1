import CardIO
import Foundation
import Testing
import VirtualCard

/// The PC/SC transport against a real pcscd with the vsmartcard-vpcd driver and the project's virtual chip.
/// Serialized: the tests share the daemon and its two virtual readers.
extension RealPCSCD {
@Suite struct PCSCIntegrationTests {
    static let efCOM: [UInt8] = [0x60, 0x18, 0x5F, 0x01, 0x04] + Array("0107".utf8) + [0x5F, 0x36, 0x06]
        + Array("040000".utf8) + [0x5C, 0x06, 0x61, 0x75, 0x63, 0x6D, 0x6E, 0x6F]
    static let bigFile: [UInt8] = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

    func makeChip() -> ISOFileChip {
        ISOFileChip(files: [0x011E: Self.efCOM, 0x0102: Self.bigFile])
    }

    @Test func listReaders_showsBothVirtualReaders() throws {
        try PCSCDaemon.ensureRunning()
        let names = try PCSCContext().readerNames()
        #expect(names.contains(PCSCDaemon.reader0))
        #expect(names.contains(PCSCDaemon.reader1))
    }

    @Test func cardInserted_isPresentWithItsATR_andEmptyAfterRemoval() throws {
        let chip = makeChip()
        let connection = try PCSCDaemon.insert(chip)
        let status = try #require(try PCSCContext().readerStatuses().first { $0.name == PCSCDaemon.reader1 })
        #expect(status.cardPresent)
        #expect(status.atr == chip.atr)
        try PCSCDaemon.remove(connection)
        let after = try #require(try PCSCContext().readerStatuses().first { $0.name == PCSCDaemon.reader1 })
        #expect(!after.cardPresent)
        #expect(after.atr.isEmpty)
    }

    @Test func waitForChange_seesTheCardArriveAndLeave() throws {
        try PCSCDaemon.ensureRunning()
        let context = try PCSCContext()
        var snapshot = try context.waitForChange(after: nil)
        #expect(snapshot.readers.first { $0.name == PCSCDaemon.reader1 }?.cardPresent == false)

        let connection = VPCDConnection(chip: makeChip(), port: PCSCDaemon.port(of: PCSCDaemon.reader1))
        try connection.connect(timeout: 5)
        connection.serveInBackground()
        snapshot = try waitForReader(context, snapshot, present: true)
        #expect(snapshot.readers.first { $0.name == PCSCDaemon.reader1 }?.atr == makeChip().atr)

        connection.disconnect()
        snapshot = try waitForReader(context, snapshot, present: false)
        #expect(snapshot.readers.first { $0.name == PCSCDaemon.reader1 }?.cardPresent == false)
    }

    private func waitForReader(_ context: PCSCContext, _ start: PCSCContext.Snapshot,
                               present: Bool) throws -> PCSCContext.Snapshot {
        var snapshot = start
        for _ in 0..<10 {
            snapshot = try context.waitForChange(after: snapshot, timeout: 5000)
            if snapshot.readers.first(where: { $0.name == PCSCDaemon.reader1 })?.cardPresent == present {
                return snapshot
            }
        }
        throw HarnessError("no change to present=\(present) seen")
    }

    @Test func waitForChange_timesOut_whenNothingHappens() throws {
        try PCSCDaemon.ensureRunning()
        let context = try PCSCContext()
        let snapshot = try context.waitForChange(after: nil)
        #expect(throws: PCSCError.timeout) { try context.waitForChange(after: snapshot, timeout: 300) }
    }

    @Test func waitForChange_isCancellableFromAnotherThread() throws {
        try PCSCDaemon.ensureRunning()
        let context = try PCSCContext()
        let snapshot = try context.waitForChange(after: nil)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { context.cancel() }
        let start = Date()
        #expect(throws: PCSCError.cancelled) { try context.waitForChange(after: snapshot, timeout: 10_000) }
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func connect_toAnEmptyReader_isNoCard() throws {
        try PCSCDaemon.ensureRunning()
        try PCSCDaemon.waitUntil(PCSCDaemon.reader1, present: false)
        #expect(throws: PCSCError.noCard) { try PCSCContext().connect(reader: PCSCDaemon.reader1) }
    }

    @Test func resolveReader_byIndexNameAndPart() throws {
        try PCSCDaemon.ensureRunning()
        let context = try PCSCContext()
        let names = try context.readerNames()
        let index1 = try #require(names.firstIndex(of: PCSCDaemon.reader1))
        #expect(try context.resolveReader(String(index1)) == PCSCDaemon.reader1)
        #expect(try context.resolveReader("00 01") == PCSCDaemon.reader1)
        #expect(throws: PCSCError.ambiguousReader("virtual", matches: names.filter { $0.contains("Virtual") })) {
            try context.resolveReader("virtual")
        }
        #expect(throws: PCSCError.readerNotFound("nonesuch")) { try context.resolveReader("nonesuch") }
    }

    @Test func transmit_selectsAndReadsAFile() throws {
        let connection = try PCSCDaemon.insert(makeChip())
        defer { try? PCSCDaemon.remove(connection) }
        let card = try PCSCContext().connect(reader: PCSCDaemon.reader1)
        let selectApp = CommandAPDU(cla: 0, ins: 0xA4, p1: 0x04, p2: 0x0C, data: [0xA0, 0, 0, 2, 0x47, 0x10, 0x01])
        #expect(try card.transmit(selectApp).statusWord == .success)
        let selectMF = CommandAPDU(cla: 0, ins: 0xA4, p1: 0x00, p2: 0x0C, data: [0x3F, 0x00])
        #expect(try card.transmit(selectMF).statusWord == .instructionNotSupported)
        #expect(try card.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1F]))
            .statusWord == .fileNotFound)
        #expect(try card.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1E]))
            .statusWord == .success)
        let read = try card.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 256))
        #expect(read.data == Self.efCOM)
        #expect(read.statusWord == .endOfFileBeforeNe)
        let past = try card.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 200, expectedLength: 4))
        #expect(past.statusWord == .wrongParameters)
    }

    @Test func transmit_extendedLengthReadBinary_carriesALargeResponse() throws {
        let connection = try PCSCDaemon.insert(makeChip())
        defer { try? PCSCDaemon.remove(connection) }
        let card = try PCSCContext().connect(reader: PCSCDaemon.reader1)
        _ = try card.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x02]))
        let read = try card.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 4000))
        #expect(read.statusWord == .success)
        #expect(read.data == Array(Self.bigFile[0..<4000]))
        // The odd-INS form with an offset past 32767 is not needed for this file, but the DO'54' form works.
        let odd = try card.transmit(CommandAPDU(cla: 0, ins: 0xB1, p1: 0, p2: 0, data: [0x54, 0x02, 0x40, 0x00],
                                                expectedLength: 256))
        #expect(odd.statusWord == .success)
        #expect(odd.data == [0x53, 0x81, 0xFD] + Array(Self.bigFile[0x4000..<(0x4000 + 0xFD)]))
    }

    @Test func transmit_followsResponseChainingWithGetResponse() throws {
        let chip = makeChip()
        chip.chainResponsesLongerThan = 100
        let connection = try PCSCDaemon.insert(chip)
        defer { try? PCSCDaemon.remove(connection) }
        let card = try PCSCContext().connect(reader: PCSCDaemon.reader1)
        _ = try card.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x02]))
        let read = try card.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 1000))
        #expect(read.statusWord == .success)
        #expect(read.data == Array(Self.bigFile[0..<1000]))
        #expect(chip.received.contains { $0.count >= 2 && $0[1] == 0xC0 })
    }

    @Test func transmit_resendsWithTheExactLe_after6Cxx() throws {
        let chip = makeChip()
        chip.demandsExactLe = true
        let connection = try PCSCDaemon.insert(chip)
        defer { try? PCSCDaemon.remove(connection) }
        let card = try PCSCContext().connect(reader: PCSCDaemon.reader1)
        _ = try card.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1E]))
        let read = try card.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 256))
        #expect(read.statusWord == .success)
        #expect(read.data == Self.efCOM)
        #expect(chip.received.last == [0x00, 0xB0, 0x00, 0x00, UInt8(Self.efCOM.count)])
    }

    @Test func cardVanishingMidExchange_isCardRemoved_andTheReaderRecovers() throws {
        let chip = FaultInjectingChip(wrapping: makeChip(), plan: .init(removeAtExchange: 3))
        let connection = try PCSCDaemon.insert(chip)
        let card = try PCSCContext().connect(reader: PCSCDaemon.reader1)
        _ = try card.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x02]))
        _ = try card.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 200))
        var failure: ChannelError?
        do {
            _ = try card.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 200, expectedLength: 200))
        } catch {
            failure = error
        }
        #expect(failure == .cardRemoved || failure == .noCard, "got \(String(describing: failure))")
        try PCSCDaemon.waitUntil(PCSCDaemon.reader1, present: false)
        #expect(!connection.isConnected)
        // A later exchange on the stale handle fails the same way, without crashing.
        #expect(throws: ChannelError.self) {
            try card.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 1))
        }
        // A fresh card in the same reader works.
        let again = try PCSCDaemon.insert(makeChip())
        defer { try? PCSCDaemon.remove(again) }
        let card2 = try PCSCContext().connect(reader: PCSCDaemon.reader1)
        #expect(try card2.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1E]))
            .statusWord == .success)
    }

    @Test func recordingThroughPCSC_replaysByteForByte() throws {
        let connection = try PCSCDaemon.insert(makeChip())
        defer { try? PCSCDaemon.remove(connection) }
        let card = try PCSCContext().connect(reader: PCSCDaemon.reader1)
        let recorder = RecordingChannel(wrapping: card)
        let commands = [
            CommandAPDU(cla: 0, ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x01, 0x1E]),
            CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 4),
            CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 4, expectedLength: 22),
        ]
        let live = try commands.map { try recorder.transmit($0) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-pcsc-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try recorder.trace(title: "pcsc test", reader: .init(name: PCSCDaemon.reader1, atr: card.status().atr))
            .write(to: url)
        let trace = try Trace(contentsOf: url)
        #expect(trace.reader?.atr == makeChip().atr)
        #expect(trace.exchanges.allSatisfy { ($0.micros ?? -1) >= 0 })
        let replay = ReplayChannel(trace: trace)
        #expect(try commands.map { try replay.transmit($0) } == live)
        #expect(replay.isFinished)
    }
}
}
