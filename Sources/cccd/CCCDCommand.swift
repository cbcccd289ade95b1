import ArgumentParser

/// The `cccd` command line: see `shared/CLI.md` for the contract.
@main
struct CCCDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cccd",
        abstract: "Read Vietnam's chip identity card (CCCD / Căn cước) on PC/SC readers.",
        subcommands: [QRCommand.self]
    )
}
