import CardIO
import CCCD
import Foundation
import Testing
import VirtualCard

/// The library's async entry point over the in-process virtual chip and the recorded traces: results, progress,
/// cancellation, replays.
@Suite struct CardSessionTests {
    static let trust = try! TrustStore.load(paths: [Repository.root.appendingPathComponent("Vectors/pki/csca-a.pem").path])

    static func source(_ chip: VirtualChip) -> CardSource {
        nonisolated(unsafe) let chip = chip
        return .channel(name: "in-process") { InProcessChannel(chip: chip) }
    }

    static func trace(_ name: String) throws -> Trace {
        try Trace(contentsOf: Repository.root.appendingPathComponent("Vectors/traces/\(name).json"))
    }

    @Test func read_inProcess_givesTheRecordThePortraitEveryCheckAndAccept() async throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let result = try await CardSession.read(from: Self.source(card.makeChip()), key: .can(card.cardAccessNumber),
                                                trust: Self.trust, qr: try CardQRCode(text: card.description.qr!))
        #expect(result.record.fullName == "Nguyễn Văn An")
        #expect(result.record.personalIdNumber == "001099012345")
        #expect(result.portrait?.jpeg == Array(try Data(contentsOf: Repository.cards.appendingPathComponent("portraits/nguyen-van-an.jpg"))))
        #expect(result.checks.passive.verdict == .passed)
        #expect(result.checks.chipAuthentication == .passed && result.checks.activeAuthentication == .passed)
        #expect(result.checks.qr == .matched)
        #expect(result.verdict == .accept)
        #expect(result.source == .live && result.reader == "in-process")
    }

    @Test func progress_reportsEveryStepInOrder_withARisingFraction() async throws {
        let card = try Repository.card("ly-tu-2024.json")
        let session = CardSession(source: Self.source(card.makeChip()), key: .can(card.cardAccessNumber), trust: Self.trust)
        var events: [ReadEvent] = []
        for await event in session.progress { events.append(event) }
        _ = try await session.result
        let started = events.compactMap { event -> String? in
            if case .started(let step) = event.kind { return step.description } else { return nil }
        }
        #expect(started == ["access control", "EF.COM", "EF.SOD", "DG1", "DG2", "DG13", "DG14", "DG15",
                            "chip authentication", "active authentication", "passive authentication"])
        let fractions = events.map(\.fraction).filter { $0 > 0 }
        #expect(fractions == fractions.sorted() && (fractions.last ?? 0) <= 1)
        #expect(events.contains { if case .progress(.dataGroup(2), _, _) = $0.kind { return true } else { return false } })
        // A late subscriber gets every event too.
        var late = 0
        for await _ in session.progress { late += 1 }
        #expect(late == events.count)
    }

    @Test func cancellingTheTask_stopsTheReadBeforeItsNextCommand() async throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        // Every exchange takes 50 ms: the whole read would take about a second.
        nonisolated(unsafe) let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(latencyMicros: 50_000))
        let source = Self.source(chip)
        let key = AccessKey.can(card.cardAccessNumber)
        let task = Task { try await CardSession.read(from: source, key: key, trust: nil) }
        try await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        task.cancel()
        do {
            _ = try await task.value
            Issue.record("the read went on")
        } catch let error as CCCDError {
            #expect(error == .cancelled)
            #expect(error.verdict?.name == "retry")
        }
        // A whole read is 17 exchanges; the read stopped at the next command after the cancel (the bound on time
        // is loose: the machine may be busy).
        #expect(chip.exchangeCount < 17)
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func theSessionsVerdict_isTheResultsOrTheFailures() async throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let genuine = CardSession(source: Self.source(card.makeChip()), key: .can(card.cardAccessNumber), trust: Self.trust)
        #expect(await genuine.verdict == .accept)
        let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(removeAtExchange: 15))
        nonisolated(unsafe) let link = CardThatStaysAway(chip)
        let pulled = CardSession(source: .channel(name: "in-process") { link }, key: .can(card.cardAccessNumber),
                                 trust: Self.trust)
        let verdict = await pulled.verdict
        #expect(verdict.name == "retry")
        #expect(verdict.reasons.map(\.code) == ["CARD_REMOVED"])
        #expect(verdict.reasons.first?.field == "chip authentication")
    }

    @Test(arguments: Repository.cardNames.map { String($0.dropLast(5)) })
    func replay_ofEveryTrace_reproducesTheCard_andIsNeverAccept(_ name: String) async throws {
        let trust = try TrustStore.load(paths: [Repository.root.appendingPathComponent("Vectors/pki/csca-a.pem").path,
                                                Repository.root.appendingPathComponent("Vectors/pki/csca-a2-link.pem").path])
        let trace = try Self.trace(name)
        let result = try await CardSession.replay(trace, trust: trust)
        #expect(result.source == .replay)
        #expect(result.verdict == .reject([Problem(code: .replayed, detail: "read from a recorded trace: nothing proves the card was there, or when")]))
        #expect(result.verdict.exitCode(allowUnverified: false) == 0)
        // Every file as the card holds it (EF.SOD as the trace recorded it: its signature is made anew each time
        // the card is personalised).
        let card = try Repository.card("\(name).json")
        for file in ReadOptions.allFiles where file != .sod {
            #expect(result.files[file] == card.files[file.fileIdentifier!], "\(file)")
        }
        #expect(result.files[.sod] == trace.expectedFiles["EF.SOD"])
        #expect(result.checks.passive.verdict == .passed)
    }

    @Test func replay_thatDiverges_namesTheExchange() async throws {
        var trace = try Self.trace("nguyen-van-an-2021")
        // Draw 0 is above the curve order and drawn again (rejection sampling): draw 1 is the mapping key.
        trace.entropy[1][31] ^= 0x01
        do {
            _ = try await CardSession.replay(trace, trust: nil)
            Issue.record("the replay went through")
        } catch {
            guard case .replayDiverged(let index, _, _) = error else { Issue.record("\(error)"); return }
            #expect(index == 3)
            #expect(error.kind.exitCode == 6)
        }
    }

    @Test func replay_withoutTheAccessSecret_isTRACE_ACCESS_MISSING() async throws {
        var trace = try Self.trace("nguyen-van-an-2021")
        trace.access = nil
        await #expect(throws: CCCDError.traceWithoutAccess) { try await CardSession.replay(trace, trust: nil) }
    }

    @Test func replay_ofAFileThatDiffersFromTheTracesExpectation_exits6() async throws {
        var trace = try Self.trace("nguyen-van-an-2021")
        trace.expectedFiles["DG1"]![10] ^= 0x01
        await #expect(throws: CCCDError.replayExpectation(file: "DG1")) { try await CardSession.replay(trace, trust: nil) }
    }

    @Test func recording_givesATraceThatReplaysToTheSameResult() async throws {
        let card = try Repository.card("dam-anh-hang-2021.json")
        let session = CardSession(source: Self.source(card.makeChip()), key: .can(card.cardAccessNumber),
                                  trust: Self.trust, options: ReadOptions(record: true))
        let live = try await session.result
        let trace = try #require(session.recordedTrace)
        #expect(live.trace == trace)
        let replayed = try await CardSession.replay(trace, trust: Self.trust)
        #expect(replayed.files == live.files)
        #expect(replayed.checks.passive == live.checks.passive)
        #expect(replayed.record == live.record)
    }
}

