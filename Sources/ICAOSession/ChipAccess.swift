import CardIO
import ICAOCrypto
import LDS

/// How the session was opened, for the record a verdict keeps.
public enum AccessProtocol: Sendable, Equatable, CustomStringConvertible {
    /// PACE with the named protocol, e.g. `PACE-ECDH-GM-AES-CBC-CMAC-128`.
    case pace(String)
    /// BAC, with the reason PACE was not used (the chip offers none, or PACE failed).
    case bac(reason: String)

    /// The PACE protocol's name, or `BAC`.
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
    /// Whether extended-length APDUs are tried first. An extended READ BINARY of EF.CardAccess that failed says
    /// "no"; one that worked, or a chip without EF.CardAccess (`6A82`, a BAC-only chip), says nothing certain about
    /// protected commands: the file reader tries them and steps down to short APDUs at the first failure
    /// (``FileReader/extendedLengthConfirmed``).
    public var extendedLength: Bool
    /// EF.CardAccess as read, if the chip has one.
    public var cardAccess: [UInt8]?
    /// Whether EF.CardAccess lists a PACEInfo: the chip offers PACE.
    public var paceOffered: Bool
    /// The chip's ephemeral PACE public key (chip authentication in PACE-CAM binds to it).
    public var chipEphemeralPublicKey: [UInt8]?

    /// Whether the session is BAC although EF.CardAccess offers PACE (the chip refused PACE in its own words, or
    /// offers only PACE protocols this library does not run). EF.CardAccess is not signed: when DG14, which is,
    /// lists PACE too, the read pipeline reports the downgrade as a problem.
    public var isBACOnPACEChip: Bool {
        if case .bac = access { return paceOffered }
        return false
    }

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
    /// only.
    ///
    /// **No downgrade.** ICAO 9303-11 §4.2 makes PACE the access protocol of a chip whose EF.CardAccess offers it,
    /// BAC being for a chip that has no PACE or with which PACE did not succeed. Since a failed PACE is also what a
    /// man in the middle can easily produce, BAC follows a PACE attempt only when the chip itself refused PACE: a
    /// status word of its own (``SessionError/cardRefused(step:status:)``) answering MSE:Set AT or one of the
    /// GENERAL AUTHENTICATE steps (§4.4.4.1, §4.4.4.2), e.g. `6A80` or `6A88` to an MSE:Set AT naming a password
    /// the chip does not take for PACE. Everything else ends the opening with PACE's error: a wrong key (`63xx`,
    /// BAC would be asked the same and it only counts against the chip), a transport error or a card that left
    /// (a link problem, to retry), a `6Fxx` (which readers send in the chip's name), a malformed answer, a
    /// degenerate key, a token that does not verify. A chip that offers only PACE protocols this library does not
    /// run (integrated or CAM mapping, DH groups, explicit domain parameters) is opened with BAC without an
    /// attempt. Either way ``OpenedChip/isBACOnPACEChip`` tells the caller.
    public static func open(over channel: CardChannel, key: AccessKey, entropy: EntropySource,
                            tryExtendedLength: Bool = true) throws(SessionError) -> OpenedChip {
        let (cardAccess, extended) = try readCardAccess(channel, tryExtended: tryExtendedLength)

        var paceOffered = false
        var bacReason = "the chip offers no PACE"
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
            paceOffered = !paceInfos.isEmpty
            if let info = paceInfos.first(where: isSupported) {
                do {
                    let result = try PACE.establish(over: channel, key: key, info: info, entropy: entropy)
                    try selectApplication(result.channel)
                    return OpenedChip(channel: result.channel, access: .pace(standardName(result.paceProtocol)),
                                      extendedLength: extended, cardAccess: bytes, paceOffered: true,
                                      chipEphemeralPublicKey: result.chipEphemeralPublicKey)
                } catch {
                    guard case .cardRefused(let step, let status) = error, isChipRefusalOfPACE(error) else {
                        throw error
                    }
                    bacReason = "the chip refused PACE: \(step.rawValue) answered \(status)"
                }
            } else if paceOffered {
                bacReason = "the chip offers no PACE protocol this library runs"
            }
        }
        guard case .mrz(let mrzKey) = key else {
            if paceOffered { throw .notSupported("PACE was not possible (\(bacReason)), and BAC needs the MRZ") }
            throw .notSupported("the chip offers no PACE, and BAC needs the MRZ, not the CAN")
        }
        // BAC: select the application in plain, then authenticate.
        let selected = try exchange(channel, selectCommand, step: .selectApplication)
        guard selected.statusWord == .success else {
            throw .cardRefused(step: .selectApplication, status: selected.statusWord)
        }
        let secure = try BasicAccessControl.establish(over: channel, key: mrzKey, entropy: entropy)
        return OpenedChip(channel: secure, access: .bac(reason: bacReason), extendedLength: extended,
                          cardAccess: cardAccess, paceOffered: paceOffered, chipEphemeralPublicKey: nil)
    }

    /// Whether this library runs the PACE protocol of `info` (generic mapping over ECDH on a standardized curve).
    static func isSupported(_ info: PACEInfo) -> Bool {
        guard let p = try? PACEProtocol(oid: info.protocolID.dotted), p.mapping == .generic, p.keyAgreement == .ecdh,
              let id = info.parameterID, NamedCurve(rawValue: id) != nil
        else { return false }
        return true
    }

    /// Whether a PACE failure is the chip's own refusal, after which BAC may be tried: a status word the chip
    /// answered to MSE:Set AT or a GENERAL AUTHENTICATE step, other than `6Fxx` (no precise diagnosis, also what
    /// readers answer when the exchange failed on the way). A wrong key (`63xx` at mutual authentication) is
    /// ``SessionError/wrongPassword(step:)``, not a refusal.
    public static func isChipRefusalOfPACE(_ error: SessionError) -> Bool {
        guard case .cardRefused(let step, let status) = error else { return false }
        switch step {
        case .mseSetAT, .encryptedNonce, .mapNonce, .keyAgreement, .mutualAuthentication:
            return !status.isNoPreciseDiagnosis
        default:
            return false
        }
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
                    // The whole file in one answer, as its header announces; anything else is read again short.
                    if let total = try? FileReader.encodedLength(of: response.data, file: .cardAccess),
                       response.data.count >= total {
                        return (Array(response.data.prefix(total)), true)
                    }
                case .fileNotFound:
                    // A chip without EF.CardAccess (BAC only) tells nothing about extended length: it is tried,
                    // and the file reader steps down at its first failure under secure messaging.
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
