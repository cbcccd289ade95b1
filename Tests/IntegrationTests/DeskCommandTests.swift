import CCCDQR
import CardIO
import Foundation
import Testing
import VirtualCard

extension RealPCSCD {
    /// `cccd desk` driven through its HTTP contract (`shared/CLI.md`, "The desk page") against virtual cards put
    /// into pcscd's vpcd reader: the QR text in, the card read, the contact in; the state, the events, the verdict,
    /// the portrait and the saved payload checked.
    @Suite struct DeskCommandTests {
        static let trust = Repository.root.appendingPathComponent("Vectors/pki/csca-a.pem").path

        /// A desk on reader 00 00 saving under a fresh folder.
        static func desk(_ folder: URL, _ extra: [String] = []) throws -> DeskProcess {
            try PCSCDaemon.ensureRunning()
            return try DeskProcess(["--reader", "00 00", "--trust", trust, "--out", folder.path, "--card-timeout", "5",
                                    "--operator", "Nguyễn Thị Hoa"] + extra)
        }

        static func folder() -> URL {
            FileManager.default.temporaryDirectory.appendingPathComponent("cccd-desk-\(UUID())")
        }

        /// Every state document valid against Schemas/cccd-desk-1.schema.json.
        static func validate(_ texts: [String]) throws {
            try OutputCheck.validate(texts.joined(separator: "\n"))
        }

