import CardIO
import LDS
import Testing
import VirtualCard
@testable import ICAOSession

/// A 300-byte DG1-shaped file: `61 82 01 28` and 296 bytes.
private let file300: [UInt8] = hx("61820128") + (0..<296).map { UInt8(truncatingIfNeeded: $0 &* 7) }
private let dg1 = ElementaryFile.dataGroup(1)

private func ok(_ bytes: some Collection<UInt8>, _ sw: String = "9000") -> Result<ResponseAPDU, ChannelError> {
    .success(ResponseAPDU(data: Array(bytes), statusWord: StatusWord(rawValue: UInt16(sw, radix: 16)!)))
}

private func status(_ sw: String) -> Result<ResponseAPDU, ChannelError> { ok([], sw) }

/// Every status word the file reader acts on, each alone, over fixed answers in plain (ISO/IEC 7816-4 §7.2.3).
@Suite struct FileReaderStatusWordTests {
    func reader(_ channel: ScriptedChannel, extended: Bool = false) -> FileReader {
        FileReader(channel: channel, extendedLength: extended, shortLimit: 256)
    }

    @Test func chunks_ofTheShortLimit() throws {
        let channel = ScriptedChannel { command, n in
            n == 0 ? ok(file300.prefix(256)) : ok(file300[256...])
        }
        #expect(try reader(channel).read(dg1) == file300)
        #expect(channel.commands.map { try! $0.encoded() } == [hx("00B0810000"), hx("00B001002C")])
    }

