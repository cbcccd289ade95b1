import CardIO
import ICAOCrypto
import LDS

/// Why active authentication did not pass: the chip's answer, checked against DG15's key, is not a signature of
/// the challenge by that key. Each case is one check of ICAO 9303-11 §6.1 and ISO/IEC 9796-2.
public enum ActiveAuthenticationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// DG15's public key cannot be loaded.
    case keyUnusable(CryptoError)
    /// DG15 holds neither an RSA nor an EC key.
    case keyTypeUnsupported
    /// DG15 holds an EC key and DG14 has no ActiveAuthenticationInfo naming the signature algorithm, which ICAO
    /// 9303-11 §6.1 requires for ECDSA: the hash is not guessed.
    case signatureAlgorithmMissing
    /// ActiveAuthenticationInfo names an algorithm other than ECDSA with SHA-1 or SHA-2 (the dotted OID).
    case signatureAlgorithmUnsupported(String)
    /// The ECDSA signature is neither r ‖ s of the order's length (BSI TR-03111 plain format) nor DER.
    case ecdsaSignatureMalformed
    /// The ECDSA signature does not verify with DG15's key over the challenge.
    case ecdsaSignatureInvalid
    /// The RSA signature is not a number below the modulus, of the modulus' length.
    case rsaSignatureOutOfRange
    /// ISO/IEC 9796-2: neither the recovered representative nor n minus it ends in the nibble `C` of a trailer.
    case trailerMissing
    /// ISO/IEC 9796-2: the trailer `xxCC` names a hash function (ISO/IEC 10118-3 identifier `xx`) not supported.
    case trailerHashUnsupported(UInt8)
    /// ISO/IEC 9796-2: the representative does not start with the header bits `01`, the more-data bit and `0`
    /// (first nibble `4` for total recovery, `6` for partial).
    case headerInvalid
    /// ISO/IEC 9796-2: the padding field is not nibbles `B` ended by an `A`, or partial recovery has padding
    /// (its recoverable part M1 takes all the room).
    case paddingInvalid
    /// ISO/IEC 9796-2: no room for a non-empty M1 between the header and the hash.
    case messageTooShort
    /// Total recovery: the recovered message does not end with the challenge (an old signature, replayed).
    case challengeNotRecovered
    /// The hash in the representative is not that of M1 ‖ challenge (partial recovery) or of the recovered
    /// message (total recovery).
    case hashMismatch

    /// One line naming the check that failed.
    public var description: String {
        switch self {
        case .keyUnusable(let e): return "DG15's public key cannot be loaded: \(e)"
        case .keyTypeUnsupported: return "DG15 holds neither an RSA nor an EC key"
        case .signatureAlgorithmMissing:
            return "DG15 holds an EC key but DG14 has no ActiveAuthenticationInfo naming the signature algorithm"
        case .signatureAlgorithmUnsupported(let oid): return "active authentication algorithm \(oid) is not ECDSA"
        case .ecdsaSignatureMalformed: return "the ECDSA signature is malformed"
        case .ecdsaSignatureInvalid: return "the ECDSA signature over the challenge does not verify with DG15's key"
        case .rsaSignatureOutOfRange: return "the RSA signature is not a number below DG15's modulus"
        case .trailerMissing: return "the recovered message has no ISO/IEC 9796-2 trailer"
        case .trailerHashUnsupported(let id): return "unknown hash identifier \([id].hexString) in the trailer"
        case .headerInvalid: return "the recovered message has no ISO/IEC 9796-2 header"
        case .paddingInvalid: return "the recovered message's ISO/IEC 9796-2 padding is malformed"
        case .messageTooShort: return "the recovered message has no room for M1"
        case .challengeNotRecovered: return "the recovered message does not end with the challenge"
        case .hashMismatch: return "the RSA signature does not cover the challenge"
        }
    }
}

/// The result of active authentication.
public enum ActiveAuthenticationOutcome: Sendable, Equatable {
    /// The chip signed the fresh challenge with the key of DG15.
    case passed
    /// The signature does not verify, with the check that failed.
    case failed(ActiveAuthenticationFailure)
}

