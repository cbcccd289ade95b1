import CCCD
@testable import CCCDConfiguration
import Foundation
import Testing

/// `cccd.toml` (`shared/CLI.md`, "Configuration"): defaults, the system file, the user's file, the command line,
/// each overriding the one before, every value knowing its source; anything unknown or mistyped is refused.
@Suite struct ConfigurationTests {
    /// A private folder standing in for `/etc/cccd`, `$HOME` and `$XDG_CONFIG_HOME`.
    final class Scratch {
        let root: URL
        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-config-\(UUID())")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: root) }

        var system: String { root.appendingPathComponent("etc/cccd.toml").path }
        var home: String { root.appendingPathComponent("home").path }
        var environment: [String: String] { ["HOME": home, "CCCD_SYSTEM_CONFIG": system] }
        var user: String { home + "/.config/cccd/cccd.toml" }

        func write(_ text: String, to path: String) throws {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    @Test func withoutFiles_theDefaultsFollowXDG_andSayTheyAreDefaults() throws {
        let scratch = try Scratch()
        let configuration = try CCCDConfiguration.load(environment: scratch.environment)
        #expect(configuration.filesRead.isEmpty)
        #expect(configuration.out.value == scratch.home + "/.local/share/cccd/cards")
        #expect(configuration.log.value == scratch.home + "/.local/share/cccd/audit.sqlite")
        #expect(configuration.trust.value == ["/etc/cccd/trust", scratch.home + "/.config/cccd/trust"])
        #expect(configuration.lang.value == .vi)
        #expect(configuration.reader.value == nil)
        #expect(configuration.retentionDays.value == nil)
        #expect(configuration.listen.value == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(configuration.tokenFile.value == nil)
        // The login name of this process's user, as the password database gives it.
        let expected = String(cString: getpwuid(geteuid())!.pointee.pw_name)
        #expect(configuration.operatorName.value == expected)
        for source in [configuration.out.source, configuration.trust.source, configuration.lang.source,
                       configuration.operatorName.source, configuration.listen.source] {
            #expect(source == .defaultValue)
        }
    }

    @Test func xdgVariables_moveTheDataAndTheUserFile_butARelativeOneIsIgnored() throws {
        let scratch = try Scratch()
        var environment = scratch.environment
        environment["XDG_DATA_HOME"] = scratch.root.appendingPathComponent("data").path
        environment["XDG_CONFIG_HOME"] = scratch.root.appendingPathComponent("conf").path
        try scratch.write("lang = \"en\"\n", to: scratch.root.appendingPathComponent("conf/cccd/cccd.toml").path)
        let configuration = try CCCDConfiguration.load(environment: environment)
        #expect(configuration.out.value == scratch.root.appendingPathComponent("data").path + "/cccd/cards")
        #expect(configuration.lang.value == .en)
        #expect(configuration.filesRead == [scratch.root.appendingPathComponent("conf/cccd/cccd.toml").path])

        environment["XDG_DATA_HOME"] = "relative/data"   // XDG Base Directory: relative paths are invalid
        #expect(try CCCDConfiguration.load(environment: environment).out.value
                == scratch.home + "/.local/share/cccd/cards")
    }

    @Test func theUserFileOverridesTheSystemFile_andTheCommandLineOverridesBoth() throws {
        let scratch = try Scratch()
        try scratch.write("""
            lang = "en"
            operator = "Trần Thị Bình"
            retentionDays = 90
            reader = "ACR122"
            listen = "127.0.0.1:9000"
            """, to: scratch.system)
        try scratch.write("""
            # the desk's own settings
            operator = "Lê Văn Cường"
            retentionDays = 30
            """, to: scratch.user)
        let files = try CCCDConfiguration.load(environment: scratch.environment)
        #expect(files.filesRead == [scratch.system, scratch.user])
        #expect(files.lang.value == .en && files.lang.source == .file(scratch.system))
        #expect(files.operatorName.value == "Lê Văn Cường" && files.operatorName.source == .file(scratch.user))
        #expect(files.retentionDays.value == 30 && files.retentionDays.source == .file(scratch.user))
        #expect(files.reader.value == "ACR122" && files.reader.source == .file(scratch.system))
        #expect(files.listen.value.port == 9000)

        let overridden = try CCCDConfiguration.load(
            overrides: .init(lang: "vi", operatorName: "Phạm Thu", retentionDays: 7), environment: scratch.environment)
        #expect(overridden.lang.value == .vi && overridden.lang.source == .commandLine)
        #expect(overridden.operatorName.value == "Phạm Thu" && overridden.operatorName.source == .commandLine)
        #expect(overridden.retentionDays.value == 7 && overridden.retentionDays.source == .commandLine)
        #expect(overridden.reader.source == .file(scratch.system))
    }

