/// ICAO 9303-11 §9.7.1: the key derivation function KDF(K, c) = H(K ‖ c)[key length].
///
/// SHA-1 for 3DES and AES-128, SHA-256 for AES-192 and AES-256; for 3DES the first 16 bytes become K_a ‖ K_b
/// with DES parity bits adjusted.
public enum KeyDerivation {
    /// The counter c: which key is derived.
    public enum Purpose: UInt32, Sendable, Hashable {
        /// c = 1: K_enc, the encryption key.
        case encryption = 1
        /// c = 2: K_mac, the MAC key.
        case mac = 2
        /// c = 3: K_π, PACE's password key.
        case password = 3
    }

    /// KDF(K, c) for `cipher` with an arbitrary 32-bit counter.
    public static func derive(sharedSecret: [UInt8], counter: UInt32, cipher: SymmetricCipher) -> [UInt8] {
        let input = sharedSecret + [UInt8(counter >> 24), UInt8((counter >> 16) & 0xFF),
                                    UInt8((counter >> 8) & 0xFF), UInt8(counter & 0xFF)]
        switch cipher {
        case .tripleDES:
            return DESParity.adjusted(Array(HashAlgorithm.sha1.hash(input)[0..<16]))
        case .aes128:
            return Array(HashAlgorithm.sha1.hash(input)[0..<16])
        case .aes192:
            return Array(HashAlgorithm.sha256.hash(input)[0..<24])
        case .aes256:
            return HashAlgorithm.sha256.hash(input)
        }
    }

    /// KDF(K, c) for one of the three named purposes.
    public static func derive(sharedSecret: [UInt8], purpose: Purpose, cipher: SymmetricCipher) -> [UInt8] {
        derive(sharedSecret: sharedSecret, counter: purpose.rawValue, cipher: cipher)
    }
}

/// DES keys carry odd parity in the least significant bit of each byte (FIPS 46-3); ICAO 9303-11 Appendix D.1
/// adjusts derived 3DES keys this way.
public enum DESParity {
    /// `key` with each byte's lowest bit set so the byte has an odd number of one bits.
    public static func adjusted(_ key: [UInt8]) -> [UInt8] {
        key.map { byte in
            let high = byte & 0xFE
            return high.nonzeroBitCount % 2 == 0 ? high | 1 : high
        }
    }
}
