import ArgumentParser
import CardIO
import CCCD
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
                let list = statuses.enumerated().map { index, status -> JSONValue in
                    .object([("index", .integer(index)), ("name", .string(status.name)),
                             ("cardPresent", .bool(status.cardPresent)), ("exclusive", .bool(status.exclusive)),
                             ("atr", status.cardPresent ? .string(status.atr.hexString) : .null)])
                }
                Standard.output(JSONValue.object([("readers", .array(list))]).serialized())
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