/// Active authentication (ICAO 9303-11 §6.1), terminal side: INTERNAL AUTHENTICATE over a fresh 8-byte challenge,
/// the signature checked against DG15's public key.
///
/// RSA keys sign with ISO/IEC 9796-2 digital signature scheme 1, the hash named by the trailer (`BC`: SHA-1
/// implicitly; `xxCC`: the ISO/IEC 10118-3 hash identifier `xx`), with partial message recovery (M1 recovered,
/// M2 the challenge) or total recovery (the whole message, ending with the challenge, recovered). EC keys sign
/// with ECDSA in the plain r ‖ s form (BSI TR-03111; DER is accepted too), the hash named by DG14's
/// ActiveAuthenticationInfo, which an ECDSA chip must have.
public enum ActiveAuthentication {
    /// Sends the challenge and checks the answer. Over chip authentication's channel, the protected answer also
    /// confirms chip authentication (``ChipAuthenticationResult/isConfirmed``).
    ///
    /// - Throws: the exchange's failure (a link error, a secure messaging failure) and
    ///   ``SessionError/cardRefused(step:status:)`` for an answer other than `9000`; a signature that does not
    ///   verify is not thrown but returned as ``ActiveAuthenticationOutcome/failed(_:)``.
    public static func perform(over channel: CardChannel, dg15: DataGroup15, signatureAlgorithm: OID?,
                               entropy: EntropySource,
                               extendedLength: Bool = false) throws(SessionError) -> ActiveAuthenticationOutcome {
        let challenge: [UInt8]
        do {
            challenge = try entropy.draw(8)
        } catch {
            throw .entropy(error, step: .activeAuthentication)
        }
        let command = CommandAPDU.internalAuthenticate(challenge, extendedLength: extendedLength)
        let response = try exchange(channel, command, step: .activeAuthentication)
        guard response.statusWord == .success else {
            throw .cardRefused(step: .activeAuthentication, status: response.statusWord)
        }
        return verify(signature: response.data, challenge: challenge, dg15: dg15, signatureAlgorithm: signatureAlgorithm)
    }

    /// Checks a signature over `challenge` with DG15's key; `signatureAlgorithm` is DG14's
    /// ActiveAuthenticationInfo's, required for an EC key and not used for RSA (whose trailer names the hash).
    public static func verify(signature: [UInt8], challenge: [UInt8], dg15: DataGroup15,
                              signatureAlgorithm: OID?) -> ActiveAuthenticationOutcome {
        let key: PublicKey
        do {
            key = try PublicKey(subjectPublicKeyInfo: Array(dg15.publicKey.der))
        } catch {
            return .failed(.keyUnusable(error))
        }
        switch key.kind {
        case .ec:
            // Explicit domain parameters are checked (or recognised as a Table 4 curve) and the point validated
            // on them before OpenSSL uses the key.
            if case .explicit? = (try? dg15.publicKey.ecParameters()) ?? nil {
                do {
                    let curve = try ChipAuthentication.curveOf(dg15.publicKey)
                    _ = try curve.decodePoint(Array(dg15.publicKey.publicKey))
                } catch {
                    return .failed(.keyUnusable(error))
                }
            }
            guard let signatureAlgorithm else { return .failed(.signatureAlgorithmMissing) }
            guard let digest = ecdsaDigest(signatureAlgorithm) else {
                return .failed(.signatureAlgorithmUnsupported(signatureAlgorithm.dotted))
            }
            return verifyECDSA(signature: signature, challenge: challenge, key: key, digest: digest)
        case .rsa:
            return verifyISO9796(signature: signature, challenge: challenge, key: key,
                                 modulus: dg15.publicKey.rsaComponents?.modulus ?? [])
        case .other:
            return .failed(.keyTypeUnsupported)
        }
    }

    static func ecdsaDigest(_ oid: OID) -> HashAlgorithm? {
        switch oid {
        case .ecdsaPlainSHA1, .ecdsaWithSHA1: return .sha1
        case .ecdsaPlainSHA224, .ecdsaWithSHA224: return .sha224
        case .ecdsaPlainSHA256, .ecdsaWithSHA256: return .sha256
        case .ecdsaPlainSHA384, .ecdsaWithSHA384: return .sha384
        case .ecdsaPlainSHA512, .ecdsaWithSHA512: return .sha512
        default: return nil
        }
    }

    /// ECDSA over the challenge: the plain r ‖ s form first, DER when the answer looks like one (both carry the
    /// same r and s; whichever verifies, the chip holds the key).
    static func verifyECDSA(signature: [UInt8], challenge: [UInt8], key: PublicKey,
                            digest: HashAlgorithm) -> ActiveAuthenticationOutcome {
        let encodings: [ECDSASignatureEncoding] = signature.first == 0x30 ? [.der, .plain] : [.plain]
        var parsed = false
        for encoding in encodings {
            do {
                if try key.verifyECDSA(signature: signature, encoding: encoding, message: challenge, digest: digest) {
                    return .passed
                }
                parsed = true
            } catch {
                continue
            }
        }
        return .failed(parsed ? .ecdsaSignatureInvalid : .ecdsaSignatureMalformed)
    }

