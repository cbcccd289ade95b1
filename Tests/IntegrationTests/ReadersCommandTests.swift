import CardIO
import Foundation
import Testing
import VirtualCard

/// `cccd readers` against the real pcscd.
extension RealPCSCD {
@Suite struct ReadersCommandTests {
    struct Listing: Decodable {
        struct Reader: Decodable {
            var index: Int
            var name: String
            var cardPresent: Bool
            var atr: String?
        }
        var readers: [Reader]
    }

    @Test func json_listsVirtualPCD0000_withTheCardAndItsATR_thenEmpty() throws {
        let chip = ISOFileChip()
        let connection = try PCSCDaemon.insert(chip, into: PCSCDaemon.reader0)
        let withCard = try CLITool.run(["readers", "--json"])
        #expect(withCard.status == 0)
        #expect(try withCard.json["schema"] as? String == "cccd-readers/1")
        let listing = try JSONDecoder().decode(Listing.self, from: Data(withCard.stdout.utf8))
        let reader = try #require(listing.readers.first { $0.name == "Virtual PCD 00 00" })
        #expect(reader.cardPresent)
        #expect(reader.atr == chip.atr.hexString)

        try PCSCDaemon.remove(connection, from: PCSCDaemon.reader0)
        let empty = try CLITool.run(["readers", "--json"])
        #expect(empty.status == 0)
        let after = try JSONDecoder().decode(Listing.self, from: Data(empty.stdout.utf8))
        let emptyReader = try #require(after.readers.first { $0.name == "Virtual PCD 00 00" })
        #expect(!emptyReader.cardPresent)
        #expect(emptyReader.atr == nil)
    }

    @Test func withoutPCSCD_exits3_withOneLine() throws {
        // pcsc-lite's client library finds the daemon through this socket path; pointing it nowhere is exactly
        // what a machine without pcscd looks like to cccd.
        let result = try CLITool.run(["readers", "--json"],
                                     environment: ["PCSCLITE_CSOCK_NAME": "/nonexistent/pcscd.comm"])
        #expect(result.status == 3)
        let error = try result.json
        #expect(error["code"] as? String == "PCSC_UNAVAILABLE" && error["exit"] as? Int == 3)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(result.stderr.contains("pcscd"))
    }

    @Test func unknownOption_exits2_withOneLine() throws {
        let result = try CLITool.run(["readers", "--bogus"])
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("--bogus"))
    }
}
}
