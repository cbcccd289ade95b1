import Foundation
import ICAOCrypto
import LDS
import Testing
@testable import Verification
@testable import VirtualCard

/// Issue 18 over the test PKI: the legacy eContentTypes, and finding the signer's certificate when its SignerInfo
/// writes the issuer's name differently, with nothing else widened.
@Suite struct SignedContentTests {
    static let groups = Fixture.dataGroups(try! Fixture.card())

    /// EF.SOD signed by `openssl cms` with the given eContentType (which it also writes as the contentType attribute).
    static func sod(contentType: String) throws -> [UInt8] {
        try Fixture.opensslSOD(content: Fixture.securityObject(groups, digest: .sha256), signer: "ds-good",
                               digest: "sha256", contentType: contentType)
    }

    static func verify(_ sod: [UInt8]) throws -> PassiveAuthenticationReport {
        PassiveAuthentication.verify(sod: sod, dataGroups: groups, issuingState: "VNM",
                                     trust: try Fixture.store("csca-a.pem"), at: Fixture.now)
    }

    @Test(arguments: ["1.2.840.113549.1.7.1", "1.3.27.1.1.1", "1.2.528.1.1006.1.20.1"])
    func legacyContentType_isAccepted_withAWarning(_ oid: String) throws {
        let sod = try Self.sod(contentType: oid)
        #expect(try EFSOD(bytes: sod).contentType == OID(dotted: oid))
        let report = try Self.verify(sod)
        #expect(report.verdict == .passed, "\(report.problems)")
        #expect(report.signature == .passed)
        #expect(report.codes == [.sodContentTypeLegacy])
        #expect(report.problems.first?.severity == .warning)
        #expect(report.problems.first?.message.contains(oid) == true)
    }

    /// gmrtd's invalid case (2.23.136.2.2.2), CMS's signedData, and ICAO's own arc one step off: no OID other than the
    /// three legacy ones is widened.
    @Test(arguments: ["2.23.136.2.2.2", "1.2.840.113549.1.7.2", "2.23.136.1.1.2", "1.3.27.1.1.2"])
    func otherContentType_failsTheSignature(_ oid: String) throws {
        let report = try Self.verify(try Self.sod(contentType: oid))
        #expect(report.verdict == .failed)
        #expect(report.codes == [.sodContentTypeInvalid])
        #expect(report.signature.name == "failed")
    }

    // MARK: Signer identification (RFC 5652 §5.3 with RFC 5280 §7.1 name matching)

    /// The virtual card's EF.SOD with its SignerInfo's issuer Name replaced by `name` (of the same length, so the
    /// lengths around it hold), and the serial number's last octet XORed with `serialFlip`. Nothing signed changes.
    static func sodWithSignerIssuer(_ name: [UInt8], serialFlip: UInt8 = 0) throws -> [UInt8] {
        var sod = Fixture.sod(try Fixture.card())
        let ds = try Fixture.certificate("ds-good")
        let issuer = Array(ds.issuer.der)
        let ranges = sod.ranges(of: issuer)
        #expect(ranges.count == 2)  // in the certificate, then in the SignerInfo
        let sid = ranges[1]
        precondition(name.count == issuer.count)
        sod.replaceSubrange(sid, with: name)
        // The serial INTEGER follows the Name.
        let serialEnd = sid.upperBound + 2 + ds.serialNumber.count
        #expect(sod[sid.upperBound] == 0x02)
        sod[serialEnd - 1] ^= serialFlip
        return sod
    }

    /// `C=VN, O=cccd TEST ONLY, CN=cccd TEST CSCA A` written with the given string tag and case, in the given order.
    static func issuerName(tag: UInt8, uppercase: Bool = false, countryLast: Bool = false,
                           commonName: String = "cccd TEST CSCA A") -> [UInt8] {
        func rdn(_ w: inout TLVWriter, _ oid: OID, _ value: String, _ tag: UInt8) {
            w.append(.set) { w in
                w.append(.sequence) { w in
                    w.appendOID(oid)
                    w.append(BERTag(rawValue: UInt32(tag)), value: Array((uppercase ? value.uppercased() : value).utf8))
                }
            }
        }
        var w = TLVWriter()
        w.append(.sequence) { w in
            if !countryLast { rdn(&w, "2.5.4.6", "VN", 0x13) }
            rdn(&w, "2.5.4.10", "cccd TEST ONLY", tag)
            rdn(&w, "2.5.4.3", commonName, tag)
            if countryLast { rdn(&w, "2.5.4.6", "VN", 0x13) }
        }
        return w.bytes
    }

    @Test func theTestSignersIssuer_isWrittenAsUTF8String_byOpenSSL() throws {
        // The premise of the next tests: ds-good's issuer is C (PrintableString), O and CN (UTF8String), in that order.
        #expect(Array(try Fixture.certificate("ds-good").issuer.der) == Self.issuerName(tag: 0x0C))
    }

    @Test func signerIssuer_inAnotherStringTypeAndCase_isFound() throws {
        let report = try Self.verify(try Self.sodWithSignerIssuer(Self.issuerName(tag: 0x13, uppercase: true)))
        #expect(report.verdict == .passed, "\(report.problems)")
        #expect(report.codes.isEmpty)
    }

    @Test func signerIssuer_withItsRDNsInAnotherOrder_isFound() throws {
        let report = try Self.verify(try Self.sodWithSignerIssuer(Self.issuerName(tag: 0x0C, countryLast: true)))
        #expect(report.verdict == .passed, "\(report.problems)")
    }

    @Test func signerIssuer_reordered_butTheSerialDiffers_isMissing() throws {
        let report = try Self.verify(try Self.sodWithSignerIssuer(Self.issuerName(tag: 0x0C, countryLast: true),
                                                                  serialFlip: 0x01))
        #expect(report.codes == [.sodSignerCertificateMissing])
        #expect(report.verdict == .failed)
    }

    @Test func signerIssuer_ofAnotherName_isMissing() throws {
        // "CSCA B" for "CSCA A": the same length, another issuer.
        let report = try Self.verify(try Self.sodWithSignerIssuer(Self.issuerName(tag: 0x0C, commonName: "cccd TEST CSCA B")))
        #expect(report.codes == [.sodSignerCertificateMissing])
    }

    @Test func signerFoundByAReorderedName_mustStillHaveSigned() throws {
        // ds-good's certificate, ds-other's key, and the SignerInfo's issuer reordered: found, and the signature fails.
        var sod = try Fixture.sod(Self.groups, signer: "ds-good", key: "ds-other")
        let issuer = Array(try Fixture.certificate("ds-good").issuer.der)
        let ranges = sod.ranges(of: issuer)
        sod.replaceSubrange(ranges[1], with: Self.issuerName(tag: 0x0C, countryLast: true))
        let report = try Self.verify(sod)
        #expect(report.codes == [.sodSignatureInvalid])
    }
}
