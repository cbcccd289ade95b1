import CardIO
import ICAOCrypto
import LDS

/// Chip authentication (ICAO 9303-11 §6.2), terminal side, with an ECDH key from DG14.
///
/// The terminal sends an ephemeral public key on the chip's curve; both sides derive new session keys from
/// K = x(SK · PK) and restart the send sequence counter at zero. Only a chip holding the private key behind DG14's
/// public key (itself covered by the SOD) can answer the next protected command: so chip authentication counts as
/// passed only once a response has verified under the new keys (``ChipAuthenticationResult/isConfirmed``), the
/// next exchange's or the one ``ChipAuthenticationResult/confirm()`` sends.
public enum ChipAuthentication {
    /// Runs chip authentication over `channel` with the protocol and public key of `dg14`.
    ///
    /// AES protocols use MSE:Set AT followed by GENERAL AUTHENTICATE; 3DES uses MSE:Set KAT (ICAO 9303-11 §6.2.4).
    /// The terminal's ephemeral private key is drawn from `entropy` (the curve order's length), so traces replay.
    public static func perform(over channel: SecureMessagingChannel, dg14: DataGroup14,
                               entropy: EntropySource) throws(SessionError) -> ChipAuthenticationResult {
        let infos = dg14.securityInfos.infos
        let caInfos = infos.compactMap { info -> ChipAuthenticationInfo? in
            if case .chipAuthentication(let i) = info { return i } else { return nil }
        }
        let keys = infos.compactMap { info -> ChipAuthenticationPublicKeyInfo? in
            if case .chipAuthenticationPublicKey(let k) = info { return k } else { return nil }
        }
        guard let key = keys.first else { throw .notSupported("DG14 has no chip authentication public key") }
        let info = caInfos.first { $0.keyID == key.keyID } ?? caInfos.first
        guard let info else { throw .notSupported("DG14 has no ChipAuthenticationInfo") }
        guard let cipher = cipher(forCA: info.protocolID) else {
            throw .notSupported("chip authentication protocol \(info.protocolID.dotted) (only ECDH)")
        }
        let curve: EllipticCurve
        let chipKey: ECPoint
        do {
            curve = try curveOf(key.publicKey)
            chipKey = try curve.decodePoint(Array(key.publicKey.publicKey))
        } catch {
            throw .crypto(error, step: .chipAuthentication)
        }
        var terminalPrivate: [UInt8] = []
        for _ in 0..<16 {
            do {
                terminalPrivate = curve.maskedScalar(try entropy.draw(curve.orderLength))
            } catch {
                throw .entropy(error, step: .chipAuthentication)
            }
            if (try? curve.validatePrivateKey(terminalPrivate)) != nil { break }
            terminalPrivate = []
        }
        guard !terminalPrivate.isEmpty else {
            throw .malformedResponse(step: .chipAuthentication, reason: "no valid ephemeral key drawn")
        }
        let terminalPublic: ECPoint
        let shared: [UInt8]
        do {
            terminalPublic = try curve.publicKey(privateKey: terminalPrivate)
            shared = try curve.sharedSecret(privateKey: terminalPrivate, peer: chipKey)
        } catch {
            throw .crypto(error, step: .chipAuthentication)
        }
        // ICAO 9303-11 §6.2.4: the key reference (84) only when DG14 names the key.
        let point = terminalPublic.uncompressed
        if cipher == .tripleDES {
            try expectSuccess(channel, .mseSetKAT(ephemeralPublicKey: point, keyID: key.keyID))
        } else {
            try expectSuccess(channel, .mseSetATForChipAuthentication(protocolOID: info.protocolID.derContent,
                                                                      keyID: key.keyID))
            try expectSuccess(channel, .generalAuthenticate(DataObject.encode(tag: [0x80], value: point),
                                                            chained: false))
        }
        let newChannel = SecureMessagingChannel(base: channel.base,
                                                keys: SecureMessagingKeys(sharedSecret: shared, cipher: cipher),
                                                counter: .zero(length: cipher.blockSize))
        return ChipAuthenticationResult(channel: newChannel, protocolID: info.protocolID)
    }

