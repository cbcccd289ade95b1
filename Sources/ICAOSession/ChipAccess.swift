import CardIO
import ICAOCrypto
import LDS

/// How the session was opened, for the record a verdict keeps.
public enum AccessProtocol: Sendable, Equatable, CustomStringConvertible {
    /// PACE with the named protocol, e.g. `PACE-ECDH-GM-AES-CBC-CMAC-128`.
    case pace(String)
    /// BAC, with the reason PACE was not used (the chip offers none, or PACE failed).
    case bac(reason: String)

    public var description: String {
        switch self {
        case .pace(let name): return name
        case .bac: return "BAC"
        }
    }
}

/// An opened chip: the secure channel, what the link carries, and what EF.CardAccess offered.
public struct OpenedChip {
    /// The secure messaging channel (files, chip and active authentication go through it).
    public var channel: SecureMessagingChannel
    /// PACE or BAC.
    public var access: AccessProtocol
    /// Whether extended-length APDUs got through (learnt from reading EF.CardAccess).
    public var extendedLength: Bool
    /// EF.CardAccess as read, if the chip has one.
    public var cardAccess: [UInt8]?
    /// The chip's ephemeral PACE public key (chip authentication in PACE-CAM binds to it).
    public var chipEphemeralPublicKey: [UInt8]?

    /// A file reader over this chip's channel with the read sizes the link and cipher permit.
    public func fileReader() -> FileReader {
        FileReader(channel: channel, extendedLength: extendedLength,
                   shortLimit: FileReader.shortLimit(forBlockSize: channel.session.keys.cipher.blockSize))
    }
}

/// Opens the eMRTD application the ICAO 9303-11 way: EF.CardAccess, then PACE, BAC as the fallback, then SELECT
/// of the application under secure messaging.
public enum ChipAccess {
    /// The eMRTD application identifier (ICAO 9303-10 §3.6.3).
    public static let applicationID: [UInt8] = [0xA0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01]

    /// Opens the chip behind `channel` with `key`.
    ///
    /// EF.CardAccess is read in plain with an extended-length READ BINARY: it is the one file readable before any
    /// access, so this probe of the link costs no extra command. A `6700` or a reader failure means short APDUs
    /// only. PACE runs with the first PACEInfo whose protocol is supported; with the MRZ key, BAC is the fallback
    /// when the chip offers no PACE or PACE fails for another reason than a wrong key. A wrong key is never retried:
    /// it would only count against the chip's retry counter.
    public static func open(over channel: CardChannel, key: AccessKey, entropy: EntropySource,
                            tryExtendedLength: Bool = true) throws(SessionError) -> OpenedChip {
        var (cardAccess, extended) = try readCardAccess(channel, tryExtended: tryExtendedLength)

        var paceFailure: String?
        if let bytes = cardAccess {
            let infos: SecurityInfos
            do {
                infos = try SecurityInfos(cardAccess: bytes)
            } catch {
                throw .malformedResponse(step: .readCardAccess, reason: error.description)
            }
            let paceInfos = infos.infos.compactMap { info -> PACEInfo? in
                if case .pace(let p) = info { return p } else { return nil }
            }
            for info in paceInfos {
                guard (try? PACEProtocol(oid: info.protocolID.dotted)) != nil else { continue }
                do {
                    let result = try PACE.establish(over: channel, key: key, info: info, entropy: entropy)
                    try selectApplication(result.channel)
                    return OpenedChip(channel: result.channel, access: .pace(standardName(result.paceProtocol)),
                                      extendedLength: extended, cardAccess: bytes,
                                      chipEphemeralPublicKey: result.chipEphemeralPublicKey)
                } catch {
                    // A wrong key, a card that left, a cancelled or diverged session: BAC would not do better.
                    switch error {
                    case .wrongPassword, .entropy:
                        throw error
                    case .channel(let link, _) where link.isLinkLost || link.isReplayMismatch || link == .cancelled:
                        throw error
                    default:
                        paceFailure = error.description
                    }
                }
                break
            }
            if paceFailure == nil && !paceInfos.isEmpty {
                paceFailure = "no PACE protocol on the chip is supported"
            }
        }
        guard case .mrz(let mrzKey) = key else {
            if let paceFailure { throw .notSupported("PACE failed and BAC needs the MRZ: \(paceFailure)") }
            throw .notSupported("the chip offers no PACE, and BAC needs the MRZ, not the CAN")
        }
        // BAC: select the application in plain, then authenticate.
        let selected = try exchange(channel, selectCommand, step: .selectApplication)
        guard selected.statusWord == .success else {
            throw .cardRefused(step: .selectApplication, status: selected.statusWord)
        }
        let secure = try BasicAccessControl.establish(over: channel, key: mrzKey, entropy: entropy)
        if cardAccess == nil { extended = extended && tryExtendedLength }
        return OpenedChip(channel: secure, access: .bac(reason: paceFailure ?? "the chip offers no PACE"),
                          extendedLength: extended, cardAccess: cardAccess, chipEphemeralPublicKey: nil)
    }

