import Foundation
import Testing
import VirtualCard

extension RealPCSCD {
    /// The desk page in a real headless browser (Debian's chromium through chromedriver, `scripts/desk-browser-check.py`):
    /// the QR typed into the focused input as a wedge scanner does, then what the officer sees. Screenshots are kept
    /// in `out/desk-screenshots/` (git-ignored).
    @Suite struct DeskBrowserTests {
        static let screenshots = Repository.root.appendingPathComponent("out/desk-screenshots")

        /// Reads `card` through `cccd desk` and checks the page for `scenario` with `input` typed.
        func check(_ scenario: String, card name: String, input: (PersonalizedCard) -> String) throws {
            let out = DeskCommandTests.folder()
            defer { try? FileManager.default.removeItem(at: out) }
            let card = try Repository.card(name)
            let desk = try DeskCommandTests.desk(out)
            defer { desk.stop() }
            let connection = try PCSCDaemon.insert(card.makeChip(), into: PCSCDaemon.reader0)
            defer { try? PCSCDaemon.remove(connection, from: PCSCDaemon.reader0) }
            let shot = Self.screenshots.appendingPathComponent("\(scenario)-\(name.replacingOccurrences(of: ".json", with: "")).png")
            try? FileManager.default.removeItem(at: shot)
            let result = try CLITool.shell(
                "python3 scripts/desk-browser-check.py http://127.0.0.1:\(desk.port)/ \(scenario) '\(shot.path)' "
                    + "'\(input(card).replacingOccurrences(of: "'", with: "'\\''"))' '\(card.description.identity.fullName)'",
                in: Repository.root, timeout: 120)
            #expect(result.status == 0, "\(result.stderr.suffix(600)) \(desk.stderr.suffix(300))")
            #expect(FileManager.default.fileExists(atPath: shot.path), "no screenshot")
        }

        @Test func afterARead_thePageShowsTheVerdictThePortraitAndTheFields_thenThePayload() throws {
            try check("accept", card: "nguyen-van-an-2021.json") { $0.description.qr! }
        }

        @Test func aMismatchedQR_showsBothValues() throws {
            try check("mismatch", card: "ho-ngoc-to-2024.json") { card in
                let qr = card.description.qr!
                return qr.replacingOccurrences(of: card.description.identity.fullName,
                                               with: card.description.identity.fullName + " Văn")
            }
        }

        @Test func anExpiredCard_saysSo() throws {
            try check("expired", card: "truong-thuy-duong-2021.json") { $0.description.qr! }
        }
    }
}
