import ArgumentParser
import CardIO
import Foundation
import VirtualCard

/// `cccd emulate`: serves the project's virtual CCCD chip to a vpcd virtual reader of a running pcscd.
struct EmulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulate",
        abstract: "Serve the project's virtual CCCD chip to pcscd's vpcd virtual reader.",
        discussion: """
            Needs pcscd running with the vsmartcard-vpcd driver (Debian package vsmartcard-vpcd), which offers
            "Virtual PCD 00 00" on port 35963 and "Virtual PCD 00 01" on port 35964. The chip stays in the reader
            until the command is stopped (Ctrl-C) or pcscd goes away; it then reconnects unless --once is given.

            The card is personalised from a description file (Vectors/cards/*.json): DG1, DG2, DG13, DG14, DG15,
            EF.COM, EF.CardAccess and an EF.SOD signed by the test document signer; PACE with the CAN (the last six
            digits of the ID), BAC with the MRZ, chip and active authentication. TEST keys only.

            Example:
              cccd emulate --card Vectors/cards/nguyen-van-an-2021.json --port 35963
            """
    )

    @Option(name: .long, help: "The card description to serve.")
    var card = "Vectors/cards/nguyen-van-an-2021.json"

    @Option(name: .long, help: "The vpcd port to connect to (35963 is \"Virtual PCD 00 00\").")
    var port: UInt16 = 35963

    @Option(name: .long, help: "The host pcscd's vpcd driver listens on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Seconds to wait for pcscd's vpcd driver to listen.")
    var wait: Double = 10

    @Flag(name: .long, help: "Print a failure as cccd-error/1 JSON on stdout too (this command has no other JSON output).")
    var json = false

    @Flag(name: .long, help: "As --json, indented.")
    var pretty = false

    @Flag(name: .long, help: "Serve once: exit when the connection closes instead of reconnecting.")
    var once = false

    @Flag(name: .long, help: "Accept short APDUs only (extended-length commands get 6700), like many cards.")
    var shortOnly = false

    @Option(name: .long, help: "The most data one READ BINARY returns.")
    var maxRead: Int = 65536

    @Option(name: .long, help: "Milliseconds added to every exchange, to model a slow link.")
    var latency: Int = 0

    @Option(name: .long, help: "Leave the field (card removed) on this exchange, counted from power-on; once.")
    var removeAt: Int?

    @Option(name: .long, help: "Flip a byte of this exchange's response (breaks its MAC), counted from power-on; once.")
    var corruptAt: Int?

    @Option(name: .long, help: "Answer this exchange with garbage, counted from power-on; once.")
    var garbageAt: Int?

    @Option(name: .long, help: ArgumentHelp(
        "A fault on chosen exchanges, counted over the card's life (repeatable).",
        discussion: "FAULT[,ins=XX][,p1=XX][,protected][,extended][,persist][,skip=N][,count=N|*]; FAULT is remove, transaction-failed, corrupt, garbage or sw-XXXX (that status word alone, in plain). Example: corrupt,ins=88 corrupts the first INTERNAL AUTHENTICATE's answer.",
        valueName: "rule"))
    var fault: [String] = []

    @Option(name: .long, help: "Random faults: the probability of one on each exchange, 0 to 1.")
    var faultRate: Double = 0

    @Option(name: .long, help: "The seed of the random faults: the same seed, the same faults.")
    var faultSeed: UInt64 = 1

    @Option(name: .long, help: "The faults drawn at random, comma-separated (corrupt hits only protected answers).")
    var faultKinds = "remove,transaction-failed,sw-6F00,corrupt"

    @Flag(name: .long, help: "Serve the plain ISO 7816-4 test chip instead of a CCCD (no access control).")
    var plain = false

    func run() throws {
        try runCommand {
            guard maxRead > 0, latency >= 0 else { throw CommandFailure(.usage, "--max-read and --latency must be positive") }
            let chip: VirtualChip
            if plain {
                chip = ISOFileChip(files: SampleFiles.plainTestCard)
            } else {
                let personalized: PersonalizedCard
                do {
                    personalized = try Personalization.load(URL(fileURLWithPath: card))
                } catch {
                    throw CommandFailure(.badInput, "\(error)")
                }
                var configuration = personalized.configuration
                configuration.acceptsExtendedLength = !shortOnly
                configuration.maxReadLength = maxRead
                chip = EMRTDChip(configuration: configuration)
            }
            var rules: [FaultInjectingChip.Rule] = []
            for text in fault {
                guard let rule = FaultInjectingChip.Rule(text) else {
                    throw CommandFailure(.usage, "--fault \(text): not FAULT[,ins=XX][,p1=XX][,protected][,extended][,persist][,skip=N][,count=N|*]")
                }
                rules.append(rule)
            }
            var random: FaultInjectingChip.RandomFaults?
            if faultRate > 0 {
                let kinds = faultKinds.split(separator: ",").map { FaultInjectingChip.Fault(String($0)) }
                guard faultRate <= 1, !kinds.isEmpty, kinds.allSatisfy({ $0 != nil }) else {
                    throw CommandFailure(.usage, "--fault-rate is 0…1 and --fault-kinds lists remove, transaction-failed, corrupt, garbage or sw-XXXX")
                }
                random = .init(rate: faultRate, seed: faultSeed, faults: kinds.compactMap { $0 })
            }
            let plan = FaultInjectingChip.Plan(removeAtExchange: removeAt, corruptResponseAtExchange: corruptAt,
                                               garbageAtExchange: garbageAt, latencyMicros: latency * 1000,
                                               rules: rules, random: random)
            let served: VirtualChip
            if plan == FaultInjectingChip.Plan() {
                served = chip
            } else {
                let faulty = FaultInjectingChip(wrapping: chip, plan: plan)
                // One line per fault on stderr, for soak tests to count.
                faulty.onInject = { fault, exchange in Standard.error("cccd: fault \(fault) at exchange \(exchange)") }
                served = faulty
            }
            let connection = VPCDConnection(chip: served, host: host, port: port)
            while true {
                do {
                    try connection.connect(timeout: wait)
                } catch {
                    throw CommandFailure(.noReaderOrCard, "\(error)")
                }
                Standard.error("cccd: virtual chip in the vpcd reader at \(host):\(port) (Ctrl-C to remove it)")
                connection.serve()
                if once { return }
                Standard.error("cccd: the connection closed; reconnecting")
                usleep(200_000)
            }
        }
    }
}

/// Files of the plain test chip.
enum SampleFiles {
    /// EF.CardAccess of a CCCD (`shared/CCCD.md`) and a minimal EF.COM listing DG1, DG2, DG3, DG13, DG14, DG15.
    static let plainTestCard: [UInt16: [UInt8]] = [
        0x011C: try! [UInt8](hex: "3134300d060804007f0007020202020101300f060a04007f000702020302020201013012060a04007f0007020204020202010202010d"),
        0x011E: try! [UInt8](hex: "60185F0104303130375F3606303430303030" + "5C066175636D6E6F"),
    ]
}
