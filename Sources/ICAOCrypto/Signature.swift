import COpenSSL

/// How an ECDSA signature is encoded.
public enum ECDSASignatureEncoding: Sendable, Hashable {
    /// `SEQUENCE { INTEGER r, INTEGER s }` (X9.62; CMS signatures in the SOD).
    case der
    /// r ‖ s, each the order's byte length (BSI TR-03111 plain format; ECDSA active authentication).
    case plain
}

/// A public key from a DER SubjectPublicKeyInfo (X.509), for verifying signatures.
///
/// EC keys with named or explicit domain parameters and RSA keys (rsaEncryption or RSASSA-PSS) are accepted.
public final class PublicKey: @unchecked Sendable {
    let pkey: OpaquePointer

    /// The kind of key.
    public enum Kind: Sendable, Hashable {
        /// An elliptic curve key.
        case ec
        /// An RSA key (rsaEncryption or id-RSASSA-PSS).
        case rsa
        /// Any other key type, by OpenSSL's identifier.
        case other(Int32)
    }

    /// Parses a DER SubjectPublicKeyInfo.
    public init(subjectPublicKeyInfo der: [UInt8]) throws(CryptoError) {
        let parsed = try decodeKey(der, limit: 1 << 20, what: "SubjectPublicKeyInfo") { cursor, count in
            d2i_PUBKEY(nil, cursor, count)
        }
        pkey = parsed
    }

    init(taking pkey: OpaquePointer) { self.pkey = pkey }

    deinit { EVP_PKEY_free(pkey) }

    /// The kind of key.
    public var kind: Kind {
        let id = EVP_PKEY_get_base_id(pkey)
        if id == cccd_evp_pkey_ec() { return .ec }
        if id == cccd_evp_pkey_rsa() || id == cccd_evp_pkey_rsa_pss() { return .rsa }
        return .other(id)
    }

    /// The key size in bits (the modulus for RSA, the order for EC).
    public var bitLength: Int { Int(EVP_PKEY_get_bits(pkey)) }

