import COpenSSL

/// The elliptic curves of ICAO 9303-11 Table 4 (standardized domain parameters 8…18).
public enum NamedCurve: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// ID 8: NIST P-192 (secp192r1).
    case p192 = 8
    /// ID 9: brainpoolP192r1.
    case brainpoolP192r1 = 9
    /// ID 10: NIST P-224 (secp224r1).
    case p224 = 10
    /// ID 11: brainpoolP224r1.
    case brainpoolP224r1 = 11
    /// ID 12: NIST P-256 (secp256r1).
    case p256 = 12
    /// ID 13: brainpoolP256r1, the CCCD's PACE curve.
    case brainpoolP256r1 = 13
    /// ID 14: brainpoolP320r1.
    case brainpoolP320r1 = 14
    /// ID 15: NIST P-384 (secp384r1).
    case p384 = 15
    /// ID 16: brainpoolP384r1.
    case brainpoolP384r1 = 16
    /// ID 17: brainpoolP512r1.
    case brainpoolP512r1 = 17
    /// ID 18: NIST P-521 (secp521r1).
    case p521 = 18

    /// The standardized domain parameter ID (ICAO 9303-11 Table 4), as in PACEInfo's `parameterId`.
    public var domainParameterID: Int { rawValue }

    var nid: Int32 {
        switch self {
        case .p192: return NID_X9_62_prime192v1
        case .brainpoolP192r1: return NID_brainpoolP192r1
        case .p224: return NID_secp224r1
        case .brainpoolP224r1: return NID_brainpoolP224r1
        case .p256: return NID_X9_62_prime256v1
        case .brainpoolP256r1: return NID_brainpoolP256r1
        case .brainpoolP320r1: return NID_brainpoolP320r1
        case .p384: return NID_secp384r1
        case .brainpoolP384r1: return NID_brainpoolP384r1
        case .brainpoolP512r1: return NID_brainpoolP512r1
        case .p521: return NID_secp521r1
        }
    }

    /// OpenSSL's short name for the curve (e.g. `prime256v1`, `brainpoolP256r1`).
    public var openSSLName: String { String(cString: OBJ_nid2sn(nid)) }

    public var description: String {
        switch self {
        case .p192: return "P-192"
        case .p224: return "P-224"
        case .p256: return "P-256"
        case .p384: return "P-384"
        case .p521: return "P-521"
        default: return openSSLName
        }
    }
}

/// An affine point on an elliptic curve, as big-endian coordinates of the field's byte length.
///
/// The point at infinity has no affine form and is never an `ECPoint`: operations that would produce it throw.
/// Points come from an ``EllipticCurve`` (decoded and validated, or computed), so they are on that curve.
public struct ECPoint: Hashable, Sendable, CustomStringConvertible {
    /// The x-coordinate, big-endian, left-padded to the field's byte length.
    public let x: [UInt8]
    /// The y-coordinate, big-endian, left-padded to the field's byte length.
    public let y: [UInt8]

    init(x: [UInt8], y: [UInt8]) {
        self.x = x
        self.y = y
    }

    /// The uncompressed encoding `04 ‖ x ‖ y` (SEC 1 §2.3.3; ICAO 9303-11 §9.4.5 public key data object `86`).
    public var uncompressed: [UInt8] { [0x04] + x + y }

    /// Public points are not secret, but keep logs short: the first bytes of x.
    public var description: String {
        "ECPoint(x: \(x.prefix(4).map { String($0, radix: 16, uppercase: true) }.joined())…)"
    }
}

