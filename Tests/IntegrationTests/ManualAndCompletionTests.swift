import Foundation
import Testing

/// `cccd --version`, the shell completions and the manual's source, generated from the argument parser.
@Suite struct ManualAndCompletionTests {
    static let commands = ["read", "level1", "qr", "watch", "desk", "replay", "verify", "readers", "emulate"]

    @Test(arguments: ["bash", "zsh", "fish"])
    func theCompletionScript_generates_andKnowsEveryCommand(_ shell: String) throws {
        let result = try CLITool.run(["--generate-completion-script", shell])
        #expect(result.status == 0, "\(result.stderr)")
        for command in Self.commands { #expect(result.stdout.contains(command), "\(shell) lacks \(command)") }
        for option in ["--listen", "--lang", "--token-file", "--level1"] {
            #expect(result.stdout.contains(option.dropFirst(2)), "\(shell) lacks \(option)")
        }
        if shell == "bash" {
            let script = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-completion-\(UUID()).bash")
            defer { try? FileManager.default.removeItem(at: script) }
            try Data(result.stdout.utf8).write(to: script)
            let check = try CLITool.shell("bash -n '\(script.path)'", in: Repository.root)
            #expect(check.status == 0, "bash cannot parse it: \(check.stderr)")
        }
    }

    @Test func theManualsSource_describesEveryCommandAndItsOptions() throws {
        // What swift-argument-parser's generate-manual plugin reads (scripts/make-manual.sh renders it with groff).
        let result = try CLITool.run(["--experimental-dump-help"])
        #expect(result.status == 0)
        let info = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let root = try #require(info["command"] as? [String: Any])
        let subcommands = try #require(root["subcommands"] as? [[String: Any]])
        let names = Set(subcommands.compactMap { $0["commandName"] as? String })
        for command in Self.commands { #expect(names.contains(command), "\(command)") }
        let desk = try #require(subcommands.first { $0["commandName"] as? String == "desk" })
        let options = (desk["arguments"] as? [[String: Any]] ?? []).compactMap {
            ($0["preferredName"] as? [String: Any])?["name"] as? String
        }
        for option in ["listen", "lang", "operator", "token-file", "reader", "trust", "out"] {
            #expect(options.contains(option), "desk lacks --\(option): \(options)")
        }
    }

    @Test func version_namesCCCD_andTheLibrariesItRunsOn_asTheSystemReportsThem() throws {
        let result = try CLITool.run(["--version"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(lines)")
        #expect(lines.first?.hasPrefix("cccd ") == true)
        // The same versions as the openssl command and Debian's packages say (independent readings).
        let openssl = try CLITool.shell("openssl version", in: Repository.root).stdout.split(separator: " ")
        #expect(lines.contains("OpenSSL \(openssl.count > 1 ? openssl[1] : "?")"), "\(lines)")
        func upstream(_ package: String) throws -> String {
            let text = try CLITool.shell("dpkg-query -W -f='${Version}' \(package)", in: Repository.root).stdout
            return String(text.split(separator: "-").first ?? "").split(separator: ":").last.map(String.init) ?? ""
        }
        #expect(lines.contains("zbar \(try upstream("libzbar0"))"), "\(lines)")
        #expect(lines.contains("pcsc-lite \(try upstream("pcscd"))"), "\(lines)")
    }
}