/// A link to the in-process chip on which a card that leaves the field does not come back: as a PC/SC reader
/// whose card was taken away for good (its re-connection times out).
final class CardThatStaysAway: CardChannel {
    private let base: InProcessChannel

    init(_ chip: VirtualChip) { base = InProcessChannel(chip: chip) }

    var capabilities: ChannelCapabilities { base.capabilities }

    func recoverLink(timeout: Double) throws(ChannelError) { throw .cardRemoved }

    func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU { try base.transmit(command) }
}

/// Where each step of the read of nguyen-van-an-2021 begins, counted from 1 as the virtual chip counts exchanges:
/// found in its recorded trace by the commands' instruction bytes (the header stays plain under secure messaging).
enum StepExchanges {
    static func of(_ trace: Trace) -> [(ReadStep, Int)] {
        let commands = trace.exchanges.map(\.command)
        func first(after start: Int = 0, _ match: ([UInt8]) -> Bool) -> Int {
            (commands.indices.first { $0 >= start && match(commands[$0]) } ?? -1) + 1
        }
        var steps: [(ReadStep, Int)] = [(.readCardAccess, 1), (.accessControl, first { $0[1] == 0x86 })]
        var files = 0
        for file in ReadOptions.allFiles {
            let sfi = file.shortFileIdentifier!
            files = first(after: files) { $0[1] == 0xB0 && $0[2] == 0x80 | sfi }
            steps.append((.readFile(file), files))
        }
        steps.append((.chipAuthentication, first(after: files) { $0[1] == 0x22 }))
        steps.append((.activeAuthentication, first(after: files) { $0[1] == 0x88 }))
        return steps
    }
}

/// A card pulled away during each step, in process: the read ends CARD_REMOVED during that step, exit 3, retry.
@Suite struct PulledCardTests {
    @Test func eachStep_endsCARD_REMOVED_exit3() async throws {
        let card = try Repository.card("nguyen-van-an-2021.json")
        let steps = StepExchanges.of(try CardSessionTests.trace("nguyen-van-an-2021"))
        #expect(steps.map(\.1) == [1, 3, 8, 9, 10, 11, 12, 13, 14, 15, 17])
        for (step, exchange) in steps {
            let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(removeAtExchange: exchange))
            nonisolated(unsafe) let link = CardThatStaysAway(chip)
            do {
                _ = try await CardSession.read(from: .channel(name: "in-process") { link },
                                               key: .can(card.cardAccessNumber), trust: nil)
                Issue.record("\(step): the read went through")
            } catch {
                #expect(error == .cardRemoved(during: step), "\(step)")
                #expect(error.kind.exitCode == 3)
                #expect(error.verdict?.name == "retry")
            }
        }
    }
}
