import CardIO
import Foundation
import Testing
import VirtualCard

extension RealPCSCD {
    /// `cccd watch` fed a sequence of cards and stdin lines, with faults from the virtual chip: one result line per
    /// card, and the loop goes on.
    @Suite struct WatchCommandTests {
        /// A running `cccd watch --json`, its stdout read line by line.
        final class Desk: @unchecked Sendable {
            let process = Process()
            let input = Pipe()
            let output = Pipe()
            private var buffer = Data()
            private let lock = NSLock()
            private let folder: URL
            /// cccd watch's stderr, shown when a line does not come.
            let errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-watch-\(UUID()).log")
            private var sent: [String] = []

            init(folder: URL) throws {
                self.folder = folder
                process.executableURL = try CLITool.binary
                process.arguments = ["watch", "--json", "--reader", "00 00", "--card-timeout", "3",
                                     "--trust", Repository.root.appendingPathComponent("Vectors/pki/csca-a.pem").path,
                                     "--out", folder.path]
                process.environment = ProcessInfo.processInfo.environment.merging(CLITool.hermetic) { $1 }
                process.standardInput = input
                process.standardOutput = output
                FileManager.default.createFile(atPath: errorLog.path, contents: nil)
                process.standardError = try FileHandle(forWritingTo: errorLog)
                output.fileHandleForReading.readabilityHandler = { [weak self] handle in
                    let data = handle.availableData
                    guard let self else { return }
                    self.lock.withLock { self.buffer.append(data) }
                }
                try process.run()
            }

            func send(_ line: String) {
                sent.append(line)
                input.fileHandleForWriting.write(Data((line + "\n").utf8))
            }

            /// The next JSON line, waiting up to `timeout` seconds.
            func next(timeout: Double = 20) throws -> [String: Any] {
                let deadline = Date().addingTimeInterval(timeout)
                while Date() < deadline {
                    let line: Data? = lock.withLock {
                        guard let newline = buffer.firstIndex(of: 0x0A) else { return nil }
                        let line = buffer[buffer.startIndex..<newline]
                        buffer.removeSubrange(buffer.startIndex...newline)
                        return Data(line)
                    }
                    if let line {
                        try OutputCheck.validate(String(decoding: line, as: UTF8.self))
                        return try #require(JSONSerialization.jsonObject(with: line) as? [String: Any])
                    }
                    usleep(50_000)
                }
                let log = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
                throw HarnessError("no line from cccd watch within \(timeout) s after input \(sent.count); stderr: "
                                   + log.split(separator: "\n").suffix(4).joined(separator: " | "))
            }

            func finish() -> Int32 {
                try? input.fileHandleForWriting.close()
                let deadline = Date().addingTimeInterval(10)
                while process.isRunning && Date() < deadline { usleep(50_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                output.fileHandleForReading.readabilityHandler = nil
                return process.terminationStatus
            }
        }

        @Test func cardsAndFaults_eachGiveOneLine_andTheLoopGoesOn() throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-watch-\(UUID())")
            defer { try? FileManager.default.removeItem(at: folder) }
            let an = try Repository.card("nguyen-van-an-2021.json")
            let hang = try Repository.card("dam-anh-hang-2021.json")
            let desk = try Desk(folder: folder)

            // 1. A genuine card, its QR text from the scanner (with the BOM and CR a wedge scanner adds).
            var connection = try PCSCDaemon.insert(an.makeChip(), into: PCSCDaemon.reader0)
            desk.send("\u{FEFF}" + an.description.qr! + "\r")
            let first = try desk.next()
            #expect(first["schema"] as? String == "cccd-read/1", "\(first)")
            #expect(first["verdict"] as? String == "accept")
            #expect((first["subject"] as? [String: Any])?["personalIdNumber"] as? String == "001099012345")
            #expect((first["verification"] as? [String: Any])?["passiveAuthentication"] as? String == "passed")
            #expect(first["qr"] as? String == "matched")
            let saved = try #require(first["saved"] as? String)
            #expect(FileManager.default.fileExists(atPath: saved + "/portrait.jpg"))
            try PCSCDaemon.remove(connection, from: PCSCDaemon.reader0)

            // 2. The next card with a wrong CAN: one error line.
            connection = try PCSCDaemon.insert(hang.makeChip(), into: PCSCDaemon.reader0)
            desk.send("000000")
            let refused = try desk.next()
            #expect(refused["code"] as? String == "ACCESS_DENIED" && refused["verdict"] as? String == "retry")
            #expect((refused["message"] as? String)?.contains("refused the access key") == true)

            // 3. The same card with its 12-digit ID: read.
            desk.send(hang.description.identity.personalIdNumber)
            let second = try desk.next()
            #expect((second["subject"] as? [String: Any])?["personalIdNumber"] as? String == "038190004567")
            try PCSCDaemon.remove(connection, from: PCSCDaemon.reader0)

            // 4. No card comes: one line after the card timeout.
            desk.send(an.cardAccessNumber.digits)
            let none = try desk.next()
            #expect(none["code"] as? String == "NO_CARD" && none["verdict"] as? String == "retry")
            #expect((none["message"] as? String)?.contains("no card on Virtual PCD 00 00") == true)

            // 5. A card pulled away mid-read.
            let faulty = FaultInjectingChip(wrapping: an.makeChip(), plan: .init(removeAtExchange: 10))
            connection = try PCSCDaemon.insert(faulty, into: PCSCDaemon.reader0)
            desk.send(an.cardAccessNumber.digits)
            let pulled = try desk.next()
            #expect(pulled["code"] as? String == "CARD_REMOVED" && pulled["verdict"] as? String == "retry")
            connection.disconnect()
            try PCSCDaemon.waitUntil(PCSCDaemon.reader0, present: false)

            // 6. Garbage on the scanner line: one line, and still running.
            desk.send("hello")
            let garbage = try desk.next()
            #expect(garbage["code"] as? String == "INPUT_UNRECOGNIZED")
            #expect((garbage["message"] as? String)?.contains("not a QR text") == true)

            // The end of input stops the desk cleanly.
            #expect(desk.finish() == 0)
        }

        @Test func interrupt_stopsTheDeskCleanly() throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-watch-\(UUID())")
            defer { try? FileManager.default.removeItem(at: folder) }
            try PCSCDaemon.ensureRunning()
            let desk = try Desk(folder: folder)
            usleep(500_000)
            kill(desk.process.processIdentifier, SIGINT)
            desk.process.waitUntilExit()
            #expect(desk.process.terminationStatus == 0)
        }
    }
}
