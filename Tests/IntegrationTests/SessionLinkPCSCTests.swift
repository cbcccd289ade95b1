import CardIO
import Foundation
import ICAOSession
import LDS
import Testing
import VirtualCard

/// A virtual card that stays in a vpcd reader the way a card on a desk reader does: when its connection drops (a
/// transaction the reader could not complete, the card slipping off), it comes back a moment later, as
/// `cccd emulate` does, until stopped.
final class ReturningCard: @unchecked Sendable {
    private let chip: VirtualChip
    private let port: UInt16
    private let lock = NSLock()
    private var stopped = false
    private var current: VPCDConnection?
    private let done = DispatchSemaphore(value: 0)
    /// How many times it came back.
    private(set) var returns = 0

    init(_ chip: VirtualChip, reader: String = PCSCDaemon.reader1) throws {
        self.chip = chip
        self.port = PCSCDaemon.port(of: reader)
        try PCSCDaemon.ensureRunning()
        Thread.detachNewThread { [self] in serve() }
        try PCSCDaemon.waitUntil(reader, present: true)
    }

    private func serve() {
        while true {
            let connection = VPCDConnection(chip: chip, port: port)
            if (try? connection.connect(timeout: 5)) == nil { break }
            lock.withLock { current = connection }
            if lock.withLock({ stopped }) { connection.disconnect(); break }
            connection.serve()
            if lock.withLock({ stopped }) { break }
            lock.withLock { returns += 1 }
            usleep(300_000)
        }
        done.signal()
    }

    /// Takes the card away for good.
    func stop(reader: String = PCSCDaemon.reader1) {
        lock.withLock {
            stopped = true
            current?.disconnect()
        }
        _ = done.wait(timeout: .now() + 10)
        try? PCSCDaemon.waitUntil(reader, present: false)
    }
}

extension RealPCSCD {
    /// The session layer's link rules through the real pcscd: a transaction the reader could not complete, a card
    /// reset by another program and a stray 6Fxx are retried through the link recovery (bounded), and when they
    /// persist the typed failure is a link failure, never a failed proof.
    @Suite struct SessionLinkPCSCTests {
        static let card = "he-le-khue-2024.json"

        /// A file reader that re-opens the session as the read pipeline does: wait for the card, power it up, PACE.
        func reader(_ pcsc: PCSCCard, _ card: PersonalizedCard,
                    attempts: Counter = Counter()) throws -> FileReader {
            let opened = try ChipAccess.open(over: pcsc, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
            let reader = opened.fileReader()
            reader.reopen = { () throws(SessionError) -> CardChannel in
                attempts.value += 1
                do throws(ChannelError) {
                    try pcsc.recoverLink(timeout: 5)
                } catch {
                    throw .channel(error, step: .reopen)
                }
                return try ChipAccess.open(over: pcsc, key: .can(card.cardAccessNumber), entropy: SystemEntropy()).channel
            }
            return reader
        }

        /// vpcd cannot make pcscd answer SCARD_E_NOT_TRANSACTED (a connection reset reaches pcscd as an empty
        /// answer, after which it sees the card leave): through pcscd the fault is a card that left mid-exchange,
        /// and comes back.
        @Test func connectionReset_isTheCardLeaving_andComingBack() throws {
            let card = try Repository.card(Self.card)
            let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(rules: [.init(.transactionFailed)]))
            let returning = try ReturningCard(chip)
            defer { returning.stop() }
            let pcsc = try PCSCContext().connect(reader: PCSCDaemon.reader1)
            expectLinkLost { _ = try pcsc.transmit(.readBinary(shortFileIdentifier: 0x1C, expectedLength: 256)) }
            try pcsc.recoverLink(timeout: 5)
            let answer = try pcsc.transmit(.readBinary(shortFileIdentifier: 0x1C, expectedLength: 256))
            #expect(answer.data == card.files[0x011C])
        }

        @Test(arguments: [FaultInjectingChip.Fault.transactionFailed, .replace(.noPreciseDiagnosis), .remove])
        func transientFaultMidFile_theFileIsReadWhole(_ fault: FaultInjectingChip.Fault) throws {
            let card = try Repository.card(Self.card)
            var configuration = card.configuration
            configuration.acceptsExtendedLength = false
            let chip = FaultInjectingChip(wrapping: EMRTDChip(configuration: configuration),
                                          plan: .init(rules: [.init(fault, instruction: 0xB0, protectedOnly: true,
                                                                    skip: 20)]))
            let returning = try ReturningCard(chip)
            defer { returning.stop() }
            let pcsc = try PCSCContext().connect(reader: PCSCDaemon.reader1)
            let files = try reader(pcsc, card)
            #expect(try files.read(.dataGroup(2)) == card.files[0x0102])
            #expect(files.reopenCount == 1)
            #expect(chip.injected == [fault])
        }

        /// Another program resets the card between two files: the next command gets SCARD_W_RESET_CARD, the
        /// session is re-opened and the read goes on.
        @Test func cardResetByAnotherProgram_isRecovered() throws {
            let card = try Repository.card(Self.card)
            let returning = try ReturningCard(card.makeChip())
            defer { returning.stop() }
            let pcsc = try PCSCContext().connect(reader: PCSCDaemon.reader1)
            let files = try reader(pcsc, card)
            #expect(try files.read(.dataGroup(1)) == card.files[0x0101])
            let other = try PCSCContext().connect(reader: PCSCDaemon.reader1)
            try other.recoverLink(timeout: 1)  // SCardReconnect with a power cycle, from another handle
            other.disconnect()
            #expect(try files.read(.dataGroup(13)) == card.files[0x010D])
            #expect(files.reopenCount == 1)
        }

        /// Transactions failing for ever: three re-openings, then the typed link failure, not a failed proof.
        @Test func transactionsFailingForEver_endAsALinkFailure() throws {
            let card = try Repository.card(Self.card)
            let chip = FaultInjectingChip(wrapping: card.makeChip(),
                                          plan: .init(rules: [.init(.transactionFailed, instruction: 0xB0,
                                                                    protectedOnly: true, count: nil)]))
            let returning = try ReturningCard(chip)
            defer { returning.stop() }
            let pcsc = try PCSCContext().connect(reader: PCSCDaemon.reader1)
            let attempts = Counter()
            let files = try reader(pcsc, card, attempts: attempts)
            do {
                _ = try files.read(.dataGroup(1))
                Issue.record("the read succeeded")
            } catch {
                guard case .linkLost(_, _, let cause) = error else {
                    Issue.record("not a link failure: \(error)")
                    return
                }
                #expect(cause.isTransientLinkFailure, "\(cause)")
            }
            #expect(attempts.value == FileReader.maxReopensPerFile)
        }
    }
}

/// A count a closure can change.
final class Counter: @unchecked Sendable {
    var value = 0
}

/// Expects `body` to fail because the link went away (``ChannelError/isLinkLost``).
func expectLinkLost(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("the exchange succeeded", sourceLocation: sourceLocation)
    } catch let error as ChannelError {
        #expect(error.isLinkLost, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("not a ChannelError: \(error)", sourceLocation: sourceLocation)
    }
}