/// An elliptic curve over a prime field, with its group operations (OpenSSL EC_GROUP / EC_POINT / BIGNUM).
///
/// Built from an ICAO standardized domain parameter ID, a named curve, or explicit domain parameters
/// (p, a, b, G, n, h) as DG14 or EF.CardAccess may carry them. What PACE generic mapping (ICAO 9303-11 §4.4.3.3.1)
/// and ECDH (§9.6) need is here: k·P, P + Q, public keys from private scalars, shared x-coordinates, and
/// validated point decoding.
///
/// The group is immutable once built, and OpenSSL only reads it in these operations, so sharing an instance
/// between threads is safe.
public final class EllipticCurve: @unchecked Sendable {
    let group: OpaquePointer
    /// The named curve this is, when built from one.
    public let namedCurve: NamedCurve?
    /// The field prime p, big-endian.
    public let prime: [UInt8]
    /// The coefficient a, big-endian, of the field's byte length.
    public let a: [UInt8]
    /// The coefficient b, big-endian, of the field's byte length.
    public let b: [UInt8]
    /// The order n of the generator, big-endian, minimal length.
    public let order: [UInt8]
    /// The cofactor h, big-endian, minimal length.
    public let cofactor: [UInt8]
    /// The generator G.
    public let generator: ECPoint

    /// The byte length of a field element (a coordinate).
    public var coordinateLength: Int { prime.count }
    /// The byte length of the order n, which is also the length of a private scalar.
    public var orderLength: Int { order.count }

    /// The curve of an ICAO 9303-11 Table 4 standardized domain parameter ID (8…18).
    ///
    /// - Throws: ``CryptoError/unsupportedDomainParameterID(_:)`` for the DH groups (0…2), reserved IDs and
    ///   anything else.
    public convenience init(standardizedDomainParameterID id: Int) throws(CryptoError) {
        guard let curve = NamedCurve(rawValue: id) else { throw .unsupportedDomainParameterID(id) }
        try self.init(curve)
    }

    /// A named curve.
    public convenience init(_ curve: NamedCurve) throws(CryptoError) {
        guard let group = EC_GROUP_new_by_curve_name(curve.nid) else {
            throw .fromQueue("EC_GROUP_new_by_curve_name(\(curve.openSSLName))")
        }
        try self.init(taking: group, named: curve)
    }

    /// A curve y² = x³ + ax + b over GF(p) from explicit domain parameters, all big-endian.
    ///
    /// - Parameters:
    ///   - generator: G, uncompressed (`04 ‖ x ‖ y`).
    ///   - order: n, the order of G.
    ///   - cofactor: h.
    public convenience init(prime: [UInt8], a: [UInt8], b: [UInt8], generator: [UInt8], order: [UInt8],
                            cofactor: [UInt8]) throws(CryptoError) {
        guard !prime.isEmpty, prime.count <= 80, !order.isEmpty, order.count <= 81, !cofactor.isEmpty,
              cofactor.count <= 8, a.count <= prime.count + 1, b.count <= prime.count + 1 else {
            throw .invalidDomainParameters("a parameter is empty or implausibly long")
        }
        let p = BigNumber(prime), ca = BigNumber(a), cb = BigNumber(b)
        let n = BigNumber(order), h = BigNumber(cofactor)
        guard let ctx = BN_CTX_new() else { throw .fromQueue("BN_CTX_new") }
        defer { BN_CTX_free(ctx) }
        guard BN_is_odd(p.bn) == 1, BN_num_bits(p.bn) >= 128 else {
            throw .invalidDomainParameters("p is not an odd prime of at least 128 bits")
        }
        guard let group = EC_GROUP_new_curve_GFp(p.bn, ca.bn, cb.bn, ctx) else {
            ERR_clear_error()
            throw .invalidDomainParameters("EC_GROUP_new_curve_GFp rejected p, a, b")
        }
        let fieldLength = Int(cccd_bn_num_bytes(p.bn))
        guard generator.count == 1 + 2 * fieldLength, generator.first == 0x04 else {
            EC_GROUP_free(group)
            throw .invalidDomainParameters("generator is not an uncompressed point of the field's length")
        }
        guard let g = EC_POINT_new(group) else {
            EC_GROUP_free(group)
            throw .fromQueue("EC_POINT_new")
        }
        defer { EC_POINT_free(g) }
        guard EC_POINT_oct2point(group, g, generator, generator.count, ctx) == 1,
              EC_POINT_is_on_curve(group, g, ctx) == 1,
              EC_GROUP_set_generator(group, g, n.bn, h.bn) == 1 else {
            ERR_clear_error()
            EC_GROUP_free(group)
            throw .invalidDomainParameters("the generator is not on the curve, or n / h are rejected")
        }
        // n·G must be the point at infinity, or n is not G's order.
        guard let check = EC_POINT_new(group) else {
            EC_GROUP_free(group)
            throw .fromQueue("EC_POINT_new")
        }
        defer { EC_POINT_free(check) }
        guard EC_POINT_mul(group, check, nil, g, n.bn, ctx) == 1, EC_POINT_is_at_infinity(group, check) == 1 else {
            ERR_clear_error()
            EC_GROUP_free(group)
            throw .invalidDomainParameters("n·G is not the point at infinity")
        }
        try self.init(taking: group, named: nil)
    }

