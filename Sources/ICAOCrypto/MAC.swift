import COpenSSL

/// AES-CMAC (NIST SP 800-38B, RFC 4493) through OpenSSL's EVP_MAC "CMAC".
///
/// ICAO 9303-11 §9.8.6.2 (AES secure messaging) and §4.4.3.4 (PACE authentication tokens) truncate it to 8 bytes.
public enum AESCMAC {
    /// The CMAC of `message` under `key` (16, 24 or 32 bytes), truncated to its first `length` bytes.
    public static func mac(key: [UInt8], message: [UInt8], length: Int = 16) throws(CryptoError) -> [UInt8] {
        guard (1...16).contains(length) else { throw .invalidMACLength(length) }
        let cipher = try BlockCipher.cipherName(family: .aes, keyLength: key.count, mode: .cbc(iv: []))
        guard let algorithm = EVP_MAC_fetch(nil, "CMAC", nil) else { throw .fromQueue("EVP_MAC_fetch(CMAC)") }
        defer { EVP_MAC_free(algorithm) }
        guard let ctx = EVP_MAC_CTX_new(algorithm) else { throw .fromQueue("EVP_MAC_CTX_new") }
        defer { EVP_MAC_CTX_free(ctx) }
        guard cccd_cmac_init(ctx, cipher, key, key.count) == 1 else { throw .fromQueue("EVP_MAC_init") }
        guard EVP_MAC_update(ctx, message, message.count) == 1 else { throw .fromQueue("EVP_MAC_update") }
        var out = [UInt8](repeating: 0, count: 16)
        var written = 0
        guard EVP_MAC_final(ctx, &out, &written, out.count) == 1, written == 16 else {
            throw .fromQueue("EVP_MAC_final")
        }
        return Array(out[0..<length])
    }
}

/// ISO/IEC 9797-1 MAC algorithm 3 with DES, the "retail MAC" of ICAO 9303-11 §9.8.6.1 and BAC (§9.7.3).
///
/// CBC with single DES under K1 over every block, then the last block decrypted with K2 and encrypted with K1
/// again. Single DES comes from OpenSSL's default provider as DES-EDE with K1 = K2 (which reduces to DES), so
/// the legacy provider is not needed.
public enum RetailMAC {
    /// The 8-byte MAC of `message`, which must already be padded to a multiple of 8 bytes (ICAO pads the SSC,
    /// header and data objects itself with ISO/IEC 9797-1 method 2).
    ///
    /// - Parameters:
    ///   - key: K1 ‖ K2, 16 bytes.
    ///   - paddedMessage: the message, already padded to a multiple of 8 bytes (not empty).
    public static func mac(key: [UInt8], paddedMessage: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard key.count == 16 else { throw .invalidKeyLength(algorithm: "retail MAC", length: key.count) }
        guard !paddedMessage.isEmpty, paddedMessage.count % 8 == 0 else {
            throw .notBlockAligned(length: paddedMessage.count, blockSize: 8)
        }
        let k1 = Array(key[0..<8])
        let k2 = Array(key[8..<16])
        let singleK1 = k1 + k1
        let chained = try BlockCipher.encrypt(paddedMessage, key: singleK1, family: .tripleDES,
                                              mode: .cbcZeroIV(.tripleDES))
        let last = Array(chained[(chained.count - 8)...])
        let step = try BlockCipher.decrypt(last, key: k2 + k2, family: .tripleDES, mode: .ecb)
        return try BlockCipher.encrypt(step, key: singleK1, family: .tripleDES, mode: .ecb)
    }

    /// The 8-byte MAC of `message` after ISO/IEC 9797-1 padding method 2.
    public static func mac(key: [UInt8], message: [UInt8]) throws(CryptoError) -> [UInt8] {
        try mac(key: key, paddedMessage: ISO9797Padding.pad(message, blockSize: 8))
    }
}
