// libFuzzer entry point for the X.509 and CMS parsers (LDS) and the checks over them (Verification). The first
// input byte picks the target (modulo the number of targets), the rest is the structure. A parser may reject any
// input with its typed error; nothing may crash, hang or allocate without bound. What a parser accepts is checked
// for the invariants a caller relies on (re-parsing a certificate's own DER gives it back, a Name matches itself…),
// and the verification targets run the full signer and path checks over the input against the test PKI.
import FuzzSupport
import Foundation
import LDS
import Verification

enum Target: UInt8, CaseIterable {
    case certificate, name, revocationList, signedData, masterList, sod, masterListVerification
}

@inline(never)
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("invariant broken: \(message())") }
}

/// The test PKI the verification targets check against (Vectors/pki, found from this file).
enum TestPKI {
    static let folder: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)  // Fuzz/Sources/PKIFuzzer/PKIFuzzer.swift
        return parts.joined(separator: "/") + "/Vectors/pki/"
    }()
    static func certificate(_ name: String) -> Certificate {
        guard let data = FileManager.default.contents(atPath: folder + name),
              let certificate = try? Certificate(der: [UInt8](data)) else { fatalError("missing \(folder + name)") }
        return certificate
    }
    static let anchors = [certificate("csca-a.der"), certificate("csca-b.der")]
    static let trust = TrustStore(certificates: anchors + [certificate("csca-a2-link.der")])
    /// Inside every test certificate's validity but ds-expired's.
    static let date = Date(timeIntervalSince1970: 1_795_392_000)  // 2026-11-23
}

func checkCertificate(_ c: Certificate) {
    require((try? Certificate(der: Array(c.der))) == c, "a certificate's DER re-parses to itself")
    require(c.subject.matches(c.subject) && c.issuer.matchesIgnoringRDNOrder(c.issuer), "a Name matches itself")
    require(c.der.startIndex <= c.tbsCertificate.startIndex && c.tbsCertificate.endIndex <= c.der.endIndex,
            "the TBSCertificate lies inside the certificate")
    _ = c.subject.text
    _ = c.issuer.country
    _ = c.isSelfIssued
    _ = try? c.publicKey()
}

func fuzz(_ target: Target, _ bytes: [UInt8]) {
    switch target {
    case .certificate:
        if let c = try? Certificate(der: bytes) { checkCertificate(c) }
    case .name:
        if let n = try? DistinguishedName(der: bytes) {
            require((try? DistinguishedName(der: Array(n.der)))?.matchingKey == n.matchingKey, "a Name re-parses")
            require(n.matches(n) && n.matchesIgnoringRDNOrder(n), "a Name matches itself")
            require(n.rdns.joined().count == n.attributes.count, "rdns hold every attribute")
            _ = n.text
        }
    case .revocationList:
        if let crl = try? RevocationList(der: bytes) {
            require((try? RevocationList(der: Array(crl.der))) == crl, "a CRL's DER re-parses to itself")
            _ = crl.checkSignature(issuerKey: try! TestPKI.anchors[0].publicKey())
        }
    case .signedData:
        if let signed = try? SignedData(contentInfo: bytes) {
            for info in signed.signerInfos { require(info.signedAttributesDER.map { $0.first == 0x31 } ?? true, "31") }
            for c in signed.certificates { checkCertificate(c) }
        }
    case .masterList:
        if let list = try? CscaMasterList(der: bytes) {
            require(list.signedData.contentType == .cscaMasterList, "a master list's content type")
            for c in list.certificates { checkCertificate(c) }
        }
    case .sod:
        let report = PassiveAuthentication.verify(sod: bytes, dataGroups: [1: [0x61, 0x00]], issuingState: "VNM",
                                                  trust: TestPKI.trust, at: TestPKI.date)
        // One fabricated data group never hashes to a value of a signed SOD: no input may pass.
        require(report.verdict != .passed, "a fuzzed SOD passed passive authentication")
    case .masterListVerification:
        if let list = try? MasterList(der: bytes, anchors: TestPKI.anchors, at: TestPKI.date) {
            require(list.signerPath.last.map { TestPKI.anchors.contains($0) } ?? false, "an accepted list's signer chains to an anchor")
        }
    }
}

// SwiftPM links an executable's entry point as `PKIFuzzer_main`: the harness hands control to libFuzzer's driver.
@_cdecl("PKIFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { selector, bytes in
        fuzz(Target(rawValue: selector % UInt8(Target.allCases.count))!, bytes)
    }
}
