import ArgumentParser
import CardIO
import Foundation

/// `cccd readers [--json]`: the PC/SC readers, and for each whether a card is present and its ATR.
struct ReadersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readers",
        abstract: "List PC/SC readers, whether each holds a card, and the card's ATR.",
        discussion: """
            Exits 3 when pcscd is not running. A machine with no reader prints an empty list.

            Example:
              cccd readers --json
            """
    )

    @Flag(name: .long, help: "Print JSON on stdout instead of text.")
    var json = false

    func run() throws {
        try runCommand {
            let statuses: [ReaderStatus]
            do {
                let context = try PCSCContext()
                statuses = try context.readerStatuses()
            } catch {
                throw CommandFailure(.noReaderOrCard, "\(error)")
            }
            if json {
                let list = statuses.enumerated().map { index, status -> String in
                    let atr = status.cardPresent ? "\"\(status.atr.hexString)\"" : "null"
                    return "{\"index\": \(index), \"name\": \(JSONText.quote(status.name)), "
                        + "\"cardPresent\": \(status.cardPresent), \"exclusive\": \(status.exclusive), \"atr\": \(atr)}"
                }
                Standard.output("{\"readers\": [" + list.joined(separator: ", ") + "]}")
            } else if statuses.isEmpty {
                Standard.error("no readers attached")
            } else {
                for (index, status) in statuses.enumerated() {
                    let card = status.cardPresent ? "card, ATR \(status.atr.hexString)" : "empty"
                    Standard.output("\(index): \(status.name): \(card)")
                }
            }
        }
    }
}

/// Small JSON writing helpers for hand-ordered output (keys in the order the contracts give them).
enum JSONText {
    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(scalar.value, radix: 16).leftPad(4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    func leftPad(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
