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

    @Test func corruptedCertificates_parseOrThrowTheTypedError_pointingInsideTheBytes() throws {
        for name in ["csca-a.der", "ds-rsapss.der", "ds-explicit.der", "csca-a2-link.der"] {
            for bytes in Self.corruptions(of: try Fixture.pki(name), count: 400, seed: 1) {
                do {
                    let certificate = try Certificate(der: bytes)
                    _ = certificate.subject.text
                    _ = try? certificate.publicKey()
                } catch {
                    #expect(error.structure == .certificate)
                    #expect(Self.offset(of: error.reason).map { (0...bytes.count).contains($0) } ?? true)
                }
            }
        }
    }

    @Test func corruptedCRL_parsesOrThrowsTheTypedError() throws {
        for bytes in Self.corruptions(of: try Fixture.pki("csca-a.crl"), count: 400, seed: 2) {
            do { _ = try RevocationList(der: bytes) } catch {
                #expect(error.structure == .revocationList)
                #expect(Self.offset(of: error.reason).map { (0...bytes.count).contains($0) } ?? true)
            }
        }
    }

    @Test func corruptedMasterList_isRefusedWithATypedFailure_orUnchanged() throws {
        let anchors = [try Fixture.certificate("csca-a")]
        let original = try MasterList(der: try Fixture.pki("masterlist.ml"), anchors: anchors, at: Fixture.now)
        for bytes in Self.corruptions(of: try Fixture.pki("masterlist.ml"), count: 150, seed: 3) {
            do {
                let list = try MasterList(der: bytes, anchors: anchors, at: Fixture.now)
                // Only a change outside what is signed can leave the list accepted, and then it lists the same CSCAs.
                #expect(list.certificates == original.certificates)
            } catch {
                if case .malformed(let parse) = error { #expect(parse.structure == .masterList) }
            }
        }
    }

    @Test func corruptedSignedData_parsesOrThrowsTheTypedError() throws {
        for bytes in Self.corruptions(of: try Fixture.pki("masterlist.ml"), count: 300, seed: 4) {
            do { _ = try SignedData(contentInfo: bytes) } catch {
                #expect(error.structure == .signedData)
                #expect(Self.offset(of: error.reason).map { (0...bytes.count).contains($0) } ?? true)
            }
        }
    }

    /// Where a parse failure says it was found.
    static func offset(of reason: LDSError.Reason) -> Int? {
        switch reason {
        case .tlv(let e): return e.offset
        case .invalidField(_, let offset, _): return offset
        default: return nil
        }
    }
}
