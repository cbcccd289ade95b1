import Foundation
import Testing
@testable import CardIO

@Suite struct TraceTests {
    // The example of shared/VECTORS.md, verbatim.
    static let example = """
    {
      "format": "cccd-trace/1",
      "title": "ICAO 9303-11 D.3/D.4: BAC, SELECT EF.COM, READ BINARY",
      "origin": "icao-9303-11 | synthetic | recorded",
      "reader": { "name": "Virtual PCD 00 00", "atr": "3B8880010000000000000000" },
      "access": { "mrz": { "documentNumber": "L898902C<", "dateOfBirth": "690806", "dateOfExpiry": "940623" } },
      "entropy": [ "781723860C06C226", "0B795240CB7049B01C19B33E32804F0B" ],
      "exchanges": [
        { "command": "0084000008", "response": "4608F919887022129000", "micros": 21000 }
      ],
      "expect": { "files": { "EF.COM": "60145F0104303130365F36063034303030305C026175" } }
    }
    """

    @Test func vectorsExample_parsesEveryField() throws {
        let trace = try Trace(json: Data(Self.example.utf8))
        #expect(trace.title == "ICAO 9303-11 D.3/D.4: BAC, SELECT EF.COM, READ BINARY")
        #expect(trace.reader?.name == "Virtual PCD 00 00")
        #expect(trace.reader?.atr == [0x3B, 0x88, 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(trace.access == .mrz(try MRZKey(documentNumber: "L898902C", dateOfBirth: "690806", dateOfExpiry: "940623")))
        #expect(trace.entropy == [[0x78, 0x17, 0x23, 0x86, 0x0C, 0x06, 0xC2, 0x26],
                                  try [UInt8](hex: "0B795240CB7049B01C19B33E32804F0B")])
        #expect(trace.exchanges == [Trace.Exchange(command: [0x00, 0x84, 0x00, 0x00, 0x08],
                                                   response: [0x46, 0x08, 0xF9, 0x19, 0x88, 0x70, 0x22, 0x12, 0x90, 0x00],
                                                   micros: 21000)])
        #expect(trace.expectedFiles["EF.COM"]?.count == 22)
    }

    @Test func writtenTrace_readsBackEqual_andIsWrittenAtomically() throws {
        let trace = try Trace(json: Data(Self.example.utf8))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-trace-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("t.json")
        try trace.write(to: url)
        #expect(try Trace(contentsOf: url) == trace)
        // Nothing but the trace is left in the folder: no temporary file survives the rename.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["t.json"])
    }

    @Test func canAccess_andLowerCaseHex_areAccepted() throws {
        let text = #"{"format":"cccd-trace/1","access":{"can":"123456"},"exchanges":[{"command":"00a4040c","response":"9000"}]}"#
        let trace = try Trace(json: Data(text.utf8))
        #expect(trace.access == .can(try CardAccessNumber("123456")))
        #expect(trace.exchanges[0].command == [0x00, 0xA4, 0x04, 0x0C])
        #expect(trace.entropy.isEmpty)
    }

    @Test(arguments: [
        (#"{"format":"cccd-trace/2","exchanges":[]}"#, TraceError.unsupportedFormat("cccd-trace/2")),
        (#"{"exchanges":[]}"#, TraceError.unsupportedFormat(nil)),
        (#"[1,2]"#, TraceError.notJSON("the top level is not an object")),
        (#"{"format":"cccd-trace/1""#, TraceError.notJSON("invalid JSON")),
        (#"{"format":"cccd-trace/1"}"#, TraceError.invalidField(path: "exchanges", reason: "missing")),
        (#"{"format":"cccd-trace/1","exchanges":[{"command":"00A4","response":"9000"}]}"#,
         TraceError.invalidField(path: "exchanges[0].command", reason: "shorter than an APDU header")),
        (#"{"format":"cccd-trace/1","exchanges":[{"command":"00A4040C","response":"9G00"}]}"#,
         TraceError.invalidField(path: "exchanges[0].response", reason: "hex text has a non-hex character at offset 1")),
        (#"{"format":"cccd-trace/1","exchanges":[{"command":"00A4040C","response":"900"}]}"#,
         TraceError.invalidField(path: "exchanges[0].response", reason: "hex text has an odd number of digits (3)")),
        (#"{"format":"cccd-trace/1","exchanges":[{"command":"00A4040C"}]}"#,
         TraceError.invalidField(path: "exchanges[0].response", reason: "missing")),
        (#"{"format":"cccd-trace/1","exchanges":[{"command":"00A4040C","response":"9000","micros":-1}]}"#,
         TraceError.invalidField(path: "exchanges[0].micros", reason: "not a non-negative integer")),
        (#"{"format":"cccd-trace/1","entropy":["0102", 7],"exchanges":[]}"#,
         TraceError.invalidField(path: "entropy[1]", reason: "not a string")),
        (#"{"format":"cccd-trace/1","access":{"pin":"1"},"exchanges":[]}"#,
         TraceError.invalidField(path: "access", reason: "neither \"can\" nor \"mrz\"")),
        (#"{"format":2,"exchanges":[]}"#, TraceError.unsupportedFormat("2")),
        (#"{"format":"cccd-trace/1","exchanges":{}}"#, TraceError.invalidField(path: "exchanges", reason: "not an array")),
        (#"{"format":"cccd-trace/1","exchanges":[{"command":"00A4040C","response":"9000"},7]}"#,
         TraceError.invalidField(path: "exchanges[1]", reason: "not an object")),
        (#"{"format":"cccd-trace/1","title":5,"exchanges":[]}"#, TraceError.invalidField(path: "title", reason: "not a string")),
        (#"{"format":"cccd-trace/1","reader":"PCD","exchanges":[]}"#,
         TraceError.invalidField(path: "reader", reason: "not an object")),
        (#"{"format":"cccd-trace/1","reader":{"name":"PCD","atr":"3B8"},"exchanges":[]}"#,
         TraceError.invalidField(path: "reader.atr", reason: "hex text has an odd number of digits (3)")),
        (#"{"format":"cccd-trace/1","access":{"can":"12345"},"exchanges":[]}"#,
         TraceError.invalidField(path: "access.can", reason: "the CAN must be six digits")),
        (#"{"format":"cccd-trace/1","access":{"mrz":"L898902C"},"exchanges":[]}"#,
         TraceError.invalidField(path: "access.mrz", reason: "not an object")),
        (#"{"format":"cccd-trace/1","access":{"mrz":{"documentNumber":"L898902C","dateOfBirth":"690806"}},"exchanges":[]}"#,
         TraceError.invalidField(path: "access.mrz.dateOfExpiry", reason: "missing")),
        (#"{"format":"cccd-trace/1","access":{"mrz":{"documentNumber":"L898902C","dateOfBirth":"691306","dateOfExpiry":"940623"}},"exchanges":[]}"#,
         TraceError.invalidField(path: "access.mrz.dateOfBirth", reason: "the date of birth has no such month (YYMMDD)")),
        (#"{"format":"cccd-trace/1","exchanges":[{"command":"00A4040C","response":"9000","micros":1.5}]}"#,
         TraceError.invalidField(path: "exchanges[0].micros", reason: "not a non-negative integer")),
        (#"{"format":"cccd-trace/1","exchanges":[{"command":"00A4040C","response":"9000","micros":"fast"}]}"#,
         TraceError.invalidField(path: "exchanges[0].micros", reason: "not a non-negative integer")),
        (#"{"format":"cccd-trace/1","exchanges":[],"expect":{"files":{"EF.COM":"6X"}}}"#,
         TraceError.invalidField(path: "expect.files.EF.COM", reason: "hex text has a non-hex character at offset 1")),
        (#"{"format":"cccd-trace/1","read":{"files":["EF.COM",2]},"exchanges":[]}"#,
         TraceError.invalidField(path: "read.files[1]", reason: "not a string")),
        (#"{"format":"cccd-trace/1","read":{"files":["EF.COM"],"chipAuthentication":"yes"},"exchanges":[]}"#,
         TraceError.invalidField(path: "read.chipAuthentication", reason: "not true or false")),
        (#"{"format":"cccd-trace/1","read":{"chipAuthentication":true},"exchanges":[]}"#,
         TraceError.invalidField(path: "read.files", reason: "missing")),
    ])
    func malformedTrace_isRejected_namingTheProblem(_ text: String, _ expected: TraceError) {
        #expect(throws: expected) { try Trace(json: Data(text.utf8)) }
    }

    /// VECTORS.md: unknown keys are ignored, so later versions can add them (the G.1 trace carries `pace`,
    /// `cardAccess` and `notes`); null reads as absent for the optional keys.
    @Test func unknownKeys_andNulls_areIgnored() throws {
        let text = #"{"format":"cccd-trace/1","pace":{"oid":"x"},"notes":["a"],"title":null,"reader":null,"#
            + #""exchanges":[{"command":"00A4040C","response":"9000","micros":null,"extra":1}]}"#
        let trace = try Trace(json: Data(text.utf8))
        #expect(trace.title == nil && trace.reader == nil && trace.exchanges[0].micros == nil)
    }

    /// The `read` object: what the recorded read asked for, so a bare replay reproduces it.
    @Test func readRequest_roundTrips_throughTheFileAndTheEncoder() throws {
        var trace = try Trace(json: Data(Self.example.utf8))
        trace.recordedAt = "2025-01-02T03:04:05Z"
        trace.read = Trace.ReadRequest(files: ["EF.COM", "EF.SOD", "DG1", "DG2"], chipAuthentication: true,
                                       activeAuthentication: false, extendedLength: false)
        #expect(try Trace(json: Data(trace.jsonText().utf8)) == trace)
        #expect(try Trace(json: JSONEncoder().encode(trace)) == trace)
        #expect(trace.jsonText().contains(#""read": { "files": ["EF.COM", "EF.SOD", "DG1", "DG2"], "#
            + #""chipAuthentication": true, "activeAuthentication": false, "extendedLength": false },"#))
        // A flag left out reads as the full read's.
        let partial = try Trace(json: Data(#"{"format":"cccd-trace/1","read":{"files":["DG1"]},"exchanges":[]}"#.utf8))
        #expect(partial.read == Trace.ReadRequest(files: ["DG1"]))
    }

    /// A trace holds the access secret and the holder's data: the file is the owner's alone (0600), also when it
    /// replaces a more open one.
    @Test func writtenTrace_isPrivate() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-trace-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("t.json")
        FileManager.default.createFile(atPath: url.path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644])
        try Trace(json: Data(Self.example.utf8)).write(to: url)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["t.json"])
    }

    @Test func writingIntoAMissingFolder_isATypedError_andLeavesNothing() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID())/t.json")
        #expect(throws: TraceError.self) { try Trace().write(to: url) }
    }

    @Test func missingFile_isUnreadable() {
        #expect(throws: TraceError.self) { try Trace(contentsOf: URL(fileURLWithPath: "/nonexistent/trace.json")) }
    }
}

@Suite struct ReplayChannelTests {
    let trace = Trace(exchanges: [
        .init(command: [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x1E], response: [0x90, 0x00]),
        .init(command: [0x00, 0xB0, 0x00, 0x00, 0x04], response: [0x60, 0x14, 0x5F, 0x01, 0x90, 0x00]),
    ])

    @Test func matchingCommands_getTheRecordedResponses() throws {
        let replay = ReplayChannel(trace: trace)
        #expect(try replay.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 2, p2: 0x0C, data: [0x01, 0x1E])).isSuccess)
        let read = try replay.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 4))
        #expect(read.data == [0x60, 0x14, 0x5F, 0x01])
        #expect(replay.isFinished)
    }

    @Test func alteredCommand_divergesAtItsIndex_withBothByteStrings() throws {
        let replay = ReplayChannel(trace: trace)
        _ = try replay.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 2, p2: 0x0C, data: [0x01, 0x1E]))
        #expect(throws: ChannelError.replayDiverged(index: 1, expected: [0x00, 0xB0, 0x00, 0x00, 0x04],
                                                    actual: [0x00, 0xB0, 0x00, 0x00, 0x05])) {
            try replay.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 5))
        }
        let message = ChannelError.replayDiverged(index: 1, expected: [0xB0], actual: [0xB1]).description
        #expect(message.contains("exchange 1"))
    }

    @Test func runningPastTheEnd_isAnError() throws {
        let replay = ReplayChannel(exchanges: [])
        #expect(throws: ChannelError.replayExhausted(exchanges: 0)) {
            try replay.transmit(CommandAPDU(cla: 0, ins: 0x84, p1: 0, p2: 0, expectedLength: 8))
        }
    }

    @Test func recorder_keepsEveryExchange_andItsTraceReplays() throws {
        let recorder = RecordingChannel(wrapping: ReplayChannel(trace: trace))
        let a = try recorder.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 2, p2: 0x0C, data: [0x01, 0x1E]))
        let b = try recorder.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, expectedLength: 4))
        let recorded = recorder.trace(access: .can(try CardAccessNumber("123456")), entropy: [[1, 2, 3]])
        #expect(recorded.exchanges.map(\.command) == trace.exchanges.map(\.command))
        #expect(recorded.exchanges.map(\.response) == [a.encoded, b.encoded])
        #expect(recorded.origin == "recorded")
    }
}

