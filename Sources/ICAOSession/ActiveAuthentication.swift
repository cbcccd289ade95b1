import CardIO
import ICAOCrypto
import LDS

/// The result of active authentication.
public enum ActiveAuthenticationOutcome: Sendable, Equatable {
    /// The chip signed the fresh challenge with the key of DG15.
    case passed
    /// The signature does not verify, with the reason.
    case failed(String)
}

/// Active authentication (ICAO 9303-11 §6.1), terminal side: INTERNAL AUTHENTICATE over a fresh 8-byte challenge,
/// the signature checked against DG15's public key.
///
/// RSA keys sign with ISO/IEC 9796-2 digital signature scheme 1 (the hash named by the trailer: `BC` SHA-1,
/// `xxCC` with the ISO/IEC 10118-3 hash identifier); EC keys sign with ECDSA, in the plain r ‖ s form (BSI
/// TR-03111) or DER, the hash named by DG14's ActiveAuthenticationInfo.
public enum ActiveAuthentication {
    /// Sends the challenge and checks the answer. Over chip authentication's channel, the protected answer also
    /// confirms chip authentication (``ChipAuthenticationResult/isConfirmed``).
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

    /// Checks a signature over `challenge` with DG15's key.
    public static func verify(signature: [UInt8], challenge: [UInt8], dg15: DataGroup15,
                              signatureAlgorithm: OID?) -> ActiveAuthenticationOutcome {
        let key: PublicKey
        do {
            key = try PublicKey(subjectPublicKeyInfo: Array(dg15.publicKey.der))
        } catch {
            return .failed("DG15's public key cannot be loaded: \(error)")
        }
        switch key.kind {
        case .ec:
            let digest = ecdsaDigest(signatureAlgorithm) ?? .sha256
            let encoding: ECDSASignatureEncoding = signature.first == 0x30 && signature.count % 2 == 1 ? .der : .plain
            do {
                if try key.verifyECDSA(signature: signature, encoding: encoding, message: challenge, digest: digest) {
                    return .passed
                }
                if encoding == .plain, signature.first == 0x30,
                   try key.verifyECDSA(signature: signature, encoding: .der, message: challenge, digest: digest) {
                    return .passed
                }
                return .failed("the ECDSA signature over the challenge does not verify with DG15's key")
            } catch {
                return .failed("the ECDSA signature is malformed: \(error)")
            }
        case .rsa:
            return verifyISO9796(signature: signature, challenge: challenge, key: key,
                                 modulus: dg15.publicKey.rsaComponents?.modulus ?? [])
        case .other:
            return .failed("DG15 holds neither an RSA nor an EC key")
        }
    }

    static func ecdsaDigest(_ oid: OID?) -> HashAlgorithm? {
        switch oid {
        case .ecdsaPlainSHA1?, .ecdsaWithSHA1?: return .sha1
        case .ecdsaPlainSHA224?, .ecdsaWithSHA224?: return .sha224
        case .ecdsaPlainSHA256?, .ecdsaWithSHA256?: return .sha256
        case .ecdsaPlainSHA384?, .ecdsaWithSHA384?: return .sha384
        case .ecdsaPlainSHA512?, .ecdsaWithSHA512?: return .sha512
        default: return nil
        }
    }

    /// ISO/IEC 9796-2 scheme 1: recover F = s^e mod n (or n − F, §B.6 of the standard allows either), check the
    /// header `6A` (partial recovery) or `4A`/`4B` (total), the trailer, and H(M1 ‖ challenge).
    static func verifyISO9796(signature: [UInt8], challenge: [UInt8], key: PublicKey,
                              modulus: [UInt8]) -> ActiveAuthenticationOutcome {
        var f: [UInt8]
        do {
            f = try key.rsaRawPublicOperation(signature)
        } catch {
            return .failed("the RSA signature cannot be opened: \(error)")
        }
        if let last = f.last, last & 0x0F != 0x0C, !modulus.isEmpty {
            f = subtract(modulus.drop(while: { $0 == 0 }).map { $0 }, f)
        }
        guard f.count > 2, f.last.map({ $0 & 0x0F == 0x0C }) == true else {
            return .failed("the recovered message has no ISO/IEC 9796-2 trailer")
        }
        let digest: HashAlgorithm
        let trailerLength: Int
        if f.last == 0xBC {
            digest = .sha1
            trailerLength = 1
        } else if f.last == 0xCC {
            trailerLength = 2
            switch f[f.count - 2] {
            case 0x33: digest = .sha1
            case 0x34: digest = .sha256
            case 0x35: digest = .sha512
            case 0x36: digest = .sha384
            case 0x38: digest = .sha224
            default: return .failed("unknown hash identifier \([f[f.count - 2]].hexString) in the trailer")
            }
        } else {
            return .failed("unknown ISO/IEC 9796-2 trailer")
        }
        // Drop leading zero octets a short F may carry.
        while f.first == 0 { f.removeFirst() }
        guard f.count > 1 + digest.digestLength + trailerLength, f[0] == 0x6A || f[0] == 0x4A || f[0] == 0x4B else {
            return .failed("the recovered message has no ISO/IEC 9796-2 header")
        }
        let hashEnd = f.count - trailerLength
        let m1 = Array(f[1..<(hashEnd - digest.digestLength)])
        let hash = Array(f[(hashEnd - digest.digestLength)..<hashEnd])
        guard digest.hash(m1 + challenge) == hash else {
            return .failed("the RSA signature does not cover the challenge")
        }
        return .passed
    }

    /// a − b for big-endian unsigned integers with a ≥ b.
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
