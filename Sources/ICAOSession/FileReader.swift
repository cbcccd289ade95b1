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
    /// cause: the failure of the last re-opening when there was one, else the break itself (a `CardIO.ChannelError` in
    /// ``SessionError/channel(_:step:)``, a secure messaging failure, the chip ending the session…).
    case linkLost(ElementaryFile, offset: Int, cause: SessionError)
    /// The file announces a length beyond what any eMRTD file holds.
    case tooLong(ElementaryFile, Int)

    /// One line naming the file and what went wrong.
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
///
/// Status words (ISO/IEC 7816-4 §7.2.3, §5.6), each answer believed only once secure messaging has verified it:
/// - `6Cxx` re-asks with the exact length, and `6700` steps Le down (to the short limit, then by halves): at most
///   ``maxLengthAdjustments`` such answers in a row without data, then ``FileReadError/unexpectedStatus(_:offset:status:)``.
/// - `6282` (end of file before Ne) before the length the file's header announces is ``FileReadError/malformedFile(_:_:)``.
/// - `6B00` past the end of a file whose length is not yet known ends it; anywhere else it is unexpected.
/// - `6A82` is ``FileReadError/fileNotFound(_:)``, `6982` ``FileReadError/accessDenied(_:)``.
///
/// **Extended length, tried once.** Until an extended-length READ BINARY has been answered under secure messaging
/// (``extendedLengthConfirmed``), any failure of one — an error status such as `6700` or `6D00`, the chip's
/// `6988`, an answer without secure messaging, a transport error — makes the reader step down to short APDUs for
/// good, re-open the session when it broke, and go on (many chips and readers take only short APDUs, and what a
/// chip answers to an extended command is not always a clean `6700`).
///
/// **Breaks.** When the session breaks (a secure messaging failure, the chip's `6987`/`6988`) or the link does
/// (the card left the field, a transaction the reader could not complete, a card reset), the reader asks
/// ``reopen`` for a new channel, selects the file again and resumes at the offset reached: nothing is read twice,
/// nothing is lost. At most ``maxReopensPerFile`` re-openings per file; then ``FileReadError/linkLost(_:offset:cause:)``
/// with the typed cause.
public final class FileReader {
    /// The channel files are read through (usually a secure messaging channel).
    public private(set) var channel: CardChannel
    /// Whether extended-length READ BINARY is used.
    public private(set) var extendedLength: Bool
    /// Whether an extended-length READ BINARY has been answered (and, under secure messaging, verified): from then
    /// on a failure of one is a failure like any other, no longer a reason to step down to short APDUs.
    public private(set) var extendedLengthConfirmed = false
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
    /// The most re-openings of the session while reading one file (each after a break of the link or the
    /// session, a failed re-opening counting too).
    public static let maxReopensPerFile = 3
    /// The most `6Cxx` / `6700` answers in a row without data before the reader gives up on a file: 256 halves to
    /// 16 in four steps, and a chip that cannot give 16 bytes at a time is not read.
    public static let maxLengthAdjustments = 4

