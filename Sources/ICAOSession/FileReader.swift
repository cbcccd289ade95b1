import CardIO
import LDS

/// Why a file could not be read.
public enum FileReadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The chip has no such file (`6A82`).
    case fileNotFound(ElementaryFile)
    /// The chip refuses the file under the current access (`6982`): e.g. DG3 needs terminal authentication.
    case accessDenied(ElementaryFile)
    /// The file's first bytes are not a BER-TLV header, so its length cannot be known.
    case malformedFile(ElementaryFile, String)
    /// The chip answered a READ BINARY with an unexpected status word.
    case unexpectedStatus(ElementaryFile, offset: Int, status: StatusWord)
    /// The link or the session broke and could not be re-opened (or no re-opening was offered), with the typed
    /// cause: the failure of the last re-opening when there was one, else the break itself (a ``ChannelError`` in
    /// ``SessionError/channel(_:step:)``, a secure messaging failure, the chip ending the session…).
    case linkLost(ElementaryFile, offset: Int, cause: SessionError)
    /// The file announces a length beyond what any eMRTD file holds.
    case tooLong(ElementaryFile, Int)

    public var description: String {
        switch self {
        case .fileNotFound(let f): return "\(f) is not on the chip"
        case .accessDenied(let f): return "the chip refuses to give \(f) under this access"
        case .malformedFile(let f, let why): return "\(f) does not start with a valid header: \(why)"
        case .unexpectedStatus(let f, let offset, let sw):
            return "reading \(f) at offset \(offset): the chip answered \(sw) (\(sw.explanation))"
        case .linkLost(let f, let offset, let cause): return "reading \(f) at offset \(offset): \(cause)"
        case .tooLong(let f, let n): return "\(f) announces \(n) bytes, more than an eMRTD file holds"
        }
    }
}

/// Reads elementary files in as few round trips as the link allows.
///
/// With extended-length APDUs, one READ BINARY by short file identifier with Le = 65536 brings a whole file
/// (ICAO 9303-10 §3.6.2). Without, the first READ BINARY asks for the largest short Le the cipher permits
/// (0xDF under AES secure messaging, 0xE7 under 3DES, 0x100 in plain), learns the file's length from its
/// BER-TLV header, and reads the rest in chunks of that size; offsets beyond 32767 use the odd-INS `B1`.
/// `6Cxx` re-asks with the exact length, `6700` steps Le down, `6282` ends the file, `6B00` past the end stops.
/// When the session breaks (`6987`/`6988`, a MAC that does not verify) or the card leaves the field, the reader
/// asks `reopen` for a new channel, selects the file again and resumes at the offset reached: nothing is read
/// twice, nothing is lost.
public final class FileReader {
    /// The channel files are read through (usually a secure messaging channel).
    public private(set) var channel: CardChannel
    /// Whether extended-length READ BINARY is used.
    public private(set) var extendedLength: Bool
    /// The largest Le of a short READ BINARY.
    public let shortLimit: Int
    /// Re-opens the session after a break, returning the new channel; `nil` to give up at the first break.
    /// A failure whose cause is ``SessionStep/reopen`` with the card still gone ends the attempts at once.
    public var reopen: (() throws(SessionError) -> CardChannel)?
    /// Called after each chunk with the file, the bytes read so far and the file's total length.
    public var progress: ((ElementaryFile, Int, Int) -> Void)?
    /// How many times the session was re-opened.
    public private(set) var reopenCount = 0
    /// How many READ BINARY and SELECT commands were sent.
    public private(set) var commandCount = 0

    /// The largest file the reader accepts (a JPEG 2000 portrait stays far below).
    public static let maximumFileLength = 1 << 20
    private let maxReopens = 3

    /// A reader over `channel`.
    ///
    /// - Parameters:
    ///   - extendedLength: whether reader and chip take extended-length APDUs (probe with EF.CardAccess first).
    ///   - shortLimit: the largest short Le: 0xDF under AES secure messaging, 0xE7 under 3DES, 256 in plain.
    public init(channel: CardChannel, extendedLength: Bool, shortLimit: Int) {
        self.channel = channel
        self.extendedLength = extendedLength
        self.shortLimit = max(1, min(shortLimit, 256))
    }

    /// The largest plain Le under secure messaging with short APDUs: the protected answer (DO'87' with its
    /// padding, DO'99', DO'8E') must fit in 256 bytes.
    public static func shortLimit(forBlockSize blockSize: Int) -> Int {
        blockSize == 16 ? 0xDF : 0xE7
    }

