import ArgumentParser
import CCCD
import Foundation

/// `cccd readers [--json]`: the PC/SC readers, and for each whether a card is present and its ATR.
struct ReadersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readers",
        abstract: "List PC/SC readers, whether each holds a card, and the card's ATR.",
        discussion: """
            Exits 3 when pcscd is not running. A machine with no reader prints an empty list. The index is what \
            --reader takes as well as a name or a unique part of one.

            Example:
              cccd readers --json
            """
    )

    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await runCommand(json: output.isJSON) {
            let statuses = try ReaderList.current()
            if output.isJSON {
                output.print(ReaderList.json(statuses))
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
