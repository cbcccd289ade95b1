import CardIO
import Foundation
import Testing
import VirtualCard

extension RealPCSCD {
    /// The command line end to end: the virtual chip in "Virtual PCD 00 00" through the real pcscd, `cccd` run as
    /// a desk or a script would, every exit code of shared/CLI.md.
    @Suite struct CLIEndToEndTests {
        static let trust = Repository.root.appendingPathComponent("Vectors/pki/csca-a.pem").path
        static let fronts = Repository.root.appendingPathComponent("Vectors/cards/fronts")

        func withCard<T>(_ chip: VirtualChip, _ body: () throws -> T) throws -> T {
            let connection = try PCSCDaemon.insert(chip, into: PCSCDaemon.reader0)
            defer { try? PCSCDaemon.remove(connection, from: PCSCDaemon.reader0) }
            return try body()
        }

        func json(_ text: String) throws -> [String: Any] {
            try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }

        @Test func read_trusted_exits0_withEveryVerdictPassed() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let result = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--trust", Self.trust, "--json"])
            }
            #expect(result.status == 0, "\(result.stderr)")
            let out = try json(result.stdout)
            let verification = try #require(out["verification"] as? [String: Any])
            #expect(verification["passiveAuthentication"] as? String == "passed")
            #expect(verification["chipAuthentication"] as? String == "passed")
            #expect(verification["activeAuthentication"] as? String == "passed")
            let subject = try #require(out["subject"] as? [String: Any])
            #expect(subject["fullName"] as? String == "Nguyễn Văn An")
            #expect(subject["dateOfBirth"] as? String == "1999-03-15")
            let portrait = try #require(out["portrait"] as? [String: Any])
            let base64 = try #require(portrait["base64"] as? String)
            let jpeg = try Data(contentsOf: Repository.cards.appendingPathComponent("portraits/nguyen-van-an.jpg"))
            #expect(Data(base64Encoded: base64) == jpeg)
        }

        @Test func read_withoutTrustAnchor_exits5_unlessUnverifiedIsAllowed() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let strict = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--id", "001099012345", "--reader", "00 00", "--json"],
                                environment: ["HOME": "/nonexistent", "XDG_CONFIG_HOME": "/nonexistent"])
            }
            #expect(strict.status == 5)
            let verification = try #require(try json(strict.stdout)["verification"] as? [String: Any])
            #expect(verification["passiveAuthentication"] as? String == "no-trust-anchor")
            #expect(verification["signature"] as? String == "passed")
            let lenient = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--id", "001099012345", "--reader", "00 00", "--allow-unverified", "--json"],
                                environment: ["HOME": "/nonexistent", "XDG_CONFIG_HOME": "/nonexistent"])
            }
            #expect(lenient.status == 0, "\(lenient.stderr)")
        }

        @Test func read_aFlippedDataGroupByte_exits5_namingTheDataGroup() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            var configuration = card.configuration
            configuration.files[0x010D]![40] ^= 0x01
            let result = try withCard(EMRTDChip(configuration: configuration)) {
                try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--trust", Self.trust])
            }
            #expect(result.status == 5)
            #expect(result.stderr.contains("DG13"))
        }

        @Test func read_wrongCAN_exits4_withTheMessage() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let chip = card.makeChip()
            let result = try withCard(chip) {
                try CLITool.run(["read", "--can", "999999", "--reader", "00 00", "--trust", Self.trust])
            }
            #expect(result.status == 4)
            #expect(result.stderr.contains("the chip refused the access key"))
            #expect(chip.failedAuthentications == 1)
        }

        @Test func read_noCard_exits3_andBadUsage_exits2() throws {
            try PCSCDaemon.ensureRunning()
            try PCSCDaemon.waitUntil(PCSCDaemon.reader0, present: false)
            let none = try CLITool.run(["read", "--can", "012345", "--reader", "00 00"])
            #expect(none.status == 3)
            #expect(none.stderr.split(separator: "\n").count == 1)
            let bad = try CLITool.run(["read", "--can", "12ab56"])
            #expect(bad.status == 2)
            let noPCSCD = try CLITool.run(["read", "--can", "012345"],
                                          environment: ["PCSCLITE_CSOCK_NAME": "/nonexistent/pcscd.comm"])
            #expect(noPCSCD.status == 3)
        }

        /// A card pulled during the read exits 3, whatever step it left in: exchange 1 is the EF.CardAccess probe,
        /// exchange 10 a file under secure messaging.
        @Test(arguments: [1, 10])
        func read_cardRemovedMidRead_exits3(atExchange exchange: Int) throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(removeAtExchange: exchange))
            let connection = try PCSCDaemon.insert(chip, into: PCSCDaemon.reader0)
            defer { connection.disconnect() }
            let result = try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00",
                                          "--trust", Self.trust])
            #expect(result.status == 3, "\(result.stderr)")
            try PCSCDaemon.waitUntil(PCSCDaemon.reader0, present: false)
        }

        @Test func record_thenReplay_givesTheSameOutput_andAnAlteredCommandExits6() throws {
            let card = try Repository.card("he-le-khue-2024.json")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-e2e-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let trace = folder.appendingPathComponent("session.json").path
            let trust = [Self.trust, Repository.root.appendingPathComponent("Vectors/pki/csca-a2-link.pem").path]
            let live = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--json", "--record", trace,
                                 "--trust", trust[0], "--trust", trust[1]])
            }
            #expect(live.status == 0, "\(live.stderr)")
            let replay = try CLITool.run(["replay", trace, "--json", "--trust", trust[0], "--trust", trust[1]])
            #expect(replay.status == 0, "\(replay.stderr)")
            var a = try json(live.stdout)
            var b = try json(replay.stdout)
            a["reader"] = nil
            b["reader"] = nil
            #expect(NSDictionary(dictionary: a).isEqual(to: b))

            // One command altered: the replay stops there, naming the exchange.
            var recorded = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: trace)))
                                        as? [String: Any])
            var exchanges = try #require(recorded["exchanges"] as? [[String: Any]])
            var command = try #require(exchanges[12]["command"] as? String)
            command = String(command.dropLast(2)) + (command.hasSuffix("00") ? "01" : "00")
            exchanges[12]["command"] = command
            recorded["exchanges"] = exchanges
            let altered = folder.appendingPathComponent("altered.json")
            try JSONSerialization.data(withJSONObject: recorded).write(to: altered)
            let diverged = try CLITool.run(["replay", altered.path, "--trust", trust[0]])
            #expect(diverged.status == 6)
            #expect(diverged.stderr.contains("exchange 12"))
            let malformed = folder.appendingPathComponent("malformed.json")
            try Data("{\"format\": \"cccd-trace/9\"}".utf8).write(to: malformed)
            let rejected = try CLITool.run(["replay", malformed.path])
            #expect(rejected.status == 6)
            #expect(rejected.stderr.contains("cccd-trace/9"))
        }

        /// The trace stores what the read asked for: a bare replay of a partial read makes the same partial read.
        /// The trace is the owner's alone (0600): it holds the CAN and the holder's data.
        @Test func recordedPartialRead_replaysBare_andTheTraceIsPrivate() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-e2e-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let trace = folder.appendingPathComponent("partial.json").path
            let live = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--json",
                                 "--files", "com,dg1", "--record", trace, "--trust", Self.trust])
            }
            #expect(live.status == 0, "\(live.stderr)")
            let attributes = try FileManager.default.attributesOfItem(atPath: trace)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let recorded = try Trace(contentsOf: URL(fileURLWithPath: trace))
            #expect(recorded.read == Trace.ReadRequest(files: ["EF.COM", "DG1"]))
            let replay = try CLITool.run(["replay", trace, "--json", "--trust", Self.trust])
            #expect(replay.status == 0, "\(replay.stderr)")
            var a = try json(live.stdout)
            var b = try json(replay.stdout)
            a["reader"] = nil
            b["reader"] = nil
            #expect(NSDictionary(dictionary: a).isEqual(to: b))
        }

        @Test func read_out_writesEveryFileAtomically_andNeverOverwritesWithoutForce() throws {
            let card = try Repository.card("dam-anh-hang-2021.json")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-out-\(UUID())")
            defer { try? FileManager.default.removeItem(at: folder) }
            let first = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--trust", Self.trust,
                                 "--out", folder.path])
            }
            #expect(first.status == 0, "\(first.stderr)")
            let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
            #expect(names == ["EF.COM.bin", "EF.SOD.bin", "DG1.bin", "DG2.bin", "DG13.bin", "DG14.bin", "DG15.bin",
                              "portrait.jpg", "card.json"])
            #expect(try Data(contentsOf: folder.appendingPathComponent("DG13.bin")) == Data(card.files[0x010D]!))
            let again = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--trust", Self.trust,
                                 "--out", folder.path])
            }
            #expect(again.status == 2)
            let forced = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--trust", Self.trust,
                                 "--out", folder.path, "--force"])
            }
            #expect(forced.status == 0)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.deletingLastPathComponent().path)
                .filter { $0.hasPrefix(".\(folder.lastPathComponent).") }
            #expect(leftovers.isEmpty)
        }

        @Test(arguments: ["nguyen-van-an-2021", "ho-ngoc-to-2024", "ly-tu-2024"])
        func level1_fromTheCardFront_isReady_andValidAgainstTheSchema(_ name: String) throws {
            let card = try Repository.card("\(name).json")
            let result = try withCard(card.makeChip()) {
                try CLITool.run(["level1", "--qr", Self.fronts.appendingPathComponent("\(name).png").path,
                                 "--reader", "00 00", "--phone", "0912 345 678", "--email", "dan@example.vn",
                                 "--trust", Self.trust])
            }
            #expect(result.status == 0, "\(result.stderr)")
            let payload = try json(result.stdout)
            #expect(payload["status"] as? String == "ready")
            #expect((payload["contact"] as? [String: Any])?["phone"] as? String == "+84912345678")
            try SchemaCheck.validate(result.stdout)
            // Keys in LEVEL1.md's order.
            let keys = ["\"schema\"", "\"status\"", "\"subject\"", "\"contact\"", "\"portrait\"", "\"document\"",
                        "\"evidence\"", "\"problems\""].map { result.stdout.range(of: $0)!.lowerBound }
            #expect(keys == keys.sorted())
        }

        @Test func level1_qrOfAnotherPerson_isRejected_withEachMismatch() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let other = try String(contentsOf: Repository.cards.appendingPathComponent("nguyen-van-an-2021.json"), encoding: .utf8)
            _ = other
            let qr = "001099012345|123456789|Nguyễn Văn Ân|15031998|Nam|Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội|01062022"
            let result = try withCard(card.makeChip()) {
                try CLITool.run(["level1", "--qr-text", qr, "--reader", "00 00", "--phone", "0912345678",
                                 "--trust", Self.trust])
            }
            #expect(result.status == 5)
            let payload = try json(result.stdout)
            #expect(payload["status"] as? String == "rejected")
            #expect((payload["evidence"] as? [String: Any])?["qr"] as? String == "mismatched")
            let fields = (payload["problems"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(Set(fields).isSuperset(of: ["fullName", "dateOfBirth"]))
            try SchemaCheck.validate(result.stdout)
        }

        @Test func level1_badPhone_exits2() throws {
            let result = try CLITool.run(["level1", "--qr-text", "001099012345||A|15031999|Nam|X|01062022",
                                          "--phone", "12345"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("phone"))
        }

        @Test func qr_ofAnUnreadableFile_exits6() throws {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-not-an-image-\(UUID()).png")
            defer { try? FileManager.default.removeItem(at: url) }
            try Data("not a png".utf8).write(to: url)
            let result = try CLITool.run(["qr", url.path, "--json"])
            #expect(result.status == 6)
        }
    }
}

