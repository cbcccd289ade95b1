import ArgumentParser
import CCCD
import CCCDQR
import Foundation

/// `cccd qr IMAGE... [--json]`: decodes the QR on photos or scans of the card (front or back) and prints the parsed
/// fields.
struct QRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "Decode the QR on photos or scans of the card (PNG, JPEG, JPEG 2000) and print the parsed fields.",
        discussion: """
            The QR is on the front of the 2021 CCCD and on the back of the 2024 Căn cước (beside the MRZ); a \
            photo of either side, flat or at an angle, or a scan will do. Each image is searched for the \
            card's QR: zbar on the image as it is, then a recovery ladder (contrast, thresholds, filters, \
            sizes, crops, turns) until a CCCD payload parses or the time budget runs out. Text from a \
            keyboard-wedge scanner goes through the same parser with --qr-text.

            Examples:
              cccd qr Vectors/cards/fronts/nguyen-van-an-2021.png
              cccd qr Vectors/cards/fronts/*.png --json
              cccd qr --json \\
                  --qr-text '001099012345||Nguyễn Văn An|15031999|Nam|Hà Nội|01062022'

            With --json, one JSON object per image on stdout (one per line when there are several): \
            {"image", "text", "format", "fields", "extra"} or {"image", "error"}. Exit code 6 if any image \
            is unreadable (not an image, cut short, beyond the size limits) or yields no CCCD QR; 2 if the \
            --qr-text is not a CCCD QR payload.
            """
    )

    @Argument(help: "PNG, JPEG or JPEG 2000 images of the card, front or back.")
    var images: [String] = []

    @Option(name: .customLong("qr-text"), help: "QR text typed by a keyboard-wedge scanner, instead of an image.")
    var qrText: String?

    @OptionGroup var output: OutputOptions

    @Option(name: .customLong("time-budget"), help: "Milliseconds to search each image before giving up.")
    var timeBudget: Int = 1500

    @Option(name: .customLong("relative-budget"), help: .hidden)
    var relativeBudget: Int = 10

    @Flag(help: .hidden)
    var bench = false

    func run() throws {
        try runCommand {
            guard !images.isEmpty || qrText != nil else {
                throw CommandFailure(.usage, "give one or more images, or --qr-text TEXT (see cccd qr --help)")
            }
            guard timeBudget > 0 else { throw CommandFailure(.usage, "--time-budget must be positive") }
            var failures = 0
            var lastFailure: QRResult.Outcome?
            if let qrText {
                do {
                    let code = try CardQRCode(text: qrText)
                    emit(QRResult(image: nil, outcome: .success(code)))
                } catch {
                    if output.isJSON { emit(QRResult(image: nil, outcome: .failure("\(error)"))) }
                    throw CommandFailure(.usage, "--qr-text: \(error)")
                }
            }
            guard relativeBudget > 0 else { throw CommandFailure(.usage, "--relative-budget must be positive") }
            let reader = CardQRReader(timeBudget: .milliseconds(timeBudget), relativeBudget: relativeBudget)
            let clock = ContinuousClock()
            for path in images {
                let start = clock.now
                let outcome: QRResult.Outcome
                var step: String?
                do {
                    let reading = try reader.read(path: path)
                    outcome = .success(reading.code)
                    step = reading.step
                } catch {
                    outcome = .failure("\(error)")
                    lastFailure = outcome
                    failures += 1
                }
                let elapsed = clock.now - start
                if bench {
                    let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3
                    Standard.output(QRResult(image: path, outcome: outcome, step: step, milliseconds: ms).json)
                } else if output.isJSON || images.count > 1 || step != nil {
                    emit(QRResult(image: path, outcome: outcome))
                }
            }
            if failures > 0 {
                // One image: its own line is the whole message (printed by runCommand, not twice).
                if images.count == 1, !output.isJSON, case .failure(let message)? = lastFailure {
                    throw CommandFailure(.badInput, "\(images[0]): \(message)")
                }
                throw CommandFailure(.badInput, "\(failures) of \(images.count) images unreadable or without a CCCD QR")
            }
        }
    }

    private func emit(_ result: QRResult) {
        if output.isJSON {
            output.print(result.document)
        } else {
            Standard.error(result.human)
        }
    }
}

/// One image's (or one text's) result, printed as JSON (shared/CLI.md) or as lines for people.
struct QRResult {
    enum Outcome {
        case success(CardQRCode)
        case failure(String)
    }
    let image: String?
    let outcome: Outcome
    var step: String?
    var milliseconds: Double?

    /// The `cccd-qr/1` document.
    var document: JSONValue {
        var members: [(String, JSONValue)] = [("schema", .string(OutputSchema.qr.rawValue))]
        if let image { members.append(("image", .string(image))) }
        switch outcome {
        case .success(let code):
            members.append(("text", .string(code.text)))
            members.append(("format", .string(code.format.rawValue)))
            members.append(("fields", .object(code.namedFields.map { ($0.name, .string($0.value)) })))
            members.append(("extra", .array(code.extra.map(JSONValue.string))))
        case .failure(let message):
            members.append(("error", .string(message)))
        }
        if let step { members.append(("step", .string(step))) }
        if let milliseconds { members.append(("ms", .decimal(milliseconds, places: 3))) }
        return JSONValue.object(members)
    }

    /// The document on one line.
    var json: String { document.serialized() }

    var human: String {
        let name = image ?? "--qr-text"
        switch outcome {
        case .failure(let message):
            return "\(name): \(message)"
        case .success(let code):
            var lines = ["\(name): \(code.format.rawValue)"]
            for (key, value) in code.namedFields {
                lines.append("  " + key.padding(toLength: 18, withPad: " ", startingAt: 0) + value)
            }
            for (index, value) in code.extra.enumerated() {
                lines.append("  " + "field \(index + 8)".padding(toLength: 18, withPad: " ", startingAt: 0)
                             + (value.isEmpty ? "(empty)" : value))
            }
            return lines.joined(separator: "\n")
        }
    }
}
