import ArgumentParser
import CCCD
import CCCDQR
import DeskRecord
import Foundation

/// `cccd level1 ACCESS --qr IMAGE|--qr-text TEXT --phone P [--email E]`: the `cccd-level1/1` payload.
struct Level1Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "level1",
        abstract: "Read the chip, cross-check it with the QR and print the cccd-level1/1 payload.",
        discussion: """
            The payload (shared/LEVEL1.md) is printed on stdout: status "ready" only from a live read whose \
            verdict is accept (passive, chip and active authentication passed, the QR matched the chip, the card \
            valid today, the identity complete); "unverified" from a replayed trace whose only shortfall is \
            REPLAYED, or with --allow-unverified when only the trust anchor is missing; "rejected" otherwise, with \
            the problems. Exit 0 for ready and unverified, 5 for rejected (and for a card lacking what the payload \
            needs), 2 for a malformed phone or e-mail.

            Examples:
              cccd level1 --qr Vectors/cards/fronts/nguyen-van-an-2021.png \\
                  --phone 0912345678 --trust Vectors/pki/csca-a.pem
              cccd level1 --replay Vectors/traces/ly-tu-2024.json \\
                  --qr Vectors/cards/fronts/ly-tu-2024.png --phone +84912345678 \\
                  --email tu@example.vn --trust Vectors/pki/csca-a.pem --pretty
            """
    )

    @OptionGroup var access: AccessOptions
    @OptionGroup var trust: TrustOptions
    @OptionGroup var reader: ReaderOption
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "The holder's mobile number (written in E.164 in the payload).")
    var phone: String

    @Option(name: .long, help: "The holder's e-mail, if any.")
    var email: String?

    @Option(name: .long, help: ArgumentHelp("Save the session as a cccd-trace/1 file (it holds the access secret).",
                                            valueName: "TRACE"))
    var record: String?

    @Option(name: .long, help: ArgumentHelp("Replay this trace instead of reading a card.", valueName: "TRACE"))
    var replay: String?

    @Flag(name: .long, help: "Log each step and every APDU on stderr (never the access key or session keys).")
    var verbose = false

    /// The payload of a read; a JPEG 2000 face becomes the JPEG the payload carries (CCCDQR's transcoder).
    static func payload(_ result: CardReadResult, contact: Level1Payload.Contact,
                        allowUnverified: Bool) throws -> Level1Payload {
        try Level1Payload(result: result, contact: contact, allowUnverified: allowUnverified) {
            portrait throws in try PortraitTranscoder.jpeg(from: portrait.bytes).jpeg
        }
    }

    func run() async throws {
        try await runCommand(json: output.isJSON) {
            let contact: Level1Payload.Contact
            do {
                contact = try Level1Payload.Contact(phone: phone, email: email)
            } catch {
                throw CommandFailure(.usage, "\(error)")
            }
            let store = try trust.load()
            let result: CardReadResult
            if let replay {
                let qr = try access.qrCode()
                guard qr != nil else { throw CommandFailure(.usage, "level1 needs the card's QR: --qr IMAGE or --qr-text TEXT") }
                result = try await ReadRunner.run(.trace(try ReplayCommand.load(replay)), key: nil, trust: store, qr: qr,
                                                  options: nil, verbose: verbose, record: nil)
            } else {
                let input = try access.input()
                guard input.qr != nil else {
                    throw CommandFailure(.usage, "level1 needs the card's QR: --qr IMAGE or --qr-text TEXT")
                }
                let selection = try reader.selection()
                let recorder = try AuditTrail.open()
                do {
                    result = try await ReadRunner.run(.reader(selection), key: input.key, trust: store, qr: input.qr,
                                                      options: nil, verbose: verbose, record: record)
                } catch {
                    throw AuditTrail.failed(error, recorder: recorder, command: .level1,
                                            reader: AuditTrail.readerName(selection), input: input)
                }
                // The live read is logged with the exit its payload gives (a replay is a test, not an attempt).
                let exit: Int32
                do {
                    exit = try Self.payload(result, contact: contact, allowUnverified: trust.allowUnverified).status
                        == .rejected ? FailureKind.verification.exitCode : 0
                } catch let error as ClassifiedError {
                    exit = error.kind.exitCode
                }
                try recorder.record(.read(result), command: .level1, reader: nil, input: input,
                                    allowUnverified: trust.allowUnverified, save: false, exitCode: exit)
            }
            let payload = try Self.payload(result, contact: contact, allowUnverified: trust.allowUnverified)
            Standard.output(payload.json.serialized(pretty: output.pretty))
            if payload.status == .rejected {
                let codes = payload.problems.filter { $0.kind != .notice }.map { $0.code.rawValue + ($0.field.map { " \($0)" } ?? "") }
                Standard.error("cccd: rejected: " + codes.joined(separator: ", "))
                throw Reported(exit: FailureKind.verification.exitCode)
            }
        }
    }
}
