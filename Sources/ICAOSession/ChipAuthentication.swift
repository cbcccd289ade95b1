import CardIO
import ICAOCrypto
import LDS

/// Chip authentication (ICAO 9303-11 §6.2), terminal side, with an ECDH key from DG14.
///
/// The terminal sends an ephemeral public key on the chip's curve; both sides derive new session keys from
/// K = x(SK · PK) and restart the send sequence counter at zero. Only a chip holding the private key behind DG14's
/// public key (itself covered by the SOD) can answer the next protected command: so chip authentication counts as
/// passed only once an exchange under the new keys has succeeded, which ``ChipAuthenticationResult/confirm(by:)``
/// records.
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
        let response = try channel.send(command)
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

    /// The curve of an EC SubjectPublicKeyInfo: a named curve of ICAO 9303-11 Table 4.
    static func curveOf(_ key: SubjectPublicKeyInfo) throws(CryptoError) -> EllipticCurve {
        guard let id = key.namedCurve?.standardizedDomainParameterID, let curve = NamedCurve(rawValue: id) else {
            throw .invalidKey("the chip authentication key is not on a standardized named curve")
        }
        return try EllipticCurve(curve)
    }
}

/// The outcome of chip authentication: the channel under the new keys, not yet confirmed.
public final class ChipAuthenticationResult {
    /// The secure messaging channel with the chip-authentication session keys.
    public let channel: SecureMessagingChannel
    /// The protocol that ran.
    public let protocolID: OID
    /// Whether an exchange under the new keys has succeeded: only then is the chip proven genuine.
    public private(set) var confirmed = false

    init(channel: SecureMessagingChannel, protocolID: OID) {
        self.channel = channel
        self.protocolID = protocolID
    }

    /// Records that `response`, received on ``channel``, verified under the new keys.
    public func confirm(by response: ResponseAPDU) {
        if channel.isOpen && channel.lastFailure == nil && response.statusWord.isSuccessOrWarning { confirmed = true }
    }
}
