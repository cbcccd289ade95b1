/// An ISO/IEC 7816-4 command APDU: header, optional command data, optional expected length.
///
/// The four cases of ISO/IEC 7816-4 §5.1 follow from which of `data` and `expectedLength` are present.
/// Encoding picks the short form where it fits, the extended form otherwise, or the one asked for.
public struct CommandAPDU: Hashable, Sendable {
    /// Class byte.
    public var cla: UInt8
    /// Instruction byte.
    public var ins: UInt8
    /// First parameter byte.
    public var p1: UInt8
    /// Second parameter byte.
    public var p2: UInt8
    /// Command data (Nc bytes), empty for cases 1 and 2.
    public var data: [UInt8]
    /// Ne, the number of response bytes expected, or `nil` when none are (cases 1 and 3).
    /// Short APDUs carry 1...256 (256 as `00`); extended ones 1...65536 (65536 as `0000`).
    public var expectedLength: Int?
    /// Whether to use the extended length encoding even where the short one would fit
    /// (ISO/IEC 7816-4 allows either; secure messaging and length probes need to choose).
    public var prefersExtendedLength: Bool

    /// The largest Ne a short APDU can carry.
    public static let maxShortExpectedLength = 256
    /// The largest Ne an extended APDU can carry.
    public static let maxExtendedExpectedLength = 65536
    /// The largest Nc a short APDU can carry.
    public static let maxShortDataLength = 255
    /// The largest Nc an extended APDU can carry.
    public static let maxExtendedDataLength = 65535