@Suite struct EntropyTests {
    @Test func recordedEntropy_handsOutDrawsInOrder_andChecksLengths() throws {
        let source = RecordedEntropy([[1, 2, 3, 4, 5, 6, 7, 8], [9, 9]])
        #expect(try source.draw(8) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(throws: EntropyError.lengthMismatch(index: 1, recorded: 2, requested: 16)) { try source.draw(16) }
        #expect(try source.draw(2) == [9, 9])
        #expect(throws: EntropyError.exhausted(draws: 2)) { try source.draw(1) }
    }

    @Test func recordingEntropy_keepsWhatTheSystemDrew() throws {
        let recorder = RecordingEntropy(wrapping: SystemEntropy())
        let a = try recorder.draw(8)
        let b = try recorder.draw(32)
        #expect(recorder.draws == [a, b])
        #expect(a.count == 8 && b.count == 32)
        #expect(a != b.prefix(8).map { $0 } || a != [UInt8](repeating: 0, count: 8))
    }
}

@Suite struct StatusWordTests {
    @Test(arguments: [
        (0x9000, StatusWord.Meaning.success), (0x6282, .endOfFileBeforeNe), (0x6700, .wrongLength),
        (0x6982, .securityStatusNotSatisfied), (0x6988, .secureMessagingObjectsIncorrect), (0x6A82, .fileNotFound),
        (0x6B00, .wrongParameters), (0x6D00, .instructionNotSupported), (0x6C1F, .wrongLe(exact: 31)),
        (0x6C00, .wrongLe(exact: 256)), (0x6110, .bytesAvailable(16)), (0x6100, .bytesAvailable(256)),
        (0x63C2, .verificationFailed(triesLeft: 2)), (0x6300, .authenticationFailed), (0x6F00, .other(0x6F00)),
    ] as [(UInt16, StatusWord.Meaning)])
    func meaning(_ raw: UInt16, _ meaning: StatusWord.Meaning) {
        #expect(StatusWord(rawValue: raw).meaning == meaning)
    }

