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
    /// An answer without secure messaging data objects, with this status word, while the session is open: nothing
    /// is taken from it, "file not found" included (ICAO 9303-11 §9.8: once a session is open, an answer must
    /// carry DO'99' and a valid DO'8E'; only `6987`/`6988` may come plain, and they end the session). It could
    /// come from anyone between the terminal and the chip, so it also ends the session here.
    case unprotectedStatus(StatusWord)
    /// A data object that does not belong in a protected response, at this offset of the response data.
    case unexpectedDataObject(tag: UInt8, offset: Int)
    /// Response data objects whose lengths run past the end or are malformed, at this offset.
    case malformedDataObject(offset: Int)
    /// DO'87' whose padding-content indicator is not `01`, or a cryptogram that does not decrypt to padded data.
    case malformedCryptogram
    /// The chip reported a secure messaging error in plain (`6987` / `6988`, ICAO 9303-11 §9.8.7): it has ended
    /// the session, so this channel sends nothing more.
    case sessionClosed(StatusWord)
    /// The command could not be protected (too long for an extended APDU once wrapped).
    case commandTooLong(Int)

    /// One line naming the check the response failed.
    public var description: String {
        switch self {
        case .macMismatch: return "the response MAC does not verify"
        case .missingDataObject(let tag): return "the protected response lacks DO'\([tag].hexString)'"
        case .unprotectedStatus(let sw): return "an answer without secure messaging (SW \(sw)) under an open session"
        case .unexpectedDataObject(let tag, let offset):
            return "unexpected DO'\([tag].hexString)' at offset \(offset) of the protected response"
        case .malformedDataObject(let offset): return "malformed data object at offset \(offset) of the protected response"
        case .malformedCryptogram: return "the response cryptogram is malformed"
        case .sessionClosed(let sw): return "the secure messaging session has ended (SW \(sw))"
        case .commandTooLong(let n): return "a protected command of \(n) data bytes exceeds the extended APDU limit"
        }
    }
}

/// Why a chip's answer does not prove it knows the access key or the session keys.
public enum ChipProofFailure: Equatable, Sendable, CustomStringConvertible {
    /// BAC: the MAC M_IC over the chip's cryptogram does not verify (ICAO 9303-11 §9.7.2, Appendix D.3).
    case cryptogramMAC
    /// BAC: the chip's cryptogram, decrypted, does not start with RND.IC ‖ RND.IFD (ICAO 9303-11 §4.3.3).
    case noncesNotEchoed
    /// PACE: the chip's authentication token T_IC does not verify (ICAO 9303-11 §4.4.3.4).
    case tokenMismatch

    /// One line naming the proof that does not verify.
    public var description: String {
        switch self {
        case .cryptogramMAC: return "M_IC does not verify"
        case .noncesNotEchoed: return "the nonces are not echoed"
        case .tokenMismatch: return "the chip's token T_IC does not verify"
        }
    }
}

/// What is wrong with a public key the chip sent during PACE (ICAO 9303-11 §4.4.1, §4.4.3.3.1).
public enum ChipKeyDefect: Equatable, Sendable, CustomStringConvertible {
    /// The point at infinity (the encoding `00`, or a result of the chip's key that is the neutral element).
    case pointAtInfinity
    /// Not an uncompressed point of the curve's length, not on the curve, or not in the subgroup of order n.
    case invalidPoint(CryptoError)
    /// The chip sent back the terminal's own public key (mapping or key agreement): ICAO 9303-11 §4.4.1 step 3d
    /// has both sides check that the two public keys differ.
    case equalsTerminalKey

    /// One line naming what is wrong with the key.
    public var description: String {
        switch self {
        case .pointAtInfinity: return "the chip's public key is the point at infinity"
        case .invalidPoint(let e): return "the chip's public key is invalid: \(e)"
        case .equalsTerminalKey: return "the chip's public key equals the terminal's"
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
    case chipAuthenticationFailed(step: SessionStep, reason: ChipProofFailure)
    /// A public key the chip sent during PACE is degenerate: rejected before it is used.
    case invalidChipKey(step: SessionStep, ChipKeyDefect)
    /// The chip's answer does not have the expected structure.
    case malformedResponse(step: SessionStep, reason: String)
    /// Secure messaging refused a response or a command.
    case secureMessaging(SecureMessagingFailure)
    /// A protocol, mapping or domain that this library does not implement yet.
    case notSupported(String)

    /// The step, then what went wrong; never a key, a password or a nonce.
    public var description: String {
        switch self {
        case .channel(let e, let step): return "\(step.rawValue): \(e)"
        case .crypto(let e, let step): return "\(step.rawValue): \(e)"
        case .entropy(let e, let step): return "\(step.rawValue): \(e)"
        case .cardRefused(let step, let sw): return "\(step.rawValue) refused by the chip: SW \(sw) (\(sw.explanation))"
        case .wrongPassword(let step): return "\(step.rawValue): the chip rejected the access key (wrong CAN or MRZ data)"
        case .chipAuthenticationFailed(let step, let why): return "\(step.rawValue): chip authentication failed: \(why)"
        case .invalidChipKey(let step, let defect): return "\(step.rawValue): \(defect)"
        case .malformedResponse(let step, let why): return "\(step.rawValue): malformed response: \(why)"
        case .secureMessaging(let failure): return "secure messaging: \(failure)"
        case .notSupported(let what): return "not supported yet: \(what)"
        }
    }
}

extension SessionError {
    /// Whether the failure belongs to the link (the reader, the radio field, a frame lost or mangled on the way) and
    /// not to the chip: nothing about the card follows from it, and a new session may well succeed. A caller
    /// retries it within its bounds and, when it persists, reports a link problem ("hold the card still and try
    /// again"), never a verdict about the card.
    ///
    /// Transient: every `CardIO.ChannelError` except a replay that no longer matches, a cancelled read and a card that
    /// kept answering `61xx` past the limits (that is the card's behaviour); a `6Fxx` ("no precise diagnosis",
    /// `CardIO.StatusWord.isNoPreciseDiagnosis`), whether it came in plain during an access protocol or unprotected under
    /// secure messaging. Not transient: a MAC that does not verify and the chip's own `6987`/`6988` (a frame
    /// corrupted on the way looks the same as a chip that does not hold the keys: callers repeat such a step a
    /// bounded number of times, then report it as the chip's failure), and every answer of the chip's own.
    public var isTransientLinkFailure: Bool {
        switch self {
        case .channel(let error, _):
            switch error {
            case .replayDiverged, .replayExhausted, .cancelled, .responseChainTooLong: return false
            default: return true
            }
        case .cardRefused(_, let status): return status.isNoPreciseDiagnosis
        case .secureMessaging(.unprotectedStatus(let status)): return status.isNoPreciseDiagnosis
        default: return false
        }
    }
}