    static func expectSuccess(_ channel: SecureMessagingChannel, _ command: CommandAPDU) throws(SessionError) {
        let response = try exchange(channel, command, step: .chipAuthentication)
        guard response.statusWord == .success else {
            throw .cardRefused(step: .chipAuthentication, status: response.statusWord)
        }
    }

    /// The cipher of an `id-CA-ECDH-*` protocol.
    static func cipher(forCA oid: OID) -> SymmetricCipher? {
        switch oid {
        case .idCAECDH3DESCBCCBC: return .tripleDES
        case .idCAECDHAESCBCCMAC128: return .aes128
        case .idCAECDHAESCBCCMAC192: return .aes192
        case .idCAECDHAESCBCCMAC256: return .aes256
        default: return nil
        }
    }

    /// The curve of an EC SubjectPublicKeyInfo: a named curve of ICAO 9303-11 Table 4, or explicit domain
    /// parameters (as many documents write them), recognised as a Table 4 curve when every parameter is that
    /// curve's, else checked and built as given (``EllipticCurve/init(recognizing:a:b:generator:order:cofactor:)``).
    static func curveOf(_ key: SubjectPublicKeyInfo) throws(CryptoError) -> EllipticCurve {
        let parameters: ECKeyParameters?
        do { parameters = try key.ecParameters() } catch {
            throw .invalidKey("the key's EC domain parameters do not parse: \(error)")
        }
        switch parameters {
        case .named(let oid)?:
            guard let id = oid.standardizedDomainParameterID, let curve = NamedCurve(rawValue: id) else {
                throw .invalidKey("the key's named curve \(oid.dotted) is not one of ICAO 9303-11 Table 4")
            }
            return try EllipticCurve(curve)
        case .explicit(let p)?:
            return try EllipticCurve(recognizing: p.prime, a: p.a, b: p.b, generator: p.generator, order: p.order,
                                     cofactor: p.cofactor)
        case nil:
            throw .invalidKey("not an EC key")
        }
    }
}

/// The outcome of chip authentication: the channel under the new keys, unconfirmed until a response verifies
/// under them (ICAO 9303-11 §6.2: the chip is authenticated implicitly, by secure messaging continuing with the
/// keys only the holder of DG14's private key can derive).
///
/// Any protected exchange on ``channel`` (active authentication, reading a file) confirms it by itself; when none
/// came, ``confirm()`` sends one.
public final class ChipAuthenticationResult {
    /// The secure messaging channel with the chip-authentication session keys: use it for everything after.
    public let channel: SecureMessagingChannel
    /// The protocol that ran.
    public let protocolID: OID

    init(channel: SecureMessagingChannel, protocolID: OID) {
        self.channel = channel
        self.protocolID = protocolID
    }

    /// Whether a response has verified under the new keys: only then is the chip proven to hold DG14's key.
    public var isConfirmed: Bool { channel.verifiedResponseCount > 0 }

    /// Confirms chip authentication, sending the confirming exchange itself when no protected response has
    /// verified yet: a READ BINARY of one byte of EF.COM by short file identifier (any protected command does;
    /// this one changes nothing on the chip). Does nothing when already confirmed.
    ///
    /// - Returns: ``isConfirmed``: `false` when the chip's answer does not verify under the new keys.
    /// - Throws: the channel's failure (``SessionError/channel(_:step:)`` at ``SessionStep/chipAuthentication``),
    ///   so a card that left is told apart from a chip that does not know the keys; a secure messaging failure is
    ///   not thrown but answered `false`.
    @discardableResult
    public func confirm() throws(SessionError) -> Bool {
        if isConfirmed { return true }
        guard channel.isOpen, let sfi = ElementaryFile.com.shortFileIdentifier else { return false }
        do {
            _ = try exchange(channel, .readBinary(shortFileIdentifier: sfi, expectedLength: 1),
                             step: .chipAuthentication)
        } catch {
            if case .channel = error { throw error }
        }
        return isConfirmed
    }
}
