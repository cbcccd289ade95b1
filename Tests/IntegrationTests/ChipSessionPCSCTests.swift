import CardIO
import Foundation
import ICAOCrypto
import ICAOSession
import LDS
import Testing
import VirtualCard

extension RealPCSCD {
    /// The same protocols through the real pcscd: the virtual chip in "Virtual PCD 00 01" over vpcd, the reader
    /// talking to it through libpcsclite.
    @Suite struct ChipSessionPCSCTests {
        func session(_ chip: VirtualChip, _ body: (PCSCCard) throws -> Void) throws {
            let connection = try PCSCDaemon.insert(chip)
            defer { try? PCSCDaemon.remove(connection) }
            let card = try PCSCContext().connect(reader: PCSCDaemon.reader1)
            try body(card)
        }

        @Test(arguments: ["nguyen-van-an-2021.json", "ly-tu-2024.json", "truong-thuy-duong-2021.json"])
        func pace_withTheCAN_readsEveryFile(_ name: String) throws {
            let card = try Repository.card(name)
            try session(card.makeChip()) { reader in
                let opened = try ChipAccess.open(over: reader, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
                guard case .pace = opened.access else { Issue.record("not PACE"); return }
                let files = opened.fileReader()
                for file in readOrder where card.files[file.fileIdentifier ?? 0] != nil {
                    #expect(try files.read(file) == card.files[file.fileIdentifier ?? 0], "\(file)")
                }
            }
        }

        @Test func bac_withTheMRZ_3DES() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            var configuration = card.configuration
            configuration.pace = nil
            configuration.files[0x011C] = nil
            try session(EMRTDChip(configuration: configuration)) { reader in
                let opened = try ChipAccess.open(over: reader, key: .mrz(try MRZKey(mrz: card.mrz)),
                                                 entropy: SystemEntropy())
                #expect(opened.access.description == "BAC")
                #expect(opened.channel.session.keys.cipher == .tripleDES)
                #expect(try opened.fileReader().read(.dataGroup(2)) == card.files[0x0102])
            }
        }

        @Test func shortOnlyChip_throughPCSC() throws {
            let card = try Repository.card("he-le-khue-2024.json")
            var configuration = card.configuration
            configuration.acceptsExtendedLength = false
            try session(EMRTDChip(configuration: configuration)) { reader in
                let opened = try ChipAccess.open(over: reader, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
                #expect(!opened.extendedLength)
                #expect(try opened.fileReader().read(.dataGroup(2)) == card.files[0x0102])
            }
        }

        @Test func wrongCAN_isRefused_andTheRightOneStillWorks() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let chip = card.makeChip()
            try session(chip) { reader in
                #expect(throws: SessionError.wrongPassword(step: .mutualAuthentication)) {
                    try ChipAccess.open(over: reader, key: .can(try CardAccessNumber("111111")), entropy: SystemEntropy())
                }
                let opened = try ChipAccess.open(over: reader, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
                #expect(try opened.fileReader().read(.dataGroup(1)) == card.files[0x0101])
            }
            #expect(chip.failedAuthentications == 1)
        }

        @Test func chipAndActiveAuthentication_throughPCSC() throws {
            let card = try Repository.card("dam-anh-hang-2021.json")  // RSA active authentication
            try session(card.makeChip()) { reader in
                let opened = try ChipAccess.open(over: reader, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
                let files = opened.fileReader()
                let dg14 = try DataGroup14(bytes: try files.read(.dataGroup(14)))
                let dg15 = try DataGroup15(bytes: try files.read(.dataGroup(15)))
                let ca = try ChipAuthentication.perform(over: opened.channel, dg14: dg14, entropy: SystemEntropy())
                let outcome = try ActiveAuthentication.perform(over: ca.channel, dg15: dg15,
                                                                           signatureAlgorithm: nil, entropy: SystemEntropy())
                #expect(outcome == .passed)
                #expect(ca.isConfirmed)
            }
        }

        @Test func corruptedMAC_throughPCSC_resumesAfterReopening() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            var configuration = card.configuration
            configuration.acceptsExtendedLength = false
            let chip = FaultInjectingChip(wrapping: EMRTDChip(configuration: configuration),
                                          plan: .init(corruptResponseAtExchange: 15))
            try session(chip) { reader in
                let opened = try ChipAccess.open(over: reader, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
                let files = opened.fileReader()
                files.reopen = { () throws(SessionError) -> CardChannel in
                    try ChipAccess.open(over: reader, key: .can(card.cardAccessNumber), entropy: SystemEntropy()).channel
                }
                #expect(try files.read(.dataGroup(2)) == card.files[0x0102])
                #expect(files.reopenCount == 1)
            }
        }

        @Test func cardRemovedMidRead_throughPCSC_isLinkLost() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let chip = FaultInjectingChip(wrapping: card.makeChip(), plan: .init(removeAtExchange: 9))
            let connection = try PCSCDaemon.insert(chip)
            defer { connection.disconnect() }
            let reader = try PCSCContext().connect(reader: PCSCDaemon.reader1)
            let opened = try ChipAccess.open(over: reader, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
            let files = opened.fileReader()
            _ = try files.read(.com)
            #expect(throws: FileReadError.linkLost(.dataGroup(2), offset: 0, cause: .channel(.cardRemoved, step: .readFile))) {
                try files.read(.dataGroup(2))
            }
            try PCSCDaemon.waitUntil(PCSCDaemon.reader1, present: false)
        }