    private init(taking group: OpaquePointer, named: NamedCurve?) throws(CryptoError) {
        self.group = group
        self.namedCurve = named
        guard let ctx = BN_CTX_new() else {
            EC_GROUP_free(group)
            throw .fromQueue("BN_CTX_new")
        }
        defer { BN_CTX_free(ctx) }
        let p = BigNumber(), ca = BigNumber(), cb = BigNumber(), h = BigNumber()
        guard EC_GROUP_get_curve(group, p.bn, ca.bn, cb.bn, ctx) == 1,
              EC_GROUP_get_cofactor(group, h.bn, ctx) == 1,
              let n = EC_GROUP_get0_order(group),
              let g = EC_GROUP_get0_generator(group) else {
            EC_GROUP_free(group)
            throw .fromQueue("EC_GROUP_get_curve")
        }
        let length = Int(cccd_bn_num_bytes(p.bn))
        prime = p.bytes(length: length)
        a = ca.bytes(length: length)
        b = cb.bytes(length: length)
        order = BigNumber.bytes(of: n, length: Int(cccd_bn_num_bytes(n)))
        cofactor = h.bytes(length: max(1, Int(cccd_bn_num_bytes(h.bn))))
        let x = BigNumber(), y = BigNumber()
        guard EC_POINT_get_affine_coordinates(group, g, x.bn, y.bn, ctx) == 1 else {
            EC_GROUP_free(group)
            throw .fromQueue("EC_POINT_get_affine_coordinates")
        }
        generator = ECPoint(x: x.bytes(length: length), y: y.bytes(length: length))
    }

    deinit { EC_GROUP_free(group) }

    /// The same curve with another generator of the same order n and cofactor h.
    ///
    /// ICAO 9303-11 §4.4.3.3.1: PACE generic mapping's ephemeral domain parameters keep p, a, b, n, h and replace
    /// G by Ĝ = s·G + H.
    public func withGenerator(_ newGenerator: ECPoint) throws(CryptoError) -> EllipticCurve {
        try EllipticCurve(prime: prime, a: a, b: b, generator: newGenerator.uncompressed, order: order,
                          cofactor: cofactor)
    }

    // MARK: Encoding

    /// Decodes an uncompressed point (`04 ‖ x ‖ y`) and checks it is on this curve, in the subgroup of order n
    /// when the cofactor is not 1, and not the point at infinity.
    public func decodePoint(_ bytes: [UInt8]) throws(CryptoError) -> ECPoint {
        let length = coordinateLength
        guard let first = bytes.first else { throw .invalidPoint("empty encoding") }
        guard first == 0x04 else {
            throw first == 0x00 ? .invalidPoint("the point at infinity") :
                .invalidPoint("not an uncompressed point (first byte \(first))")
        }
        guard bytes.count == 1 + 2 * length else {
            throw .invalidPoint("\(bytes.count) bytes, expected \(1 + 2 * length)")
        }
        let point = ECPoint(x: Array(bytes[1...length]), y: Array(bytes[(1 + length)...]))
        let native = try makePoint(point)
        defer { EC_POINT_free(native) }
        let ctx = try context()
        defer { BN_CTX_free(ctx) }
        guard EC_POINT_is_on_curve(group, native, ctx) == 1 else {
            ERR_clear_error()
            throw .invalidPoint("not on the curve")
        }
        if cofactor != [1] {
            guard let check = EC_POINT_new(group) else { throw .fromQueue("EC_POINT_new") }
            defer { EC_POINT_free(check) }
            let n = BigNumber(order)
            guard EC_POINT_mul(group, check, nil, native, n.bn, ctx) == 1,
                  EC_POINT_is_at_infinity(group, check) == 1 else {
                ERR_clear_error()
                throw .invalidPoint("not in the subgroup of order n")
            }
        }
        return point
    }

