import CardIO
import CCCD
import DeskRecord
import Foundation
import Testing
import VirtualCard

extension RealPCSCD {
    /// The desk's record through the real stack: `cccd` reading the virtual chip through pcscd logs every attempt,
    /// saves cards whole and private, and a process killed at any moment loses or tears nothing.
    @Suite struct DeskRecordCommandTests {
        static let trust = Repository.root.appendingPathComponent("Vectors/pki/csca-a.pem").path

        /// A private data home for one test: the log and the archive of the configuration's defaults.
        final class Home {
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-record-it-\(UUID())")
            var environment: [String: String] {
                ["XDG_DATA_HOME": url.appendingPathComponent("data").path,
                 "XDG_CONFIG_HOME": url.appendingPathComponent("config").path]
            }
            var log: String { url.appendingPathComponent("data/cccd/audit.sqlite").path }
            var cards: String { url.appendingPathComponent("data/cccd/cards").path }
            init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
            deinit { try? FileManager.default.removeItem(at: url) }

            func history(_ arguments: [String] = []) throws -> [[String: Any]] {
                let result = try CLITool.run(["history", "--json"] + arguments, environment: environment)
                #expect(result.status == 0, "\(result.stderr)")
                return try result.documents
            }
        }

        static func mode(_ path: String) -> mode_t {
            var info = stat()
            lstat(path, &info)
            return info.st_mode & 0o7777
        }

        @Test func read_logsEachAttempt_acceptedOrNot_andHistoryShowsThem() throws {
            let home = try Home()
            let card = try Repository.card("nguyen-van-an-2021.json")
            let out = home.url.appendingPathComponent("dump").path
            let connection = try PCSCDaemon.insert(card.makeChip(), into: PCSCDaemon.reader0)
            let good = try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--trust",
                                        Self.trust, "--out", out, "--json", "--no-portrait"], environment: home.environment)
            let wrong = try CLITool.run(["read", "--can", "000000", "--reader", "00 00", "--trust", Self.trust],
                                        environment: home.environment)
            try PCSCDaemon.remove(connection, from: PCSCDaemon.reader0)
            let none = try CLITool.run(["read", "--can", "000000", "--reader", "00 00"], environment: home.environment)
            #expect(good.status == 0 && wrong.status == 4 && none.status == 3, "\(good.stderr)\(wrong.stderr)\(none.stderr)")

            let entries = try home.history()
            #expect(entries.count == 3)
            #expect(entries.map { $0["verdict"] as? String } == ["accept", "retry", "retry"])
            #expect(entries.map { $0["exit"] as? Int } == [0, 4, 3])
            #expect(entries.map { $0["error"] as? String } == [nil, "ACCESS_DENIED", "NO_CARD"])
            #expect(entries[0]["personalIdNumber"] as? String == "001099012345")
            #expect(entries[0]["reader"] as? String == "Virtual PCD 00 00")
            #expect((entries[0]["access"] as? [String: Any])?["key"] as? String == "can")
            #expect(((entries[0]["access"] as? [String: Any])?["protocol"] as? String)?.hasPrefix("PACE") == true)
            #expect(entries[0]["saved"] as? String == out)
            #expect(entries[0]["savedHash"] as? String == CardDump.filesHash(ofFolder: out))
            #expect(entries[2]["reader"] as? String == "00 00")
            // The log and the dump are private; the umask made the dump's files 0600 too.
            #expect(Self.mode(home.log) == 0o600 && Self.mode((home.log as NSString).deletingLastPathComponent) == 0o700)
            #expect(Self.mode(out) == 0o700 && Self.mode(out + "/card.json") == 0o600)