        @Test func latencyAndStall_areWaitedOut() throws {
            let card = try Repository.card("nguyen-van-an-2021.json")
            let chip = FaultInjectingChip(wrapping: card.makeChip(),
                                          plan: .init(stall: (exchange: 8, seconds: 0.5), latencyMicros: 2000))
            try session(chip) { reader in
                let start = Date()
                let opened = try ChipAccess.open(over: reader, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
                #expect(try opened.fileReader().read(.com) == card.files[0x011E])
                #expect(Date().timeIntervalSince(start) >= 0.5)
            }
        }

        /// Any PC/SC program sees the virtual chip as a card: OpenSC's tool lists it and selects the application.
        @Test func openscTool_seesTheCard_andSelectsTheApplication() throws {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/opensc-tool") else {
                Issue.record("opensc-tool is not installed (Debian package opensc)")
                return
            }
            let card = try Repository.card("nguyen-van-an-2021.json")
            let connection = try PCSCDaemon.insert(card.makeChip(), into: PCSCDaemon.reader0)
            defer { try? PCSCDaemon.remove(connection, from: PCSCDaemon.reader0) }
            func run(_ arguments: [String]) throws -> String {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/opensc-tool")
                process.arguments = arguments
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = pipe
                try process.run()
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                return String(decoding: data, as: UTF8.self)
            }
            let list = try run(["-l"])
            #expect(list.contains("Virtual PCD 00 00"))
            #expect(list.split(separator: "\n").contains { $0.contains("Yes") && $0.contains("Virtual PCD 00 00") })
            let names = try PCSCContext().readerNames()
            let index = try #require(names.firstIndex(of: PCSCDaemon.reader0))
            let select = try run(["-r", String(index), "-s", "00A4040C07A0000002471001"])
            #expect(select.contains("SW1=0x90, SW2=0x00"))
        }
    }
}

/// A chip that answers every command with data and `61 01`: more to come, for ever.
private final class EndlessChainingChip: VirtualChip {
    var atr: [UInt8] { [0x3B, 0x80, 0x80, 0x01, 0x01] }
    private(set) var commands = 0
    func powerOn() { commands = 0 }
    func powerOff() {}
    func process(_ command: [UInt8]) -> [UInt8]? {
        commands += 1
        return [0x42, 0x61, 0x01]
    }
}

extension RealPCSCD {
    @Suite struct ResponseChainingPCSCTests {
        /// Through pcscd: a card that keeps answering 61xx ends the exchange with a typed error after the
        /// documented number of GET RESPONSE rounds.
        @Test func endless61xx_throughPCSC_isBounded() throws {
            let chip = EndlessChainingChip()
            let connection = try PCSCDaemon.insert(chip)
            defer { try? PCSCDaemon.remove(connection) }
            let card = try PCSCContext().connect(reader: PCSCDaemon.reader1)
            let before = chip.commands
            #expect(throws: ChannelError.responseChainTooLong(rounds: ResponseChaining.maxGetResponseRounds,
                                                              bytes: 1 + ResponseChaining.maxGetResponseRounds)) {
                try card.transmit(.selectApplication([0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]))
            }
            #expect(chip.commands - before == 1 + ResponseChaining.maxGetResponseRounds)
        }
    }
}
