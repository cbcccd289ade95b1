import CardIO
import ICAOCrypto
import LDS

/// A PACE protocol identifier (`id-PACE-…`, ICAO 9303-11 §9.2.2 / BSI TR-03110-3 A.1.1.1) and what it implies.
public struct PACEProtocol: Hashable, Sendable, CustomStringConvertible {
    /// How the nonce is mapped to ephemeral domain parameters.
    public enum Mapping: Sendable, Hashable {
        /// Generic mapping (GM).
        case generic
        /// Integrated mapping (IM).
        case integrated
        /// Chip authentication mapping (CAM).
        case chipAuthentication
    }

    /// The key agreement family.
    public enum KeyAgreement: Sendable, Hashable {
        /// Diffie-Hellman over a prime field group.
        case dh
        /// Elliptic curve Diffie-Hellman.
        case ecdh
    }

    /// The dotted OID, e.g. `0.4.0.127.0.7.2.2.4.2.2` (id-PACE-ECDH-GM-AES-CBC-CMAC-128).
    public let oid: String
    /// The mapping.
    public let mapping: Mapping
    /// The key agreement.
    public let keyAgreement: KeyAgreement
    /// The cipher for K_π, the session keys and the tokens.
    public let cipher: SymmetricCipher

    let oidContent: [UInt8]

    /// Recognises a PACE protocol OID.
    ///
    /// - Throws: ``SessionError/notSupported(_:)`` for anything that is not one of the id-PACE protocols.
    public init(oid: String) throws(SessionError) {
        let prefix = "0.4.0.127.0.7.2.2.4."
        guard oid.hasPrefix(prefix), let parsed = OID(dotted: oid) else {
            throw .notSupported("protocol \(oid) is not a PACE protocol")
        }
        let tail = oid.dropFirst(prefix.count).split(separator: ".")
        guard tail.count == 2, let family = Int(tail[0]), let suite = Int(tail[1]) else {
            throw .notSupported("PACE protocol \(oid)")
        }
        switch family {
        case 1: (mapping, keyAgreement) = (.generic, .dh)
        case 2: (mapping, keyAgreement) = (.generic, .ecdh)
        case 3: (mapping, keyAgreement) = (.integrated, .dh)
        case 4: (mapping, keyAgreement) = (.integrated, .ecdh)
        case 6: (mapping, keyAgreement) = (.chipAuthentication, .ecdh)
        default: throw .notSupported("PACE protocol \(oid)")
        }
        switch suite {
        case 1 where family != 6: cipher = .tripleDES
        case 2: cipher = .aes128
        case 3: cipher = .aes192
        case 4: cipher = .aes256
        default: throw .notSupported("PACE protocol \(oid)")
        }
        self.oid = oid
        self.oidContent = parsed.derContent
    }

    /// A short name: key agreement, mapping and cipher, e.g. `PACE-ECDH-GM-AES-128`.
    public var description: String {
        let m: String
        switch mapping {
        case .generic: m = "GM"
        case .integrated: m = "IM"
        case .chipAuthentication: m = "CAM"
        }
        return "PACE-\(keyAgreement == .ecdh ? "ECDH" : "DH")-\(m)-\(cipher)"
    }
}

/// What a successful PACE run leaves behind.
public struct PACEResult {
    /// The secure messaging channel with the PACE session keys, counter at zero.
    public let channel: SecureMessagingChannel
    /// The protocol that ran.
    public let paceProtocol: PACEProtocol
    /// The chip's ephemeral public key PK_DH,IC (uncompressed), which chip authentication binds to
    /// (ID_PICC = its x-coordinate).
    public let chipEphemeralPublicKey: [UInt8]
}