    /// 6282 before the length the header announces: the chip's file is shorter than it says.
    @Test func early6282_isAMalformedFile() {
        let channel = ScriptedChannel { _, _ in ok(file300.prefix(100), "6282") }
        #expect(throws: FileReadError.malformedFile(dg1, "the file ends at 100 bytes, before its announced 300")) {
            try reader(channel).read(dg1)
        }
    }

    @Test func final6282_endsTheFile() throws {
        let short = hx("6162") + (0..<98).map { UInt8($0) }
        let channel = ScriptedChannel { _, _ in ok(short, "6282") }
        #expect(try reader(channel).read(dg1) == short)
    }

    @Test func wrongParametersAtTheStart_isUnexpected() {
        let channel = ScriptedChannel(["6B00"])
        #expect(throws: FileReadError.unexpectedStatus(dg1, offset: 0, status: .wrongParameters)) {
            try reader(channel).read(dg1)
        }
    }

    /// 6B00 past the end of a file whose length is not known yet (its first byte only) ends it there.
    @Test func wrongParametersPastTheEnd_endsAFileOfUnknownLength() throws {
        let channel = ScriptedChannel { _, n in n == 0 ? ok([0x61]) : status("6B00") }
        #expect(try reader(channel).read(dg1) == [0x61])
        #expect(channel.commands.count == 2)
    }

    @Test func wrongParametersInsideAKnownLength_isUnexpected() {
        let channel = ScriptedChannel { _, n in n == 0 ? ok(file300.prefix(256)) : status("6B00") }
        #expect(throws: FileReadError.unexpectedStatus(dg1, offset: 256, status: .wrongParameters)) {
            try reader(channel).read(dg1)
        }
    }

    @Test func wrongLe_reasksWithTheExactLength() throws {
        let short = hx("6162") + (0..<98).map { UInt8($0) }
        let channel = ScriptedChannel { command, _ in command.expectedLength == 100 ? ok(short) : status("6C64") }
        #expect(try reader(channel).read(dg1) == short)
        #expect(channel.commands.map(\.expectedLength) == [256, 100])
    }

    /// A chip answering 6Cxx for ever: four re-asks, then the typed error (the loop is bounded). The script gives
    /// up after 64 commands with a link failure, so a reader that did not stop fails this test instead of hanging.
    @Test func wrongLeForEver_endsWithATypedError() {
        let channel = ScriptedChannel { _, n in n < 64 ? status("6C64") : .failure(.transport("the script's end")) }
        #expect(throws: FileReadError.unexpectedStatus(dg1, offset: 0, status: StatusWord(rawValue: 0x6C64))) {
            try reader(channel).read(dg1)
        }
        #expect(channel.commands.count == FileReader.maxLengthAdjustments + 1)
    }

    @Test func wrongLength_halvesLe() throws {
        let channel = ScriptedChannel { command, _ in
            guard let le = command.expectedLength, le <= 128 else { return status("6700") }
            let offset = Int(command.p1 & 0x7F) << 8 | Int(command.p2)
            return ok(file300[(command.p1 & 0x80 != 0 ? 0 : offset)...].prefix(le))
        }
        #expect(try reader(channel).read(dg1) == file300)
        #expect(channel.commands.map(\.expectedLength) == [256, 128, 128, 44])
    }

    /// A chip answering 6700 for ever: Le halves four times (256 → 16), then the typed error.
    @Test func wrongLengthForEver_endsWithATypedError() {
        let channel = ScriptedChannel { _, _ in status("6700") }
        #expect(throws: FileReadError.unexpectedStatus(dg1, offset: 0, status: .wrongLength)) {
            try reader(channel).read(dg1)
        }
        #expect(channel.commands.map(\.expectedLength) == [256, 128, 64, 32, 16])
    }

    @Test func securityStatusNotSatisfied_isAccessDenied() {
        #expect(throws: FileReadError.accessDenied(dg1)) { try reader(ScriptedChannel(["6982"])).read(dg1) }
    }

    @Test func fileNotFound_isFileNotFound() {
        #expect(throws: FileReadError.fileNotFound(dg1)) { try reader(ScriptedChannel(["6A82"])).read(dg1) }
    }

    @Test(arguments: ["6F00", "6A86", "6985", "6D00", "6E00"])
    func otherStatus_isUnexpected(_ sw: String) {
        #expect(throws: FileReadError.unexpectedStatus(dg1, offset: 0, status: StatusWord(rawValue: UInt16(sw, radix: 16)!))) {
            try reader(ScriptedChannel([sw])).read(dg1)
        }
    }

    @Test func successWithoutData_isMalformed() {
        #expect(throws: FileReadError.malformedFile(dg1, "the chip returned no data")) {
            try reader(ScriptedChannel(["9000"])).read(dg1)
        }
    }

    @Test func headerAnnouncingTooMuch_isRefusedBeforeReading() {
        let channel = ScriptedChannel(["6183200000" + String(repeating: "00", count: 60) + "9000"])
        #expect(throws: FileReadError.tooLong(dg1, 0x200000 + 5)) { try reader(channel).read(dg1) }
        #expect(channel.commands.count == 1)
    }

    /// Extended length, not yet confirmed: the chip's 6700 or 6D00 to the first extended READ BINARY makes the
    /// reader step down to short APDUs for good, in the same session.
    @Test(arguments: ["6700", "6D00", "6A86", "6F00"])
    func unconfirmedExtended_refused_stepsDown(_ sw: String) throws {
        let channel = ScriptedChannel { command, _ in
            if command.requiresExtendedLength || command.prefersExtendedLength { return status(sw) }
            let offset = command.p1 & 0x80 != 0 ? 0 : Int(command.p1) << 8 | Int(command.p2)
            return ok(file300[offset...].prefix(command.expectedLength ?? 256))
        }
        let r = reader(channel, extended: true)
        #expect(try r.read(dg1) == file300)
        #expect(!r.extendedLength)
        #expect(!r.extendedLengthConfirmed)
        #expect(channel.commands.count == 3)
        #expect(try r.read(.dataGroup(2)).count == 300)  // short from the start
    }

    /// Once an extended READ BINARY has worked, a refusal of one is an answer like any other.
    @Test func confirmedExtended_refused_isUnexpected() throws {
        let channel = ScriptedChannel { _, n in n == 0 ? ok(file300) : status("6D00") }
        let r = reader(channel, extended: true)
        #expect(try r.read(dg1) == file300)
        #expect(r.extendedLengthConfirmed)
        #expect(throws: FileReadError.unexpectedStatus(.dataGroup(2), offset: 0, status: .instructionNotSupported)) {
            try r.read(.dataGroup(2))
        }
    }

    /// A transport error on the first extended command: short APDUs, the session re-opened, the file selected
    /// again and read from where it stood.
    @Test func unconfirmedExtended_transportError_stepsDownAndReopens() throws {
        let channel = ScriptedChannel { command, _ in
            if command.requiresExtendedLength || command.prefersExtendedLength {
                return .failure(.transport("the reader cannot send extended APDUs"))
            }
            if command.ins == 0xA4 { return status("9000") }
            let offset = Int(command.p1 & 0x7F) << 8 | Int(command.p2)
            return ok(file300[offset...].prefix(command.expectedLength ?? 256))
        }
        let r = reader(channel, extended: true)
        r.reopen = { channel }
        #expect(try r.read(dg1) == file300)
        #expect(r.reopenCount == 1)
        #expect(!r.extendedLength)
        #expect(channel.commands.map(\.ins) == [0xB0, 0xA4, 0xB0, 0xB0])
    }
}

