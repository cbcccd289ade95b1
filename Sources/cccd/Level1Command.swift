import ArgumentParser
import CCCD
import Foundation

/// `cccd level1 ACCESS --qr IMAGE|--qr-text TEXT --phone P [--email E]`: the `cccd-level1/1` payload.
struct Level1Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "level1",
        abstract: "Read the chip, cross-check it with the QR and print the cccd-level1/1 payload.",
        discussion: """
            The payload (shared/LEVEL1.md) is printed on stdout: status "ready" only when passive authentication \
            passed, the QR matched the chip and no other problem stands; "unverified" with --allow-unverified when \
            the only shortfall is a signer no trusted CSCA vouches for; "rejected" otherwise, with the problems.
            Exit 0 for ready (and unverified when allowed), 5 for rejected, 2 for a malformed phone or e-mail.

            Examples:
              cccd level1 --qr front.jpg --phone 0912345678 --trust /etc/cccd/trust
              cccd level1 --qr-text "$(cat qr.txt)" --phone +84912345678 --email an@example.vn
            """
    )

    @OptionGroup var access: AccessOptions
    @OptionGroup var verify: VerifyOptions

    @Option(name: .long, help: "The holder's mobile number (written in E.164 in the payload).")
    var phone: String

    @Option(name: .long, help: "The holder's e-mail, if any.")
    var email: String?

    @Option(name: .long, help: "The reader: a name, a unique part of one, or an index.")
    var reader: String?

    @Option(name: .long, help: "Save the session as a cccd-trace/1 file (it holds the access secret).")
    var record: String?

    @Option(name: .long, help: "Replay this trace instead of reading a card.")
    var replay: String?

    @Flag(name: .long, help: "Print the payload indented.")
    var pretty = false

    func run() throws {
        try runCommand {
            let e164: String
            var checkedEmail: String?
            do {
                e164 = try ContactCheck.e164(phone)
                checkedEmail = try email.map(ContactCheck.email)
            } catch {
                throw CommandFailure(.usage, "\(error)")
            }
            let trust = try TrustLoader.load(verify.trust)
            let qr = try access.qrCode()
            guard qr != nil else { throw CommandFailure(.usage, "level1 needs the card's QR: --qr IMAGE or --qr-text TEXT") }
            let outcome: CardSession.Outcome
            if let replay {
                outcome = try CardSession.replay(replay, options: ReadOptions(), progress: nil)
            } else {
                let key = try access.accessKey(qr: qr)
                let progress = ProgressBar()
                outcome = try CardSession.readLive(reader: reader, key: key,
                                                   options: ReadOptions(), record: record, progress: progress)
                progress.clear()
            }
            let passive = PassiveCheck.run(outcome.readout, trust: trust)
            let payload = Level1Payload.make(readout: outcome.readout, passive: passive.level1, qr: qr, phone: e164,
                                             email: checkedEmail, allowUnverified: verify.allowUnverified)
            Standard.output(payload.json.serialized(pretty: pretty))
            switch payload.status {
            case "ready", "unverified": return
            default:
                let codes = payload.problems.map { $0.code + ($0.field.map { " \($0)" } ?? "") }
                throw CommandFailure(.verificationFailed, "rejected: " + codes.joined(separator: ", "))
            }
        }
    }
}
