import Testing
@testable import ICAOCrypto

@Suite struct MaskedScalarTests {
    @Test func p521_keepsOnlyTheOrdersBits() throws {
        let curve = try EllipticCurve(.p521)
        let draw = [UInt8](repeating: 0xFF, count: curve.orderLength)
        let masked = curve.maskedScalar(draw)
        #expect(curve.orderLength == 66)
        #expect(masked[0] == 0x01)  // P-521's order has 521 bits: 1 bit in the first byte
        #expect(masked.dropFirst().allSatisfy { $0 == 0xFF })
    }

    @Test(arguments: [NamedCurve.brainpoolP256r1, .p256, .brainpoolP384r1, .brainpoolP512r1])
    func fullByteOrders_areLeftAlone(_ named: NamedCurve) throws {
        let curve = try EllipticCurve(named)
        let draw = (0..<curve.orderLength).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 200) }
        #expect(curve.maskedScalar(draw) == draw)
    }
}