/// PACE (ICAO 9303-11 §4.4, worked example in Appendix G.1), terminal side, with generic mapping over ECDH.
///
/// The two ephemeral private keys (mapping, then key agreement) are drawn from the injected `CardIO.EntropySource`
/// as big-endian scalars of the curve order's byte length; a draw outside 1…n−1 is discarded and drawn again, so
/// a replay that records every draw reproduces the session exactly.
///
/// PACE runs before the eMRTD application is selected (at the master file, where EF.CardAccess is); the
/// returned channel starts its send sequence counter at zero (§9.8.2).
public enum PACE {
    /// Runs PACE over `channel` on the curve of a standardized domain parameter ID (ICAO 9303-11 Table 4), the
    /// usual case: PACEInfo's `parameterId`.
    ///
    /// - Parameters:
    ///   - channel: the link to the chip, at the master file (no secure messaging yet).
    ///   - key: the password: the CAN (reference 2) or the MRZ key (reference 1).
    ///   - protocolOID: the dotted PACE protocol OID from EF.CardAccess' PACEInfo.
    ///   - parameterID: the standardized domain parameter ID, sent as `84` in MSE:Set AT.
    ///   - entropy: where the two ephemeral private keys are drawn from.
    /// - Throws: ``SessionError/wrongPassword(step:)`` when the chip answers mutual authentication with `63xx`;
    ///   ``SessionError/notSupported(_:)`` for integrated mapping, chip authentication mapping, DH groups and
    ///   unknown parameter IDs, before any command is sent.
    public static func establish(over channel: CardChannel, key: AccessKey, protocolOID: String,
                                 parameterID: Int, entropy: EntropySource) throws(SessionError) -> PACEResult {
        let paceProtocol = try supportedProtocol(protocolOID)
        let curve: EllipticCurve
        do {
            curve = try EllipticCurve(standardizedDomainParameterID: parameterID)
        } catch {
            throw .notSupported("PACE domain parameter ID \(parameterID)")
        }
        return try run(channel, key, paceProtocol, curve: curve, parameterReference: parameterID,
                       entropy: entropy)
    }

    /// Runs PACE as EF.CardAccess' PACEInfo describes it (protocol OID and standardized parameter ID).
    ///
    /// - Throws: ``SessionError/notSupported(_:)`` when the PACEInfo names no standardized domain parameters
    ///   (those come with PACEDomainParameterInfo: use ``establish(over:key:protocolOID:domainParameters:parameterReference:entropy:)``).
    public static func establish(over channel: CardChannel, key: AccessKey, info: PACEInfo,
                                 entropy: EntropySource) throws(SessionError) -> PACEResult {
        guard let parameterID = info.parameterID else {
            throw .notSupported("PACEInfo without a standardized domain parameter ID")
        }
        return try establish(over: channel, key: key, protocolOID: info.protocolID.dotted,
                             parameterID: parameterID, entropy: entropy)
    }

    /// Runs PACE over `channel` on explicitly given domain parameters (PACEDomainParameterInfo), with the
    /// chip's reference to them (`84` in MSE:Set AT) when PACEInfo names one.
    public static func establish(over channel: CardChannel, key: AccessKey, protocolOID: String,
                                 domainParameters curve: EllipticCurve, parameterReference: Int?,
                                 entropy: EntropySource) throws(SessionError) -> PACEResult {
        let paceProtocol = try supportedProtocol(protocolOID)
        return try run(channel, key, paceProtocol, curve: curve, parameterReference: parameterReference,
                       entropy: entropy)
    }

    private static func supportedProtocol(_ oid: String) throws(SessionError) -> PACEProtocol {
        let paceProtocol = try PACEProtocol(oid: oid)
        switch (paceProtocol.mapping, paceProtocol.keyAgreement) {
        case (.generic, .ecdh): return paceProtocol
        case (.integrated, _): throw .notSupported("PACE integrated mapping (\(paceProtocol))")
        case (.chipAuthentication, _): throw .notSupported("PACE chip authentication mapping (\(paceProtocol))")
        case (.generic, .dh): throw .notSupported("PACE over DH groups (\(paceProtocol))")
        }
    }

