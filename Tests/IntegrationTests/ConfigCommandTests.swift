import Foundation
import Testing

/// `cccd config` and the configuration as the commands use it: files, then the command line; a bad file exits 6
/// naming the file and the key, in every command that reads the configuration.
@Suite struct ConfigCommandTests {
    /// A private configuration home with `cccd.toml` holding `text`.
    static func home(_ text: String?) throws -> (environment: [String: String], file: String, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-config-cli-\(UUID())")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("config/cccd"),
                                                withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("config/cccd/cccd.toml").path
        if let text { try Data(text.utf8).write(to: URL(fileURLWithPath: file)) }
        return (["XDG_CONFIG_HOME": folder.appendingPathComponent("config").path,
                 "XDG_DATA_HOME": folder.appendingPathComponent("data").path], file, folder)
    }

    @Test func config_printsEveryKeyWithItsSource_asTextAndAsJSON() throws {
        let (environment, file, folder) = try Self.home("retentionDays = 30\nlang = \"en\"\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = try CLITool.run(["config", "--json", "--operator", "Trần Thị Bình"], environment: environment)
        #expect(json.status == 0, "\(json.stderr)")
        let document = try json.json
        #expect(document["files"] as? [String] == [file])
        let settings = try #require(document["settings"] as? [String: [String: Any]])
        #expect(settings["retentionDays"]?["value"] as? Int == 30)
        #expect(settings["retentionDays"]?["source"] as? String == "file")
        #expect(settings["retentionDays"]?["file"] as? String == file)
        #expect(settings["operator"]?["value"] as? String == "Trần Thị Bình")
        #expect(settings["operator"]?["source"] as? String == "command-line")
        #expect(settings["out"]?["value"] as? String == folder.appendingPathComponent("data").path + "/cccd/cards")
        #expect(settings["out"]?["source"] as? String == "default")

        let text = try CLITool.run(["config"], environment: environment)
        #expect(text.status == 0)
        #expect(text.stdout.contains("lang          en  [\(file)]"))
        #expect(text.stdout.contains("operator      "))
    }

    @Test func aBadFile_exits6_namingTheFileAndTheKey_inConfigAndInAReadingCommand() throws {
        let (environment, file, folder) = try Self.home("retentionDays = \"thirty\"\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = try CLITool.run(["config", "--json"], environment: environment)
        #expect(config.status == 6)
        #expect(config.stderr == "cccd: configuration \(file): retentionDays: expected a whole number of days, found a string\n")
        let error = try config.json
        #expect(error["code"] as? String == "CONFIG_INVALID")
        #expect(error["exit"] as? Int == 6)

        let replay = try CLITool.run(["replay", Repository.root.appendingPathComponent("Vectors/traces/ly-tu-2024.json").path],
                                     environment: environment)
        #expect(replay.status == 6, "\(replay.stderr)")
        #expect(replay.stderr.contains("configuration \(file): retentionDays"))
    }

    @Test func aBadValueOnTheCommandLine_exits2() throws {
        let (environment, _, folder) = try Self.home(nil)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLITool.run(["config", "--lang", "fr"], environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr == "cccd: the command line: lang: \"fr\" is not a language: vi or en\n")
    }

    @Test func theConfiguredTrust_isWhatAReplayVerifiesAgainst() throws {
        let csca = Repository.root.appendingPathComponent("Vectors/pki/csca-a.pem").path
        let trace = Repository.root.appendingPathComponent("Vectors/traces/ly-tu-2024.json").path
        let (environment, _, folder) = try Self.home("trust = [\"\(csca)\"]\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configured = try CLITool.run(["replay", trace, "--json", "--no-portrait"], environment: environment)
        #expect(configured.status == 0, "\(configured.stderr)")
        #expect(try configured.json["verdict"] as? String == "reject")
        #expect(try (configured.json["reasons"] as? [[String: Any]])?.map { $0["code"] as? String } == ["REPLAYED"])

        let (bare, _, other) = try Self.home(nil)
        defer { try? FileManager.default.removeItem(at: other) }
        let unconfigured = try CLITool.run(["replay", trace, "--json", "--no-portrait"], environment: bare)
        let codes = try (unconfigured.json["reasons"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? []
        #expect(codes.contains("NO_TRUST_ANCHOR"))
    }
}