    /// Creates a command APDU.
    public init(cla: UInt8, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], expectedLength: Int? = nil,
                prefersExtendedLength: Bool = false) {
        self.prefersExtendedLength = prefersExtendedLength
        self.cla = cla
        self.ins = ins
        self.p1 = p1
        self.p2 = p2
        self.data = data
        self.expectedLength = expectedLength
    }

    /// The ISO/IEC 7816-4 case of this command.
    public var isoCase: ISOCase {
        switch (data.isEmpty, expectedLength == nil) {
        case (true, true): return .case1
        case (true, false): return .case2
        case (false, true): return .case3
        case (false, false): return .case4
        }
    }

    /// Whether this command needs the extended length encoding (Nc > 255 or Ne > 256).
    public var requiresExtendedLength: Bool {
        data.count > Self.maxShortDataLength || (expectedLength ?? 0) > Self.maxShortExpectedLength
    }

    /// Encodes the command: short where it fits, extended where it must or where ``prefersExtendedLength`` or
    /// `forceExtended` asks for it.
    ///
    /// ISO/IEC 7816-4 §5.1: a short Lc is one byte; an extended Lc is `00` followed by two bytes; an extended Le
    /// after an Lc is two bytes, and three (`00 xx xx`) when there is no Lc. Ne = 256 is written `00` short,
    /// Ne = 65536 is written `0000` extended.
    public func encoded(forceExtended: Bool = false) throws(APDUError) -> [UInt8] {
        if data.count > Self.maxExtendedDataLength {
            throw .commandDataTooLong(data.count)
        }
        if let ne = expectedLength, ne < 1 || ne > Self.maxExtendedExpectedLength {
            throw .expectedLengthOutOfRange(ne)
        }
        let extended = forceExtended || prefersExtendedLength || requiresExtendedLength
        var bytes: [UInt8] = [cla, ins, p1, p2]
        bytes.reserveCapacity(4 + data.count + 5)
        if !data.isEmpty {
            if extended {
                bytes.append(0x00)
                bytes.append(UInt8(truncatingIfNeeded: data.count >> 8))
                bytes.append(UInt8(truncatingIfNeeded: data.count))
            } else {
                bytes.append(UInt8(data.count))
            }
            bytes.append(contentsOf: data)
        }
        if let ne = expectedLength {
            if extended {
                if data.isEmpty { bytes.append(0x00) }
                let value = ne == Self.maxExtendedExpectedLength ? 0 : ne
                bytes.append(UInt8(truncatingIfNeeded: value >> 8))
                bytes.append(UInt8(truncatingIfNeeded: value))
            } else {
                bytes.append(ne == Self.maxShortExpectedLength ? 0 : UInt8(ne))
            }
        }
        return bytes
    }

    /// Parses an encoded command APDU (as a card sees it), in any of the four cases, short or extended.
    public init(encoded bytes: some Collection<UInt8>) throws(APDUError) {
        let b = Array(bytes)
        guard b.count >= 4 else { throw .truncatedCommand(b.count) }
        self.init(cla: b[0], ins: b[1], p1: b[2], p2: b[3])
        let body = b.count - 4
        if body == 0 { return }  // case 1
        if body == 1 {  // case 2 short
            expectedLength = b[4] == 0 ? 256 : Int(b[4])
            return
        }
        if b[4] != 0 {  // short Lc
            let nc = Int(b[4])
            if body == 1 + nc {
                data = Array(b[5..<(5 + nc)])
                return
            }
            if body == 2 + nc {
                data = Array(b[5..<(5 + nc)])
                let le = b[5 + nc]
                expectedLength = le == 0 ? 256 : Int(le)
                return
            }
            throw .malformedCommandLength
        }
        // Extended: 00 followed by two bytes.
        guard body >= 3 else { throw .malformedCommandLength }
        let first = Int(b[5]) << 8 | Int(b[6])
        // Keep the flag only where the extended form was a choice, so re-encoding gives the same bytes.
        defer { prefersExtendedLength = !requiresExtendedLength }
        if body == 3 {  // case 2 extended
            expectedLength = first == 0 ? 65536 : first
            return
        }
        let nc = first
        guard nc > 0 else { throw .malformedCommandLength }
        if body == 3 + nc {
            data = Array(b[7..<(7 + nc)])
            return
        }
        if body == 5 + nc {
            data = Array(b[7..<(7 + nc)])
            let le = Int(b[7 + nc]) << 8 | Int(b[8 + nc])
            expectedLength = le == 0 ? 65536 : le
            return
        }
        throw .malformedCommandLength
    }

    /// The four cases of ISO/IEC 7816-4 §5.1.
    public enum ISOCase: Int, Sendable {
        /// No command data, no response data.
        case case1 = 1
        /// No command data, response data expected.
        case case2 = 2
        /// Command data, no response data.
        case case3 = 3
        /// Command data and response data expected.
        case case4 = 4
    }
}

extension CommandAPDU: CustomStringConvertible {
    /// The header and lengths, never the command data (which may hold a secret or a cryptogram).
    public var description: String {
        let header = [cla, ins, p1, p2].hexString
        var text = "\(header) Nc=\(data.count)"
        if let ne = expectedLength { text += " Ne=\(ne)" }
        return text
    }
}

/// Errors building or parsing APDUs.
public enum APDUError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Command data longer than 65535 bytes.
    case commandDataTooLong(Int)
    /// Ne outside 1...65536.
    case expectedLengthOutOfRange(Int)
    /// A command shorter than its four-byte header.
    case truncatedCommand(Int)
    /// Lc/Le bytes that do not add up to the command's length.
    case malformedCommandLength
    /// A response shorter than its two status bytes.
    case truncatedResponse(Int)

    /// One line naming the length at fault.
    public var description: String {
        switch self {
        case .commandDataTooLong(let n): return "command data of \(n) bytes exceeds the extended limit of 65535"
        case .expectedLengthOutOfRange(let n): return "expected length \(n) is outside 1...65536"
        case .truncatedCommand(let n): return "command APDU of \(n) bytes is shorter than its 4-byte header"
        case .malformedCommandLength: return "command APDU length bytes do not match its size"
        case .truncatedResponse(let n): return "response APDU of \(n) bytes is shorter than its 2 status bytes"
        }
    }
}
