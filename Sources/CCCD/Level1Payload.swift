import CardIO
import Foundation
import ICAOCrypto
import LDS
import Verification

/// The `cccd-level1/1` payload of `shared/LEVEL1.md`: what registering a level-1 electronic identity account
/// takes (Decree 69/2024/NĐ-CP), from the chip, cross-checked against the card's QR, with the evidence.
public struct Level1Payload {
    /// `ready`, `rejected` or `unverified`.
    public var status: String
    /// The payload, keys in LEVEL1.md's order.
    public var json: JSONValue
    /// Every problem, also inside ``json``.
    public var problems: [Problem]

    /// The passive-authentication outcome the payload records.
    public struct Passive {
        /// `passed`, `failed` or `noTrustAnchor` (`notSupported` is treated as failed).
        public var verdict: Verdict
        /// The document signer's subject, `CN=…, C=VN`.
        public var signer: String?
        /// The problems passive authentication found.
        public var problems: [Problem]

        /// A passive-authentication outcome.
        public init(verdict: Verdict, signer: String?, problems: [Problem]) {
            self.verdict = verdict
            self.signer = signer
            self.problems = problems
        }
    }

    /// Builds the payload.
    ///
    /// `status` is `ready` only when passive authentication passed, the QR matched and no other problem stands;
    /// with `allowUnverified`, a chip whose only shortfall is a missing trust anchor gives `unverified`;
    /// anything else is `rejected`.
    public static func make(readout: CardReadout, passive: Passive, qr: CardQRCode?, phone: String, email: String?,
                            allowUnverified: Bool, today: Date? = nil) -> Level1Payload {
        let record = CitizenRecord(dg13: readout.dg13, dg1: readout.dg1)
        var problems = readout.problems + record.problems + passive.problems
        let qrState: String
        if let qr {
            let mismatches = CrossCheck.compare(record, qr)
            problems += mismatches
            qrState = mismatches.isEmpty ? "matched" : "mismatched"
        } else {
            qrState = "absent"
            problems.append(Problem(code: "QR_ABSENT", detail: "no QR was given to cross-check the chip with"))
        }
        if record.personalIdNumber == nil || record.fullName == nil || record.dateOfBirth == nil {
            problems.append(Problem(code: "IDENTITY_INCOMPLETE", field: "DG13",
                                    detail: "the chip lacks the ID number, name or birth date"))
        }
        let face = readout.dg2?.faces.first
        if face == nil {
            problems.append(Problem(code: "PORTRAIT_MISSING", field: "DG2", detail: "no portrait was read"))
        }
        let readDay = today ?? readout.readAt
        if let expiry = record.expiryDate, let month = expiry.month, let day = expiry.day {
            let calendar = Calendar(identifier: .gregorian)
            var utc = calendar
            utc.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh") ?? .gmt
            let c = utc.dateComponents([.year, .month, .day], from: readDay)
            if let y = c.year, let m = c.month, let d = c.day, (expiry.year, month, day) < (y, m, d) {
                problems.append(Problem(code: "DOCUMENT_EXPIRED", field: "expiryDate", detail: expiry.iso8601))
            }
        }

        let blocking = problems.filter { $0.code != "NO_TRUST_ANCHOR" && !$0.isWarning }
        let status: String
        switch passive.verdict {
        case .passed where qrState == "matched" && blocking.isEmpty:
            status = "ready"
        case .noTrustAnchor where allowUnverified && qrState == "matched" && blocking.isEmpty:
            status = "unverified"
        default:
            status = "rejected"
        }
        if case .noTrustAnchor = passive.verdict, !problems.contains(where: { $0.code == "NO_TRUST_ANCHOR" }) {
            problems.append(Problem(code: "NO_TRUST_ANCHOR", field: "EF.SOD",
                                    detail: "no CSCA in the trust store to chain the document signer to"))
        }

        let portrait: JSONValue
        if let face {
            let image = Array(face.image)
            let mediaType = face.imageType == .jpeg ? "image/jpeg" : "image/jp2"
            portrait = .object([("mediaType", .string(mediaType)),
                                ("sha256", .string(HashAlgorithm.sha256.hash(image).hexLower)),
                                ("base64", .string(Data(image).base64EncodedString()))])
        } else {
            portrait = .null
        }
        let passiveName: String
        switch passive.verdict {
        case .passed: passiveName = "passed"
        case .noTrustAnchor: passiveName = "no-trust-anchor"
        default: passiveName = "failed"
        }
        func chipCheck(_ v: Verdict) -> String {
            switch v {
            case .passed: return "passed"
            case .failed: return "failed"
            default: return "not-supported"
            }
        }
        let json = JSONValue.object([
            ("schema", .string("cccd-level1/1")),
            ("status", .string(status)),
            ("subject", .object(record.subjectJSON)),
            ("contact", .object([("phone", .string(phone)), ("email", .optional(email))])),
            ("portrait", portrait),
            ("document", .object([("documentNumber", .optional(record.documentNumber)),
                                  ("issueDate", .optional(record.issueDate?.iso8601)),
                                  ("expiryDate", .optional(record.expiryDate?.iso8601))])),
            ("evidence", .object([("access", .string(readout.access.description)),
                                  ("passiveAuthentication", .string(passiveName)),
                                  ("signer", .optional(passive.signer)),
                                  ("chipAuthentication", .string(chipCheck(readout.chipAuthentication))),
                                  ("activeAuthentication", .string(chipCheck(readout.activeAuthentication))),
                                  ("qr", .string(qrState)),
                                  ("readAt", .string(ISO8601.string(readout.readAt)))])),
            ("problems", .array(problems.map(\.json))),
        ])
        return Level1Payload(status: status, json: json, problems: problems)
    }
}

/// ISO 8601 timestamps in UTC, second precision (`2026-11-22T10:00:00Z`).
public enum ISO8601 {
    public static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = .gmt
        return formatter.string(from: date)
    }

    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hex, as LEVEL1.md's `sha256` pattern wants.
    var hexLower: String {
        hexString.lowercased()
    }
}
