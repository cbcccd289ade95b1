import Foundation
import LDS
import Testing
@testable import Verification

/// Untrusted bytes never crash the parsers: certificates, CRLs and master lists with random corruptions either parse
/// or throw a typed error.
@Suite struct MalformedInputTests {
    /// SplitMix64, so every run corrupts the same bytes.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// `count` corruptions of `bytes`: a byte changed, a run removed, or the end cut off.
    static func corruptions(of bytes: [UInt8], count: Int, seed: UInt64) -> [[UInt8]] {
        var random = Generator(state: seed)
        return (0..<count).map { _ in
            var copy = bytes
            switch Int.random(in: 0..<3, using: &random) {
            case 0:
                copy[Int.random(in: 0..<copy.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 1:
                let start = Int.random(in: 0..<copy.count, using: &random)
                copy.removeSubrange(start..<min(copy.count, start + Int.random(in: 1...8, using: &random)))
            default:
                copy = Array(copy.prefix(Int.random(in: 0..<copy.count, using: &random)))
            }
            return copy
        }
    }

    @Test func corruptedCertificates_parseOrThrow() throws {
        for name in ["csca-a.der", "ds-rsapss.der", "ds-explicit.der", "csca-a2-link.der"] {
            for bytes in Self.corruptions(of: try Fixture.pki(name), count: 400, seed: 1) {
                if let certificate = try? Certificate(der: bytes) {
                    _ = certificate.subject.text
                    _ = try? certificate.publicKey()
                }
            }
        }
    }

    @Test func corruptedCRL_parsesOrThrows() throws {
        for bytes in Self.corruptions(of: try Fixture.pki("csca-a.crl"), count: 400, seed: 2) {
            _ = try? RevocationList(der: bytes)
        }
    }

    @Test func corruptedMasterList_isRefusedOrUnchanged() throws {
        let original = try MasterList(der: try Fixture.pki("masterlist.ml"))
        for bytes in Self.corruptions(of: try Fixture.pki("masterlist.ml"), count: 150, seed: 3) {
            guard let list = try? MasterList(der: bytes) else { continue }
            // Only a change outside what is signed can leave the list accepted, and then it lists the same CSCAs.
            #expect(list.certificates == original.certificates)
        }
    }
}