/// Every retry has a limit: a link or a chip that misbehaves for ever ends the read with a typed error.
@Suite struct FileReaderBoundsTests {
    @Test func linkFailingForEver_reopensThreeTimes_thenLinkLost() {
        let channel = ScriptedChannel { _, _ in .failure(.transactionFailed) }
        let r = FileReader(channel: channel, extendedLength: false, shortLimit: 256)
        var reopened = 0
        r.reopen = { reopened += 1; return channel }
        #expect(throws: FileReadError.linkLost(dg1, offset: 0, cause: .channel(.transactionFailed, step: .readFile))) {
            try r.read(dg1)
        }
        #expect(reopened == FileReader.maxReopensPerFile)
        #expect(channel.commands.count == 1 + FileReader.maxReopensPerFile)  // after each re-opening, its SELECT fails
    }

    @Test func reopeningFailingForEver_isLinkLost_withItsCause() {
        let channel = ScriptedChannel { _, _ in .failure(.cardReset) }
        let r = FileReader(channel: channel, extendedLength: false, shortLimit: 256)
        var attempts = 0
        r.reopen = { () throws(SessionError) -> CardChannel in
            attempts += 1
            throw .channel(.timeout, step: .reopen)
        }
        #expect(throws: FileReadError.linkLost(dg1, offset: 0, cause: .channel(.timeout, step: .reopen))) {
            try r.read(dg1)
        }
        #expect(attempts == FileReader.maxReopensPerFile)
    }

    /// A card that does not come back: one wait, not one per attempt.
    @Test func cardNotComingBack_endsAtTheFirstFailedReopening() {
        let channel = ScriptedChannel { _, _ in .failure(.cardRemoved) }
        let r = FileReader(channel: channel, extendedLength: false, shortLimit: 256)
        var attempts = 0
        r.reopen = { () throws(SessionError) -> CardChannel in
            attempts += 1
            throw .channel(.cardRemoved, step: .reopen)
        }
        #expect(throws: FileReadError.linkLost(dg1, offset: 0, cause: .channel(.cardRemoved, step: .reopen))) {
            try r.read(dg1)
        }
        #expect(attempts == 1)
    }

    @Test func withoutReopen_theFirstBreakIsLinkLost() {
        let r = FileReader(channel: ScriptedChannel { _, _ in .failure(.cardReset) }, extendedLength: false,
                           shortLimit: 256)
        #expect(throws: FileReadError.linkLost(dg1, offset: 0, cause: .channel(.cardReset, step: .readFile))) {
            try r.read(dg1)
        }
    }
}

/// The file reader under secure messaging against the virtual chip, with a man in the middle or a bad link.
@Suite struct FileReaderSessionTests {
    func opened(_ card: PersonalizedCard, _ chip: VirtualChip,
                _ plan: FaultInjectingChip.Plan) throws -> (OpenedChip, InProcessChannel, FaultInjectingChip?) {
        let (channel, faulty) = inProcess(chip, plan)
        return (try ChipAccess.open(over: channel, key: card.canKey, entropy: SystemEntropy()), channel, faulty)
    }

