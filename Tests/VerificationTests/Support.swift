import Foundation
import ICAOCrypto
import LDS
import Testing
@testable import Verification
@testable import VirtualCard

/// The repository's fixtures, found from this file.
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let pkiFolder = root.appendingPathComponent("Vectors/pki")
    static let cardsFolder = root.appendingPathComponent("Vectors/cards")

    /// A file of Vectors/pki.
    static func pki(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: pkiFolder.appendingPathComponent(name)))
    }

    static func pkiPath(_ name: String) -> String { pkiFolder.appendingPathComponent(name).path }

    /// A certificate of Vectors/pki by its base name (`ds-good`).
    static func certificate(_ name: String) throws -> Certificate {
        try Certificate(der: try pki("\(name).der"))
    }

    /// A store of the named Vectors/pki files.
    static func store(_ names: String...) throws -> TrustStore {
        try TrustStore.load(paths: names.map(pkiPath))
    }

    /// A personalised virtual card (2021 card, DS ds-good, SHA-256 by default).
    static func card(_ name: String = "nguyen-van-an-2021.json") throws -> PersonalizedCard {
        try Personalization.load(cardsFolder.appendingPathComponent(name))
    }

    /// A card's data groups by number.
    static func dataGroups(_ card: PersonalizedCard) -> [Int: [UInt8]] {
        var groups: [Int: [UInt8]] = [:]
        for n in 1...16 { if let file = card.files[Personalization.dataGroupFID(n)] { groups[n] = file } }
        return groups
    }

    static func sod(_ card: PersonalizedCard) -> [UInt8] { card.files[Personalization.sodFID]! }

    /// An LDSSecurityObject over `dataGroups` with `digest`.
    static func securityObject(_ dataGroups: [Int: [UInt8]], digest: HashAlgorithm) -> [UInt8] {
        let oids: [HashAlgorithm: OID] = [.sha1: .sha1, .sha224: .sha224, .sha256: .sha256, .sha384: .sha384,
                                          .sha512: .sha512]
        return LDSSecurityObject(
            hashAlgorithm: AlgorithmIdentifier(algorithm: oids[digest]!),
            dataGroupHashes: dataGroups.keys.sorted().map {
                DataGroupHash(dataGroupNumber: $0, hashValue: digest.hash(dataGroups[$0]!)[...])
            }).encoded()
    }

    /// EF.SOD over `dataGroups`, signed by the Vectors/pki signer `ds` (its certificate and key), with the project's
    /// signer (ECDSA, or RSA PKCS#1 v1.5).
    static func sod(_ dataGroups: [Int: [UInt8]], signer ds: String, digest: HashAlgorithm = .sha256,
                    key: String? = nil) throws -> [UInt8] {
        try Personalization.signSecurityObject(securityObject(dataGroups, digest: digest), digest: digest,
                                               certificate: try pki("\(ds).der"),
                                               privateKey: try pki("\(key ?? ds).key.der"))
    }

    /// EF.SOD over `content` whose signed attributes are exactly `signedAttributes` (a DER `SET OF Attribute`),
    /// signed by ds-good's key with ECDSA-SHA-256 through the LDS encoder.
    static func sod(content: [UInt8], signedAttributes: [UInt8]) throws -> [UInt8] {
        let key = try Personalization.pkcs8ECKey(try pki("ds-good.key.der"))
        let signature = try key.sign(message: signedAttributes, digest: .sha256, encoding: .der)
        return try EFSOD.encode(encapsulatedContent: content, digestAlgorithm: AlgorithmIdentifier(algorithm: .sha256),
                                signedAttributes: signedAttributes,
                                signatureAlgorithm: AlgorithmIdentifier(algorithm: .ecdsaWithSHA256),
                                signature: signature, certificate: try pki("ds-good.der"))
    }

    /// A date at midnight UTC, `yyyy-MM-dd`.
    static func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.date(from: text)!
    }

    /// A reading date inside every test certificate's validity except ds-expired's.
    static let now = date("2026-11-23")

    /// EF.SOD made by the `openssl cms` command (an independent CMS encoder): SignedData over `content` with
    /// eContentType id-ldsSecurityObject, wrapped in the `77` application tag.
    static func opensslSOD(content: [UInt8], signer ds: String, digest: String, keyOptions: [String] = [],
                           arguments: [String] = [], contentType: String = "2.23.136.1.1.1") throws -> [UInt8] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-verify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("so.der"), output = folder.appendingPathComponent("sod.der")
        try Data(content).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "cms", "-sign", "-binary", "-nodetach", "-in", input.path,
                             "-econtent_type", contentType, "-signer", pkiPath("\(ds).pem"),
                             "-inkey", pkiPath("\(ds).key"), "-md", digest, "-outform", "DER", "-out", output.path,
                             "-nosmimecap"] + keyOptions.flatMap { ["-keyopt", $0] } + arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FixtureError("openssl cms -sign failed") }
        let cms = [UInt8](try Data(contentsOf: output))
        var tlv = TLVWriter()
        tlv.append(0x77, value: cms)
        return tlv.bytes
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension PassiveAuthenticationReport {
    /// The problem codes, in order.
    var codes: [ProblemCode] { problems.map(\.code) }
}

/// A temporary folder for one test, removed when the test's suite instance goes.
final class ScratchFolder: @unchecked Sendable {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("cccd-test-\(UUID().uuidString)")

    /// A new empty folder inside the scratch folder.
    func folder(_ name: String) throws -> URL {
        let url = root.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    deinit { try? FileManager.default.removeItem(at: root) }
}
