import CardIO
import Foundation
import ICAOCrypto
import ICAOSession
import LDS
import Verification

/// Passive authentication as the domain layer reports it (from `Verification`'s report).
public struct PassiveSummary: Sendable {
    /// The overall verdict: passed, failed or no trust anchor.
    public var verdict: Verdict
    /// The document signer's subject.
    public var signer: String?
    /// Each data group's hash check, by file name (`DG1` …), in order.
    public var dataGroups: [(String, String)]
    /// The SOD signature check.
    public var signature: String
    /// The certificate chain check.
    public var chain: String
    /// The problems found.
    public var problems: [Problem]

    /// A summary.
    public init(verdict: Verdict, signer: String?, dataGroups: [(String, String)], signature: String,
                chain: String, problems: [Problem]) {
        self.verdict = verdict
        self.signer = signer
        self.dataGroups = dataGroups
        self.signature = signature
        self.chain = chain
        self.problems = problems
    }

    /// For the level-1 payload.
    public var level1: Level1Payload.Passive {
        Level1Payload.Passive(verdict: verdict, signer: signer, problems: problems)
    }

    /// The verification object of `cccd read --json` and `cccd verify --json`.
    public var json: [(String, JSONValue)] {
        [("passiveAuthentication", .string(verdict.name)),
         ("signer", .optional(signer)),
         ("signature", .string(signature)),
         ("chain", .string(chain)),
         ("dataGroups", .object(dataGroups.map { ($0.0, .string($0.1)) }))]
    }
}

/// The card as `cccd read` prints it: every parsed field, the verdicts, the portrait.
public enum CardReport {
    /// The JSON document of one read (one line per card in `watch`).
    public static func json(_ readout: CardReadout, passive: PassiveSummary?, reader: String?,
                            portrait includePortrait: Bool = true) -> JSONValue {
        let record = CitizenRecord(dg13: readout.dg13, dg1: readout.dg1)
        var problems = readout.problems + record.problems + (passive?.problems ?? [])
        var verification: [(String, JSONValue)] = passive?.json ?? [("passiveAuthentication", .string("not-run"))]
        verification.append(("chipAuthentication", .string(readout.chipAuthentication.name)))
        verification.append(("activeAuthentication", .string(readout.activeAuthentication.name)))
        if case .notSupported(let why) = readout.chipAuthentication, why != "not run" {
            verification.append(("chipAuthenticationNote", .string(why)))
        }
        var portrait: JSONValue = .null
        if let face = readout.dg2?.faces.first {
            let image = Array(face.image)
            var members: [(String, JSONValue)] = [
                ("mediaType", .string(face.imageType == .jpeg ? "image/jpeg" : "image/jp2")),
                ("width", face.width.map(JSONValue.integer) ?? .null),
                ("height", face.height.map(JSONValue.integer) ?? .null),
                ("bytes", .integer(image.count)),
                ("sha256", .string(HashAlgorithm.sha256.hash(image).hexLower)),
            ]
            if includePortrait { members.append(("base64", .string(Data(image).base64EncodedString()))) }
            portrait = .object(members)
        }
        let files = readout.files.keys.sorted().map { file -> (String, JSONValue) in
            (file.name, .object([("bytes", .integer(readout.files[file]!.count)),
                                 ("sha256", .string(HashAlgorithm.sha256.hash(readout.files[file]!).hexLower))]))
        }
        for (file, why) in readout.unreadable.sorted(by: { $0.key < $1.key }) where file != .dataGroup(3) {
            problems.append(Problem(code: "FILE_UNREADABLE", field: file.name, detail: why))
        }
        return .object([
            ("schema", .string("cccd-read/1")),
            ("reader", .optional(reader)),
            ("access", .string(readout.access.description)),
            ("subject", record.fullJSON),
            ("document", .object([("documentNumber", .optional(record.documentNumber)),
                                  ("issuingState", .optional(readout.dg1?.mrz.issuingState)),
                                  ("mrz", .optional(record.mrz)),
                                  ("nationalityText", .optional(record.nationalityText)),
                                  ("validForLife", .bool(record.validForLife))])),
            ("portrait", portrait),
            ("verification", .object(verification)),
            ("files", .object(files)),
            ("link", .object([("extendedLength", .bool(readout.extendedLength)),
                              ("commands", .integer(readout.commandCount))])),
            ("problems", .array(problems.map(\.json))),
            ("readAt", .string(ISO8601.string(readout.readAt))),
        ])
    }

    /// A short summary for the desk: name, ID, birth, sex, every verdict.
    public static func human(_ readout: CardReadout, passive: PassiveSummary?) -> [String] {
        let r = CitizenRecord(dg13: readout.dg13, dg1: readout.dg1)
        var lines = [
            "\(r.fullName ?? "?")  ID \(r.personalIdNumber ?? "?")  born \(r.dateOfBirth?.iso8601 ?? "?")  \(r.sex)",
            "access \(readout.access); passive authentication \(passive?.verdict.name ?? "not run")"
                + (passive?.signer.map { " (signer \($0))" } ?? "")
                + "; chip authentication \(readout.chipAuthentication.name)"
                + "; active authentication \(readout.activeAuthentication.name)",
        ]
        let problems = readout.problems + r.problems + (passive?.problems ?? [])
        for p in problems {
            lines.append("problem \(p.code)\(p.field.map { " \($0)" } ?? "")\(p.detail.map { ": \($0)" } ?? "")")
        }
        return lines
    }
}