    /// A reader over `channel`.
    ///
    /// - Parameters:
    ///   - channel: the channel files are read over (a secure messaging channel once the chip is opened).
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
        var adjustments = 0
        // LDS1 has no data group beyond 16: nothing to ask the chip for.
        guard let sfi = file.shortFileIdentifier else { throw .fileNotFound(file) }
        while total == nil || content.count < total! {
            let offset = content.count
            let wanted = total.map { min($0 - offset, le) } ?? le
            let extended = extendedLength
            let command: CommandAPDU
            if offset == 0 && !selected {
                // READ BINARY by short file identifier: selects and reads in one command.
                command = .readBinary(shortFileIdentifier: sfi, expectedLength: wanted, extendedLength: extended)
            } else if offset <= 0x7FFF {
                command = .readBinary(offset: offset, expectedLength: wanted, extendedLength: extended)
            } else {
                // ISO/IEC 7816-4 odd INS: the offset in DO'54', the data in DO'53', whose header counts in Le:
                // ask for a chunk that fits the same limit once wrapped.
                let chunk = max(1, min(wanted, le - 4))
                let header = chunk < 0x80 ? 2 : chunk < 0x100 ? 3 : 4
                command = .readBinary(beyond: offset, expectedLength: chunk + header, extendedLength: extended)
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
                if extended && !extendedLengthConfirmed {
                    le = stepDownToShortAPDUs()
                }
                selected = try resume(file, offset: offset, because: error, count: &reopensHere)
                continue
            }
            var data = response.data
            switch response.statusWord.meaning {
            case .success, .endOfFileBeforeNe:
                if command.ins == 0xB1 { data = try unwrapOddResponse(file, offset: offset, data) }
                if extended { extendedLengthConfirmed = true }
            case .fileNotFound:
                throw .fileNotFound(file)
            case .securityStatusNotSatisfied:
                throw .accessDenied(file)
            case .wrongLe(let exact):
                guard adjustments < Self.maxLengthAdjustments else {
                    throw .unexpectedStatus(file, offset: offset, status: response.statusWord)
                }
                adjustments += 1
                le = exact
                continue
            case _ where extended && !extendedLengthConfirmed:
                // The chip does not take this extended command (6700, 6D00…): short APDUs from now on.
                le = stepDownToShortAPDUs()
                continue
            case .wrongLength where le > 1:
                guard adjustments < Self.maxLengthAdjustments else {
                    throw .unexpectedStatus(file, offset: offset, status: response.statusWord)
                }
                adjustments += 1
                // The link or chip cannot carry that much: step down to the short limit, then halve.
                if extendedLength {
                    le = stepDownToShortAPDUs()
                } else {
                    le = max(1, le / 2)
                }
                continue
            case .wrongParameters where total == nil && offset > 0:
                total = offset
                continue
            default:
                throw .unexpectedStatus(file, offset: offset, status: response.statusWord)
            }
            if offset == 0 { selected = true }
            if data.isEmpty {
                if total == nil { throw .malformedFile(file, "the chip returned no data") }
                throw .unexpectedStatus(file, offset: offset, status: response.statusWord)
            }
            adjustments = 0
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

    /// Short APDUs from now on, for every file; returns the Le to ask for next.
    private func stepDownToShortAPDUs() -> Int {
        extendedLength = false
        return shortLimit
    }

    /// After a break: re-opens the session (within the file's budget) and selects the file again, since a new
    /// session has nothing selected; a break during that SELECT is one more break. Returns that the file is selected.
    private func resume(_ file: ElementaryFile, offset: Int, because cause: SessionError,
                        count: inout Int) throws(FileReadError) -> Bool {
        guard let reopen else { throw .linkLost(file, offset: offset, cause: cause) }
        guard let fid = file.fileIdentifier else { throw .fileNotFound(file) }
        var lastFailure = cause
        // A card just put back may still be powered up by the reader's own insertion handling while we open
        // it: a failed re-opening is tried again, within the same budget.
        while count < Self.maxReopensPerFile {
            count += 1
            do {
                channel = try reopen()
                reopenCount += 1
            } catch {
                lastFailure = error
                // The card did not come back in time: waiting again would only repeat that wait.
                if case .channel(let link, .reopen) = error, link == .cardRemoved || link == .noCard { break }
                if case .channel(let link, _) = error, link == .cancelled { break }
                continue
            }
            let response: ResponseAPDU
            do {
                commandCount += 1
                response = try exchange(channel, .selectFile(fid), step: .readFile)
            } catch {
                lastFailure = error
                if case .channel(let link, _) = error, link.isReplayMismatch || link == .cancelled { break }
                continue
            }
            switch response.statusWord.meaning {
            case .success: return true
            case .fileNotFound: throw .fileNotFound(file)
            case .securityStatusNotSatisfied: throw .accessDenied(file)
            default: throw .unexpectedStatus(file, offset: offset, status: response.statusWord)
            }
        }
        throw .linkLost(file, offset: offset, cause: lastFailure)
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
