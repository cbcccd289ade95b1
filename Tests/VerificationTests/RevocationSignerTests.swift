import Foundation
import LDS
import Testing
@testable import Verification

extension CertificatePathRuleTests {
    /// RFC 5280 §4.2.1.3 and ICAO 9303-12 §7.1.4: a CRL is applied only when its signer may sign CRLs. CSCA A
    /// re-issued by the `openssl req` command with its own key and name but key usage keyCertSign only (no cRLSign):
    /// the document signer ds-revoked still chains to it, and csca-a.crl (which lists ds-revoked) verifies with its
    /// key, yet the CRL must not be applied: CRL_SIGNATURE_INVALID, and no revocation.
    @Test func crl_signedByACSCAWithoutCRLSign_isNotApplied() throws {
        let scratch = ScratchFolder()
        let folder = try scratch.folder("no-crlsign")
        let certificate = folder.appendingPathComponent("csca-a-no-crlsign.pem")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "req", "-x509", "-new", "-key", Fixture.pkiPath("csca-a.key"),
                             "-subj", "/C=VN/O=cccd TEST ONLY/CN=cccd TEST CSCA A", "-days", "7300",
                             "-set_serial", "4242",
                             "-addext", "basicConstraints=critical,CA:TRUE",
                             "-addext", "keyUsage=critical,keyCertSign",
                             "-addext", "subjectKeyIdentifier=hash", "-out", certificate.path]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl req failed")
        let reissued = try Certificate(der: try pemBody(certificate))
        #expect(reissued.extensions.keyUsage?.contains(.cRLSign) == false)

        // openssl 3.0's req starts the validity now: the reading is now too.
        let now = Date()
        let sod = try Fixture.sod(Self.groups, signer: "ds-revoked")
        let trust = try TrustStore.load(paths: [certificate.path, Fixture.pkiPath("csca-a.crl")], at: now)
        let report = PassiveAuthentication.verify(sod: sod, dataGroups: Self.groups, issuingState: "VNM", trust: trust,
                                                  at: now)
        #expect(report.codes.contains(.crlSignatureInvalid))
        #expect(!report.codes.contains(.dsCertificateRevoked))
        #expect(report.certificatePath.map(\.serialNumber) == [reissued.serialNumber])
        // The same CRL under the CSCA as issued (keyCertSign and cRLSign) revokes the signer.
        let good = try Self.verify(signer: "ds-revoked", trust: ["csca-a.pem", "csca-a.crl"])
        #expect(good.codes == [.dsCertificateRevoked])
    }

    /// The DER inside a PEM file.
    private func pemBody(_ url: URL) throws -> [UInt8] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let base64 = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return [UInt8](try #require(Data(base64Encoded: base64)))
    }
}
