import Foundation
import ICAOCrypto
import LDS
import Verification

/// The `cccd-level1/1` payload of `shared/LEVEL1.md`: what registering a level-1 electronic identity account takes
/// (Decree 69/2024/NĐ-CP), from the chip, cross-checked against the card's QR, with the evidence.
public struct Level1Payload: Sendable {
    /// `ready`, `unverified` or `rejected`.
    public var status: Level1Status
    /// Every problem, also inside ``json``.
    public var problems: [Problem]
    /// The payload, keys in LEVEL1.md's order.
    public var json: JSONValue

    /// The contact details given at the desk, checked (``ContactCheck``).
    public struct Contact: Sendable, Hashable {
        /// The phone in E.164.
        public var phone: String
        /// The e-mail, if any.
        public var email: String?

        /// Checks and normalises the phone (E.164) and the e-mail.
        public init(phone: String, email: String? = nil) throws(ContactCheck.Refusal) {
            self.phone = try ContactCheck.e164(phone)
            self.email = try email.map { (text: String) throws(ContactCheck.Refusal) -> String in
                try ContactCheck.email(text)
            }
        }
    }

    /// Makes the payload of a read.
    ///
    /// `status` follows the card's verdict (``Level1Status``), with two more requirements of the payload: a QR
    /// must have been given and matched (`QR_ABSENT` otherwise), and the portrait must be a JPEG (a JPEG 2000 face
    /// goes through `jpeg`, the `CCCDQR` module's transcoder; without one there is no payload).
    ///
    /// - Throws: ``CCCDError/payloadIncomplete(missing:)`` when the chip lacks what the payload cannot be written
    ///   without (the ID, name, birth date, nationality, document number or portrait): such a card is rejected
    ///   with that code instead of a payload that breaks its schema.
    public init(result: CardReadResult, contact: Contact, allowUnverified: Bool,
                jpeg: ((Portrait) throws -> [UInt8])? = nil) throws(CCCDError) {
        let record = result.record
        var problems = result.problems
        if result.checks.qr == .absent {
            problems.append(Problem(code: .qrAbsent, detail: "no QR was given to cross-check the chip with"))
        }
        var portraitJSON: [(String, JSONValue)]?
        if let face = result.portrait {
            var image = face.jpeg
            if image == nil, let jpeg { image = try? jpeg(face) }
            if let image {
                portraitJSON = [("mediaType", .string("image/jpeg")),
                                ("sha256", .string(HashAlgorithm.sha256.hash(image).hexLower))]
                if face.jpeg == nil {
                    portraitJSON! += [("sourceMediaType", .string(face.mediaType)), ("sourceSha256", .string(face.sha256))]
                }
                portraitJSON!.append(("base64", .string(Data(image).base64EncodedString())))
            }
        }
        var missing = result.checks.identityMissing
        if record.nationality?.count != 3 { missing.append("nationality") }
        if record.documentNumber == nil { missing.append("documentNumber") }
        if portraitJSON == nil && !missing.contains("portrait") { missing.append("portrait") }
        guard missing.isEmpty, let id = record.personalIdNumber, let name = record.fullName,
              let birth = record.dateOfBirth, let portraitJSON else {
            throw .payloadIncomplete(missing: missing)
        }
        let verdict = CardVerdict.deciding(problems)
        status = Level1Status(verdict, allowUnverified: allowUnverified)
        self.problems = problems
        let checks = result.checks
        func chipCheck(_ v: Verdict) -> String {
            switch v {
            case .passed: return "passed"
            case .failed: return "failed"
            case .notSupported, .noTrustAnchor: return "not-supported"
            }
        }
        json = .object([
            ("schema", .string(OutputSchema.level1.rawValue)),
            ("status", .string(status.rawValue)),
            ("subject", .object([("personalIdNumber", .string(id)),
                                 ("fullName", .string(name)),
                                 ("dateOfBirth", .string(birth.iso8601)),
                                 ("sex", .string(record.sex)),
                                 ("nationality", .optional(record.nationality)),
                                 ("permanentAddress", .optional(record.permanentAddress))])),
            ("contact", .object([("phone", .string(contact.phone)), ("email", .optional(contact.email))])),
            ("portrait", .object(portraitJSON)),
            ("document", .object([("documentNumber", .optional(record.documentNumber)),
                                  ("issueDate", .optional(record.issueDate?.iso8601)),
                                  ("expiryDate", .optional(record.expiryDate?.iso8601))])),
            ("evidence", .object([("access", .string(result.access?.description ?? "unknown")),
                                  ("passiveAuthentication", .string(checks.passive.verdict.name)),
                                  ("signer", .optional(checks.passive.signer)),
                                  ("chipAuthentication", .string(chipCheck(checks.chipAuthentication))),
                                  ("activeAuthentication", .string(chipCheck(checks.activeAuthentication))),
                                  ("qr", .string(checks.qr.name)),
                                  ("source", .string(result.source.rawValue)),
                                  ("readAt", .string(ISO8601.string(result.readAt)))])),
            ("problems", .array(problems.map(\.json))),
        ])
    }
}