    private static func run(_ channel: CardChannel, _ key: AccessKey, _ paceProtocol: PACEProtocol,
                            curve: EllipticCurve, parameterReference: Int?,
                            entropy: EntropySource) throws(SessionError) -> PACEResult {
        let kPi = KeyDerivation.derive(sharedSecret: key.pacePasswordSecret, purpose: .password,
                                       cipher: paceProtocol.cipher)

        // MSE:Set AT (§4.4.4.1): protocol OID, password reference, domain parameter ID.
        let setAT = CommandAPDU.mseSetATForPACE(protocolOID: paceProtocol.oidContent,
                                                passwordReference: key.pacePasswordReference,
                                                domainParameterReference: parameterReference)
        let mse = try exchange(channel, setAT, step: .mseSetAT)
        guard mse.isSuccess else { throw .cardRefused(step: .mseSetAT, status: mse.statusWord) }

        // Step 1: the encrypted nonce z; s = D(K_π, z).
        let z = try generalAuthenticate(channel, [], responseTag: 0x80, step: .encryptedNonce)
        let s: [UInt8]
        do {
            guard !z.isEmpty, z.count % paceProtocol.cipher.blockSize == 0 else {
                throw SessionError.malformedResponse(step: .encryptedNonce, reason: "a nonce of \(z.count) bytes")
            }
            s = try BlockCipher.decrypt(z, key: kPi, family: paceProtocol.cipher.family,
                                        mode: .cbcZeroIV(paceProtocol.cipher.family))
        } catch let error as SessionError {
            throw error
        } catch let error as CryptoError {
            throw .crypto(error, step: .encryptedNonce)
        } catch {
            throw .malformedResponse(step: .encryptedNonce, reason: "unexpected failure")
        }

        // Step 2: generic mapping (§4.4.3.3.1): Ĝ = s·G + H, H = SK_map,IFD · PK_map,IC.
        let skMap = try drawPrivateKey(curve, entropy, step: .mapNonce)
        let pkMapIFD = try crypto(.mapNonce) { () throws(CryptoError) in try curve.multiplyGenerator(by: skMap) }
        let pkMapICBytes = try generalAuthenticate(channel, DataObject.encode(tag: [0x81], value: pkMapIFD.uncompressed),
                                                   responseTag: 0x82, step: .mapNonce)
        let pkMapIC = try chipKey(pkMapICBytes, on: curve, terminalKey: pkMapIFD, step: .mapNonce)
        let mapped: ECPoint
        do {
            let h = try curve.multiply(pkMapIC, by: skMap)
            mapped = try curve.add(try curve.multiplyGenerator(by: s), h)
        } catch .pointAtInfinity {
            // H = SK_map,IFD · PK_map,IC at infinity, or s·G = −H: the chip's key maps to no generator.
            throw .invalidChipKey(step: .mapNonce, .pointAtInfinity)
        } catch {
            throw .crypto(error, step: .mapNonce)
        }

        // Step 3: key agreement on the mapped domain.
        let skIFD = try drawPrivateKey(curve, entropy, step: .keyAgreement)
        let pkIFD = try crypto(.keyAgreement) { () throws(CryptoError) in try curve.multiply(mapped, by: skIFD) }
        let pkICBytes = try generalAuthenticate(channel, DataObject.encode(tag: [0x83], value: pkIFD.uncompressed),
                                                responseTag: 0x84, step: .keyAgreement)
        let pkIC = try chipKey(pkICBytes, on: curve, terminalKey: pkIFD, step: .keyAgreement)
        let sharedSecret: [UInt8]
        do {
            sharedSecret = try curve.multiply(pkIC, by: skIFD).x
        } catch .pointAtInfinity {
            throw .invalidChipKey(step: .keyAgreement, .pointAtInfinity)
        } catch {
            throw .crypto(error, step: .keyAgreement)
        }
        let keys = SecureMessagingKeys(sharedSecret: sharedSecret, cipher: paceProtocol.cipher)

        // Step 4: mutual authentication (§4.4.3.4): T_IFD = MAC(KS_MAC, PK_IC), T_IC = MAC(KS_MAC, PK_IFD),
        // each over the public key data object 7F49 { 06 OID, 86 point }.
        let tIFD = try token(keys: keys, protocol: paceProtocol, publicKey: pkICBytes)
        let answer = try exchange(channel, .generalAuthenticate(DataObject.encode(tag: [0x85], value: tIFD),
                                                                chained: false),
                                  step: .mutualAuthentication)
        // 6300, or 63Cx with a retry counter: the chip's token check failed, i.e. K_π differed.
        if answer.statusWord.sw1 == 0x63 {
            throw .wrongPassword(step: .mutualAuthentication)
        }
        guard answer.isSuccess else { throw .cardRefused(step: .mutualAuthentication, status: answer.statusWord) }
        let tIC = try dynamicAuthenticationData(answer.data, responseTag: 0x86, step: .mutualAuthentication)
        let expected = try token(keys: keys, protocol: paceProtocol, publicKey: pkIFD.uncompressed)
        guard constantTimeEqual(tIC, expected) else {
            throw .chipAuthenticationFailed(step: .mutualAuthentication, reason: .tokenMismatch)
        }
        let secure = SecureMessagingChannel(base: channel, keys: keys,
                                            counter: .zero(length: paceProtocol.cipher.blockSize))
        return PACEResult(channel: secure, paceProtocol: paceProtocol, chipEphemeralPublicKey: pkICBytes)
    }