    /// The uncompressed encoding of `point` (`04 ‖ x ‖ y`).
    public func encode(_ point: ECPoint) -> [UInt8] { point.uncompressed }

    // MARK: Arithmetic

    /// k·P for any scalar k (big-endian, any length up to the order's).
    ///
    /// - Throws: ``CryptoError/pointAtInfinity`` when k·P is the point at infinity (k ≡ 0 mod the order of P).
    public func multiply(_ point: ECPoint, by scalar: [UInt8]) throws(CryptoError) -> ECPoint {
        guard scalar.count <= orderLength + 1 else { throw .invalidPrivateKey("scalar longer than the order") }
        let native = try makePoint(point)
        defer { EC_POINT_free(native) }
        let k = BigNumber(scalar, secret: true)
        return try compute { result, ctx in EC_POINT_mul(group, result, nil, native, k.bn, ctx) }
    }

    /// k·G.
    public func multiplyGenerator(by scalar: [UInt8]) throws(CryptoError) -> ECPoint {
        guard scalar.count <= orderLength + 1 else { throw .invalidPrivateKey("scalar longer than the order") }
        let k = BigNumber(scalar, secret: true)
        return try compute { result, ctx in EC_POINT_mul(group, result, k.bn, nil, nil, ctx) }
    }

    /// P + Q.
    public func add(_ p: ECPoint, _ q: ECPoint) throws(CryptoError) -> ECPoint {
        let np = try makePoint(p)
        defer { EC_POINT_free(np) }
        let nq = try makePoint(q)
        defer { EC_POINT_free(nq) }
        return try compute { result, ctx in EC_POINT_add(group, result, np, nq, ctx) }
    }

    /// Checks that `scalar` is a private key for this curve: exactly the order's byte length, in 1…n−1.
    public func validatePrivateKey(_ scalar: [UInt8]) throws(CryptoError) {
        guard scalar.count == orderLength else {
            throw .invalidPrivateKey("\(scalar.count) bytes, expected \(orderLength)")
        }
        let k = BigNumber(scalar, secret: true)
        let n = BigNumber(order)
        guard BN_is_zero(k.bn) == 0 else { throw .invalidPrivateKey("zero") }
        guard BN_cmp(k.bn, n.bn) < 0 else { throw .invalidPrivateKey("not below the order") }
    }

    /// The public key d·G of the private scalar d (validated first).
    public func publicKey(privateKey: [UInt8]) throws(CryptoError) -> ECPoint {
        try validatePrivateKey(privateKey)
        return try multiplyGenerator(by: privateKey)
    }

    /// ECDH (ICAO 9303-11 §9.6, BSI TR-03111 ECKA): the x-coordinate of d·Q, of the field's byte length.
    ///
    /// `peer` has already been validated by ``decodePoint(_:)``.
    public func sharedSecret(privateKey: [UInt8], peer: ECPoint) throws(CryptoError) -> [UInt8] {
        try validatePrivateKey(privateKey)
        return try multiply(peer, by: privateKey).x
    }

