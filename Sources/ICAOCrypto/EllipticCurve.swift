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

    /// The curve's usual name, e.g. `P-256` or `brainpoolP256r1`.
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

    /// Explicit domain parameters as a document carries them (DG14, DG15): the standardized curve of ICAO 9303-11
    /// Table 4 when every parameter (p, a, b, G, n, h) is that curve's, else a curve built from the parameters
    /// after the checks of ``init(prime:a:b:generator:order:cofactor:)``.
    ///
    /// A missing cofactor is computed as SEC 1 §C.2 allows, ⌊(√p + 1)² / n⌋, and then checked like a given one.
    public convenience init(recognizing prime: [UInt8], a: [UInt8], b: [UInt8], generator: [UInt8], order: [UInt8],
                            cofactor: [UInt8]?) throws(CryptoError) {
        let h: [UInt8]
        if let cofactor { h = cofactor } else { h = try EllipticCurve.impliedCofactor(prime: prime, order: order) }
        if let named = NamedCurve.matching(prime: prime, a: a, b: b, generator: generator, order: order, cofactor: h) {
            try self.init(named)
        } else {
            try self.init(prime: prime, a: a, b: b, generator: generator, order: order, cofactor: h)
        }
    }

    /// A curve y² = x³ + ax + b over GF(p) from explicit domain parameters, all big-endian, checked before use
    /// (SEC 1 v2 §3.1.1.2.1, BSI TR-03111 §2.3):
    /// - p is an odd prime of 192 to 521 bits;
    /// - a and b are field elements (below p) and the curve is not singular (4a³ + 27b² ≢ 0 mod p);
    /// - G decodes (uncompressed or compressed), lies on the curve and is not the point at infinity;
    /// - n is a prime other than p, and n·G is the point at infinity, so G has order n;
    /// - h is between 1 and 2^(bits(p)/16) and h·n lies in Hasse's interval, |h·n − (p + 1)| ≤ 2√p, so n really
    ///   is the order of a large subgroup of this curve;
    /// - p^k ≢ 1 mod n for k = 1…100 (no small embedding degree: the MOV condition).
    ///
    /// - Throws: ``CryptoError/invalidDomainParameters(_:)`` naming the first check that fails.
    public convenience init(prime: [UInt8], a: [UInt8], b: [UInt8], generator: [UInt8], order: [UInt8],
                            cofactor: [UInt8]) throws(CryptoError) {
        try self.init(checked: prime, a: a, b: b, generator: generator, order: order, cofactor: cofactor,
                      validateDomain: true)
    }

    private convenience init(checked prime: [UInt8], a: [UInt8], b: [UInt8], generator: [UInt8], order: [UInt8],
                             cofactor: [UInt8], validateDomain: Bool) throws(CryptoError) {
        guard !prime.isEmpty, prime.count <= 80, !order.isEmpty, order.count <= 81, !cofactor.isEmpty,
              cofactor.count <= 80, a.count <= 80, b.count <= 80, generator.count <= 1 + 2 * 80 else {
            throw .invalidDomainParameters(.implausibleLength)
        }
        let p = BigNumber(prime), ca = BigNumber(a), cb = BigNumber(b)
        let n = BigNumber(order), h = BigNumber(cofactor)
        guard let ctx = BN_CTX_new() else { throw .fromQueue("BN_CTX_new") }
        defer { BN_CTX_free(ctx) }
        if validateDomain {
            try EllipticCurve.checkDomain(p: p, a: ca, b: cb, n: n, h: h, ctx: ctx)
        }
        guard let group = EC_GROUP_new_curve_GFp(p.bn, ca.bn, cb.bn, ctx) else {
            ERR_clear_error()
            throw .invalidDomainParameters(.fieldNotPrime)
        }
        guard let g = EC_POINT_new(group) else {
            EC_GROUP_free(group)
            throw .fromQueue("EC_POINT_new")
        }
        defer { EC_POINT_free(g) }
        guard EC_POINT_oct2point(group, g, generator, generator.count, ctx) == 1,
              EC_POINT_is_at_infinity(group, g) == 0, EC_POINT_is_on_curve(group, g, ctx) == 1 else {
            ERR_clear_error()
            EC_GROUP_free(group)
            throw .invalidDomainParameters(.generatorNotOnCurve)
        }
        guard EC_GROUP_set_generator(group, g, n.bn, h.bn) == 1 else {
            ERR_clear_error()
            EC_GROUP_free(group)
            throw .invalidDomainParameters(.orderNotPrime)
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
            throw .invalidDomainParameters(.generatorOrderMismatch)
        }
        try self.init(taking: group, named: nil)
    }

    /// The checks on p, a, b, n and h of ``init(prime:a:b:generator:order:cofactor:)``.
    private static func checkDomain(p: BigNumber, a: BigNumber, b: BigNumber, n: BigNumber, h: BigNumber,
                                    ctx: OpaquePointer) throws(CryptoError) {
        let bits = Int(BN_num_bits(p.bn))
        guard (192...521).contains(bits) else { throw .invalidDomainParameters(.fieldSize(bits: bits)) }
        guard BN_is_odd(p.bn) == 1, BN_check_prime(p.bn, ctx, nil) == 1 else {
            ERR_clear_error()
            throw .invalidDomainParameters(.fieldNotPrime)
        }
        guard BN_cmp(a.bn, p.bn) < 0, BN_cmp(b.bn, p.bn) < 0 else {
            throw .invalidDomainParameters(.coefficientNotFieldElement)
        }
        // 4a³ + 27b² mod p.
        let a3 = BigNumber(), b2 = BigNumber(), sum = BigNumber()
        guard BN_mod_sqr(a3.bn, a.bn, p.bn, ctx) == 1, BN_mod_mul(a3.bn, a3.bn, a.bn, p.bn, ctx) == 1,
              BN_mul_word(a3.bn, 4) == 1, BN_mod_sqr(b2.bn, b.bn, p.bn, ctx) == 1, BN_mul_word(b2.bn, 27) == 1,
              BN_mod_add(sum.bn, a3.bn, b2.bn, p.bn, ctx) == 1 else {
            throw .fromQueue("BN arithmetic (discriminant)")
        }
        guard BN_is_zero(sum.bn) == 0 else { throw .invalidDomainParameters(.singularCurve) }
        guard BN_check_prime(n.bn, ctx, nil) == 1 else {
            ERR_clear_error()
            throw .invalidDomainParameters(.orderNotPrime)
        }
        guard BN_cmp(n.bn, p.bn) != 0 else { throw .invalidDomainParameters(.anomalous) }
        guard BN_is_zero(h.bn) == 0, Int(BN_num_bits(h.bn)) <= bits / 16 + 1 else {
            throw .invalidDomainParameters(.cofactorImplausible)
        }
        // Hasse: (h·n − (p + 1))² ≤ 4p.
        let hn = BigNumber(), p1 = BigNumber(), d = BigNumber(), d2 = BigNumber(), p4 = BigNumber()
        guard BN_mul(hn.bn, h.bn, n.bn, ctx) == 1, BN_copy(p1.bn, p.bn) != nil, BN_add_word(p1.bn, 1) == 1,
              BN_sub(d.bn, hn.bn, p1.bn) == 1, BN_sqr(d2.bn, d.bn, ctx) == 1, BN_copy(p4.bn, p.bn) != nil,
              BN_mul_word(p4.bn, 4) == 1 else {
            throw .fromQueue("BN arithmetic (Hasse bound)")
        }
        guard BN_cmp(d2.bn, p4.bn) <= 0 else { throw .invalidDomainParameters(.orderOutsideHasseBound) }
        // MOV: p^k mod n for k = 1…100.
        let pk = BigNumber(), pn = BigNumber()
        guard BN_nnmod(pn.bn, p.bn, n.bn, ctx) == 1, BN_copy(pk.bn, pn.bn) != nil else {
            throw .fromQueue("BN arithmetic (MOV)")
        }
        for k in 1...100 {
            if BN_is_one(pk.bn) == 1 { throw .invalidDomainParameters(.smallEmbeddingDegree(k)) }
            guard BN_mod_mul(pk.bn, pk.bn, pn.bn, n.bn, ctx) == 1 else { throw .fromQueue("BN arithmetic (MOV)") }
        }
    }

    /// SEC 1 §C.2: h = ⌊(√p + 1)² / n⌋ when the parameters leave the cofactor out.
    static func impliedCofactor(prime: [UInt8], order: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard !prime.isEmpty, prime.count <= 80, !order.isEmpty, order.count <= 81 else {
            throw .invalidDomainParameters(.implausibleLength)
        }
        let p = BigNumber(prime), n = BigNumber(order)
        guard let ctx = BN_CTX_new() else { throw .fromQueue("BN_CTX_new") }
        defer { BN_CTX_free(ctx) }
        guard BN_is_zero(n.bn) == 0 else { throw .invalidDomainParameters(.orderNotPrime) }
        // (√p + 1)² = p + 2√p + 1; with s = ⌊√p⌋ (integer square root by Newton's method), p + 2s + 2 bounds it.
        let s = BigNumber(), t = BigNumber(), sum = BigNumber(), q = BigNumber()
        guard BN_copy(s.bn, p.bn) != nil else { throw .fromQueue("BN_copy") }
        while true {
            // t = (s + p / s) / 2
            guard BN_div(t.bn, nil, p.bn, s.bn, ctx) == 1, BN_add(t.bn, t.bn, s.bn) == 1,
                  BN_rshift1(t.bn, t.bn) == 1 else { throw .fromQueue("BN arithmetic (square root)") }
            if BN_cmp(t.bn, s.bn) >= 0 { break }
            guard BN_copy(s.bn, t.bn) != nil else { throw .fromQueue("BN_copy") }
        }
        guard BN_copy(sum.bn, s.bn) != nil, BN_lshift1(sum.bn, sum.bn) == 1, BN_add(sum.bn, sum.bn, p.bn) == 1,
              BN_add_word(sum.bn, 1) == 1, BN_div(q.bn, nil, sum.bn, n.bn, ctx) == 1 else {
            throw .fromQueue("BN arithmetic (cofactor)")
        }
        return q.bytes(length: max(1, Int(cccd_bn_num_bytes(q.bn))))
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
        // p, a, b, n and h are this curve's, already checked: only the new generator needs checking.
        try EllipticCurve(checked: prime, a: a, b: b, generator: newGenerator.uncompressed, order: order,
                          cofactor: cofactor, validateDomain: false)
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

extension NamedCurve {
    /// The parameters of each curve of Table 4, leading zero octets removed, computed once.
    private static let parameters: [(curve: NamedCurve, p: [UInt8], a: [UInt8], b: [UInt8], x: [UInt8], y: [UInt8],
                                     n: [UInt8], h: [UInt8])] = NamedCurve.allCases.compactMap { curve in
        guard let c = try? EllipticCurve(curve) else { return nil }
        return (curve, c.prime.strippingLeadingZeros, c.a.strippingLeadingZeros, c.b.strippingLeadingZeros,
                c.generator.x.strippingLeadingZeros, c.generator.y.strippingLeadingZeros,
                c.order.strippingLeadingZeros, c.cofactor.strippingLeadingZeros)
    }

    /// The curve of ICAO 9303-11 Table 4 whose parameters are all these (p, a, b, G, n, h, compared as numbers;
    /// G uncompressed, or compressed with the parity of y); nil when none matches in every parameter.
    public static func matching(prime: [UInt8], a: [UInt8], b: [UInt8], generator: [UInt8], order: [UInt8],
                                cofactor: [UInt8]) -> NamedCurve? {
        let p = prime.strippingLeadingZeros, n = order.strippingLeadingZeros, h = cofactor.strippingLeadingZeros
        let ca = a.strippingLeadingZeros, cb = b.strippingLeadingZeros
        for c in parameters where c.p == p && c.a == ca && c.b == cb && c.n == n && c.h == h {
            let length = (c.p.count)
            switch generator.first {
            case 0x04? where generator.count == 1 + 2 * length:
                if Array(generator[1...length]).strippingLeadingZeros == c.x,
                   Array(generator[(1 + length)...]).strippingLeadingZeros == c.y { return c.curve }
            case let form? where (form == 0x02 || form == 0x03) && generator.count == 1 + length:
                let yIsOdd = (c.y.last ?? 0) & 1 == 1
                if Array(generator[1...]).strippingLeadingZeros == c.x, yIsOdd == (form == 0x03) { return c.curve }
            default:
                break
            }
        }
        return nil
    }
}

/// Which check explicit elliptic-curve domain parameters fail (``EllipticCurve/init(prime:a:b:generator:order:cofactor:)``).
public enum DomainParameterDefect: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// A parameter is empty or far longer than any curve's.
    case implausibleLength
    /// The field size is outside 192…521 bits.
    case fieldSize(bits: Int)
    /// p is not an odd prime.
    case fieldNotPrime
    /// a or b is not below p.
    case coefficientNotFieldElement
    /// 4a³ + 27b² ≡ 0 (mod p): not an elliptic curve.
    case singularCurve
    /// G does not decode, is the point at infinity, or is not on the curve.
    case generatorNotOnCurve
    /// n is not prime.
    case orderNotPrime
    /// n·G is not the point at infinity.
    case generatorOrderMismatch
    /// n equals p (an anomalous curve).
    case anomalous
    /// h is zero or too large for the field.
    case cofactorImplausible
    /// h·n is outside Hasse's interval around p + 1.
    case orderOutsideHasseBound
    /// p^k ≡ 1 (mod n) for this small k (the MOV condition).
    case smallEmbeddingDegree(Int)

    /// One line naming the check the parameters fail.
    public var description: String {
        switch self {
        case .implausibleLength: return "a parameter is empty or implausibly long"
        case .fieldSize(let bits): return "a \(bits)-bit field (192 to 521 bits accepted)"
        case .fieldNotPrime: return "p is not an odd prime"
        case .coefficientNotFieldElement: return "a or b is not below p"
        case .singularCurve: return "4a³ + 27b² is 0 mod p (a singular curve)"
        case .generatorNotOnCurve: return "the generator does not decode to a point on the curve"
        case .orderNotPrime: return "the order n is not prime"
        case .generatorOrderMismatch: return "n·G is not the point at infinity"
        case .anomalous: return "n equals p (an anomalous curve)"
        case .cofactorImplausible: return "the cofactor is zero or too large"
        case .orderOutsideHasseBound: return "h·n is outside Hasse's interval around p + 1"
        case .smallEmbeddingDegree(let k): return "p^\(k) is 1 mod n (MOV condition)"
        }
    }
}

extension Array where Element == UInt8 {
    var strippingLeadingZeros: [UInt8] { Array(drop(while: { $0 == 0 })) }
}
