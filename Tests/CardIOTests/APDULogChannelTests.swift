import Foundation
import Testing
@testable import CardIO

@Suite struct APDULogChannelTests {
    private static let secretCommandData: [UInt8] = [0xC0, 0xFF, 0xEE, 0x12, 0x34, 0x56, 0x78, 0x9A]
    private static let personalResponse: [UInt8] = Array("NGUYEN VAN AN 001099012345".utf8)

    private func replay() throws -> ReplayChannel {
        ReplayChannel(exchanges: [
            Trace.Exchange(command: try CommandAPDU.internalAuthenticate(Self.secretCommandData).encoded(),
                           response: Self.personalResponse + [0x90, 0x00]),
            Trace.Exchange(command: try CommandAPDU.readBinary(shortFileIdentifier: 0x1C, expectedLength: 65536).encoded(),
                           response: [0x6A, 0x82]),
        ])
    }

    @Test func eachExchange_isReported_withHeaderLengthsStatusAndTime() throws {
        var entries: [APDULogEntry] = []
        let channel = APDULogChannel(wrapping: try replay()) { entries.append($0) }
        let first = try channel.transmit(.internalAuthenticate(Self.secretCommandData))
        #expect(first.data == Self.personalResponse)  // passed through unchanged
        _ = try channel.transmit(.readBinary(shortFileIdentifier: 0x1C, expectedLength: 65536))
        #expect(entries.count == 2)
        #expect(entries[0].header == [0x00, 0x88, 0x00, 0x00])
        #expect(entries[0].commandDataLength == 8 && entries[0].expectedLength == 256 && !entries[0].extendedLength)
        #expect(entries[0].statusWord == .success && entries[0].responseDataLength == Self.personalResponse.count)
        #expect(entries[1].statusWord == .fileNotFound && entries[1].extendedLength)
        #expect(entries[1].description.hasPrefix("00 B0 9C 00 Nc=0 Ne=65536 ext -> 6A82 Nr=0 ("))
        #expect(entries.allSatisfy { $0.duration >= .zero })
    }

    /// Neither the command data (a cryptogram, a challenge, a public key) nor the response data (the holder's
    /// data) reaches the log, and a line is plain printable ASCII (no terminal escapes) whatever the bytes.
    @Test func theLog_neverCarriesData_norEscapes() throws {
        var lines: [String] = []
        let channel = APDULogChannel(wrapping: try replay()) { lines.append("\($0)") }
        _ = try channel.transmit(.internalAuthenticate(Self.secretCommandData))
        let text = lines.joined(separator: "\n")
        #expect(!text.contains(Self.secretCommandData.hexString))
        #expect(!text.contains("C0 FF EE"))
        #expect(!text.contains("NGUYEN") && !text.contains("001099012345"))
        #expect(text.utf8.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x0A })
    }

    /// A failed exchange is logged and its error passed on unchanged; a diverged replay is named by its index,
    /// without the byte strings.
    @Test func failures_areLogged_andRethrown() throws {
        var entries: [APDULogEntry] = []
        let channel = APDULogChannel(wrapping: try replay()) { entries.append($0) }
        let other = CommandAPDU.internalAuthenticate([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08])
        #expect(throws: ChannelError.self) { try channel.transmit(other) }
        #expect(entries.count == 1 && entries[0].statusWord == nil)
        guard case .replayDiverged? = entries[0].failure else {
            Issue.record("the failure is not kept")
            return
        }
        #expect(entries[0].description.contains("no response (replay diverged at exchange 0)"))
        #expect(!entries[0].description.contains("0102030405060708"))
    }
}