        @Test func qrIn_cardRead_contactIn_acceptsAndSavesTheLevel1Payload_withTheJPEG2000FaceAsJPEG() throws {
            let out = Self.folder()
            defer { try? FileManager.default.removeItem(at: out) }
            // A 2024 card whose chip stores the face as JPEG 2000: the page must get a JPEG.
            let card = try Repository.card("mai-thi-dao-2024.json")
            let desk = try Self.desk(out)
            defer { desk.stop() }
            let events = try DeskHTTP.EventStream(port: desk.port)
            defer { events.close() }
            let first = try events.next()
            #expect(first.json["state"] as? String == "waiting-for-secret")

            // A card put down before the secret: the desk says so, and waits.
            let connection = try PCSCDaemon.insert(card.makeChip(), into: PCSCDaemon.reader0)
            defer { try? PCSCDaemon.remove(connection, from: PCSCDaemon.reader0) }
            let waiting = try events.until { ($0["status"] as? [String: Any])?["code"] as? String == "cardWaitingForSecret" }
            #expect(waiting.last?.json["state"] as? String == "waiting-for-secret")
            #expect(waiting.last?.json["cardPresent"] as? Bool == true)

            // The wedge scanner's QR text, with its BOM and CR.
            let input = try DeskHTTP.post("/api/input", port: desk.port, token: desk.token,
                                          json: ["text": "\u{FEFF}" + card.description.qr! + "\r"])
            #expect(input.status == 202, "\(input.text)")
            let read = try events.until(timeout: 60) { ($0["state"] as? String) == "awaiting-contact" }
            try Self.validate([first.text] + waiting.map(\.text) + read.map(\.text))
            let states = read.map { $0.json["state"] as? String ?? "" }
            #expect(states.contains("reading"), "\(states)")
            let progress = read.compactMap { $0.json["progress"] as? Double }
            #expect(progress == progress.sorted(), "progress only moves forward")
            let state = try #require(read.last?.json)
            let result = try #require(state["result"] as? [String: Any])
            #expect(result["verdict"] as? String == "accept")
            #expect(result["label"] as? String == "CHẤP NHẬN")
            #expect((result["reasons"] as? [Any])?.isEmpty == true)
            let subject = try #require(result["subject"] as? [String: Any])
            #expect(subject["personalIdNumber"] as? String == card.description.identity.personalIdNumber)
            #expect(subject["fullName"] as? String == card.description.identity.fullName)
            #expect((result["qr"] as? [String: Any])?["status"] as? String == "matched")
            #expect((result["checks"] as? [String: Any])?["passiveAuthentication"] as? String == "passed")
            #expect(state["operator"] as? String == "Nguyễn Thị Hoa")
            #expect(state["reader"] as? String == PCSCDaemon.reader0)

            // The face: a JPEG (transcoded from the chip's JPEG 2000) that decodes at DG2's size.
            let portrait = try DeskHTTP.request("GET", "/api/portrait", port: desk.port)
            #expect(portrait.status == 200)
            #expect(portrait.header("Content-Type") == "image/jpeg")
            #expect(portrait.header("Cache-Control") == "no-store")
            let jpeg = [UInt8](portrait.body)
            #expect(jpeg.starts(with: [0xFF, 0xD8, 0xFF]) && jpeg.suffix(2) == [0xFF, 0xD9])
            let chipFace = try #require(card.files[0x0102]).count
            #expect(jpeg.count > 1000 && jpeg.count != chipFace)
            let decoded = try QRImageLoader.load(data: jpeg)
            #expect(decoded.image.width > 100 && decoded.image.height > 100)

            // The phone and e-mail, checked as typed, then given.
            let check = try DeskHTTP.post("/api/contact", port: desk.port, token: desk.token,
                                          json: ["phone": "0912 34", "email": "dao@", "check": true]).json
            #expect((check["phone"] as? [String: Any])?["valid"] as? Bool == false)
            #expect((check["email"] as? [String: Any])?["valid"] as? Bool == false)
            let given = try DeskHTTP.post("/api/contact", port: desk.port, token: desk.token,
                                          json: ["phone": "0912 345 678", "email": "Dao@Example.VN"])
            #expect(given.status == 200, "\(given.text)")
            let done = try events.until { ($0["state"] as? String) == "done" }
            try Self.validate(done.map(\.text))
            let finalResult = try #require(done.last?.json["result"] as? [String: Any])
            let level1 = try #require(finalResult["level1"] as? [String: Any])
            #expect(level1["status"] as? String == "ready")
            #expect((level1["contact"] as? [String: Any])?["phone"] as? String == "+84912345678")
            #expect((level1["portrait"] as? [String: Any])?["base64"] == nil, "the page gets no portrait bytes")

            // The payload beside the card's files: valid against shared/level1.schema.json, private.
            let path = try #require(finalResult["level1Saved"] as? String)
            #expect(path.hasPrefix(out.path))
            let saved = try String(contentsOfFile: path, encoding: .utf8)
            try Self.validateLevel1(saved)
            let payload = try #require(try JSONSerialization.jsonObject(with: Data(saved.utf8)) as? [String: Any])
            let face = try #require(payload["portrait"] as? [String: Any])
            #expect(face["mediaType"] as? String == "image/jpeg")
            #expect(face["sourceMediaType"] as? String == "image/jp2")
            #expect(Data(base64Encoded: face["base64"] as? String ?? "") == portrait.body)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            #expect(FileManager.default.fileExists(atPath: folder + "/DG2.bin"))
            #expect(FileManager.default.fileExists(atPath: folder + "/card.json"))

            // The printable report: portrait, fields, checks, time, reader, operator; its print stylesheet.
            let report = try DeskHTTP.request("GET", "/report", port: desk.port)
            #expect(report.status == 200)
            for needle in ["/api/portrait", card.description.identity.fullName, "Nguyễn Thị Hoa", PCSCDaemon.reader0,
                           "report.css", "CHẤP NHẬN"] {
                #expect(report.text.contains(needle), "the report lacks \(needle)")
            }
            let style = try DeskHTTP.request("GET", "/report.css", port: desk.port)
            #expect(style.text.contains("@page") && style.text.contains("A4") && style.text.contains("@media print"))
        }

        /// shared/level1.schema.json, the contract's own copy.
        static func validateLevel1(_ text: String) throws {
            let shared = Repository.root.deletingLastPathComponent().appendingPathComponent("shared")
            let message = try python(["-c", """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[1]))
                jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(json.load(sys.stdin))
                """, shared.appendingPathComponent("level1.schema.json").path], stdin: text)
            if let message {
                throw HarnessError("the payload does not validate against level1.schema.json: \(message.suffix(300))")
            }
        }