    @Test func description_isFourHexDigits() {
        #expect(StatusWord(sw1: 0x6A, sw2: 0x82).description == "6A82")
        #expect(StatusWord(rawValue: 0x0001).description == "0001")
    }

    @Test func response_needsTwoStatusBytes() throws {
        #expect(throws: APDUError.truncatedResponse(1)) { try ResponseAPDU(encoded: [0x90]) }
        let r = try ResponseAPDU(encoded: [0x01, 0x02, 0x90, 0x00])
        #expect(r.data == [1, 2] && r.isSuccess && r.encoded == [1, 2, 0x90, 0x00])
    }

    @Test func hex_roundTrips_andRejectsBadText() throws {
        #expect([UInt8](0...255).hexString.count == 512)
        #expect(try [UInt8](hex: [UInt8](0...255).hexString) == [UInt8](0...255))
        #expect(throws: HexError.oddLength(3)) { try [UInt8](hex: "abc") }
        #expect(throws: HexError.invalidCharacter(offset: 2)) { try [UInt8](hex: "ab x") }
    }
}

@Suite struct ChannelErrorTests {
    /// PC/SC failures keep their case when they become channel errors: a reset is not a removal, a stopped
    /// service is not a missing reader, a cancelled wait is not a transport failure.
    @Test(arguments: [
        (PCSCError.cardRemoved, ChannelError.cardRemoved),
        (.cardReset, .cardReset),
        (.noCard, .noCard),
        (.serviceUnavailable, .serviceUnavailable),
        (.transactionFailed, .transactionFailed),
        (.sharingViolation, .sharingViolation),
        (.timeout, .timeout),
        (.cancelled, .cancelled),
        (.readerUnavailable, .readerUnavailable(PCSCError.readerUnavailable.description)),
    ] as [(PCSCError, ChannelError)])
    func pcscFailures_keepTheirCase(_ pcsc: PCSCError, _ channel: ChannelError) {
        #expect(pcsc.channelError == channel)
    }

