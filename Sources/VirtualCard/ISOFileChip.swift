import CardIO
import Foundation
import LDS

/// A plain ISO/IEC 7816-4 card with transparent elementary files and no access control: the minimal card the
/// PC/SC layer is tested with. It answers SELECT (by AID and by file identifier), READ BINARY (`B0` and the
/// odd-INS `B1` with an offset data object), GET CHALLENGE, and `6D00` to anything else.
///
/// Knobs let a test see the transport's handling of `61xx` (response chaining) and `6Cxx` (exact Le).
public final class ISOFileChip: VirtualChip {
    /// The answer to reset: a contactless card as PC/SC part 3 shows one, T=1, historical bytes "CCCD-EMU".
    public let atr: [UInt8]
    /// The application identifier SELECT by name accepts.
    public let applicationID: [UInt8]
    /// Transparent files by identifier.
    public var files: [UInt16: [UInt8]]
    /// The largest Ne the chip honours; 256 models a short-APDU-only card.
    public var maxExpectedLength: Int
    /// When set, responses longer than this many bytes are chained: the chip answers `61xx` and hands the rest
    /// out through GET RESPONSE.
    public var chainResponsesLongerThan: Int?
    /// When set, READ BINARY with a Le that passes the end of the file gets `6Cxx` with the exact length, as
    /// some cards do, instead of the shorter data with `6282`.
    public var demandsExactLe = false
    /// Randomness for GET CHALLENGE.
    public var entropy: EntropySource

    private var selected: UInt16?
    private var applicationSelected = false
    private var pendingResponse: [UInt8] = []
    /// Every command received, as on the wire.
    public private(set) var received: [[UInt8]] = []

    /// Creates a chip holding `files`.
    public init(files: [UInt16: [UInt8]] = [:], applicationID: [UInt8] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01],
                maxExpectedLength: Int = 65536, entropy: EntropySource = SystemEntropy()) {
        self.files = files
        self.applicationID = applicationID
        self.maxExpectedLength = maxExpectedLength
        self.entropy = entropy
        var atr: [UInt8] = [0x3B, 0x88, 0x80, 0x01] + Array("CCCD-EMU".utf8)
        atr.append(atr.dropFirst().reduce(0, ^))  // TCK: T0 through TCK XOR to zero
        self.atr = atr
    }

    public func powerOn() {
        selected = nil
        applicationSelected = false
        pendingResponse = []
    }

    public func powerOff() {
        powerOn()
    }

    public func process(_ bytes: [UInt8]) -> [UInt8]? {
        received.append(bytes)
        guard let command = try? CommandAPDU(encoded: bytes) else { return sw(.wrongLength) }
        if command.ins != 0xC0 { pendingResponse = [] }
        switch command.ins {
        case 0xA4: return select(command)
        case 0xB0, 0xB1: return readBinary(command)
        case 0x84: return getChallenge(command)
        case 0xC0: return getResponse(command)
        default: return sw(.instructionNotSupported)
        }
    }

    private func sw(_ word: StatusWord, _ data: [UInt8] = []) -> [UInt8] {
        ResponseAPDU(data: data, statusWord: word).encoded
    }

    private func select(_ command: CommandAPDU) -> [UInt8] {
        switch command.p1 {
        case 0x04:
            guard command.data == applicationID else { return sw(.fileNotFound) }
            applicationSelected = true
            selected = nil
            return sw(.success)
        case 0x02, 0x00:
            guard command.data.count == 2 else { return sw(.wrongLength) }
            let fid = UInt16(command.data[0]) << 8 | UInt16(command.data[1])
            if fid == 0x3F00 { return sw(.instructionNotSupported) }  // the CCCD's answer to SELECT MF
            guard files[fid] != nil else { return sw(.fileNotFound) }
            selected = fid
            return sw(.success)
        default:
            return sw(.incorrectP1P2)
        }
    }

    private func readBinary(_ command: CommandAPDU) -> [UInt8] {
        var fid = selected
        var offset: Int
        if command.ins == 0xB0 {
            if command.p1 & 0x80 != 0 {  // short file identifier in P1, offset in P2
                let sfi = UInt16(command.p1 & 0x1F)
                fid = files.keys.first { $0 & 0x1F == sfi && $0 >> 8 == 0x01 }
                selected = fid
                offset = Int(command.p2)
            } else {
                offset = Int(command.p1) << 8 | Int(command.p2)
            }
        } else {
            // B1: the offset travels in DO'54'.
            let d = command.data
            guard d.count >= 3, d[0] == 0x54, Int(d[1]) == d.count - 2, d.count - 2 <= 4 else {
                return sw(.incorrectData)
            }
            offset = d[2...].reduce(0) { $0 << 8 | Int($1) }
        }
        guard let fid, let content = files[fid] else { return sw(.conditionsNotSatisfied) }
        guard offset <= content.count else { return sw(.wrongParameters) }
        let ne = min(command.expectedLength ?? 256, maxExpectedLength)
        let available = content.count - offset
        if offset == content.count { return sw(.wrongParameters) }
        if demandsExactLe && ne > available {
            return sw(StatusWord(sw1: 0x6C, sw2: UInt8(truncatingIfNeeded: available)))
        }
        // The odd-INS answer wraps the data in DO'53', and Ne counts the wrapper too.
        let room = command.ins == 0xB1 ? ne - (ne - 2 < 0x80 ? 2 : ne - 3 < 0x100 ? 3 : 4) : ne
        let slice = Array(content[offset..<(offset + min(room, available))])
        let data = command.ins == 0xB1 ? wrapOddResponse(slice) : slice
        let status: StatusWord = room > available ? .endOfFileBeforeNe : .success
        return respond(data, status)
    }

    private func wrapOddResponse(_ data: [UInt8]) -> [UInt8] {
        // ISO/IEC 7816-4: odd-INS READ BINARY answers with DO'53'.
        var wrapped = TLVWriter()
        wrapped.append(BERTag(rawValue: 0x53), value: data)
        return wrapped.bytes
    }

    private func getChallenge(_ command: CommandAPDU) -> [UInt8] {
        let count = command.expectedLength ?? 8
        guard let challenge = try? entropy.draw(count) else { return sw(.noPreciseDiagnosis) }
        return respond(challenge, .success)
    }

    private func respond(_ data: [UInt8], _ status: StatusWord) -> [UInt8] {
        if let limit = chainResponsesLongerThan, data.count > limit {
            pendingResponse = Array(data[limit...])
            let remaining = min(pendingResponse.count, 256)
            return sw(StatusWord(sw1: 0x61, sw2: UInt8(truncatingIfNeeded: remaining)), Array(data[..<limit]))
        }
        return sw(status, data)
    }

    private func getResponse(_ command: CommandAPDU) -> [UInt8] {
        guard !pendingResponse.isEmpty else { return sw(.conditionsNotSatisfied) }
        let ne = command.expectedLength ?? 256
        let part = Array(pendingResponse.prefix(ne))
        pendingResponse.removeFirst(part.count)
        if pendingResponse.isEmpty { return sw(.success, part) }
        let remaining = min(pendingResponse.count, 256)
        return sw(StatusWord(sw1: 0x61, sw2: UInt8(truncatingIfNeeded: remaining)), part)
    }
}