    /// The DER SubjectPublicKeyInfo of this key.
    public var subjectPublicKeyInfo: [UInt8] {
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_PUBKEY(pkey, &out)
        guard length > 0, let out else { return [] }
        defer { cccd_openssl_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }

    /// Verifies an ECDSA signature over `message` hashed with `digest`.
    ///
    /// - Returns: whether the signature is valid. A signature that cannot be parsed at all throws.
    public func verifyECDSA(signature: [UInt8], encoding: ECDSASignatureEncoding, message: [UInt8],
                            digest: HashAlgorithm) throws(CryptoError) -> Bool {
        guard kind == .ec else { throw .invalidKey("not an EC key") }
        let der: [UInt8]
        switch encoding {
        case .der: der = signature
        case .plain: der = try ECDSASignature.derFromPlain(signature)
        }
        return try digestVerify(signature: der, message: message, digest: digest) { _ throws(CryptoError) in }
    }

    /// Verifies an RSASSA-PKCS1-v1_5 signature (RFC 8017 §8.2).
    public func verifyRSAPKCS1v15(signature: [UInt8], message: [UInt8],
                                  digest: HashAlgorithm) throws(CryptoError) -> Bool {
        guard kind == .rsa else { throw .invalidKey("not an RSA key") }
        return try digestVerify(signature: signature, message: message, digest: digest) { pctx throws(CryptoError) in
            guard EVP_PKEY_CTX_set_rsa_padding(pctx, cccd_rsa_pkcs1_padding()) > 0 else {
                throw .fromQueue("EVP_PKEY_CTX_set_rsa_padding")
            }
        }
    }

    /// Verifies an RSASSA-PSS signature (RFC 8017 §8.1).
    ///
    /// - Parameters:
    ///   - signature: the signature, as long as the modulus.
    ///   - message: the signed message (hashed here with `digest`).
    ///   - digest: the message's hash function.
    ///   - mgf1Digest: the MGF1 hash; `nil` means the same as `digest`.
    ///   - saltLength: the salt length in bytes; `nil` accepts any (recovered from the signature).
    public func verifyRSAPSS(signature: [UInt8], message: [UInt8], digest: HashAlgorithm,
                             mgf1Digest: HashAlgorithm? = nil, saltLength: Int? = nil) throws(CryptoError) -> Bool {
        guard kind == .rsa else { throw .invalidKey("not an RSA key") }
        return try digestVerify(signature: signature, message: message, digest: digest) { pctx throws(CryptoError) in
            guard EVP_PKEY_CTX_set_rsa_padding(pctx, cccd_rsa_pkcs1_pss_padding()) > 0 else {
                throw .fromQueue("EVP_PKEY_CTX_set_rsa_padding")
            }
            // -2 (RSA_PSS_SALTLEN_AUTO) lets the verifier recover the salt length.
            guard EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, Int32(saltLength ?? -2)) > 0 else {
                throw .fromQueue("EVP_PKEY_CTX_set_rsa_pss_saltlen")
            }
            guard EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, (mgf1Digest ?? digest).openSSLName, nil) > 0 else {
                throw .fromQueue("EVP_PKEY_CTX_set_rsa_mgf1_md_name")
            }
        }
    }

    /// The RSA public operation s^e mod n without any padding check (for ISO/IEC 9796-2 message recovery in
    /// active authentication, ICAO 9303-11 §6.1). The result has the modulus' byte length.
    public func rsaRawPublicOperation(_ input: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard kind == .rsa else { throw .invalidKey("not an RSA key") }
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else { throw .fromQueue("EVP_PKEY_CTX_new") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_verify_recover_init(ctx) == 1,
              EVP_PKEY_CTX_set_rsa_padding(ctx, cccd_rsa_no_padding()) > 0 else {
            throw .fromQueue("EVP_PKEY_verify_recover_init")
        }
        let modulusLength = Int(EVP_PKEY_get_size(pkey))
        guard input.count == modulusLength else {
            throw .malformedSignature("\(input.count) bytes, the modulus has \(modulusLength)")
        }
        var out = [UInt8](repeating: 0, count: modulusLength)
        var outLength = out.count
        guard EVP_PKEY_verify_recover(ctx, &out, &outLength, input, input.count) == 1 else {
            ERR_clear_error()
            throw .malformedSignature("the RSA public operation failed (input not below the modulus?)")
        }
        return Array(out[0..<outLength])
    }

    private func digestVerify(signature: [UInt8], message: [UInt8], digest: HashAlgorithm,
                              configure: (OpaquePointer) throws(CryptoError) -> Void) throws(CryptoError) -> Bool {
        guard let md = EVP_MD_CTX_new() else { throw .fromQueue("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(md) }
        var pctx: OpaquePointer? = nil
        guard EVP_DigestVerifyInit_ex(md, &pctx, digest.openSSLName, nil, nil, pkey, nil) == 1, let pctx else {
            throw .fromQueue("EVP_DigestVerifyInit_ex")
        }
        try configure(pctx)
        let result = EVP_DigestVerify(md, signature, signature.count, message, message.count)
        ERR_clear_error()
        return result == 1
    }
}

/// Conversions between the two ECDSA signature encodings.
public enum ECDSASignature {
    /// r ‖ s (two equal halves) to `SEQUENCE { INTEGER r, INTEGER s }`.
    public static func derFromPlain(_ plain: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard !plain.isEmpty, plain.count % 2 == 0, plain.count <= 132 else {
            throw .malformedSignature("plain signature of \(plain.count) bytes")
        }
        let half = plain.count / 2
        guard let sig = ECDSA_SIG_new() else { throw .fromQueue("ECDSA_SIG_new") }
        defer { ECDSA_SIG_free(sig) }
        let r = BN_bin2bn(plain, Int32(half), nil)
        let s = Array(plain[half...]).withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32(half), nil) }
        guard ECDSA_SIG_set0(sig, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            throw .fromQueue("ECDSA_SIG_set0")
        }
        var out: UnsafeMutablePointer<UInt8>? = nil
        let length = i2d_ECDSA_SIG(sig, &out)
        guard length > 0, let out else { throw .fromQueue("i2d_ECDSA_SIG") }
        defer { cccd_openssl_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }

    /// `SEQUENCE { INTEGER r, INTEGER s }` to r ‖ s, each left-padded to `componentLength` bytes.
    public static func plainFromDER(_ der: [UInt8], componentLength: Int) throws(CryptoError) -> [UInt8] {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, buffer.count)
        }
        guard let parsed else {
            ERR_clear_error()
            throw .malformedSignature("DER ECDSA-Sig-Value does not parse")
        }
        defer { ECDSA_SIG_free(parsed) }
        guard let r = ECDSA_SIG_get0_r(parsed), let s = ECDSA_SIG_get0_s(parsed),
              Int(cccd_bn_num_bytes(r)) <= componentLength, Int(cccd_bn_num_bytes(s)) <= componentLength else {
            throw .malformedSignature("r or s longer than \(componentLength) bytes")
        }
        return BigNumber.bytes(of: r, length: componentLength) + BigNumber.bytes(of: s, length: componentLength)
    }
}

/// An ECDSA private key, for the virtual chip's active authentication and test signers.
public final class ECPrivateKey: @unchecked Sendable {
    let pkey: OpaquePointer
    /// The curve.
    public let curve: EllipticCurve
    /// The public point d·G.
    public let publicPoint: ECPoint

    /// A key from its private scalar d (big-endian, the order's byte length) on a named curve, or on a curve of
    /// explicit parameters (given to OpenSSL as p, a, b, G, n, h).
    public init(curve: EllipticCurve, privateKey: [UInt8]) throws(CryptoError) {
        let point = try curve.publicKey(privateKey: privateKey)
        let pub = point.uncompressed
        let made: OpaquePointer?
        if let named = curve.namedCurve {
            made = cccd_ec_private_key(named.openSSLName, privateKey, privateKey.count, pub, pub.count)
        } else {
            let g = curve.generator.uncompressed
            made = cccd_ec_private_key_explicit(curve.prime, curve.prime.count, curve.a, curve.a.count, curve.b,
                                                curve.b.count, g, g.count, curve.order, curve.order.count,
                                                curve.cofactor, curve.cofactor.count, privateKey, privateKey.count,
                                                pub, pub.count)
        }
        guard let key = made else { throw .fromQueue("EVP_PKEY_fromdata") }
        pkey = key
        self.curve = curve
        publicPoint = point
    }

