import COpenSSL

/// The hash functions ICAO 9303 documents use (KDF, SOD data group hashes, signatures).
public enum HashAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// SHA-1 (ICAO 9303-11 §9.7.1 KDF for 3DES and AES-128; legacy SODs).
    case sha1 = "SHA1"
    /// SHA-224.
    case sha224 = "SHA224"
    /// SHA-256 (KDF for AES-192/256).
    case sha256 = "SHA256"
    /// SHA-384.
    case sha384 = "SHA384"
    /// SHA-512.
    case sha512 = "SHA512"

    /// The digest length in bytes.
    public var digestLength: Int {
        switch self {
        case .sha1: return 20
        case .sha224: return 28
        case .sha256: return 32
        case .sha384: return 48
        case .sha512: return 64
        }
    }

    /// OpenSSL's name for the digest.
    var openSSLName: String { rawValue }

    var evpMD: OpaquePointer? {
        switch self {
        case .sha1: return EVP_sha1()
        case .sha224: return EVP_sha224()
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        }
    }

    /// The digest of `data`.
    public func hash(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &out, &length, evpMD, nil)
        }
        // EVP_Digest with a built-in digest fails only on allocation failure, which Swift treats as fatal anyway.
        precondition(ok == 1, "EVP_Digest failed")
        return Array(out[0..<Int(length)])
    }
}

/// Cryptographically secure random bytes from OpenSSL's generator (RAND_bytes).
///
/// Protocol code takes an injected entropy source instead, so recorded sessions replay; this is what such a
/// source and the virtual chip draw from.
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&out, Int32(count)) == 1 else { throw .randomFailure }
        return out
    }
}