    /// The chip's public key of a PACE step, refused when degenerate: the point at infinity, an encoding that is
    /// not an uncompressed point of the curve (or not on it, or outside the subgroup of order n), or the terminal's
    /// own key sent back. ICAO 9303-11 §4.4.1 step 3d has both sides check that the key agreement's two public keys
    /// differ; the same check on the mapping keys (§4.4.3.3.1) keeps a chip (or a man in the middle) from making
    /// H = SK_map,IFD · PK_map,IFD, a point the terminal's key alone decides.
    static func chipKey(_ bytes: [UInt8], on curve: EllipticCurve, terminalKey: ECPoint,
                        step: SessionStep) throws(SessionError) -> ECPoint {
        // The encoding of the point at infinity (SEC 1 §2.3.3) is the single octet 00.
        if bytes.first == 0x00 { throw .invalidChipKey(step: step, .pointAtInfinity) }
        let point: ECPoint
        do {
            point = try curve.decodePoint(bytes)
        } catch .pointAtInfinity {
            throw .invalidChipKey(step: step, .pointAtInfinity)
        } catch {
            throw .invalidChipKey(step: step, .invalidPoint(error))
        }
        guard point != terminalKey else { throw .invalidChipKey(step: step, .equalsTerminalKey) }
        return point
    }

    /// The authentication token over the public key data object (ICAO 9303-11 §4.4.3.4, §9.4.5):
    /// CMAC truncated to 8 bytes for AES, the retail MAC of the padded object for 3DES.
    static func token(keys: SecureMessagingKeys, protocol paceProtocol: PACEProtocol,
                      publicKey: [UInt8]) throws(SessionError) -> [UInt8] {
        let inner = DataObject.encode(tag: [0x06], value: paceProtocol.oidContent)
            + DataObject.encode(tag: [0x86], value: publicKey)
        let input = DataObject.encode(tag: [0x7F, 0x49], value: inner)
        return try crypto(.mutualAuthentication) { () throws(CryptoError) in
            switch keys.cipher {
            case .tripleDES: return try RetailMAC.mac(key: keys.macKey, message: input)
            case .aes128, .aes192, .aes256: return try AESCMAC.mac(key: keys.macKey, message: input, length: 8)
            }
        }
    }

    /// One GENERAL AUTHENTICATE of the chain (CLA `10`, command chaining, for steps 1–3) with dynamic
    /// authentication data `7C { data }`, returning the value of `responseTag` inside the chip's `7C`.
    private static func generalAuthenticate(_ channel: CardChannel, _ data: [UInt8], responseTag: UInt8,
                                            step: SessionStep) throws(SessionError) -> [UInt8] {
        let response = try exchange(channel, .generalAuthenticate(data, chained: true), step: step)
        guard response.isSuccess else { throw .cardRefused(step: step, status: response.statusWord) }
        return try dynamicAuthenticationData(response.data, responseTag: responseTag, step: step)
    }

    private static func dynamicAuthenticationData(_ data: [UInt8], responseTag: UInt8,
                                                  step: SessionStep) throws(SessionError) -> [UInt8] {
        do {
            let outer = try DataObject.readAll(data)
            guard outer.count == 1, outer[0].tag == [0x7C] else {
                throw SessionError.malformedResponse(step: step, reason: "no dynamic authentication data (7C)")
            }
            // Other objects (certification authority references 87/88 after mutual authentication) are allowed.
            guard let wanted = try DataObject.readAll(outer[0].value).first(where: { $0.tag == [responseTag] }) else {
                throw SessionError.malformedResponse(step: step, reason: "7C lacks tag \([responseTag].hexString)")
            }
            return wanted.value
        } catch let error as SessionError {
            throw error
        } catch {
            throw .malformedResponse(step: step, reason: "malformed TLV in the dynamic authentication data")
        }
    }

    /// A private scalar in 1…n−1, drawn whole from the entropy source; out-of-range draws are redrawn.
    private static func drawPrivateKey(_ curve: EllipticCurve, _ entropy: EntropySource,
                                       step: SessionStep) throws(SessionError) -> [UInt8] {
        for _ in 0..<64 {
            let candidate = curve.maskedScalar(try draw(entropy, curve.orderLength, step: step))
            if (try? curve.validatePrivateKey(candidate)) != nil { return candidate }
        }
        throw .crypto(.invalidPrivateKey("64 draws in a row were outside 1…n−1"), step: step)
    }

    private static func crypto<T>(_ step: SessionStep,
                                  _ body: () throws(CryptoError) -> T) throws(SessionError) -> T {
        do {
            return try body()
        } catch {
            throw .crypto(error, step: step)
        }
    }
}