    /// A fresh private scalar uniformly in 1…n−1 from OpenSSL's generator (for the virtual chip).
    public func randomPrivateKey() throws(CryptoError) -> [UInt8] {
        let n = BigNumber(order)
        let k = BigNumber(secret: true)
        repeat {
            guard BN_priv_rand_range(k.bn, n.bn) == 1 else { throw .randomFailure }
        } while BN_is_zero(k.bn) == 1
        return k.bytes(length: orderLength)
    }

    // MARK: OpenSSL plumbing

    private func context() throws(CryptoError) -> OpaquePointer {
        guard let ctx = BN_CTX_new() else { throw .fromQueue("BN_CTX_new") }
        return ctx
    }

    /// An EC_POINT for `point` (caller frees). EC_POINT_set_affine_coordinates rejects points off the curve.
    private func makePoint(_ point: ECPoint) throws(CryptoError) -> OpaquePointer {
        guard point.x.count == coordinateLength, point.y.count == coordinateLength else {
            throw .invalidPoint("coordinates of another curve's length")
        }
        guard let native = EC_POINT_new(group) else { throw .fromQueue("EC_POINT_new") }
        let ctx = try context()
        defer { BN_CTX_free(ctx) }
        let x = BigNumber(point.x), y = BigNumber(point.y)
        guard EC_POINT_set_affine_coordinates(group, native, x.bn, y.bn, ctx) == 1 else {
            ERR_clear_error()
            EC_POINT_free(native)
            throw .invalidPoint("not on the curve")
        }
        return native
    }

    private func compute(_ body: (OpaquePointer, OpaquePointer) -> Int32) throws(CryptoError) -> ECPoint {
        guard let result = EC_POINT_new(group) else { throw .fromQueue("EC_POINT_new") }
        defer { EC_POINT_free(result) }
        let ctx = try context()
        defer { BN_CTX_free(ctx) }
        guard body(result, ctx) == 1 else { throw .fromQueue("EC_POINT arithmetic") }
        guard EC_POINT_is_at_infinity(group, result) == 0 else { throw .pointAtInfinity }
        let x = BigNumber(), y = BigNumber()
        guard EC_POINT_get_affine_coordinates(group, result, x.bn, y.bn, ctx) == 1 else {
            throw .fromQueue("EC_POINT_get_affine_coordinates")
        }
        return ECPoint(x: x.bytes(length: coordinateLength), y: y.bytes(length: coordinateLength))
    }
}

/// A BIGNUM owned by Swift; secret ones are cleared when freed.
final class BigNumber {
    let bn: OpaquePointer
    private let secret: Bool

    init(secret: Bool = false) {
        bn = BN_new()
        self.secret = secret
    }

    init(_ bytes: [UInt8], secret: Bool = false) {
        bn = BN_bin2bn(bytes, Int32(bytes.count), nil)
        self.secret = secret
    }

    deinit {
        if secret { BN_clear_free(bn) } else { BN_free(bn) }
    }

    func bytes(length: Int) -> [UInt8] { Self.bytes(of: bn, length: length) }

    static func bytes(of bn: OpaquePointer, length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        _ = BN_bn2binpad(bn, &out, Int32(length))
        return out
    }
}

extension EllipticCurve {
    /// A random draw of ``orderLength`` bytes with the bits above the order's bit length cleared, so that a draw
    /// lands in 1…n−1 with probability at least one half (P-521's order has 521 bits in 66 bytes: unmasked, barely
    /// one draw in a hundred would fit). On every curve whose order fills its bytes this leaves the draw unchanged.
    public func maskedScalar(_ draw: [UInt8]) -> [UInt8] {
        guard var first = order.first(where: { $0 != 0 }), !draw.isEmpty else { return draw }
        var mask: UInt8 = 0
        while first != 0 {
            mask = mask << 1 | 1
            first >>= 1
        }
        var out = draw
        let leadingZeroBytes = order.prefix(while: { $0 == 0 }).count
        for i in 0..<min(leadingZeroBytes, out.count) { out[i] = 0 }
        if leadingZeroBytes < out.count { out[leadingZeroBytes] &= mask }
        return out
    }
}
