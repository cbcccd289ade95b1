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
        var data = TLVWriter()
        if cipher == .tripleDES {
            data.append(BERTag(rawValue: 0x91), value: point)
            if let id = key.keyID { data.appendInteger(id, tag: BERTag(rawValue: 0x84)) }
            try expectSuccess(channel, CommandAPDU(cla: 0x00, ins: 0x22, p1: 0x41, p2: 0xA6, data: data.bytes))
        } else {
            data.append(BERTag(rawValue: 0x80), value: info.protocolID.derContent)
            if let id = key.keyID { data.appendInteger(id, tag: BERTag(rawValue: 0x84)) }
            try expectSuccess(channel, CommandAPDU(cla: 0x00, ins: 0x22, p1: 0x41, p2: 0xA4, data: data.bytes))
            var inner = TLVWriter()
            inner.append(BERTag(rawValue: 0x80), value: point)
            var ga = TLVWriter()
            ga.append(BERTag(rawValue: 0x7C), value: inner.bytes)
            try expectSuccess(channel, CommandAPDU(cla: 0x00, ins: 0x86, p1: 0x00, p2: 0x00, data: ga.bytes,
                                                   expectedLength: 256))
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
