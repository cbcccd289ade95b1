import Foundation
import ICAOCrypto
import LDS
import Testing
@testable import Verification

/// Real documents (Vectors/real, copied from gmrtd's published test data; see Vectors/real/README.md): 13 passports'
/// EF.SOD with their document signer and CSCA certificates, and Germany's ICAO master list with the German root CSCA.
/// Every expected value comes from the publication or from the openssl command (scripts/import-gmrtd-vectors.py),
/// none from this code.
@Suite struct RealDocumentTests {
    static let folder = Fixture.root.appendingPathComponent("Vectors/real")
    static let countries = ["AT", "AU", "CN", "DE", "FI", "FR", "GB", "MY", "NZ", "PH", "RU", "SG", "US"]
    static let masterList = "masterlist/DE_ML_2026-05-28-08-28-45.ml"
    static let rootCSCA = "masterlist/DE_ROOT_CA_CSCA07.cer"
    /// Inside the master list signer's validity (2024-10-17 to 2028-10-17, `openssl x509 -dates`).
    static let loadedAt = Fixture.date("2026-06-01")

    /// What the import recorded beside each document.
    struct Expected: Decodable {
        var country: String
        var issuingState: String
        var hashAlgorithm: String
        var dg1Hash: String
        var dg2Hash: String
        var readAt: Date
        var notes: [String]
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(path)))
    }

    static func expected(_ country: String) throws -> Expected {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Expected.self, from: Data(try bytes("sod/\(country)/expected.json")))
    }

    /// The German root CSCA installed as the anchor, the German master list loaded over it: what a desk installs.
    static let trust: Result<TrustStore, Error> = Result {
        var store = TrustStore()
        #expect(store.add(try Certificate(der: try bytes(rootCSCA)), source: rootCSCA))
        try store.addMasterList(der: try bytes(masterList), source: masterList, at: loadedAt)
        return store
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test(arguments: countries)
    func realSOD_hasThePublishedHashes_andItsSignatureAndChainPass(_ country: String) throws {
        let expected = try Self.expected(country)
        let sodBytes = try Self.bytes("sod/\(country)/EF.SOD.bin")
        let sod = try EFSOD(bytes: sodBytes)
        let so = sod.securityObject
        let hash = try SignatureScheme.hash(so.hashAlgorithm)
        #expect("SHA-" + hash.rawValue.dropFirst(3) == expected.hashAlgorithm)
        #expect(so.hash(ofDataGroup: 1).map(Self.hex) == expected.dg1Hash)
        #expect(so.hash(ofDataGroup: 2).map(Self.hex) == expected.dg2Hash)
        #expect(sod.documentSignerCertificate?.der.elementsEqual(try Self.bytes("sod/\(country)/ds.der")) == true)

        let report = PassiveAuthentication.verify(sod: sodBytes, dataGroups: [:], issuingState: expected.issuingState,
                                                  trust: try Self.trust.get(), at: expected.readAt)
        #expect(report.signature == .passed, "\(country): \(report.problems)")
        #expect(report.chain == .passed, "\(country): \(report.problems)")
        // No data group is given (only their published hashes are): that alone keeps the verdict from passing.
        #expect(report.errors.map(\.code) == [.dataGroupNoneGiven], "\(country): \(report.problems)")
        #expect(report.signerCertificate?.subject.country == country)
        // The path ends at the CSCA gmrtd publishes, or at a certificate of the same subject and key (Singapore's
        // published one is its link certificate; the list also holds the self-signed one).
        let published = try Certificate(der: try Self.bytes("sod/\(country)/csca.der"))
        let anchor = try #require(report.certificatePath.first)
        #expect(anchor.subject.matches(published.subject))
        #expect(anchor.subjectPublicKeyInfo.der.elementsEqual(published.subjectPublicKeyInfo.der))
        #expect(report.trustAnchorSource == .masterList(Self.masterList) || country == "DE")

        // What each document is known for (issue 18).
        let warnings = Set(report.warnings.map(\.code))
        switch country {
        case "CN": #expect(warnings == [.sodContentTypeLegacy])  // eContentType id-data
        case "RU": #expect(warnings == [.algorithmSHA1])  // ECDSA with SHA-1
        default: #expect(warnings.isEmpty, "\(country): \(report.warnings)")
        }
    }

    @Test(arguments: countries)
    func realSOD_outsideItsSignersValidity_failsOnlyThere(_ country: String) throws {
        let expected = try Self.expected(country)
        let ds = try Certificate(der: try Self.bytes("sod/\(country)/ds.der"))
        let report = PassiveAuthentication.verify(sod: try Self.bytes("sod/\(country)/EF.SOD.bin"), dataGroups: [:],
                                                  issuingState: expected.issuingState, trust: try Self.trust.get(),
                                                  at: ds.notBefore.addingTimeInterval(-86_400))
        #expect(report.signature == .passed)
        #expect(report.errors.map(\.code).contains(.dsCertificateNotYetValid))
    }

    @Test func malaysianSignerInfo_namesItsIssuerWithTheRDNsReordered_andIsStillFound() throws {
        let sod = try EFSOD(bytes: try Self.bytes("sod/MY/EF.SOD.bin"))
        let ds = try #require(sod.documentSignerCertificate)
        guard case .issuerAndSerialNumber(let issuer, let serial) = sod.signerInfo.signerIdentifier else {
            Issue.record("not issuerAndSerialNumber")
            return
        }
        // `openssl cms -cmsout -print`: C, O, ST, L, OU, CN in the SignerInfo; C, ST, L, O, OU, CN in the certificate.
        #expect(!issuer.matches(ds.issuer))
        #expect(issuer.matchesIgnoringRDNOrder(ds.issuer))
        #expect(serial.elementsEqual(ds.serialNumber))
        #expect(sod.signedData.signerCertificate(sod.signerInfo) == ds)
    }

    @Test func signerWithReorderedIssuer_butAnotherSerial_isNotFound() throws {
        // The Malaysian SOD with the SignerInfo's serial number changed in its last octet: the names still match in
        // any order, the serial does not, so no certificate is the signer.
        var bytes = try Self.bytes("sod/MY/EF.SOD.bin")
        let ds = try Certificate(der: try Self.bytes("sod/MY/ds.der"))
        // The serial appears twice: in the certificate and in the SignerInfo; change the second.
        let serialTLV = [0x02, UInt8(ds.serialNumber.count)] + Array(ds.serialNumber)
        let ranges = bytes.ranges(of: serialTLV)
        #expect(ranges.count == 2)
        bytes[ranges[1].upperBound - 1] ^= 0x01
        let report = PassiveAuthentication.verify(sod: bytes, dataGroups: [:], issuingState: "MYS",
                                                  trust: try Self.trust.get(), at: try Self.expected("MY").readAt)
        #expect(report.errors.map(\.code) == [.dataGroupNoneGiven, .sodSignerCertificateMissing])
        #expect(report.signature.name == "failed")
    }

    @Test func germanMasterList_loadsOverTheInstalledRoot_andNotAlone() throws {
        let store = try Self.trust.get()
        let root = try Certificate(der: try Self.bytes(Self.rootCSCA))
        #expect(store.anchors == [root])
        let list = try #require(store.masterLists.first)
        // `openssl cms -verify … -certsout`: the signer, and its issuer, the German root CSCA.
        #expect(list.signer.subject.text == "CN=CSCA Master List Signer, SERIALNUMBER=0039, OU=bsi, O=bund, C=DE")
        #expect(list.signerPath == [root])
        // `openssl asn1parse` of the content: 588 certificates in certList.
        #expect(list.certificates.count + list.skippedEntries == 588)
        #expect(list.skippedEntries == 0)
        #expect(store.learntCSCAs.count + store.learntLinks.count > 500)
        // Alone, the list vouches for nothing: its signer's CSCA is in it, but not installed.
        #expect {
            try MasterList(der: try Self.bytes(Self.masterList), anchors: [], at: Self.loadedAt)
        } throws: { error in
            guard case .untrustedSigner = error as? MasterList.Failure else { return false }
            return true
        }
        // After its signer's validity (to 2028-10-17), it is refused.
        #expect(throws: MasterList.Failure.self) {
            try MasterList(der: try Self.bytes(Self.masterList), anchors: [root], at: Fixture.date("2028-10-18"))
        }
    }
}