        @Test func stateChangingRequests_needTheLaunchToken_andTheOrigin_everyResponseIsNoStoreWithACSP() throws {
            let out = Self.folder()
            defer { try? FileManager.default.removeItem(at: out) }
            let desk = try Self.desk(out)
            defer { desk.stop() }
            let body = ["text": "001099012345"]
            // The launch token with its first character changed (to one it is not: "0" + … was the token itself
            // whenever the token began with 0).
            let forged = (desk.token.first == "0" ? "1" : "0") + desk.token.dropFirst()
            let wrong = try DeskHTTP.post("/api/input", port: desk.port, token: forged, json: body)
            #expect(wrong.status == 403)
            #expect(try wrong.json["code"] as? String == "TOKEN_REFUSED")
            let none = try DeskHTTP.request("POST", "/api/reset", port: desk.port, headers: [
                "Content-Type": "application/json", "Origin": "http://127.0.0.1:\(desk.port)"], body: Data("{}".utf8))
            #expect(none.status == 403)
            let otherOrigin = try DeskHTTP.post("/api/input", port: desk.port, token: desk.token, json: body,
                                                origin: "http://evil.example")
            #expect(otherOrigin.status == 403)
            #expect(try otherOrigin.json["code"] as? String == "ORIGIN_REFUSED")
            let form = try DeskHTTP.request("POST", "/api/input", port: desk.port, headers: [
                "Content-Type": "application/x-www-form-urlencoded", "X-CCCD-Token": desk.token,
                "Origin": "http://127.0.0.1:\(desk.port)"], body: Data("text=1".utf8))
            #expect(form.status == 415)
            // DNS rebinding: another name pointing at 127.0.0.1 reads nothing.
            let rebound = try DeskHTTP.request("GET", "/api/state", port: desk.port,
                                               headers: ["Host": "attacker.example:\(desk.port)"])
            #expect(rebound.status == 421)
            // None of them changed anything.
            #expect(try desk.state()["attempt"] as? Int == 0)
            for path in ["/", "/api/state", "/api/portrait", "/report", "/desk.js", "/desk.css", "/nothing"] {
                let response = try DeskHTTP.request("GET", path, port: desk.port)
                #expect(response.header("Cache-Control") == "no-store", "\(path)")
                let policy = try #require(response.header("Content-Security-Policy"), "\(path)")
                #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'"))
                #expect(!policy.contains("unsafe-inline") && !policy.contains("http"), "no inline script, no other origin")
            }
            // The page loads nothing from elsewhere, and runs no inline script.
            let page = try DeskHTTP.request("GET", "/", port: desk.port).text
            #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("//cdn"))
            #expect(page.components(separatedBy: "<script").count == 2 && page.contains("<script src=\"/desk.js\""))
            #expect(try desk.state()["language"] as? String == "vi")
        }

