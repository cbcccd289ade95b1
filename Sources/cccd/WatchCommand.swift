import ArgumentParser
import CardIO
import CCCD
import Foundation
import ICAOSession

/// `cccd watch`: the desk. Each card's access secret comes as a line on stdin (the QR text typed by a
/// keyboard-wedge 2D scanner, a 12-digit ID, a CAN, or DOC,YYMMDD,YYMMDD); the card is read when it is on a
/// reader, verified, summarised; the loop goes on until stdin ends or Ctrl-C.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Desk mode: read each card put on a reader, one result per card, until stopped.",
        discussion: """
            For each card: scan its QR with a keyboard-wedge scanner (or type the 12-digit ID or the CAN) and \
            press Enter, then put the card on the reader. cccd reads, verifies and prints a short summary \
            (name, ID, birth, sex, every verdict, where the portrait was saved) or one JSON line per card with \
            --json. A removed card, a wrong CAN, an unplugged reader or a bad card gives one line and the loop goes \
            on. Readers may be plugged in and out. Ctrl-C or the end of input stops it.

            Example:
              cccd watch --trust /etc/cccd/trust --out ~/cccd-cards
            """
    )

    @OptionGroup var verify: VerifyOptions

    @Option(name: .long, help: "Only this reader: a name, a unique part of one, or an index.")
    var reader: String?

    @Option(name: .long, help: "Save each card's files, portrait and card.json in a folder under this one.")
    var out: String = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/cccd/cards").path

    @Option(name: .customLong("card-timeout"), help: "Seconds to wait for the card after its secret was given.")
    var cardTimeout: Int = 60

    @Flag(name: .long, help: "One JSON line per card on stdout.")
    var json = false

    func run() throws {
        try runCommand {
            let trust = try TrustLoader.load(verify.trust)
            signal(SIGINT, SIG_IGN)
            let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            interrupt.setEventHandler {
                Standard.error("\ncccd: watch stopped")
                Foundation.exit(0)
            }
            interrupt.resume()
            Standard.error("cccd: watching for cards; scan the QR (or type the ID / CAN) and put the card on a reader")
            while let line = readLine(strippingNewline: true) {
                let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
                if text.isEmpty { continue }
                handle(text, trust: trust)
            }
            Standard.error("cccd: end of input; watch stopped")
        }
    }

    /// One card: never throws; every failure is one line and the loop goes on.
    private func handle(_ line: String, trust: TrustInput) {
        let qr: CardQRCode?
        let key: AccessKey
        do {
            (qr, key) = try Self.parse(line)
        } catch {
            report(error: "the input is not a QR text, a 12-digit ID, a 6-digit CAN or DOC,YYMMDD,YYMMDD")
            return
        }
        guard waitForCard() else {
            report(error: "no card on \(reader ?? "any reader") within \(cardTimeout) s")
            return
        }
        do {
            let outcome = try CardSession.readLive(reader: reader ?? firstReaderWithCard(), key: key,
                                                   options: ReadOptions(), record: nil,
                                                   progress: nil)
            let passive = PassiveCheck.run(outcome.readout, trust: trust)
            let record = CitizenRecord(dg13: outcome.readout.dg13, dg1: outcome.readout.dg1)
            let mismatches = qr.map { CrossCheck.compare(record, $0) } ?? []
            let folderName = "\(record.personalIdNumber ?? "card")-\(Self.stamp(outcome.readout.readAt))"
            let folder = URL(fileURLWithPath: out).appendingPathComponent(folderName).path
            var cardJSON = CardReport.json(outcome.readout, passive: passive, reader: outcome.reader, portrait: false)
            var saved: String? = nil
            do {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try DumpWriter.write(outcome.readout, cardJSON: cardJSON, to: folder, force: false)
                saved = folder
            } catch {
                Standard.error("cccd: cannot save the card: \(error)")
            }
            if json {
                if case .object(var members) = cardJSON {
                    members.append(("qr", .string(qr == nil ? "absent" : mismatches.isEmpty ? "matched" : "mismatched")))
                    members.append(("saved", .optional(saved)))
                    cardJSON = .object(members)
                }
                Standard.output(cardJSON.serialized())
            } else {
                for text in CardReport.human(outcome.readout, passive: passive) { Standard.output(text) }
                if let qr { _ = qr; Standard.output(mismatches.isEmpty ? "QR matches the chip" : "QR MISMATCH: " + mismatches.compactMap(\.field).joined(separator: ", ")) }
                Standard.output(saved.map { "saved in \($0)" } ?? "not saved")
                Standard.output("")
            }
        } catch let failure as CommandFailure {
            report(error: failure.message)
        } catch {
            report(error: "\(error)")
        }
    }

    private func report(error message: String) {
        if json {
            Standard.output(JSONValue.object([("error", .string(message))]).serialized())
        } else {
            Standard.error("cccd: \(message)")
        }
    }

    /// Parses one input line.
    static func parse(_ line: String) throws -> (CardQRCode?, AccessKey) {
        if line.contains("|") {
            let qr = try CardQRCode(text: line)
            return (qr, .can(try CardAccessNumber(personalIdNumber: qr.personalIdNumber)))
        }
        let digits = line.filter { $0 != " " }
        if digits.allSatisfy(\.isASCIIDigit), digits.count == 12 {
            return (nil, .can(try CardAccessNumber(personalIdNumber: digits)))
        }
        if digits.allSatisfy(\.isASCIIDigit), digits.count == 6 {
            return (nil, .can(try CardAccessNumber(digits)))
        }
        let parts = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        if parts.count == 3 {
            let key = try MRZKey(documentNumber: parts[0], dateOfBirth: parts[1], dateOfExpiry: parts[2])
            return (nil, .mrz(key))
        }
        throw CommandFailure(.usage, "unrecognised input")
    }

    private func firstReaderWithCard() -> String? {
        (try? PCSCContext().readerStatuses().first(where: \.cardPresent)?.name) ?? nil
    }

    private func matches(_ status: ReaderStatus) -> Bool {
        guard let reader else { return true }
        if let index = Int(reader), let names = try? PCSCContext().readerNames(), index < names.count {
            return names[index] == status.name
        }
        return status.name.range(of: reader, options: .caseInsensitive) != nil
    }

    /// Waits (following readers that come and go) until a card is present; false on timeout or without pcscd.
    private func waitForCard() -> Bool {
        let deadline = Date().addingTimeInterval(Double(cardTimeout))
        while Date() < deadline {
            guard let context = try? PCSCContext() else {
                Thread.sleep(forTimeInterval: 1)
                continue
            }
            guard var snapshot = try? context.waitForChange(after: nil) else {
                Thread.sleep(forTimeInterval: 0.5)
                continue
            }
            if snapshot.readers.contains(where: { $0.cardPresent && matches($0) }) { return true }
            let remaining = Int(deadline.timeIntervalSinceNow * 1000)
            if remaining <= 0 { return false }
            if let next = try? context.waitForChange(after: snapshot, timeout: min(remaining, 1000)) {
                snapshot = next
                if snapshot.readers.contains(where: { $0.cardPresent && matches($0) }) { return true }
            }
        }
        return false
    }

    static func stamp(_ date: Date) -> String {
        ISO8601.string(date).replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
    }
}