    @Test func pcscReturnCodes_mapToTheirCases() {
        // pcsclite.h (LONG is a 64-bit long on Linux, so the codes are positive): SCARD_W_RESET_CARD 0x80100068, SCARD_W_REMOVED_CARD 0x80100069,
        // SCARD_E_NO_SERVICE 0x8010001D, SCARD_E_NOT_TRANSACTED 0x80100016, SCARD_E_CANCELLED 0x80100002.
        #expect(PCSCError(code: 0x8010_0068) == .cardReset)
        #expect(PCSCError(code: 0x8010_0069) == .cardRemoved)
        #expect(PCSCError(code: 0x8010_001D) == .serviceUnavailable)
        #expect(PCSCError(code: 0x8010_0016) == .transactionFailed)
        #expect(PCSCError(code: 0x8010_0002) == .cancelled)
    }

    @Test func linkLoss_andReplayMismatch_areTold() {
        for lost in [ChannelError.cardRemoved, .cardReset, .noCard, .readerUnavailable("x"), .serviceUnavailable,
                     .transactionFailed] {
            #expect(lost.isLinkLost, "\(lost)")
        }
        for other in [ChannelError.timeout, .cancelled, .sharingViolation, .transport("x"), .commandNotSupported("x"),
                      .replayExhausted(exchanges: 1)] {
            #expect(!other.isLinkLost, "\(other)")
        }
        #expect(ChannelError.replayDiverged(index: 0, expected: [], actual: []).isReplayMismatch)
        #expect(!ChannelError.cardRemoved.isReplayMismatch)
    }
}