        @Test func aNonLoopbackListen_withoutATokenFile_isRefused() throws {
            let result = try CLITool.run(["desk", "--listen", "0.0.0.0:\(try DeskHTTP.freePort())", "--out", Self.folder().path])
            #expect(result.status == 2)
            #expect(result.stderr.contains("token file"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }

        @Test func theConfigurationFile_setsTheDesk_andTheCommandLineOverridesIt() throws {
            let home = Self.folder()
            defer { try? FileManager.default.removeItem(at: home) }
            let config = home.appendingPathComponent("config/cccd")
            try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
            let port = try DeskHTTP.freePort()
            let cards = home.appendingPathComponent("saved")
            try Data("""
                lang = "en"
                operator = "Trần Văn Bảo"
                listen = "127.0.0.1:\(port)"
                out = "\(cards.path)"
                reader = "00 00"
                """.utf8).write(to: config.appendingPathComponent("cccd.toml"))
            try PCSCDaemon.ensureRunning()
            let environment = ["XDG_CONFIG_HOME": home.appendingPathComponent("config").path]
            let fromFile = try DeskProcess(["--trust", Self.trust], environment: environment)
            #expect(fromFile.port == port)
            let state = try fromFile.state()
            fromFile.stop()
            #expect(state["language"] as? String == "en")
            #expect(state["operator"] as? String == "Trần Văn Bảo")
            #expect((state["status"] as? [String: Any])?["message"] as? String == "Scan the card's QR (or type the 12-digit ID number / the CAN).")
            // The command line wins over the file.
            let other = try DeskHTTP.freePort()
            let fromLine = try DeskProcess(["--trust", Self.trust, "--lang", "vi", "--operator", "Hoa",
                                            "--listen", "127.0.0.1:\(other)"], environment: environment)
            defer { fromLine.stop() }
            #expect(fromLine.port == other)
            let overridden = try fromLine.state()
            #expect(overridden["language"] as? String == "vi" && overridden["operator"] as? String == "Hoa")
        }

        @Test func withATokenFile_everyRequestNeedsTheToken_theFirstVisitSetsACookie() throws {
            let folder = Self.folder()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let tokenFile = folder.appendingPathComponent("token")
            let secret = String(repeating: "k3", count: 20)
            try Data((secret + "\n").utf8).write(to: tokenFile)
            // A token others may read is refused.
            chmod(tokenFile.path, 0o644)
            let loose = try CLITool.run(["desk", "--listen", "127.0.0.1:\(try DeskHTTP.freePort())", "--token-file", tokenFile.path])
            #expect(loose.status == 2 && loose.stderr.contains("chmod 600"), "\(loose.stderr)")
            chmod(tokenFile.path, 0o600)
            try PCSCDaemon.ensureRunning()
            let desk = try DeskProcessWithTokenFile(tokenFile: tokenFile.path, out: folder.appendingPathComponent("cards"))
            defer { desk.stop() }
            #expect(try DeskHTTP.request("GET", "/api/state", port: desk.port).status == 403)
            #expect(try DeskHTTP.request("GET", "/", port: desk.port).status == 403)
            let first = try DeskHTTP.request("GET", "/?token=\(secret)", port: desk.port)
            #expect(first.status == 303)
            let cookie = try #require(first.header("Set-Cookie"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let cookieValue = String(cookie.split(separator: ";")[0])
            let state = try DeskHTTP.request("GET", "/api/state", port: desk.port, headers: ["Cookie": cookieValue])
            #expect(state.status == 200)
            #expect(try DeskHTTP.request("GET", "/api/state", port: desk.port, headers: ["X-CCCD-Token": secret]).status == 200)
        }

        @Test func anExpiredCard_isRejected_andSaysSo_inEnglish() throws {
            let out = Self.folder()
            defer { try? FileManager.default.removeItem(at: out) }
            // Valid until 1 January 2026: expired on any day these tests run after it.
            let card = try Repository.card("truong-thuy-duong-2021.json")
            let desk = try Self.desk(out, ["--lang", "en"])
            defer { desk.stop() }
            let events = try DeskHTTP.EventStream(port: desk.port)
            defer { events.close() }
            let connection = try PCSCDaemon.insert(card.makeChip(), into: PCSCDaemon.reader0)
            defer { try? PCSCDaemon.remove(connection, from: PCSCDaemon.reader0) }
            #expect(try DeskHTTP.post("/api/input", port: desk.port, token: desk.token,
                                      json: ["text": card.description.qr!]).status == 202)
            let seen = try events.until(timeout: 60) { ($0["state"] as? String) == "done" }
            try Self.validate(seen.map(\.text))
            let result = try #require(seen.last?.json["result"] as? [String: Any])
            #expect(result["verdict"] as? String == "reject")
            #expect(result["label"] as? String == "REJECT")
            let reasons = try #require(result["reasons"] as? [[String: Any]])
            let expired = try #require(reasons.first { $0["code"] as? String == "DOCUMENT_EXPIRED" })
            #expect((expired["message"] as? String)?.contains("expired") == true)
            #expect((expired["action"] as? String)?.isEmpty == false)
            let document = try #require(result["document"] as? [String: Any])
            #expect(document["validity"] as? String == "expired")
            #expect(document["validityText"] as? String == "EXPIRED on 01/01/2026")
            // A rejected card asks for no contact.
            let contact = try DeskHTTP.post("/api/contact", port: desk.port, token: desk.token, json: ["phone": "0912345678"])
            #expect(contact.status == 409)
        }

