import CardIO
import CCCD
import Foundation
import Testing
import VirtualCard

extension RealPCSCD {
    /// The command line's promises that need the real pcscd: a card pulled during a step, and every `--help`
    /// example run exactly as printed.
    @Suite struct CLIContractTests {
        static let trust = Repository.root.appendingPathComponent("Vectors/pki/csca-a.pem").path

        /// A card taken off the reader for good at the EF.CardAccess probe, during PACE, during a file and during
        /// chip authentication: exit 3, CARD_REMOVED naming the step, verdict retry.
        @Test(arguments: [ReadStep.readCardAccess, .accessControl, .readFile(.dataGroup(2)), .chipAuthentication])
        func aCardPulledThroughPCSCD_exits3_CARD_REMOVED_namingTheStep(_ step: ReadStep) throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let steps = StepExchanges.of(try Trace(contentsOf: Repository.root.appendingPathComponent("Vectors/traces/nguyen-van-an-2021.json")))
            let exchange = try #require(steps.first { $0.0 == step }?.1)
            let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(removeAtExchange: exchange))
            let connection = try PCSCDaemon.insert(chip, into: PCSCDaemon.reader0)
            defer { connection.disconnect() }
            let result = try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00",
                                          "--trust", Self.trust, "--json"])
            #expect(result.status == 3, "\(result.stderr)")
            let error = try result.json
            #expect(error["code"] as? String == "CARD_REMOVED")
            #expect(error["step"] as? String == step.description)
            #expect(error["verdict"] as? String == "retry")
            try PCSCDaemon.waitUntil(PCSCDaemon.reader0, present: false)
        }

        /// A session waiting for a card on an empty reader (SCardGetStatusChange) ends at once when cancelled
        /// (SCardCancel), and a card put down while it waits is read.
        @Test func waitingForACard_endsAtOnceWhenCancelled_andReadsTheCardPutDown() async throws {
            try PCSCDaemon.ensureRunning()
            try PCSCDaemon.waitUntil(PCSCDaemon.reader0, present: false)
            let key = AccessKey.can(try CardAccessNumber("012345"))
            let waiting = CardSession(source: .reader("00 00", waitForCard: .seconds(30)), key: key)
            var events = waiting.progress.makeAsyncIterator()
            let first = await events.next()
            #expect(first?.kind == .waitingForCard(reader: PCSCDaemon.reader0))
            let start = ContinuousClock.now
            waiting.cancel()
            await #expect(throws: CCCDError.cancelled) { try await waiting.result }
            #expect(ContinuousClock.now - start < .seconds(2))

            let card = try Repository.card("nguyen-van-an-2021.json")
            let session = CardSession(source: .reader("00 00", waitForCard: .seconds(30)), key: .can(card.cardAccessNumber),
                                      trust: try TrustStore.load(paths: [Self.trust]))
            try await Task.sleep(for: .milliseconds(300))
            let connection = try PCSCDaemon.insert(card.makeChip(), into: PCSCDaemon.reader0)
            defer { try? PCSCDaemon.remove(connection, from: PCSCDaemon.reader0) }
            let result = try await session.result
            #expect(result.verdict == .accept)
            #expect(result.reader == PCSCDaemon.reader0)
        }

        /// The examples of a command's `--help`, as printed (80 columns), continuation lines joined.
        static func examples(of command: String) throws -> [String] {
            let help = try CLITool.run([command, "--help"])
            var examples: [String] = []
            var inExamples = false
            var pending: String?
            for line in help.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
                if line == "Example:" || line == "Examples:" {
                    inExamples = true
                    continue
                }
                guard inExamples else { continue }
                if let start = pending {
                    pending = start + " " + line.trimmingCharacters(in: .whitespaces)
                } else if line.hasPrefix("  cccd ") {
                    pending = line.trimmingCharacters(in: .whitespaces)
                } else {
                    inExamples = false
                    continue
                }
                if pending!.hasSuffix("\\") {
                    pending!.removeLast()
                    pending = pending!.trimmingCharacters(in: .whitespaces)
                } else {
                    examples.append(pending!)
                    pending = nil
                }
            }
            return examples
        }

        @Test func everyHelpExample_runsAsPrinted() throws {
            try PCSCDaemon.ensureRunning()
            try PCSCDaemon.waitUntil(PCSCDaemon.reader0, present: false)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-examples-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("Vectors"),
                                                       withDestinationURL: Repository.root.appendingPathComponent("Vectors"))
            let commands = ["read", "level1", "qr", "replay", "watch", "verify", "readers", "emulate", "config"]
            var ran = 0
            // `cccd emulate` serves until stopped: its example runs in the background until the card is seen.
            for example in try Self.examples(of: "emulate") {
                let emulator = try BackgroundEmulator([example], shell: true, in: folder)
                emulator.stop()
                ran += 1
            }
            // The others against the virtual card of nguyen-van-an-2021 in "Virtual PCD 00 00".
            let card = try Repository.card("nguyen-van-an-2021.json")
            let connection = try PCSCDaemon.insert(card.makeChip(), into: PCSCDaemon.reader0)
            defer { try? PCSCDaemon.remove(connection, from: PCSCDaemon.reader0) }
            for command in commands where command != "emulate" {
                let examples = try Self.examples(of: command)
                #expect(!examples.isEmpty, "cccd \(command) --help has no example")
                for example in examples {
                    #expect(example.hasPrefix("cccd \(command) "), "\(example)")
                    let result = try CLITool.shell(example, in: folder)
                    #expect(result.status == 0, "\(example): \(result.stderr)")
                    if example.contains("--json") || example.contains("--pretty") || command == "level1" {
                        #expect(throws: Never.self, "\(example)") { try OutputCheck.validate(result.stdout) }
                    }
                    ran += 1
                }
            }
            #expect(ran >= 16)
        }
    }
}
