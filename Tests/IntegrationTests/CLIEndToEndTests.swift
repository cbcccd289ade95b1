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

        /// SHA-256, lower-case hex, by the `sha256sum` command (an implementation independent of ours).
        static func sha256(_ data: Data) -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try? process.run()
            input.fileHandleForWriting.write(data)
            try? input.fileHandleForWriting.close()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return String(text.prefix(64))
        }

        func json(_ text: String) throws -> [String: Any] {
            try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }

        @Test func read_trusted_exits0_accept_withEveryCheckPassed() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let result = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--trust", Self.trust, "--json"])
            }
            #expect(result.status == 0, "\(result.stderr)")
            let out = try result.json
            #expect(out["schema"] as? String == "cccd-read/1")
            #expect(out["source"] as? String == "live")
            #expect(out["verdict"] as? String == "accept")
            #expect((out["reasons"] as? [Any])?.isEmpty == true)
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

        @Test func read_noPortrait_leavesTheBase64Out_andPrettyIsOneDocument() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let result = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--trust", Self.trust,
                                 "--pretty", "--no-portrait"])
            }
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.split(separator: "\n").count > 10)
            let portrait = try #require(try result.json["portrait"] as? [String: Any])
            #expect(portrait["base64"] == nil)
            #expect(portrait["sha256"] as? String == "4bc02cbff2c4521211bb45d693ca02272e6ac82e1e59e72a935fcb2e8e722d37")
        }

        @Test func read_withoutTrustAnchor_exits5_unlessUnverifiedIsAllowed() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let strict = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--id", "001099012345", "--reader", "00 00", "--json"],
                                environment: ["HOME": "/nonexistent", "XDG_CONFIG_HOME": "/nonexistent"])
            }
            #expect(strict.status == 5)
            let out = try strict.json
            #expect(out["verdict"] as? String == "reject")
            #expect((out["reasons"] as? [[String: Any]])?.map { $0["code"] as? String } == ["NO_TRUST_ANCHOR"])
            let verification = try #require(out["verification"] as? [String: Any])
            #expect(verification["passiveAuthentication"] as? String == "no-trust-anchor")
            #expect(verification["signature"] as? String == "passed")
            #expect(strict.stderr.contains("--allow-unverified"))
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
            #expect(result.stderr.contains("DG_HASH_MISMATCH DG13"))
            #expect(result.stdout.isEmpty)
        }

        @Test func read_anExpiredCard_isRejected_DOCUMENT_EXPIRED() throws {
            // truong-thuy-duong-2021 expired on 2026-01-01; the test machine's clock is past it.
            let card = try Repository.card("truong-thuy-duong-2021.json")
            let result = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--trust", Self.trust,
                                 "--json", "--no-portrait"])
            }
            #expect(result.status == 5)
            let out = try result.json
            #expect((out["reasons"] as? [[String: Any]])?.map { $0["code"] as? String } == ["DOCUMENT_EXPIRED"])
            #expect((out["document"] as? [String: Any])?["validity"] as? String == "expired")
        }

        @Test func read_wrongCAN_exits4_retry_withTheMessage_andAskedOnce() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let chip = card.makeChip()
            let result = try withCard(chip) {
                try CLITool.run(["read", "--can", "999999", "--reader", "00 00", "--trust", Self.trust, "--json"])
            }
            #expect(result.status == 4)
            #expect(result.stderr.contains("the chip refused the access key"))
            #expect(!result.stderr.contains("999999"))
            let error = try result.json
            #expect(error["code"] as? String == "ACCESS_DENIED")
            #expect(error["verdict"] as? String == "retry")
            #expect(error["exit"] as? Int == 4)
            #expect(chip.failedAuthentications == 1)
        }

        @Test func read_noCard_exits3_badUsage_exits2_noPCSCD_exits3_eachWithOneErrorDocument() throws {
            try PCSCDaemon.ensureRunning()
            try PCSCDaemon.waitUntil(PCSCDaemon.reader0, present: false)
            let none = try CLITool.run(["read", "--can", "012345", "--reader", "00 00", "--json"])
            #expect(none.status == 3)
            #expect(none.stderr.split(separator: "\n").count == 1)
            #expect(try none.json["code"] as? String == "NO_CARD")
            let bad = try CLITool.run(["read", "--can", "12ab56", "--json"])
            #expect(bad.status == 2)
            #expect(try bad.json["code"] as? String == "ACCESS_KEY_INVALID")
            let unknown = try CLITool.run(["read", "--bogus", "--json"])
            #expect(unknown.status == 2)
            #expect(try unknown.json["code"] as? String == "USAGE")
            let noReader = try CLITool.run(["read", "--can", "012345", "--reader", "OMNIKEY", "--json"])
            #expect(noReader.status == 2)
            #expect(try noReader.json["code"] as? String == "READER_NOT_FOUND")
            let noPCSCD = try CLITool.run(["read", "--can", "012345", "--json"],
                                          environment: ["PCSCLITE_CSOCK_NAME": "/nonexistent/pcscd.comm"])
            #expect(noPCSCD.status == 3)
            #expect(try noPCSCD.json["code"] as? String == "PCSC_UNAVAILABLE")
        }

        @Test func read_cardRemovedMidRead_exits3_CARD_REMOVED() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(removeAtExchange: 10))
            let connection = try PCSCDaemon.insert(chip, into: PCSCDaemon.reader0)
            defer { connection.disconnect() }
            let result = try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00",
                                          "--trust", Self.trust, "--json"])
            #expect(result.status == 3, "\(result.stderr)")
            let error = try result.json
            #expect(error["code"] as? String == "CARD_REMOVED")
            #expect(error["step"] as? String == "DG1")
            #expect(error["verdict"] as? String == "retry")
            try PCSCDaemon.waitUntil(PCSCDaemon.reader0, present: false)
        }

        @Test func record_thenReplay_givesTheSameCard_andEveryDivergenceExits6() throws {
            let card = try Repository.card("he-le-khue-2024.json")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-e2e-\(UUID())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let trace = folder.appendingPathComponent("session.json").path
            let trust = [Self.trust, Repository.root.appendingPathComponent("Vectors/pki/csca-a2-link.pem").path]
            let live = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--json", "--record", trace,
                                 "--files", "com,sod,dg1,dg2,dg13,dg14,dg15", "--trust", trust[0], "--trust", trust[1]])
            }
            #expect(live.status == 0, "\(live.stderr)")
            // A bare replay reproduces the read: no --files, no key.
            let replay = try CLITool.run(["replay", trace, "--json", "--trust", trust[0], "--trust", trust[1]])
            #expect(replay.status == 0, "\(replay.stderr)")
            var a = try live.json
            var b = try replay.json
            #expect(a["source"] as? String == "live" && b["source"] as? String == "replay")
            #expect(b["verdict"] as? String == "reject")
            #expect((b["reasons"] as? [[String: Any]])?.map { $0["code"] as? String } == ["REPLAYED"])
            for key in ["reader", "source", "verdict", "reasons", "problems"] {
                a[key] = nil
                b[key] = nil
            }
            #expect(NSDictionary(dictionary: a).isEqual(to: b))

            var recorded = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: trace)))
                                        as? [String: Any])
            let exchanges = try #require(recorded["exchanges"] as? [[String: Any]])
            func replayOf(_ change: (inout [[String: Any]]) -> Void, _ name: String) throws -> CLITool.Result {
                var altered = exchanges
                change(&altered)
                recorded["exchanges"] = altered
                let url = folder.appendingPathComponent(name)
                try JSONSerialization.data(withJSONObject: recorded).write(to: url)
                return try CLITool.run(["replay", url.path, "--trust", trust[0], "--json"])
            }
            // One command altered: the replay stops there, naming the exchange.
            let diverged = try replayOf({ x in
                let command = x[12]["command"] as! String
                x[12]["command"] = String(command.dropLast(2)) + (command.hasSuffix("00") ? "01" : "00")
            }, "altered.json")
            #expect(diverged.status == 6)
            #expect(diverged.stderr.contains("exchange 12"))
            #expect(try diverged.json["code"] as? String == "REPLAY_DIVERGED")
            // The last exchange missing: the read runs past the trace.
            let short = try replayOf({ $0.removeLast() }, "short.json")
            #expect(short.status == 6)
            #expect(try short.json["code"] as? String == "REPLAY_EXHAUSTED")
            // An exchange too many: the read ends before the trace does.
            let long = try replayOf({ $0.append($0[$0.count - 1]) }, "long.json")
            #expect(long.status == 6)
            #expect(try long.json["code"] as? String == "REPLAY_UNFINISHED")
            // A recorded answer changed: the read of that file differs from the trace's expectation, or its MAC fails.
            let malformed = folder.appendingPathComponent("malformed.json")
            try Data("{\"format\": \"cccd-trace/9\"}".utf8).write(to: malformed)
            let rejected = try CLITool.run(["replay", malformed.path, "--json"])
            #expect(rejected.status == 6)
            #expect(rejected.stderr.contains("cccd-trace/9"))
            #expect(try rejected.json["code"] as? String == "TRACE_MALFORMED")
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
            // EF.SOD is added to a read of a data group, and DG14 and DG15 because EF.SOD lists them: chip and active
            // authentication must run. Without DG2 and DG13 the identity is incomplete, so the verdict is reject.
            #expect(live.status == 5, "\(live.stderr)")
            let attributes = try FileManager.default.attributesOfItem(atPath: trace)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let recorded = try Trace(contentsOf: URL(fileURLWithPath: trace))
            #expect(recorded.read == Trace.ReadRequest(files: ["EF.COM", "DG1"]))
            let replay = try CLITool.run(["replay", trace, "--json", "--trust", Self.trust])
            #expect(replay.status == 5, "\(replay.stderr)")
            var a = try live.json
            var b = try replay.json
            #expect(Set((a["files"] as? [String: Any] ?? [:]).keys) == ["EF.COM", "EF.SOD", "DG1", "DG14", "DG15"])
            #expect((a["reasons"] as? [[String: Any]])?.map { $0["code"] as? String }
                    == ["IDENTITY_INCOMPLETE", "PORTRAIT_MISSING"])
            for key in ["reader", "source", "verdict", "reasons", "problems"] {
                a[key] = nil
                b[key] = nil
            }
            #expect(NSDictionary(dictionary: a).isEqual(to: b))
        }

        @Test func read_out_writesEveryFileAtomicallyAndPrivately_andNeverOverwritesWithoutForce() throws {
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
            let mode = try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o700)
            try OutputCheck.validate(String(decoding: try Data(contentsOf: folder.appendingPathComponent("card.json")),
                                            as: UTF8.self))
            // The dump verifies offline at its own time of reading.
            let verified = try CLITool.run(["verify", folder.path, "--trust", Self.trust, "--json"])
            #expect(verified.status == 0, "\(verified.stderr)")
            let again = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--trust", Self.trust,
                                 "--out", folder.path, "--json"])
            }
            #expect(again.status == 2)
            #expect(try again.json["code"] as? String == "DUMP_EXISTS")
            let forced = try withCard(card.makeChip()) {
                try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--trust", Self.trust,
                                 "--out", folder.path, "--force"])
            }
            #expect(forced.status == 0)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.deletingLastPathComponent().path)
                .filter { $0.hasPrefix(".\(folder.lastPathComponent).") }
            #expect(leftovers.isEmpty)
        }

        @Test(arguments: ["nguyen-van-an-2021", "ho-ngoc-to-2024", "ly-tu-2024", "mai-thi-dao-2024"])
        func level1_fromTheCardsQR_isReady_andValidAgainstTheSchema(_ name: String) throws {
            let card = try Repository.card("\(name).json")
            let result = try withCard(card.makeChip()) {
                try CLITool.run(["level1", "--qr", Self.fronts.appendingPathComponent("\(name).png").path,
                                 "--reader", "00 00", "--phone", "0912 345 678", "--email", "dan@example.vn",
                                 "--trust", Self.trust])
            }
            #expect(result.status == 0, "\(result.stderr)")
            let payload = try result.json
            #expect(payload["status"] as? String == "ready")
            #expect((payload["contact"] as? [String: Any])?["phone"] as? String == "+84912345678")
            #expect((payload["evidence"] as? [String: Any])?["source"] as? String == "live")
            // A JPEG 2000 face (mai-thi-dao-2024) is carried as JPEG, its own bytes hashed as sourceSha256.
            let portrait = try #require(payload["portrait"] as? [String: Any])
            #expect(portrait["mediaType"] as? String == "image/jpeg")
            if card.description.portrait.hasSuffix(".jp2") {
                let jp2 = try Data(contentsOf: Repository.cards.appendingPathComponent(card.description.portrait))
                #expect(portrait["sourceMediaType"] as? String == "image/jp2")
                #expect(portrait["sourceSha256"] as? String == Self.sha256(jp2))
            }
            // Keys in LEVEL1.md's order.
            let keys = ["\"schema\"", "\"status\"", "\"subject\"", "\"contact\"", "\"portrait\"", "\"document\"",
                        "\"evidence\"", "\"problems\""].map { result.stdout.range(of: $0)!.lowerBound }
            #expect(keys == keys.sorted())
        }

        @Test func level1_qrOfAnotherPerson_isRejected_withEachMismatch() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let qr = "001099012345|123456789|Nguyễn Văn Ân|15031998|Nam|Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội|01062022"
            let result = try withCard(card.makeChip()) {
                try CLITool.run(["level1", "--qr-text", qr, "--reader", "00 00", "--phone", "0912345678",
                                 "--trust", Self.trust])
            }
            #expect(result.status == 5)
            let payload = try result.json
            #expect(payload["status"] as? String == "rejected")
            #expect((payload["evidence"] as? [String: Any])?["qr"] as? String == "mismatched")
            let problems = payload["problems"] as? [[String: Any]] ?? []
            #expect(problems.compactMap { $0["field"] as? String } == ["fullName", "dateOfBirth"])
            #expect(problems.first?["chip"] as? String == "Nguyễn Văn An" && problems.first?["qr"] as? String == "Nguyễn Văn Ân")
        }

        @Test func level1_fromATrace_isUnverified_REPLAYED_andExits0() throws {
            let result = try CLITool.run(["level1", "--replay", Repository.root.appendingPathComponent("Vectors/traces/ly-tu-2024.json").path,
                                          "--qr", Self.fronts.appendingPathComponent("ly-tu-2024.png").path,
                                          "--phone", "0912345678", "--trust", Self.trust])
            #expect(result.status == 0, "\(result.stderr)")
            let payload = try result.json
            #expect(payload["status"] as? String == "unverified")
            #expect((payload["evidence"] as? [String: Any])?["source"] as? String == "replay")
            #expect((payload["problems"] as? [[String: Any]])?.map { $0["code"] as? String } == ["REPLAYED"])
        }

        @Test func level1_badPhone_exits2() throws {
            let result = try CLITool.run(["level1", "--qr-text", "001099012345||A|15031999|Nam|X|01062022",
                                          "--phone", "12345", "--json"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("phone"))
            #expect(try result.json["code"] as? String == "USAGE")
        }

        /// `--json` and `--pretty` mean the same on every command (shared/CLI.md): `emulate` and `desk`, which
        /// print no other JSON, give a failure as `cccd-error/1`; `qr --pretty` indents its documents.
        @Test func emulateAndDesk_failuresAsJSON_qrPretty() throws {
            let emulate = try CLITool.run(["emulate", "--card", "/nonexistent/card.json", "--json"])
            #expect(emulate.status == 6, "\(emulate.stderr)")
            #expect(try emulate.json["schema"] as? String == "cccd-error/1")
            let desk = try CLITool.run(["desk", "--listen", "192.0.2.1:8080", "--pretty"])
            #expect(desk.status == 2, "\(desk.stderr)")
            #expect(desk.stdout.hasPrefix("{\n"), "indented: \(desk.stdout)")
            #expect(try desk.json["schema"] as? String == "cccd-error/1")
            let qr = try CLITool.run(["qr", "--pretty", "--qr-text",
                                      "001099012345|123456789|Nguyễn Văn An|15031998|Nam|Hà Nội|01062022"])
            #expect(qr.status == 0, "\(qr.stderr)")
            #expect(qr.stdout.hasPrefix("{\n"), "indented: \(qr.stdout)")
            #expect(try qr.json["schema"] as? String == "cccd-qr/1")
        }

        @Test func qr_ofAnUnreadableFile_exits6() throws {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-not-an-image-\(UUID()).png")
            defer { try? FileManager.default.removeItem(at: url) }
            try Data("not a png".utf8).write(to: url)
            let result = try CLITool.run(["qr", url.path, "--json"])
            #expect(result.status == 6)
            #expect(try result.documents.last?["schema"] as? String == "cccd-error/1")
        }
    }
}

extension RealPCSCD {
    /// `cccd emulate` as a user starts it: the card appears in pcscd's virtual reader, and OpenSC sees it.
    @Suite struct EmulateCommandTests {
        @Test func emulate_putsTheCardInTheReader_forAnyPCSCProgram() throws {
            try PCSCDaemon.ensureRunning()
            try PCSCDaemon.waitUntil(PCSCDaemon.reader0, present: false)
            let emulator = try BackgroundEmulator(["emulate", "--card",
                                                   Repository.cards.appendingPathComponent("ly-tu-2024.json").path,
                                                   "--port", "35963", "--once"])
            defer { emulator.stop() }
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