            let filtered = try home.history(["--verdict", "retry", "--since", "2000-01-01"])
            #expect(filtered.count == 2)
            let csv = try CLITool.run(["history", "--csv"], environment: home.environment)
            #expect(csv.stdout.hasPrefix("id,time,command,") && csv.stdout.components(separatedBy: "\r\n").count == 5)
        }

        @Test func watch_savesEachCardInTheArchive_rejectedApart_andLogsOneEntryPerAttempt() throws {
            let home = try Home()
            let an = try Repository.card("nguyen-van-an-2021.json")
            // A card whose chip fails active authentication: rejected.
            var clone = an.configuration
            clone.activeAuthentication = nil  // EF.SOD lists DG15, the chip cannot sign: ACTIVE_AUTHENTICATION_NOT_PERFORMED
            let lines = [an.cardAccessNumber.digits, an.cardAccessNumber.digits, "hello", "000000"]
            var outputs: [[String: Any]] = []
            for (index, line) in lines.enumerated() {
                let chip: VirtualChip = index == 1 ? EMRTDChip(configuration: clone) : an.makeChip()
                let connection = try PCSCDaemon.insert(chip, into: PCSCDaemon.reader0)
                let result = try CLITool.run(["watch", "--reader", "00 00", "--trust", Self.trust, "--json",
                                              "--no-portrait", "--card-timeout", "5"],
                                             environment: home.environment, stdin: line + "\n")
                try PCSCDaemon.remove(connection, from: PCSCDaemon.reader0)
                #expect(result.status == 0, "\(result.stderr)")
                outputs += try result.documents
            }
            #expect(outputs.map { $0["verdict"] as? String } == ["accept", "reject", nil, "retry"])
            let accepted = try #require(outputs[0]["saved"] as? String)
            let rejected = try #require(outputs[1]["saved"] as? String)
            #expect(accepted.hasPrefix(home.cards + "/001099012345-"))
            #expect(rejected.hasPrefix(home.cards + "/rejected/001099012345-"))
            // Three attempts (the line "hello" is not one): three entries, each naming what was saved.
            let entries = try home.history()
            #expect(entries.count == 3)
            #expect(entries.map { $0["command"] as? String } == ["watch", "watch", "watch"])
            #expect(entries.map { $0["saved"] as? String } == [accepted, rejected, nil])
            #expect(entries[1]["savedHash"] as? String == CardDump.filesHash(ofFolder: rejected))
            #expect(Self.mode(home.cards) == 0o700 && Self.mode(home.cards + "/rejected") == 0o700)
        }

        @Test func purge_removesOldCardsAndEntries_andIsLoggedInHistory() throws {
            let home = try Home()
            let an = try Repository.card("nguyen-van-an-2021.json")
            let connection = try PCSCDaemon.insert(an.makeChip(), into: PCSCDaemon.reader0)
            let watch = try CLITool.run(["watch", "--reader", "00 00", "--trust", Self.trust, "--json", "--no-portrait"],
                                        environment: home.environment, stdin: an.cardAccessNumber.digits + "\n")
            try PCSCDaemon.remove(connection, from: PCSCDaemon.reader0)
            let saved = try #require(try watch.json["saved"] as? String)
            let young = try CLITool.run(["purge", "--older-than", "1", "--json"], environment: home.environment)
            #expect(young.status == 0, "\(young.stderr)")
            #expect((try young.json["purge"] as? [String: Any])?["cards"] as? Int == 0)
            #expect(FileManager.default.fileExists(atPath: saved))
            let unset = try CLITool.run(["purge"], environment: home.environment)
            #expect(unset.status == 2)
            // Configured retention, with the card made old: its card.json's readAt set back a year.
            let cardJSON = saved + "/card.json"
            let text = try String(contentsOfFile: cardJSON, encoding: .utf8)
            let year = Calendar(identifier: .gregorian).component(.year, from: Date())
            try text.replacingOccurrences(of: "\"readAt\": \"\(year)-", with: "\"readAt\": \"\(year - 1)-")
                .write(toFile: cardJSON, atomically: false, encoding: .utf8)
            try FileManager.default.createDirectory(at: home.url.appendingPathComponent("config/cccd"),
                                                    withIntermediateDirectories: true)
            try "retentionDays = 30\n".write(to: home.url.appendingPathComponent("config/cccd/cccd.toml"),
                                             atomically: true, encoding: .utf8)
            let purge = try CLITool.run(["purge", "--json"], environment: home.environment)
            #expect(purge.status == 0)
            #expect((try purge.json["purge"] as? [String: Any])?["cards"] as? Int == 1)
            #expect(!FileManager.default.fileExists(atPath: saved))
            #expect(try home.history().map { $0["command"] as? String } == ["watch", "purge", "purge"])
        }

        @Test func force_neverReplacesAFolderThatIsNotADump_andRecordWarnsOfTheKey() throws {
            let home = try Home()
            let card = try Repository.card("nguyen-van-an-2021.json")
            let precious = home.url.appendingPathComponent("precious").path
            try FileManager.default.createDirectory(atPath: precious, withIntermediateDirectories: true)
            try "keep".write(toFile: precious + "/notes.txt", atomically: true, encoding: .utf8)
            let trace = home.url.appendingPathComponent("session.json").path
            let connection = try PCSCDaemon.insert(card.makeChip(), into: PCSCDaemon.reader0)
            let refused = try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00",
                                           "--out", precious, "--force", "--json"], environment: home.environment)
            let recorded = try CLITool.run(["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00",
                                            "--trust", Self.trust, "--record", trace], environment: home.environment)
            try PCSCDaemon.remove(connection, from: PCSCDaemon.reader0)
            #expect(refused.status == 2)
            #expect(try refused.json["code"] as? String == "DUMP_REPLACE_REFUSED")
            #expect(try String(contentsOfFile: precious + "/notes.txt", encoding: .utf8) == "keep")
            #expect(recorded.status == 0)
            #expect(recorded.stderr.contains("warning: \(trace) will hold the card's access key"))
            #expect(Self.mode(trace) == 0o600)
            // The refused read never touched the card: only the recorded read is in the log.
            #expect(try home.history().count == 1)
        }

        /// Issue 15, "nothing lost, nothing torn": `cccd` killed with SIGKILL after a random delay, many times, in
        /// `watch` (saving into the archive) and `read --out DIR --force` (replacing a dump), seeded
        /// (`CCCD_KILL_SEED`, `CCCD_KILL_RUNS`). After each kill: the log passes SQLite's integrity check, every
        /// earlier entry is there unchanged, at most one entry was added, and every folder in sight is a whole dump
        /// that an entry names with its hash. After the next recorder's recovery, every entry's folder is in place.
        @Test func killedAtRandomMoments_leavesTheWholeResultOrNone() throws {
            let environment = ProcessInfo.processInfo.environment
            var random = SplitMix64(seed: UInt64(environment["CCCD_KILL_SEED"] ?? "") ?? 15)
            let runs = Int(environment["CCCD_KILL_RUNS"] ?? "") ?? 40
            let home = try Home()
            let card = try Repository.card("nguyen-van-an-2021.json")
            let dump = home.url.appendingPathComponent("dump").path
            let connection = try PCSCDaemon.insert(card.makeChip(), into: PCSCDaemon.reader0)
            defer { try? PCSCDaemon.remove(connection, from: PCSCDaemon.reader0) }
            let binary = try CLITool.binary.path
            func command(_ run: Int) -> (arguments: [String], stdin: String) {
                run % 2 == 0
                    ? (["watch", "--reader", "00 00", "--trust", Self.trust, "--json", "--no-portrait", "--card-timeout", "5"],
                       card.cardAccessNumber.digits + "\n")
                    : (["read", "--can", card.cardAccessNumber.digits, "--reader", "00 00", "--trust", Self.trust,
                        "--out", dump, "--force", "--json", "--no-portrait"], "")
            }
            // One whole run of each, to time them (and to have a dump to replace).
            var durations: [Double] = []
            for run in 0..<2 {
                let start = Date()
                let (status, _) = try Self.spawn(binary, command(run), environment: home.environment, killAfter: nil)
                #expect(status == 0)
                durations.append(Date().timeIntervalSince(start))
            }
            var previous = try AuditLog(path: home.log).entries()
            var outcomes: [String: Int] = [:]
            var delays: [Double] = []
            for run in 0..<runs {
                // Delays spread over the whole run, denser towards its end where the save and the log happen.
                let span = durations[run % 2]
                let u = Double(random.next() % 10_000) / 10_000
                let delay = span * (0.15 + 1.0 * u.squareRoot())
                delays.append(delay)
                let (status, killed) = try Self.spawn(binary, command(run), environment: home.environment, killAfter: delay)
                let log = try AuditLog(path: home.log)
                #expect(try log.integrityCheck() == ["ok"], "run \(run)")
                let now = try log.entries()
                #expect(Array(now.prefix(previous.count)) == previous, "run \(run): an earlier entry changed or went")
                #expect(now.count - previous.count <= 1, "run \(run)")
                // Whatever is in sight is whole, and named by an entry with its hash.
                for folder in try Self.visibleFolders(home.cards) + (FileManager.default.fileExists(atPath: dump) ? [dump] : []) {
                    #expect(throws: Never.self, "run \(run): \(folder)") { try CardDump(contentsOf: folder) }
                    let hash = CardDump.filesHash(ofFolder: folder)
                    #expect(now.contains { $0.saved == folder && $0.savedHash == hash }, "run \(run): \(folder) is named by no entry")
                }
                let added = now.count > previous.count
                let outcome = !killed ? "finished (exit \(status))"
                    : added ? (now.last?.saved.map { Self.isInPlace($0, hash: now.last?.savedHash) } == false
                               ? "killed after the log's commit, before the rename" : "killed after the entry was logged")
                    : "killed before the entry was logged"
                outcomes["\(run % 2 == 0 ? "watch" : "read --out --force"): \(outcome)", default: 0] += 1
                previous = now
            }
            // The next recorder finishes what was committed and removes what was not.
            _ = try AttemptRecorder(log: AuditLog(path: home.log), archive: CardArchive(root: home.cards), operatorName: "t")
            let (status, _) = try Self.spawn(binary, command(1), environment: home.environment, killAfter: nil)
            #expect(status == 0)
            let entries = try AuditLog(path: home.log).entries()
            for entry in entries where entry.saved?.hasPrefix(home.cards) == true {
                #expect(CardDump.filesHash(ofFolder: entry.saved!) == entry.savedHash, "\(entry.saved!) after recovery")
            }
            let folders = try Self.visibleFolders(home.cards)
            #expect(Set(folders) == Set(entries.compactMap(\.saved).filter { $0.hasPrefix(home.cards) }))
            #expect(entries.last?.savedHash == CardDump.filesHash(ofFolder: dump))
            let hidden = try (FileManager.default.contentsOfDirectory(atPath: home.cards)
                              + ((try? FileManager.default.contentsOfDirectory(atPath: home.cards + "/rejected")) ?? [])
                              + FileManager.default.contentsOfDirectory(atPath: home.url.path)).filter { $0.hasPrefix(".") }
            #expect(hidden.isEmpty, "\(hidden)")
            print("kill test: \(runs) runs, delays \(String(format: "%.2f", delays.min() ?? 0))–\(String(format: "%.2f", delays.max() ?? 0)) s "
                  + "(whole runs \(durations.map { String(format: "%.2f", $0) }.joined(separator: ", ")) s), "
                  + "\(entries.count) entries, \(folders.count) saved cards; outcomes: "
                  + outcomes.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: "; "))
        }

        /// The non-hidden folders of the archive's root and `rejected/`.
        static func visibleFolders(_ root: String) throws -> [String] {
            var out: [String] = []
            for parent in [root, root + "/rejected"] {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
                where !name.hasPrefix(".") && name != "rejected" {
                    out.append(parent + "/" + name)
                }
            }
            return out
        }

        static func isInPlace(_ folder: String, hash: String?) -> Bool {
            CardDump.filesHash(ofFolder: folder) == hash
        }

        /// Runs `cccd`, killing it with SIGKILL after `killAfter` seconds if it is still running; returns its exit
        /// status and whether it was killed.
        static func spawn(_ binary: String, _ command: (arguments: [String], stdin: String), environment: [String: String],
                          killAfter: Double?) throws -> (Int32, Bool) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = command.arguments
            process.environment = ProcessInfo.processInfo.environment.merging(CLITool.hermetic) { $1 }
                .merging(environment) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let input = Pipe()
            process.standardInput = input
            try process.run()
            input.fileHandleForWriting.write(Data(command.stdin.utf8))
            try? input.fileHandleForWriting.close()
            var killed = false
            let deadline = Date().addingTimeInterval(killAfter ?? 60)
            while process.isRunning && Date() < deadline { usleep(2_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed = killAfter != nil
            }
            process.waitUntilExit()
            return (process.terminationStatus, killed)
        }
    }
}

/// SplitMix64: a small seeded generator, so a failing kill sequence can be run again.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
