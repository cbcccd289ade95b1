/// The two status bytes ending every response APDU, with their ISO/IEC 7816-4 §5.6 meaning.
public struct StatusWord: Hashable, Sendable, RawRepresentable {
    /// SW1 in the high byte, SW2 in the low byte.
    public var rawValue: UInt16

    /// Creates a status word from its 16-bit value.
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Creates a status word from SW1 and SW2.
    public init(sw1: UInt8, sw2: UInt8) { self.rawValue = UInt16(sw1) << 8 | UInt16(sw2) }

    /// First status byte.
    public var sw1: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 8) }
    /// Second status byte.
    public var sw2: UInt8 { UInt8(truncatingIfNeeded: rawValue) }

    /// `9000`: normal processing.
    public static let success = StatusWord(rawValue: 0x9000)
    /// `6282`: end of file reached before reading Ne bytes.
    public static let endOfFileBeforeNe = StatusWord(rawValue: 0x6282)
    /// `6300`: verification failed (a wrong CAN or MRZ at PACE's mutual authentication).
    public static let authenticationFailed = StatusWord(rawValue: 0x6300)
    /// `6581`: memory failure.
    public static let memoryFailure = StatusWord(rawValue: 0x6581)
    /// `6700`: wrong length.
    public static let wrongLength = StatusWord(rawValue: 0x6700)
    /// `6882`: secure messaging not supported.
    public static let secureMessagingNotSupported = StatusWord(rawValue: 0x6882)
    /// `6982`: security status not satisfied (access before authentication).
    public static let securityStatusNotSatisfied = StatusWord(rawValue: 0x6982)
    /// `6983`: authentication method blocked.
    public static let authenticationMethodBlocked = StatusWord(rawValue: 0x6983)
    /// `6985`: conditions of use not satisfied.
    public static let conditionsNotSatisfied = StatusWord(rawValue: 0x6985)
    /// `6987`: expected secure messaging data objects missing.
    public static let secureMessagingObjectsMissing = StatusWord(rawValue: 0x6987)
    /// `6988`: incorrect secure messaging data objects (a bad MAC).
    public static let secureMessagingObjectsIncorrect = StatusWord(rawValue: 0x6988)
    /// `6A80`: incorrect parameters in the command data field.
    public static let incorrectData = StatusWord(rawValue: 0x6A80)
    /// `6A81`: function not supported.
    public static let functionNotSupported = StatusWord(rawValue: 0x6A81)
    /// `6A82`: file or application not found.
    public static let fileNotFound = StatusWord(rawValue: 0x6A82)
    /// `6A86`: incorrect parameters P1-P2.
    public static let incorrectP1P2 = StatusWord(rawValue: 0x6A86)
    /// `6A88`: referenced data not found.
    public static let referencedDataNotFound = StatusWord(rawValue: 0x6A88)
    /// `6B00`: wrong parameters P1-P2 (for READ BINARY: offset beyond the end of the file).
    public static let wrongParameters = StatusWord(rawValue: 0x6B00)
    /// `6D00`: instruction not supported (the CCCD's answer to SELECT MF).
    public static let instructionNotSupported = StatusWord(rawValue: 0x6D00)
    /// `6E00`: class not supported.
    public static let classNotSupported = StatusWord(rawValue: 0x6E00)
    /// `6F00`: no precise diagnosis.
    public static let noPreciseDiagnosis = StatusWord(rawValue: 0x6F00)

    /// The meaning of a status word, with the parameter carried by `61xx`, `6Cxx` and `63Cx`.
    public enum Meaning: Equatable, Sendable {
        /// `9000`.
        case success
        /// `61xx`: `xx` more bytes are available with GET RESPONSE (`00` meaning 256).
        case bytesAvailable(Int)
        /// `6Cxx`: wrong Le; re-send with Le = `xx` (`00` meaning 256).
        case wrongLe(exact: Int)
        /// `6282`.
        case endOfFileBeforeNe
        /// `63Cx`: verification failed, `x` tries left.
        case verificationFailed(triesLeft: Int)
        /// `6300`.
        case authenticationFailed
        /// `6700`.
        case wrongLength
        /// `6982`.
        case securityStatusNotSatisfied
        /// `6983`.
        case authenticationMethodBlocked
        /// `6985`.
        case conditionsNotSatisfied
        /// `6987`.
        case secureMessagingObjectsMissing
        /// `6988`.
        case secureMessagingObjectsIncorrect
        /// `6A82`.
        case fileNotFound
        /// `6B00`.
        case wrongParameters
        /// `6D00`.
        case instructionNotSupported
        /// `6E00`.
        case classNotSupported
        /// Any other warning (`62xx`, `63xx`) or error.
        case other(UInt16)
    }

    /// What this status word means.
    public var meaning: Meaning {
        switch rawValue {
        case 0x9000: return .success
        case 0x6282: return .endOfFileBeforeNe
        case 0x6300: return .authenticationFailed
        case 0x6700: return .wrongLength
        case 0x6982: return .securityStatusNotSatisfied
        case 0x6983: return .authenticationMethodBlocked
        case 0x6985: return .conditionsNotSatisfied
        case 0x6987: return .secureMessagingObjectsMissing
        case 0x6988: return .secureMessagingObjectsIncorrect
        case 0x6A82: return .fileNotFound
        case 0x6B00: return .wrongParameters
        case 0x6D00: return .instructionNotSupported
        case 0x6E00: return .classNotSupported
        default:
            switch sw1 {
            case 0x61: return .bytesAvailable(sw2 == 0 ? 256 : Int(sw2))
            case 0x6C: return .wrongLe(exact: sw2 == 0 ? 256 : Int(sw2))
            case 0x63 where sw2 & 0xF0 == 0xC0: return .verificationFailed(triesLeft: Int(sw2 & 0x0F))
            default: return .other(rawValue)
            }
        }
    }

    /// Whether this is `6Fxx`, "no precise diagnosis" (ISO/IEC 7816-4 §5.6): what readers answer in the card's name
    /// when an exchange failed on the way, and what chips answer when they cannot say more. It tells nothing
    /// reliable about the card: callers treat it as a failure of the link, to be retried, never as the chip's
    /// statement.
    public var isNoPreciseDiagnosis: Bool { sw1 == 0x6F }

    /// Whether the status word reports success or a warning (`9000`, `61xx`, `62xx`, `63xx`).
    public var isSuccessOrWarning: Bool {
        rawValue == 0x9000 || sw1 == 0x61 || sw1 == 0x62 || sw1 == 0x63
    }

    /// A short English explanation for messages.
    public var explanation: String {
        switch meaning {
        case .success: return "success"
        case .bytesAvailable(let n): return "\(n) more bytes available"
        case .wrongLe(let n): return "wrong Le, \(n) bytes available"
        case .endOfFileBeforeNe: return "end of file reached before Le bytes"
        case .verificationFailed(let n): return "verification failed, \(n) tries left"
        case .authenticationFailed: return "authentication failed"
        case .wrongLength: return "wrong length"
        case .securityStatusNotSatisfied: return "security status not satisfied"
        case .authenticationMethodBlocked: return "authentication method blocked"
        case .conditionsNotSatisfied: return "conditions of use not satisfied"
        case .secureMessagingObjectsMissing: return "secure messaging data objects missing"
        case .secureMessagingObjectsIncorrect: return "secure messaging data objects incorrect"
        case .fileNotFound: return "file not found"
        case .wrongParameters: return "wrong parameters (offset beyond the end of the file)"
        case .instructionNotSupported: return "instruction not supported"
        case .classNotSupported: return "class not supported"
        case .other: return "status"
        }
    }
}

extension StatusWord: CustomStringConvertible {
    /// Four hex digits, e.g. `6A82`.
    public var description: String { String(rawValue, radix: 16, uppercase: true).leftPadded(to: 4) }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