    /// A man in the middle answers a protected READ BINARY with a plain status word: a secure messaging failure,
    /// never "file not found" (or anything else the status word says).
    @Test(arguments: ["6A82", "6982", "9000", "6282", "6B00"])
    func plainStatusInPlaceOfAProtectedAnswer_isASecureMessagingFailure(_ sw: String) throws {
        let card = try Cards.standard()
        let status = StatusWord(rawValue: UInt16(sw, radix: 16)!)
        let (chip, _, _) = try opened(card, card.makeChip(),
                                      .init(rules: [.init(.replace(status), instruction: 0xB0, protectedOnly: true)]))
        #expect(throws: FileReadError.linkLost(.dataGroup(14), offset: 0,
                                               cause: .secureMessaging(.unprotectedStatus(status)))) {
            try chip.fileReader().read(.dataGroup(14))
        }
    }

    /// The chip's own "file not found", under valid secure messaging, is believed.
    @Test func protectedFileNotFound_isFileNotFound() throws {
        let card = try Cards.standard()
        var configuration = card.configuration
        configuration.files[0x010E] = nil
        let chip = try ChipAccess.open(over: InProcessChannel(chip: EMRTDChip(configuration: configuration)),
                                       key: card.canKey, entropy: SystemEntropy())
        #expect(throws: FileReadError.fileNotFound(.dataGroup(14))) { try chip.fileReader().read(.dataGroup(14)) }
    }

    /// One glitch (a plain status slipped in once, a corrupted frame, a transaction the reader could not
    /// complete, a stray 6F00): the session is re-opened and the file read whole.
    @Test(arguments: [FaultInjectingChip.Fault.replace(.fileNotFound), .corrupt, .transactionFailed,
                      .replace(.noPreciseDiagnosis), .remove, .garbage])
    func oneGlitch_isReadThrough(_ fault: FaultInjectingChip.Fault) throws {
        let card = try Cards.standard()
        var configuration = card.configuration
        configuration.acceptsExtendedLength = false
        let (opened, channel, faulty) = try opened(card, EMRTDChip(configuration: configuration),
                                                   .init(rules: [.init(fault, instruction: 0xB0, protectedOnly: true,
                                                                       skip: 3)]))
        let reader = opened.fileReader()
        reader.reopen = { () throws(SessionError) -> CardChannel in
            do throws(ChannelError) { try channel.recoverLink(timeout: 1) } catch { throw .channel(error, step: .reopen) }
            return try ChipAccess.open(over: channel, key: card.canKey, entropy: SystemEntropy()).channel
        }
        #expect(try reader.read(.dataGroup(2)) == card.file(.dataGroup(2)))
        #expect(reader.reopenCount == 1)
        #expect(faulty?.injected == [fault])
    }

    /// Every protected answer corrupted, for ever: three re-openings, then the typed failure.
    @Test func corruptionForEver_isLinkLost_afterTheBudget() throws {
        let card = try Cards.standard()
        let (opened, channel, _) = try opened(card, card.makeChip(),
                                              .init(rules: [.init(.corrupt, instruction: 0xB0, protectedOnly: true,
                                                                  count: nil)]))
        let reader = opened.fileReader()
        reader.reopen = { () throws(SessionError) -> CardChannel in
            try ChipAccess.open(over: channel, key: card.canKey, entropy: SystemEntropy()).channel
        }
        #expect(throws: FileReadError.linkLost(.dataGroup(1), offset: 0, cause: .secureMessaging(.macMismatch))) {
            try reader.read(.dataGroup(1))
        }
        #expect(reader.reopenCount == FileReader.maxReopensPerFile)
    }

    /// A chip that takes extended length in plain but answers an extended command under secure messaging with a
    /// plain status word (6988, 6700, 6D00) or a transport error: short APDUs, a new session, every byte right.
    @Test(arguments: [FaultInjectingChip.Fault.replace(.secureMessagingObjectsIncorrect), .replace(.wrongLength),
                      .replace(.instructionNotSupported), .transactionFailed])
    func extendedRefusedUnderSecureMessaging_stepsDown(_ fault: FaultInjectingChip.Fault) throws {
        let card = try Cards.standard()
        let (opened, channel, _) = try opened(card, card.makeChip(),
                                              .init(rules: [.init(fault, protectedOnly: true, extendedOnly: true,
                                                                  count: nil)]))
        #expect(opened.extendedLength)
        let reader = opened.fileReader()
        reader.reopen = { () throws(SessionError) -> CardChannel in
            do throws(ChannelError) { try channel.recoverLink(timeout: 1) } catch { throw .channel(error, step: .reopen) }
            return try ChipAccess.open(over: channel, key: card.canKey, entropy: SystemEntropy()).channel
        }
        for file in [ElementaryFile.com, .sod, .dataGroup(1), .dataGroup(2), .dataGroup(13)] {
            #expect(try reader.read(file) == card.file(file), "\(file)")
        }
        #expect(!reader.extendedLength)
        #expect(reader.reopenCount == 1)
    }

    /// The BAC-only chip without EF.CardAccess that answers 6988 to an extended command under secure messaging
    /// (issue 13): the missing EF.CardAccess says nothing about extended length, the first protected extended
    /// READ BINARY tells, and the read steps down.
    @Test func bacOnlyChipWithoutCardAccess_answering6988ToExtended_isReadShort() throws {
        let card = try Cards.standard()
        var configuration = card.configuration
        configuration.pace = nil
        configuration.files[0x011C] = nil
        let key = try card.mrzKey()
        let (channel, _) = inProcess(EMRTDChip(configuration: configuration),
                                     .init(rules: [.init(.replace(.secureMessagingObjectsIncorrect), protectedOnly: true,
                                                         extendedOnly: true, count: nil)]))
        let opened = try ChipAccess.open(over: channel, key: key, entropy: SystemEntropy())
        #expect(opened.access == .bac(reason: "the chip offers no PACE"))
        let reader = opened.fileReader()
        reader.reopen = { () throws(SessionError) -> CardChannel in
            try ChipAccess.open(over: channel, key: key, entropy: SystemEntropy()).channel
        }
        #expect(try reader.read(.dataGroup(2)) == card.file(.dataGroup(2)))
        #expect(try reader.read(.dataGroup(13)) == card.file(.dataGroup(13)))
        #expect(!reader.extendedLength)
        #expect(reader.reopenCount == 1)
    }
}