    /// The protocol's name as ICAO 9303-11 §9.2.1 writes it, e.g. `PACE-ECDH-GM-AES-CBC-CMAC-128`.
    static func standardName(_ p: PACEProtocol) -> String {
        let agreement = p.keyAgreement == .ecdh ? "ECDH" : "DH"
        let mapping: String
        switch p.mapping {
        case .generic: mapping = "GM"
        case .integrated: mapping = "IM"
        case .chipAuthentication: mapping = "CAM"
        }
        let cipher: String
        switch p.cipher {
        case .tripleDES: cipher = "3DES-CBC-CBC"
        case .aes128: cipher = "AES-CBC-CMAC-128"
        case .aes192: cipher = "AES-CBC-CMAC-192"
        case .aes256: cipher = "AES-CBC-CMAC-256"
        }
        return "PACE-\(agreement)-\(mapping)-\(cipher)"
    }

    static let selectCommand = CommandAPDU.selectApplication(applicationID)

    static func selectApplication(_ channel: SecureMessagingChannel) throws(SessionError) {
        let response: ResponseAPDU
        do {
            response = try channel.send(selectCommand)
        } catch {
            throw error
        }
        guard response.statusWord == .success else {
            throw .cardRefused(step: .selectApplication, status: response.statusWord)
        }
    }

    /// Reads EF.CardAccess by short file identifier in plain: extended Le first, short on refusal.
    /// Returns `nil` content when the chip has none (`6A82`).
    ///
    /// The extended probe may fail as the link's way of saying "no extended length" (`6700`, a reader that cannot
    /// send it, a transaction the reader could not complete): then the short read follows. A card that left, a
    /// reader or service that went away, a cancelled or diverged session are not that: they end the opening at
    /// once, typed.
    static func readCardAccess(_ channel: CardChannel,
                               tryExtended: Bool) throws(SessionError) -> (content: [UInt8]?, extended: Bool) {
        if tryExtended, let sfi = ElementaryFile.cardAccess.shortFileIdentifier {
            let command = CommandAPDU.readBinary(shortFileIdentifier: sfi,
                                                 expectedLength: CommandAPDU.maxExtendedExpectedLength)
            do {
                let response = try channel.transmit(command)
                switch response.statusWord.meaning {
                case .success, .endOfFileBeforeNe:
                    if !response.data.isEmpty { return (response.data, true) }
                case .fileNotFound:
                    return (nil, true)
                default:
                    break  // 6700 and kin: the extended form did not get through.
                }
            } catch {
                switch error {
                case .cardReset, .transactionFailed, .timeout, .transport, .commandNotSupported, .sharingViolation,
                     .responseChainTooLong:
                    // The card is still there: the extended form did not get through; try the short one (which
                    // reports the failure, typed, if it persists).
                    break
                case .cardRemoved, .noCard, .readerUnavailable, .serviceUnavailable, .cancelled, .replayDiverged,
                     .replayExhausted:
                    throw .channel(error, step: .readCardAccess)
                }
            }
        }
        let reader = FileReader(channel: channel, extendedLength: false, shortLimit: 256)
        do {
            return (try reader.read(.cardAccess), false)
        } catch {
            switch error {
            case .fileNotFound:
                return (nil, false)
            case .linkLost(_, _, let cause):
                if case .channel(let link, _) = cause { throw .channel(link, step: .readCardAccess) }
                throw cause
            default:
                throw .malformedResponse(step: .readCardAccess, reason: error.description)
            }
        }
    }
}