        @Test func aMismatchedQR_isRejected_withBothValuesOfEachDifferingField() throws {
            let out = Self.folder()
            defer { try? FileManager.default.removeItem(at: out) }
            let card = try Repository.card("nguyen-van-an-2021.json")
            let desk = try Self.desk(out)
            defer { desk.stop() }
            let events = try DeskHTTP.EventStream(port: desk.port)
            defer { events.close() }
            let connection = try PCSCDaemon.insert(card.makeChip(), into: PCSCDaemon.reader0)
            defer { try? PCSCDaemon.remove(connection, from: PCSCDaemon.reader0) }
            // The same ID (so the CAN opens the chip), another name on the QR.
            let forged = card.description.qr!.replacingOccurrences(of: "Nguyễn Văn An", with: "Nguyễn Văn Ân")
            #expect(forged != card.description.qr!)
            #expect(try DeskHTTP.post("/api/input", port: desk.port, token: desk.token, json: ["text": forged]).status == 202)
            let seen = try events.until(timeout: 60) { ["done", "awaiting-contact", "error"].contains($0["state"] as? String) }
            #expect(seen.last?.json["state"] as? String == "done")
            try Self.validate(seen.map(\.text))
            let result = try #require(seen.last?.json["result"] as? [String: Any])
            #expect(result["verdict"] as? String == "reject")
            let reasons = try #require(result["reasons"] as? [[String: Any]])
            let mismatch = try #require(reasons.first { $0["code"] as? String == "QR_MISMATCH" })
            #expect(mismatch["field"] as? String == "fullName")
            #expect(mismatch["chip"] as? String == "Nguyễn Văn An" && mismatch["qr"] as? String == "Nguyễn Văn Ân")
            let words = try #require(mismatch["message"] as? String)
            #expect(words.contains("Nguyễn Văn An") && words.contains("Nguyễn Văn Ân") && words.contains("Họ và tên"))
            let fields = try #require((result["qr"] as? [String: Any])?["fields"] as? [[String: Any]])
            let name = try #require(fields.first { $0["field"] as? String == "fullName" })
            #expect(name["same"] as? Bool == false)
            #expect(fields.filter { $0["same"] as? Bool == false }.count == 1)
        }