/// Validates a level-1 payload against shared/level1.schema.json with Python's jsonschema.
enum SchemaCheck {
    static func validate(_ payload: String) throws {
        let schema = Repository.root.deletingLastPathComponent().appendingPathComponent("shared/level1.schema.json")
        guard FileManager.default.fileExists(atPath: schema.path) else {
            throw HarnessError("shared/level1.schema.json is not beside the repository")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(json.load(sys.stdin))
            """, schema.path]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(payload.utf8))
        try input.fileHandleForWriting.close()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 { throw HarnessError("the payload does not validate: \(message)") }
    }
}

extension RealPCSCD {
    /// `cccd emulate` as a user starts it: the card appears in pcscd's virtual reader, and OpenSC sees it.
    @Suite struct EmulateCommandTests {
        @Test func emulate_putsTheCardInTheReader_forAnyPCSCProgram() throws {
            try PCSCDaemon.ensureRunning()
            try PCSCDaemon.waitUntil(PCSCDaemon.reader0, present: false)
            let process = Process()
            process.executableURL = try CLITool.binary
            process.arguments = ["emulate", "--card", Repository.cards.appendingPathComponent("ly-tu-2024.json").path,
                                 "--port", "35963", "--once"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            defer {
                // SIGKILL: a child of the test runner may inherit a mask that blocks SIGTERM.
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                try? PCSCDaemon.waitUntil(PCSCDaemon.reader0, present: false)
            }
            try PCSCDaemon.waitUntil(PCSCDaemon.reader0, present: true)
            let tool = Process()
            tool.executableURL = URL(fileURLWithPath: "/usr/bin/opensc-tool")
            let names = try PCSCContext().readerNames()
            let index = try #require(names.firstIndex(of: PCSCDaemon.reader0))
            tool.arguments = ["-r", String(index), "-s", "00A4040C07A0000002471001", "-s", "00A4000C023F00"]
            let pipe = Pipe()
            tool.standardOutput = pipe
            tool.standardError = pipe
            try tool.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            tool.waitUntilExit()
            #expect(output.contains("SW1=0x90, SW2=0x00"))
            #expect(output.contains("SW1=0x6D, SW2=0x00"))  // the CCCD's answer to SELECT MF
        }

        @Test func emulate_aMissingCardFile_exits6() throws {
            let result = try CLITool.run(["emulate", "--card", "/nonexistent/card.json", "--once"])
            #expect(result.status == 6)
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }
}