    /// Reads a whole file.
    public func read(_ file: ElementaryFile) throws(FileReadError) -> [UInt8] {
        var content: [UInt8] = []
        var total: Int?
        var selected = false
        var le = extendedLength ? CommandAPDU.maxExtendedExpectedLength : shortLimit
        var reopensHere = 0
        // LDS1 has no data group beyond 16: nothing to ask the chip for.
        guard let sfi = file.shortFileIdentifier else { throw .fileNotFound(file) }
        while total == nil || content.count < total! {
            let offset = content.count
            let wanted = total.map { min($0 - offset, le) } ?? le
            let command: CommandAPDU
            if offset == 0 && !selected {
                // READ BINARY by short file identifier: selects and reads in one command.
                command = .readBinary(shortFileIdentifier: sfi, expectedLength: wanted, extendedLength: extendedLength)
            } else if offset <= 0x7FFF {
                command = .readBinary(offset: offset, expectedLength: wanted, extendedLength: extendedLength)
            } else {
                // ISO/IEC 7816-4 odd INS: the offset in DO'54', the data in DO'53', whose header counts in Le:
                // ask for a chunk that fits the same limit once wrapped.
                let chunk = max(1, min(wanted, le - 4))
                let header = chunk < 0x80 ? 2 : chunk < 0x100 ? 3 : 4
                command = .readBinary(beyond: offset, expectedLength: chunk + header, extendedLength: extendedLength)
            }
            let response: ResponseAPDU
            do {
                commandCount += 1
                response = try exchange(channel, command, step: .readFile)
            } catch {
                // A recorded session that no longer matches cannot be repaired by re-opening it, and a cancelled
                // read is not to be resumed.
                if case .channel(let link, _) = error, link.isReplayMismatch || link == .cancelled {
                    throw .linkLost(file, offset: offset, cause: error)
                }
                try recover(file, offset: offset, because: error, count: &reopensHere)
                selected = try selectAfterReopen(file, offset: offset)
                continue
            }
            var data = response.data
            switch response.statusWord.meaning {
            case .success, .endOfFileBeforeNe:
                if command.ins == 0xB1 { data = try unwrapOddResponse(file, offset: offset, data) }
            default:
                break
            }
            switch response.statusWord.meaning {
            case .success, .endOfFileBeforeNe:
                break
            case .wrongLe(let exact):
                le = exact
                continue
            case .wrongLength where le > 1:
                // The link or chip cannot carry that much: step down to the short limit, then halve.
                if extendedLength {
                    extendedLength = false
                    le = shortLimit
                } else {
                    le = max(1, le / 2)
                }
                continue
            case .wrongParameters where total == nil && offset > 0:
                total = offset
                continue
            case .fileNotFound:
                throw .fileNotFound(file)
            case .securityStatusNotSatisfied:
                throw .accessDenied(file)
            case .secureMessagingObjectsIncorrect, .secureMessagingObjectsMissing:
                try recover(file, offset: offset, because: .secureMessaging(.sessionClosed(response.statusWord)),
                            count: &reopensHere)
                selected = try selectAfterReopen(file, offset: offset)
                continue
            default:
                throw .unexpectedStatus(file, offset: offset, status: response.statusWord)
            }
            if offset == 0 { selected = true }
            if data.isEmpty {
                if total == nil { throw .malformedFile(file, "the chip returned no data") }
                throw .unexpectedStatus(file, offset: offset, status: response.statusWord)
            }
            content.append(contentsOf: data.prefix((total ?? Int.max) - offset))
            if total == nil {
                total = try Self.encodedLength(of: content, file: file)
                if let t = total, content.count > t { content.removeLast(content.count - t) }
            }
            progress?(file, content.count, total ?? content.count)
            if response.statusWord == .endOfFileBeforeNe && content.count < (total ?? 0) {
                throw .malformedFile(file, "the file ends at \(content.count) bytes, before its announced \(total!)")
            }
        }
        return content
    }

    private func recover(_ file: ElementaryFile, offset: Int, because cause: SessionError,
                         count: inout Int) throws(FileReadError) {
        guard let reopen else { throw .linkLost(file, offset: offset, cause: cause) }
        var lastFailure = cause
        // A card just put back may still be powered up by the reader's own insertion handling while we open
        // it: a failed re-opening is tried again, within the same budget.
        while count < maxReopens {
            count += 1
            do {
                channel = try reopen()
                reopenCount += 1
                return
            } catch {
                lastFailure = error
                // The card did not come back in time: waiting again would only repeat that wait.
                if case .channel(let link, .reopen) = error, link == .cardRemoved || link == .noCard { break }
                if case .channel(let link, _) = error, link == .cancelled { break }
            }
        }
        throw .linkLost(file, offset: offset, cause: lastFailure)
    }

    /// After a re-opened session nothing is selected: select the file by identifier, then read at the offset.
    private func selectAfterReopen(_ file: ElementaryFile, offset: Int) throws(FileReadError) -> Bool {
        guard let fid = file.fileIdentifier else { throw .fileNotFound(file) }
        let response: ResponseAPDU
        do {
            commandCount += 1
            response = try exchange(channel, .selectFile(fid), step: .readFile)
        } catch {
            throw .linkLost(file, offset: offset, cause: error)
        }
        switch response.statusWord.meaning {
        case .success: return true
        case .fileNotFound: throw .fileNotFound(file)
        case .securityStatusNotSatisfied: throw .accessDenied(file)
        default: throw .unexpectedStatus(file, offset: offset, status: response.statusWord)
        }
    }

    private func unwrapOddResponse(_ file: ElementaryFile, offset: Int,
                                   _ data: [UInt8]) throws(FileReadError) -> [UInt8] {
        guard data.count >= 2, data[0] == 0x53 else {
            throw .malformedFile(file, "odd-INS READ BINARY answer at offset \(offset) is not DO'53'")
        }
        var length = Int(data[1])
        var header = 2
        if data[1] & 0x80 != 0 {
            let count = Int(data[1] & 0x7F)
            guard count >= 1, count <= 3, data.count >= 2 + count else {
                throw .malformedFile(file, "DO'53' length at offset \(offset)")
            }
            length = data[2..<(2 + count)].reduce(0) { $0 << 8 | Int($1) }
            header = 2 + count
        }
        guard header + length <= data.count else { throw .malformedFile(file, "DO'53' runs past its answer") }
        return Array(data[header..<(header + length)])
    }

    /// The length of the whole file from its first BER-TLV header (LDS decodes it), bounded so a forged header
    /// cannot make the reader ask for gigabytes.
    static func encodedLength(of prefix: [UInt8], file: ElementaryFile) throws(FileReadError) -> Int? {
        let total: Int?
        do {
            total = try BERReader.encodedLength(ofElementStartingWith: prefix)
        } catch {
            throw .malformedFile(file, error.description)
        }
        if let total, total > maximumFileLength { throw .tooLong(file, total) }
        return total
    }
}
