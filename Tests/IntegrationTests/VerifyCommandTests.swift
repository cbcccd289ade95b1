import Foundation
import Testing
import VirtualCard

/// `cccd verify DIR` over dumps of the virtual cards, as a script would run it: exit codes and the JSON.
@Suite struct VerifyCommandTests {
    struct Output: Decodable {
        struct Problem: Decodable {
            var code: String
            var field: String?
            var detail: String?
        }
        struct Document: Decodable {
            var personalIdNumber: String?
            var expiryDate: String?
            var validity: String
        }
        var schema: String
        var dump: String
        var readAt: String
        var passiveAuthentication: String
        var signer: String?
        var dataGroups: [String: String]
        var dataGroupsNotRead: [String]
        var signature: String
        var chain: String
        var trustAnchor: String?
        var document: Document
        var problems: [Problem]
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func pki(_ name: String) -> String { root.appendingPathComponent("Vectors/pki/\(name)").path }

    /// This test's scratch folder, removed with the suite instance.
    let scratch = ScratchFolder()

    /// A dump folder as `--out` writes it, from a virtual card; `alter` changes the files first.
    func dump(_ card: String = "nguyen-van-an-2021.json", readAt: String = "2026-01-15T10:00:00Z",
              alter: (inout [String: [UInt8]]) -> Void = { _ in }) throws -> String {
        let personalized = try Personalization.load(Self.root.appendingPathComponent("Vectors/cards/\(card)"))
        var files: [String: [UInt8]] = ["EF.COM.bin": personalized.files[Personalization.comFID]!,
                                        "EF.SOD.bin": personalized.files[Personalization.sodFID]!,
                                        "portrait.jpg": [0xFF, 0xD8],
                                        "card.json": Array(#"{"schema": "cccd-read/1", "readAt": "\#(readAt)"}"#.utf8)]
        for n in [1, 2, 13, 14, 15] { files["DG\(n).bin"] = personalized.files[Personalization.dataGroupFID(n)]! }
        alter(&files)
        let folder = try scratch.folder("dump")
        for (name, bytes) in files { try Data(bytes).write(to: folder.appendingPathComponent(name)) }
        return folder.path
    }

    func emptyFolder() throws -> String { try scratch.folder("empty").path }

    @Test func goodDump_withItsCSCA_exits0_withEveryVerdictPassed() throws {
        let result = try CLITool.run(["verify", try self.dump(), "--trust", Self.pki("csca-a.pem"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
        #expect(output.passiveAuthentication == "passed")
        #expect(output.signer == "CN=cccd TEST DS good, O=cccd TEST ONLY, C=VN")
        #expect(output.dataGroups == ["DG1": "passed", "DG2": "passed", "DG13": "passed", "DG14": "passed",
                                      "DG15": "passed"])
        #expect(output.signature == "passed" && output.chain == "passed")
        #expect(output.trustAnchor == "CN=cccd TEST CSCA A, O=cccd TEST ONLY, C=VN")
        #expect(output.problems.isEmpty)
        #expect(output.readAt == "2026-01-15T10:00:00Z")
        #expect(output.document.validity == "valid" && output.document.expiryDate == "2039-03-15")
        // The JSON keys come in the documented order.
        #expect(result.stdout.hasPrefix("{\"schema\": \"cccd-verify/1\", \"dump\": "))
    }

    @Test func flippedDataGroup_exits5_namingTheDataGroup() throws {
        let dump = try self.dump { files in files["DG13.bin"]![20] ^= 0x01 }
        let result = try CLITool.run(["verify", dump, "--trust", Self.pki("csca-a.pem"),
                                      "--trust", Self.pki("masterlist.ml"), "--json"])
        #expect(result.status == 5)
        let output = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
        #expect(output.passiveAuthentication == "failed")
        #expect(output.dataGroups["DG13"] == "failed")
        #expect(output.problems.map(\.code) == ["DG_HASH_MISMATCH"])
        #expect(output.problems.first?.field == "DG13")
        #expect(result.stderr.contains("DG_HASH_MISMATCH DG13"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func noTrustAnchor_exits5_unlessUnverifiedIsAllowed() throws {
        let dump = try self.dump()
        let empty = try emptyFolder()
        let refused = try CLITool.run(["verify", dump, "--trust", empty, "--json"])
        #expect(refused.status == 5)
        let output = try JSONDecoder().decode(Output.self, from: Data(refused.stdout.utf8))
        #expect(output.passiveAuthentication == "no-trust-anchor")
        #expect(output.chain == "no-trust-anchor")
        #expect(output.signature == "passed")
        #expect(refused.stderr.contains("--allow-unverified"))
        let allowed = try CLITool.run(["verify", dump, "--trust", empty, "--allow-unverified"])
        #expect(allowed.status == 0)
        #expect(allowed.stderr.contains("passive authentication no-trust-anchor"))
        #expect(allowed.stdout.isEmpty)
    }

    @Test func readingTime_decidesTheDocumentSignersValidity() throws {
        let dump = try self.dump()
        // ds-good is valid 2021-01-01 .. 2036-01-01.
        let later = try CLITool.run(["verify", dump, "--trust", Self.pki("csca-a.der"), "--at", "2037-01-01", "--json"])
        #expect(later.status == 5)
        #expect(later.stdout.contains("DS_CERTIFICATE_EXPIRED"))
        let inside = try CLITool.run(["verify", dump, "--trust", Self.pki("csca-a.der"), "--at", "2030-06-01T08:00:00Z"])
        #expect(inside.status == 0)
        let bad = try CLITool.run(["verify", dump, "--at", "yesterday"])
        #expect(bad.status == 2)
    }

    @Test func defaultTrustLocation_inTheUsersConfig_isUsedWithoutTrust() throws {
        // Only meaningful where /etc/cccd/trust does not exist (it is read first).
        guard !FileManager.default.fileExists(atPath: "/etc/cccd/trust") else { return }
        let home = try emptyFolder()
        let trust = URL(fileURLWithPath: home).appendingPathComponent(".config/cccd/trust")
        try FileManager.default.createDirectory(at: trust, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.pki("csca-a.pem"), toPath: trust.appendingPathComponent("a.pem").path)
        let result = try CLITool.run(["verify", try self.dump()], environment: ["HOME": home, "XDG_CONFIG_HOME": ""])
        #expect(result.status == 0, "\(result.stderr)")
        let none = try CLITool.run(["verify", try self.dump()], environment: ["HOME": try emptyFolder(),
                                                                              "XDG_CONFIG_HOME": ""])
        #expect(none.status == 5)
        #expect(none.stderr.contains("no-trust-anchor"))
    }

    @Test func unreadableDumpOrTrust_exits6_withOneLine() throws {
        let missing = try CLITool.run(["verify", "/nonexistent/dump"])
        #expect(missing.status == 6)
        #expect(missing.stderr.split(separator: "\n").count == 1)
        let noSOD = try CLITool.run(["verify", try self.dump { $0["EF.SOD.bin"] = nil }, "--trust", Self.pki("csca-a.pem")])
        #expect(noSOD.status == 6)
        #expect(noSOD.stderr.contains("EF.SOD.bin"))
        let badTrust = try CLITool.run(["verify", try self.dump(), "--trust", Self.pki("csca-a.key")])
        #expect(badTrust.status == 6)
        #expect(badTrust.stderr.contains("csca-a.key"))
        let rogue = try CLITool.run(["verify", try self.dump(), "--trust", Self.pki("masterlist-rogue.ml")])
        #expect(rogue.status == 6)
        #expect(rogue.stderr.contains("master list signer"))
    }

    @Test func severalDumps_eachAtItsOwnTimeOfReading() throws {
        // ds-good is valid 2021-01-01 .. 2036-01-01: a card read in 2030 passes, one read in 2037 does not.
        let early = try self.dump(readAt: "2030-06-01T08:00:00Z")
        let late = try self.dump(readAt: "2037-06-01T08:00:00Z")
        let result = try CLITool.run(["verify", early, late, "--trust", Self.pki("csca-a.pem"), "--json"])
        #expect(result.status == 5)
        let outputs = try result.stdout.split(separator: "\n").map { try JSONDecoder().decode(Output.self, from: Data($0.utf8)) }
        #expect(outputs.map(\.dump) == [early, late])
        #expect(outputs.map(\.passiveAuthentication) == ["passed", "failed"])
        #expect(outputs.map(\.readAt) == ["2030-06-01T08:00:00Z", "2037-06-01T08:00:00Z"])
        #expect(outputs[1].problems.map(\.code) == ["DS_CERTIFICATE_EXPIRED"])
        // --at puts them all at one time.
        let both = try CLITool.run(["verify", early, late, "--trust", Self.pki("csca-a.pem"), "--at", "2031-01-01"])
        #expect(both.status == 0, "\(both.stderr)")
    }

    @Test func anUnreadableDumpAmongOthers_exits6_withAnErrorLineForIt() throws {
        let good = try self.dump()
        let result = try CLITool.run(["verify", good, "/nonexistent/dump", "--trust", Self.pki("csca-a.pem"), "--json"])
        #expect(result.status == 6)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let error = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(error["code"] as? String == "DUMP_UNREADABLE" && error["dump"] as? String == "/nonexistent/dump")
    }

    @Test func aCardExpiredAtItsTimeOfReading_isFlagged() throws {
        // truong-thuy-duong-2021 expired on 2026-01-01: its dump, read on 2026-06-01, still verifies, flagged.
        let dump = try self.dump("truong-thuy-duong-2021.json", readAt: "2026-06-01T08:00:00Z")
        let result = try CLITool.run(["verify", dump, "--trust", Self.pki("csca-a.pem"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try JSONDecoder().decode(Output.self, from: Data(result.stdout.utf8))
        #expect(output.document.validity == "expired")
        #expect(output.problems.map(\.code) == ["DOCUMENT_EXPIRED"])
    }

    @Test func aDumpWithoutItsTimeOfReading_needsAt() throws {
        let dump = try self.dump { $0["card.json"] = nil }
        let result = try CLITool.run(["verify", dump, "--trust", Self.pki("csca-a.pem")])
        #expect(result.status == 6)
        #expect(result.stderr.contains("--at"))
        let given = try CLITool.run(["verify", dump, "--trust", Self.pki("csca-a.pem"), "--at", "2030-01-01"])
        #expect(given.status == 0)
    }

    @Test func malformedSOD_inTheDump_isAFailedVerification() throws {
        let dump = try self.dump { files in files["EF.SOD.bin"] = Array(files["EF.SOD.bin"]!.prefix(100)) }
        let result = try CLITool.run(["verify", dump, "--trust", Self.pki("csca-a.pem"), "--json"])
        #expect(result.status == 5)
        #expect(result.stdout.contains("SOD_MALFORMED"))
    }
}

/// A temporary folder for one test, removed when the test's suite instance goes.
final class ScratchFolder: @unchecked Sendable {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-test-\(UUID().uuidString)")

    /// A new empty folder inside the scratch folder.
    func folder(_ name: String) throws -> URL {
        let url = root.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    deinit { try? FileManager.default.removeItem(at: root) }
}