    /// The hash functions of ISO/IEC 9796-2's trailer `xxCC`, by their ISO/IEC 10118-3 identifier.
    static func trailerHash(_ identifier: UInt8) -> HashAlgorithm? {
        switch identifier {
        case 0x33: return .sha1
        case 0x34: return .sha256
        case 0x35: return .sha512
        case 0x36: return .sha384
        case 0x38: return .sha224
        default: return nil
        }
    }

    /// ISO/IEC 9796-2 digital signature scheme 1, verification (the message representative F = s^e mod n, or
    /// n − F when F does not end in the nibble `C`):
    ///
    ///     F = header ‖ padding ‖ M1 ‖ H ‖ trailer
    ///
    /// - trailer: `BC` (SHA-1 implied) or `xx CC` (the hash identifier `xx`);
    /// - header: the first nibble is `6` (bits `01`, more-data bit 1: partial recovery) or `4` (more-data bit 0:
    ///   total recovery);
    /// - padding: the first byte's second nibble is `A` (no padding) or `B`, then bytes `BB` ended by a `BA`;
    ///   partial recovery has none (its M1 fills the room);
    /// - M1: not empty; H: the hash of M1 ‖ challenge (partial), or of M1, which must end with the challenge
    ///   (total).
    static func verifyISO9796(signature: [UInt8], challenge: [UInt8], key: PublicKey,
                              modulus: [UInt8]) -> ActiveAuthenticationOutcome {
        var f: [UInt8]
        do {
            f = try key.rsaRawPublicOperation(signature)
        } catch {
            return .failed(.rsaSignatureOutOfRange)
        }
        let n = Array(modulus.drop(while: { $0 == 0 }))
        if let last = f.last, last & 0x0F != 0x0C, !n.isEmpty, f.count <= n.count {
            f = subtract(n, [UInt8](repeating: 0, count: n.count - f.count) + f)
        }
        guard let last = f.last, last & 0x0F == 0x0C else { return .failed(.trailerMissing) }
        let digest: HashAlgorithm
        let trailerLength: Int
        if last == 0xBC {
            digest = .sha1
            trailerLength = 1
        } else if last == 0xCC, f.count >= 2 {
            trailerLength = 2
            guard let named = trailerHash(f[f.count - 2]) else {
                return .failed(.trailerHashUnsupported(f[f.count - 2]))
            }
            digest = named
        } else {
            return .failed(.trailerMissing)
        }
        // F is a number below n: a short one carries leading zero octets.
        while f.first == 0 { f.removeFirst() }
        guard let first = f.first, first >> 4 == 0x4 || first >> 4 == 0x6 else { return .failed(.headerInvalid) }
        let partialRecovery = first & 0x20 != 0
        // The padding field: none (second nibble A), or nibbles B ending in an A.
        var start = 1
        switch first & 0x0F {
        case 0x0A:
            break
        case 0x0B where !partialRecovery:
            while start < f.count, f[start] == 0xBB { start += 1 }
            guard start < f.count, f[start] == 0xBA else { return .failed(.paddingInvalid) }
            start += 1
        default:
            return .failed(.paddingInvalid)
        }
        let hashEnd = f.count - trailerLength
        let hashStart = hashEnd - digest.digestLength
        guard hashStart > start else { return .failed(.messageTooShort) }
        let m1 = Array(f[start..<hashStart])
        let hash = Array(f[hashStart..<hashEnd])
        if partialRecovery {
            guard constantTimeEqual(digest.hash(m1 + challenge), hash) else { return .failed(.hashMismatch) }
        } else {
            guard constantTimeEqual(digest.hash(m1), hash) else { return .failed(.hashMismatch) }
            guard m1.count >= challenge.count, Array(m1.suffix(challenge.count)) == challenge else {
                return .failed(.challengeNotRecovered)
            }
        }
        return .passed
    }

    /// a − b for big-endian unsigned integers of the same length with a ≥ b.
    static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = a
        var borrow = 0
        var j = b.count - 1
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            let bv = j >= 0 ? Int(b[j]) : 0
            var v = Int(a[i]) - bv - borrow
            borrow = v < 0 ? 1 : 0
            if v < 0 { v += 256 }
            out[i] = UInt8(v)
            j -= 1
        }
        return out
    }
}
