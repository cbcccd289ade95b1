import ArgumentParser
import CardIO
import Foundation
import VirtualCard

/// `cccd emulate`: serves the project's virtual chip to a vpcd virtual reader of a running pcscd.
struct EmulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulate",
        abstract: "Serve the project's virtual chip to pcscd's vpcd virtual reader.",
        discussion: """
            Needs pcscd running with the vsmartcard-vpcd driver (Debian package vsmartcard-vpcd), which offers
            "Virtual PCD 00 00" on port 35963 and "Virtual PCD 00 01" on port 35964. The chip stays in the reader
            until the command is stopped (Ctrl-C) or pcscd goes away.

            The chip served today is the plain ISO 7816-4 test chip: the eMRTD application with EF.COM and
            EF.CardAccess as unprotected transparent files.

            Example:
              cccd emulate --port 35963
            """
    )

    @Option(name: .long, help: "The vpcd port to connect to (35963 is \"Virtual PCD 00 00\").")
    var port: UInt16 = 35963

    @Option(name: .long, help: "The host pcscd's vpcd driver listens on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Seconds to wait for pcscd's vpcd driver to listen.")
    var wait: Double = 10

    @Flag(name: .long, help: "Serve once: exit when pcscd closes the connection instead of reconnecting.")
    var once = false

    func run() throws {
        try runCommand {
            let chip = ISOFileChip(files: SampleFiles.plainTestCard)
            let connection = VPCDConnection(chip: chip, host: host, port: port)
            while true {
                do {
                    try connection.connect(timeout: wait)
                } catch {
                    throw CommandFailure(.noReaderOrCard, "\(error)")
                }
                Standard.error("cccd: virtual chip in the vpcd reader at \(host):\(port) (Ctrl-C to remove it)")
                connection.serve()
                if once { return }
                Standard.error("cccd: pcscd closed the connection; reconnecting")
            }
        }
    }
}

/// Files of the plain test chip.
enum SampleFiles {
    /// EF.CardAccess of a CCCD (`shared/CCCD.md`) and a minimal EF.COM listing DG1, DG2, DG13, DG14, DG15.
    static let plainTestCard: [UInt16: [UInt8]] = [
        0x011C: try! [UInt8](hex: "3134300d060804007f0007020202020101300f060a04007f000702020302020201013012060a04007f0007020204020202010202010d"),
        0x011E: try! [UInt8](hex: "60185F0104303130375F3606303430303030" + "5C066175636D6E6F"),
    ]
}
