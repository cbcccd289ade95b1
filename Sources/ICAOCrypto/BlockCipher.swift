import COpenSSL

/// The block cipher and key length of a secure messaging or PACE suite.
///
/// ICAO 9303-11 §9.7.1 derives keys of this length; §9.8 picks the SM variant (3DES with the retail MAC, or
/// AES with CMAC) from it.
public enum SymmetricCipher: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Two-key triple DES (112-bit, 16-byte keys with DES parity), CBC with a zero IV.
    case tripleDES
    /// AES with a 128-bit key.
    case aes128
    /// AES with a 192-bit key.
    case aes192
    /// AES with a 256-bit key.
    case aes256

    /// The key length in bytes.
    public var keyLength: Int {
        switch self {
        case .tripleDES, .aes128: return 16
        case .aes192: return 24
        case .aes256: return 32
        }
    }

    /// The cipher's block size in bytes: 8 for DES, 16 for AES.
    public var blockSize: Int { self == .tripleDES ? 8 : 16 }

    /// The underlying block cipher family.
    public var family: BlockCipher.Family { self == .tripleDES ? .tripleDES : .aes }

    /// The suite's usual name: `3DES`, `AES-128`, `AES-192` or `AES-256`.
    public var description: String {
        switch self {
        case .tripleDES: return "3DES"
        case .aes128: return "AES-128"
        case .aes192: return "AES-192"
        case .aes256: return "AES-256"
        }
    }
}

/// Raw block encryption and decryption with OpenSSL's EVP ciphers, without padding.
///
/// Triple DES is DES-EDE (16-byte keys, two-key) or DES-EDE3 (24-byte keys); AES takes 16, 24 or 32-byte keys.
/// Both come from OpenSSL's default provider: the legacy provider is never needed.
public enum BlockCipher {
    /// A block cipher family; the key length picks the variant.
    public enum Family: Sendable, Hashable {
        /// Triple DES (EDE), 8-byte blocks.
        case tripleDES
        /// AES, 16-byte blocks.
        case aes

        /// The block size in bytes.
        public var blockSize: Int { self == .tripleDES ? 8 : 16 }
    }

    /// The chaining mode.
    public enum Mode: Sendable, Hashable {
        /// Electronic codebook: each block alone.
        case ecb
        /// Cipher block chaining with the given IV (one block long).
        case cbc(iv: [UInt8])

        /// CBC with an all-zero IV, as ICAO 9303-11 uses for 3DES and for PACE's nonce.
        public static func cbcZeroIV(_ family: Family) -> Mode { .cbc(iv: [UInt8](repeating: 0, count: family.blockSize)) }
    }

    /// Encrypts `data` (a whole number of blocks).
    public static func encrypt(_ data: [UInt8], key: [UInt8], family: Family, mode: Mode) throws(CryptoError) -> [UInt8] {
        try run(data, key: key, family: family, mode: mode, encrypt: true)
    }

    /// Decrypts `data` (a whole number of blocks).
    public static func decrypt(_ data: [UInt8], key: [UInt8], family: Family, mode: Mode) throws(CryptoError) -> [UInt8] {
        try run(data, key: key, family: family, mode: mode, encrypt: false)
    }

    static func cipherName(family: Family, keyLength: Int, mode: Mode) throws(CryptoError) -> String {
        let suffix: String
        switch mode {
        case .ecb: suffix = "ECB"
        case .cbc: suffix = "CBC"
        }
        switch (family, keyLength) {
        case (.tripleDES, 16): return "DES-EDE-\(suffix)"
        case (.tripleDES, 24): return "DES-EDE3-\(suffix)"
        case (.aes, 16): return "AES-128-\(suffix)"
        case (.aes, 24): return "AES-192-\(suffix)"
        case (.aes, 32): return "AES-256-\(suffix)"
        default:
            throw .invalidKeyLength(algorithm: family == .aes ? "AES" : "3DES", length: keyLength)
        }
    }

    private static func run(_ data: [UInt8], key: [UInt8], family: Family, mode: Mode,
                            encrypt: Bool) throws(CryptoError) -> [UInt8] {
        let name = try cipherName(family: family, keyLength: key.count, mode: mode)
        guard data.count % family.blockSize == 0 else {
            throw .notBlockAligned(length: data.count, blockSize: family.blockSize)
        }
        var iv: [UInt8]? = nil
        if case .cbc(let given) = mode {
            guard given.count == family.blockSize else {
                throw .invalidIVLength(expected: family.blockSize, actual: given.count)
            }
            iv = given
        }
        if data.isEmpty { return [] }
        guard let cipher = EVP_CIPHER_fetch(nil, name, nil) else { throw .fromQueue("EVP_CIPHER_fetch(\(name))") }
        defer { EVP_CIPHER_free(cipher) }
        guard let ctx = EVP_CIPHER_CTX_new() else { throw .fromQueue("EVP_CIPHER_CTX_new") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        let initOK: Int32 = key.withUnsafeBufferPointer { k in
            if let iv {
                return iv.withUnsafeBufferPointer { v in
                    EVP_CipherInit_ex2(ctx, cipher, k.baseAddress, v.baseAddress, encrypt ? 1 : 0, nil)
                }
            }
            return EVP_CipherInit_ex2(ctx, cipher, k.baseAddress, nil, encrypt ? 1 : 0, nil)
        }
        guard initOK == 1 else { throw .fromQueue("EVP_CipherInit_ex2") }
        EVP_CIPHER_CTX_set_padding(ctx, 0)
        var out = [UInt8](repeating: 0, count: data.count + family.blockSize)
        var written: Int32 = 0
        var final: Int32 = 0
        let ok = out.withUnsafeMutableBufferPointer { o -> Bool in
            guard EVP_CipherUpdate(ctx, o.baseAddress, &written, data, Int32(data.count)) == 1 else { return false }
            return EVP_CipherFinal_ex(ctx, o.baseAddress! + Int(written), &final) == 1
        }
        guard ok else { throw .fromQueue("EVP_CipherUpdate") }
        return Array(out[0..<Int(written + final)])
    }
}
