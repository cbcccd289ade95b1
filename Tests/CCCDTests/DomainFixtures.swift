@testable import CCCD
import Foundation
import Testing

/// The repository's vectors, for the domain's tests.
enum Domain {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The test CSCA every virtual card but one chains to (Vectors/pki, TEST ONLY).
    static let trust = try! TrustStore.load(paths: [path("Vectors/pki/csca-a.pem")])

    /// A virtual card's files, as Vectors/dumps holds them (made by scripts/make-traces.sh).
    static func files(_ card: String) throws -> [ElementaryFile: [UInt8]] {
        try CardDump(contentsOf: path("Vectors/dumps/\(card)")).files
    }

    /// A read of a virtual card's files, with chip and active authentication as given.
    static func result(_ card: String = "nguyen-van-an-2021", qr: String? = nil, trust: TrustStore? = Domain.trust,
                       at date: String = "2026-11-22T10:00:00Z", source: ReadSource = .live,
                       chip: Verdict = .passed, active: Verdict = .passed,
                       alter: (inout [ElementaryFile: [UInt8]]) -> Void = { _ in }) throws -> CardReadResult {
        var files = try files(card)
        alter(&files)
        return CardReadResult(files: files, chipAuthentication: chip, activeAuthentication: active, trust: trust,
                              qr: try qr.map { try CardQRCode(text: $0) }, readAt: ISO8601.date(date)!, source: source)
    }

    /// The QR printed on nguyen-van-an-2021's card (Vectors/cards/nguyen-van-an-2021.json).
    static let anQR = "001099012345|123456789|Nguyễn Văn An|15031999|Nam|Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, "
        + "Quận Đống Đa, Hà Nội|01062022"

    /// Validates a JSON document against `Schemas/NAME`, with Python's jsonschema (Draft 2020-12, formats checked).
    static func validate(_ document: String, against schema: OutputSchema) throws {
        try validate([document], against: schema)
    }

    /// Validates JSON documents (one per line of stdin) against `Schemas/NAME`, in one Python process.
    static func validate(_ documents: [String], against schema: OutputSchema) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", path("scripts/validate-json.py"), path("Schemas"), schema.rawValue]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(documents.joined(separator: "\n\u{1E}\n").utf8))
        try input.fileHandleForWriting.close()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw SchemaViolation(description: "\(schema.rawValue): \(message.split(separator: "\n").suffix(3).joined(separator: " | "))")
        }
    }

    struct SchemaViolation: Error, CustomStringConvertible {
        let description: String
    }
}

extension PassiveCheck {
    /// A passive-authentication outcome written by hand.
    static func with(_ verdict: PassiveAuthenticationVerdict, problems: [Problem] = []) -> PassiveCheck {
        PassiveCheck(verdict: verdict, signer: "CN=cccd TEST DS good, O=cccd TEST ONLY, C=VN", trustAnchor: nil,
                     hashAlgorithm: "SHA-256", dataGroups: [1: .passed], dataGroupsNotRead: [],
                     signature: verdict == .failed ? .failed(reason: "x") : .passed,
                     chain: verdict == .noTrustAnchor ? .noTrustAnchor : verdict == .failed ? .failed(reason: "x") : .passed,
                     certificatePath: [], problems: problems)
    }
}

extension CardChecks {
    /// Checks that all pass, for a card whose EF.SOD lists DG1, DG2, DG13, DG14 and DG15; each test changes one.
    static func allPassing() -> CardChecks {
        CardChecks(passive: .with(.passed), chipAuthentication: .passed, activeAuthentication: .passed,
                   dataGroupsInSOD: [1, 2, 13, 14, 15], qr: .matched,
                   validity: .valid(until: PartialDate(year: 2039, month: 3, day: 15)), identityMissing: [])
    }

    /// The verdict these checks give.
    var verdict: CardVerdict { CardVerdict.deciding(problems) }
}