        @Test func everyDeskAttempt_isInTheAuditLog_andTheCardIsSavedUnderItsID() throws {
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-desk-home-\(UUID())")
            defer { try? FileManager.default.removeItem(at: home) }
            let environment = ["XDG_DATA_HOME": home.appendingPathComponent("data").path]
            let out = Self.folder()
            defer { try? FileManager.default.removeItem(at: out) }
            let card = try Repository.card("nguyen-van-an-2021.json")
            try PCSCDaemon.ensureRunning()
            let desk = try DeskProcess(["--reader", "00 00", "--trust", Self.trust, "--out", out.path,
                                        "--card-timeout", "5", "--operator", "Nguyễn Thị Hoa"], environment: environment)
            let events = try DeskHTTP.EventStream(port: desk.port)
            let connection = try PCSCDaemon.insert(card.makeChip(), into: PCSCDaemon.reader0)
            defer { try? PCSCDaemon.remove(connection, from: PCSCDaemon.reader0) }

            // An accepted card, then the same card with a wrong CAN (the chip refuses it: retry).
            #expect(try DeskHTTP.post("/api/input", port: desk.port, token: desk.token,
                                      json: ["text": card.cardAccessNumber.digits]).status == 202)
            _ = try events.until(timeout: 60) { ($0["state"] as? String) == "awaiting-contact" }
            let wrong = card.cardAccessNumber.digits == "000000" ? "111111" : "000000"
            #expect(try DeskHTTP.post("/api/input", port: desk.port, token: desk.token,
                                      json: ["text": wrong]).status == 202)
            let failed = try events.until(timeout: 60) { ($0["state"] as? String) == "error" }
            #expect((failed.last?.json["result"] as? [String: Any])?["verdict"] as? String == "retry")
            events.close()
            desk.stop()

            let history = try CLITool.run(["history", "--json"], environment: environment)
            #expect(history.status == 0, "\(history.stderr)")
            let entries = try history.documents
            #expect(entries.map { $0["command"] as? String } == ["desk", "desk"])
            #expect(entries.map { $0["verdict"] as? String } == ["accept", "retry"])
            #expect(entries.allSatisfy { $0["operator"] as? String == "Nguyễn Thị Hoa" })
            #expect(entries.first?["personalIdNumber"] as? String == card.description.identity.personalIdNumber)
            #expect((entries.last?["reasons"] as? [[String: Any]])?.first?["code"] as? String == "ACCESS_DENIED")
            // The accepted card in the archive, its folder named by the validated ID; the log private.
            let saved = try #require(entries.first?["saved"] as? String)
            #expect(URL(fileURLWithPath: saved).deletingLastPathComponent().standardizedFileURL.path
                    == out.standardizedFileURL.path)
            #expect(URL(fileURLWithPath: saved).lastPathComponent
                        .hasPrefix(card.description.identity.personalIdNumber + "-"))
            #expect(FileManager.default.fileExists(atPath: saved + "/card.json"))
            let log = home.appendingPathComponent("data/cccd/audit.sqlite").path
            #expect(try FileManager.default.attributesOfItem(atPath: log)[.posixPermissions] as? Int == 0o600)
        }

        @Test func aCardLiftedDuringTheRead_isRetry_neverReject() throws {
            let out = Self.folder()
            defer { try? FileManager.default.removeItem(at: out) }
            let card = try Repository.card("nguyen-van-an-2021.json")
            let desk = try Self.desk(out)
            defer { desk.stop() }
            let events = try DeskHTTP.EventStream(port: desk.port)
            defer { events.close() }
            let faulty = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(removeAtExchange: 10))
            let connection = try PCSCDaemon.insert(faulty, into: PCSCDaemon.reader0)
            #expect(try DeskHTTP.post("/api/input", port: desk.port, token: desk.token,
                                      json: ["text": card.cardAccessNumber.digits]).status == 202)
            let seen = try events.until(timeout: 60) { ($0["state"] as? String) == "error" }
            try? PCSCDaemon.remove(connection, from: PCSCDaemon.reader0)
            try Self.validate(seen.map(\.text))
            let result = try #require(seen.last?.json["result"] as? [String: Any])
            #expect(result["verdict"] as? String == "retry")
            #expect(result["label"] as? String == "THỬ LẠI")
            let reasons = try #require(result["reasons"] as? [[String: Any]])
            #expect(reasons.first?["code"] as? String == "CARD_REMOVED")
            #expect(result["subject"] is NSNull)
            // While the card was off the reader, the page said so: put it back.
            let lifted = seen.first { ($0.json["status"] as? [String: Any])?["code"] as? String == "cardLifted" }
            #expect(lifted?.json["cardLifted"] as? Bool == true, "no 'card lifted' state among \(seen.count) events")
        }
    }
}

/// `cccd desk` with a token file: its page needs the token, so its address is read from stderr alone.
final class DeskProcessWithTokenFile {
    let process = Process()
    let port: Int

    init(tokenFile: String, out: URL) throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-desk-\(UUID()).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        process.executableURL = try CLITool.binary
        process.arguments = ["desk", "--listen", "127.0.0.1:\(try DeskHTTP.freePort())", "--token-file", tokenFile,
                             "--out", out.path]
        var env = ProcessInfo.processInfo.environment
        for (key, value) in CLITool.hermetic { env[key] = value }
        process.environment = env
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, process.isRunning {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "desk at http://127.0.0.1:"),
               let port = Int(text[range.upperBound...].prefix { $0.isNumber }) {
                self.port = port
                return
            }
            usleep(50_000)
        }
        kill(process.processIdentifier, SIGKILL)
        throw HarnessError("cccd desk did not start")
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
    }
}
