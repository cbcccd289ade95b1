import CardIO
import ICAOCrypto

/// The step of an access protocol, so an error says where it happened.
public enum SessionStep: String, Sendable, Hashable {
    /// BAC: GET CHALLENGE.
    case getChallenge = "GET CHALLENGE"
    /// BAC: EXTERNAL AUTHENTICATE.
    case externalAuthenticate = "EXTERNAL AUTHENTICATE"
    /// PACE: MSE:Set AT.
    case mseSetAT = "MSE:Set AT"
    /// PACE GENERAL AUTHENTICATE step 1: the encrypted nonce.
    case encryptedNonce = "GENERAL AUTHENTICATE (encrypted nonce)"
    /// PACE GENERAL AUTHENTICATE step 2: the mapping.
    case mapNonce = "GENERAL AUTHENTICATE (map nonce)"
    /// PACE GENERAL AUTHENTICATE step 3: the key agreement.
    case keyAgreement = "GENERAL AUTHENTICATE (key agreement)"
    /// PACE GENERAL AUTHENTICATE step 4: mutual authentication.
    case mutualAuthentication = "GENERAL AUTHENTICATE (mutual authentication)"
    /// A command under secure messaging.
    case secureMessaging = "secure messaging"
    /// Reading EF.CardAccess before any access protocol.
    case readCardAccess = "EF.CardAccess"
    /// SELECT of the eMRTD application.
    case selectApplication = "SELECT eMRTD application"
    /// Chip authentication: MSE:Set AT / Set KAT and GENERAL AUTHENTICATE (ICAO 9303-11 §6.2).
    case chipAuthentication = "chip authentication"
    /// Active authentication: INTERNAL AUTHENTICATE (ICAO 9303-11 §6.1).
    case activeAuthentication = "active authentication"
    /// Reading an elementary file: SELECT and READ BINARY.
    case readFile = "reading a file"
    /// Waiting for the card to come back and opening a new session after a break.
    case reopen = "re-opening the session"
}

/// Why secure messaging refused a response (ICAO 9303-11 §9.8).
public enum SecureMessagingFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The response's MAC (DO'8E') does not verify: the response is discarded, never returned as data.
    case macMismatch
    /// A protected response lacks a required data object (DO'8E' or DO'99').
    case missingDataObject(tag: UInt8)
    /// A response with data or a success status but without DO'8E' / DO'99'.
    case responseNotProtected
    /// A data object that does not belong in a protected response, at this offset of the response data.
    case unexpectedDataObject(tag: UInt8, offset: Int)
    /// Response data objects whose lengths run past the end or are malformed, at this offset.
    case malformedDataObject(offset: Int)
    /// DO'87' whose padding-content indicator is not `01`, or a cryptogram that does not decrypt to padded data.
    case malformedCryptogram
    /// The chip reported a secure messaging error (`6987` / `6988`): it has ended the session, so this channel
    /// sends nothing more.
    case sessionClosed(StatusWord)
    /// The command could not be protected (too long for an extended APDU once wrapped).
    case commandTooLong(Int)

    public var description: String {
        switch self {
        case .macMismatch: return "the response MAC does not verify"
        case .missingDataObject(let tag): return "the protected response lacks DO'\([tag].hexString)'"
        case .responseNotProtected: return "the response carries data or success without secure messaging"
        case .unexpectedDataObject(let tag, let offset):
            return "unexpected DO'\([tag].hexString)' at offset \(offset) of the protected response"
        case .malformedDataObject(let offset): return "malformed data object at offset \(offset) of the protected response"
        case .malformedCryptogram: return "the response cryptogram is malformed"
        case .sessionClosed(let sw): return "the secure messaging session has ended (SW \(sw))"
        case .commandTooLong(let n): return "a protected command of \(n) data bytes exceeds the extended APDU limit"
        }
    }
}

/// Everything that can go wrong in the ICAOSession layer. Descriptions never contain keys, passwords or nonces.
public enum SessionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The channel failed to deliver a response.
    case channel(ChannelError, step: SessionStep)
    /// A cryptographic operation failed (a malformed point from the chip, an OpenSSL failure…).
    case crypto(CryptoError, step: SessionStep)
    /// The terminal's entropy source failed (or a replayed one ran out).
    case entropy(EntropyError, step: SessionStep)
    /// The chip answered a protocol step with an unexpected status word.
    case cardRefused(step: SessionStep, status: StatusWord)
    /// The chip rejected the password (CAN or MRZ key): `6300` at PACE mutual authentication or BAC external
    /// authentication. Retrying with the same password is pointless.
    case wrongPassword(step: SessionStep)
    /// The chip's answer does not prove knowledge of the keys: a cryptogram, nonce echo or token that does not verify.
    case chipAuthenticationFailed(step: SessionStep, reason: String)
    /// The chip's answer does not have the expected structure.
    case malformedResponse(step: SessionStep, reason: String)
    /// Secure messaging refused a response or a command.
    case secureMessaging(SecureMessagingFailure)
    /// A protocol, mapping or domain that this library does not implement yet.
    case notSupported(String)

    public var description: String {
        switch self {
        case .channel(let e, let step): return "\(step.rawValue): \(e)"
        case .crypto(let e, let step): return "\(step.rawValue): \(e)"
        case .entropy(let e, let step): return "\(step.rawValue): \(e)"
        case .cardRefused(let step, let sw): return "\(step.rawValue) refused by the chip: SW \(sw) (\(sw.explanation))"
        case .wrongPassword(let step): return "\(step.rawValue): the chip rejected the access key (wrong CAN or MRZ data)"
        case .chipAuthenticationFailed(let step, let why): return "\(step.rawValue): chip authentication failed: \(why)"
        case .malformedResponse(let step, let why): return "\(step.rawValue): malformed response: \(why)"
        case .secureMessaging(let failure): return "secure messaging: \(failure)"
        case .notSupported(let what): return "not supported yet: \(what)"
        }
    }
}