    @Test func pathsInAFile_areRelativeToItsFolder_orToHome() throws {
        let scratch = try Scratch()
        try scratch.write("""
            trust = ["trust", "~/more-trust", "/srv/csca.pem"]
            out = "~/cards"
            log = "../state/audit.sqlite"
            tokenFile = "token"
            """, to: scratch.user)
        let configuration = try CCCDConfiguration.load(environment: scratch.environment)
        let folder = scratch.home + "/.config/cccd"
        #expect(configuration.trust.value == [folder + "/trust", scratch.home + "/more-trust", "/srv/csca.pem"])
        #expect(configuration.out.value == scratch.home + "/cards")
        #expect(configuration.log.value == folder + "/../state/audit.sqlite")
        #expect(configuration.tokenFile.value == folder + "/token")
        #expect(configuration.trustPaths == configuration.trust.value)   // given paths are all read, or fail
    }

    @Test func aSingleTrustPath_mayBeAString() throws {
        let scratch = try Scratch()
        try scratch.write("trust = \"/etc/cccd/csca.pem\"\n", to: scratch.user)
        #expect(try CCCDConfiguration.load(environment: scratch.environment).trust.value == ["/etc/cccd/csca.pem"])
    }

    @Test func theDefaultTrustLocations_areReadOnlyWhenTheyExist() throws {
        let scratch = try Scratch()
        let configuration = try CCCDConfiguration.load(environment: scratch.environment)
        let existing = configuration.trust.value.filter { FileManager.default.fileExists(atPath: $0) }
        #expect(configuration.trustPaths == existing)
        try FileManager.default.createDirectory(atPath: scratch.home + "/.config/cccd/trust",
                                                withIntermediateDirectories: true)
        #expect(try CCCDConfiguration.load(environment: scratch.environment).trustPaths.contains(
            scratch.home + "/.config/cccd/trust"))
    }

    @Test(arguments: [
        ("retentionDay = 30", "retentionDay", "unknown key"),
        ("retentionDays = \"30\"", "retentionDays", "expected a whole number of days, found a string"),
        ("retentionDays = 0", "retentionDays", "0 is not a number of days"),
        ("retentionDays = 3.5", "retentionDays", "found a float"),
        ("lang = \"fr\"", "lang", "\"fr\" is not a language"),
        ("lang = true", "lang", "expected a string, found a boolean"),
        ("trust = 5", "trust", "expected a path or a list of paths, found an integer"),
        ("trust = [\"/a\", 5]", "trust[1]", "expected a path (a string), found an integer"),
        ("out = \"\"", "out", "an empty path"),
        ("listen = \"8080\"", "listen", "is not HOST:PORT"),
        ("listen = \"127.0.0.1:70000\"", "listen", "is not HOST:PORT"),
        ("operator = \"\"", "operator", "expected a name"),
        ("[desk]\nlang = \"vi\"", "desk", "unknown key"),
        ("reader = { name = \"x\" }", "reader", "expected a string, found a table"),
    ])
    func aWrongKeyOrType_isAnInputErrorNamingTheFileAndTheKey(_ text: String, _ key: String, _ reason: String) throws {
        let scratch = try Scratch()
        try scratch.write(text + "\n", to: scratch.user)
        let error = #expect(throws: ConfigurationError.self) {
            try CCCDConfiguration.load(environment: scratch.environment)
        }
        #expect(error?.file == scratch.user)
        #expect(error?.key == key)
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "")")
        #expect(error?.kind == .input && error?.kind.exitCode == 6)
        #expect(error?.code == "CONFIG_INVALID")
        #expect(error?.description.hasPrefix("configuration \(scratch.user): \(key): ") == true)
    }

    @Test func aFileThatIsNotTOML_saysWhereItBreaks() throws {
        let scratch = try Scratch()
        try scratch.write("lang = \"vi\"\nout = \n", to: scratch.system)
        let error = #expect(throws: ConfigurationError.self) {
            try CCCDConfiguration.load(environment: scratch.environment)
        }
        #expect(error?.file == scratch.system && error?.key == nil)
        #expect(error?.reason.hasPrefix("not TOML at line 2") == true, "\(error?.reason ?? "")")
    }

    @Test func anOversizeFile_isRefusedBeforeParsing_andAFolderOrGarbageToo() throws {
        let scratch = try Scratch()
        try scratch.write("# " + String(repeating: "x", count: CCCDConfiguration.maximumFileSize) + "\n", to: scratch.user)
        let big = #expect(throws: ConfigurationError.self) { try CCCDConfiguration.load(environment: scratch.environment) }
        #expect(big?.reason.contains("larger than 64 KiB") == true)

        try FileManager.default.removeItem(atPath: scratch.user)
        try FileManager.default.createDirectory(atPath: scratch.user, withIntermediateDirectories: true)
        let folder = #expect(throws: ConfigurationError.self) { try CCCDConfiguration.load(environment: scratch.environment) }
        #expect(folder?.reason == "not a regular file")

        try FileManager.default.removeItem(atPath: scratch.user)
        try Data([0x6C, 0x61, 0x6E, 0x67, 0x3D, 0xFF, 0xFE, 0x00]).write(to: URL(fileURLWithPath: scratch.user))
        let garbage = #expect(throws: ConfigurationError.self) { try CCCDConfiguration.load(environment: scratch.environment) }
        #expect(garbage?.reason == "not UTF-8 text")
    }

    @Test func aWrongValueOnTheCommandLine_isAUsageError() throws {
        let scratch = try Scratch()
        let error = #expect(throws: ConfigurationError.self) {
            try CCCDConfiguration.load(overrides: .init(lang: "de"), environment: scratch.environment)
        }
        #expect(error?.file == nil && error?.kind == .usage && error?.kind.exitCode == 2)
        #expect(error?.description == "the command line: lang: \"de\" is not a language: vi or en")
    }

    @Test func listenAddresses_parse_andKnowWhetherTheyAreLoopback() {
        #expect(ListenAddress("127.0.0.1:8080")?.isLoopback == true)
        #expect(ListenAddress("127.3.4.5:1")?.isLoopback == true)
        #expect(ListenAddress("[::1]:8443") == ListenAddress(host: "::1", port: 8443))
        #expect(ListenAddress("[::1]:8443")?.isLoopback == true)
        #expect(ListenAddress("localhost:80")?.isLoopback == true)
        #expect(ListenAddress("0.0.0.0:8080")?.isLoopback == false)
        #expect(ListenAddress("192.168.1.10:8080")?.isLoopback == false)
        #expect(ListenAddress("127.0.0.1.evil.example:80")?.isLoopback == false)
        #expect(ListenAddress("[fe80::1]:8080")?.description == "[fe80::1]:8080")
        for bad in ["", ":80", "host:", "host:0", "host:65536", "::1:80", "[::1]80", "a b:80", "host:+80", "host:8a"] {
            #expect(ListenAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func theReport_namesEverySourceAndFile() throws {
        let scratch = try Scratch()
        try scratch.write("retentionDays = 30\n", to: scratch.user)
        let configuration = try CCCDConfiguration.load(overrides: .init(lang: "en"), environment: scratch.environment)
        let text = configuration.json.serialized()
        #expect(text.hasPrefix("{\"schema\": \"cccd-config/1\", \"files\": [\(JSONValue.quote(scratch.user))]"))
        #expect(text.contains("\"retentionDays\": {\"value\": 30, \"source\": \"file\", \"file\": \(JSONValue.quote(scratch.user))}"))
        #expect(text.contains("\"lang\": {\"value\": \"en\", \"source\": \"command-line\"}"))
        #expect(text.contains("\"reader\": {\"value\": null, \"source\": \"default\"}"))
        #expect(configuration.lines.count == CCCDConfiguration.keys.count)
        #expect(configuration.lines.contains("retentionDays 30  [\(scratch.user)]"))
        #expect(configuration.lines.contains("lang          en  [command line]"))
    }
}