    deinit { EVP_PKEY_free(pkey) }

    /// The public half, as a ``PublicKey``.
    public var publicKey: PublicKey {
        get throws(CryptoError) { try publicHalf(of: pkey) }
    }

    /// Signs `message` hashed with `digest`, with OpenSSL's random nonce.
    public func sign(message: [UInt8], digest: HashAlgorithm,
                     encoding: ECDSASignatureEncoding) throws(CryptoError) -> [UInt8] {
        guard let md = EVP_MD_CTX_new() else { throw .fromQueue("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(md) }
        guard EVP_DigestSignInit_ex(md, nil, digest.openSSLName, nil, nil, pkey, nil) == 1 else {
            throw .fromQueue("EVP_DigestSignInit_ex")
        }
        var length = 0
        guard EVP_DigestSign(md, nil, &length, message, message.count) == 1 else {
            throw .fromQueue("EVP_DigestSign")
        }
        var out = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(md, &out, &length, message, message.count) == 1 else {
            throw .fromQueue("EVP_DigestSign")
        }
        let der = Array(out[0..<length])
        switch encoding {
        case .der: return der
        case .plain: return try ECDSASignature.plainFromDER(der, componentLength: curve.orderLength)
        }
    }
}

/// An RSA private key, for the virtual chip's active authentication (ISO/IEC 9796-2 needs the raw operation).
public final class RSAPrivateKey: @unchecked Sendable {
    let pkey: OpaquePointer

    /// Parses a DER private key: PKCS#1 `RSAPrivateKey` or PKCS#8 `PrivateKeyInfo`.
    public init(derEncoded der: [UInt8]) throws(CryptoError) {
        let parsed = try decodeKey(der, limit: 1 << 16, what: "private key") { cursor, count in
            d2i_AutoPrivateKey(nil, cursor, count)
        }
        let id = EVP_PKEY_get_base_id(parsed)
        guard id == cccd_evp_pkey_rsa() else {
            EVP_PKEY_free(parsed)
            throw .invalidKey("not an RSA private key")
        }
        pkey = parsed
    }

    deinit { EVP_PKEY_free(pkey) }

    /// The modulus length in bytes.
    public var modulusLength: Int { Int(EVP_PKEY_get_size(pkey)) }

    /// The public half.
    public var publicKey: PublicKey {
        get throws(CryptoError) { try publicHalf(of: pkey) }
    }

    /// The raw private operation m^d mod n; `input` has the modulus' length and is below it.
    public func rawPrivateOperation(_ input: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard input.count == modulusLength else {
            throw .invalidKey("input of \(input.count) bytes, the modulus has \(modulusLength)")
        }
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else { throw .fromQueue("EVP_PKEY_CTX_new") }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_sign_init(ctx) == 1,
              EVP_PKEY_CTX_set_rsa_padding(ctx, cccd_rsa_no_padding()) > 0 else {
            throw .fromQueue("EVP_PKEY_sign_init")
        }
        var out = [UInt8](repeating: 0, count: modulusLength)
        var outLength = out.count
        guard EVP_PKEY_sign(ctx, &out, &outLength, input, input.count) == 1 else {
            throw .fromQueue("EVP_PKEY_sign (raw RSA)")
        }
        return Array(out[0..<outLength])
    }
}

/// Decodes a DER key with one of OpenSSL's `d2i_` functions: the size bounded first, the error queue cleared on
/// failure, the key owned by the caller (`EVP_PKEY_free`).
private func decodeKey(_ der: [UInt8], limit: Int, what: String,
                       _ decode: (UnsafeMutablePointer<UnsafePointer<UInt8>?>, Int) -> OpaquePointer?)
    throws(CryptoError) -> OpaquePointer {
    guard !der.isEmpty, der.count <= limit else { throw .invalidKey("empty or oversized \(what)") }
    let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
        var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
        return decode(&cursor, buffer.count)
    }
    guard let parsed else {
        ERR_clear_error()
        throw .invalidKey("\(what) does not parse")
    }
    return parsed
}

/// The public half of a private key: its SubjectPublicKeyInfo, encoded by OpenSSL and parsed back.
private func publicHalf(of pkey: OpaquePointer) throws(CryptoError) -> PublicKey {
    var out: UnsafeMutablePointer<UInt8>? = nil
    let length = i2d_PUBKEY(pkey, &out)
    guard length > 0, let out else { throw .fromQueue("i2d_PUBKEY") }
    defer { cccd_openssl_free(out) }
    return try PublicKey(subjectPublicKeyInfo: Array(UnsafeBufferPointer(start: out, count: Int(length))))
}
