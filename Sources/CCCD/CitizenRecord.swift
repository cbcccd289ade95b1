import CardIO
import Foundation
import LDS

/// A date the card may know only in part: the year, the year and month, or all three (DG13 writes a bare year
/// for people whose birth date was never recorded).
public struct PartialDate: Sendable, Hashable, CustomStringConvertible {
    /// The year (four digits).
    public var year: Int
    /// The month, 1…12, when known.
    public var month: Int?
    /// The day of the month, when known (never without a month).
    public var day: Int?

    /// A date from its parts.
    public init(year: Int, month: Int? = nil, day: Int? = nil) {
        self.year = year
        self.month = month
        self.day = month == nil ? nil : day
    }

    /// From DG13's date, when it parsed.
    public init?(_ date: DG13Date?) {
        guard let date, let year = date.year else { return nil }
        self.init(year: year, month: date.month, day: date.day)
    }

    /// ISO 8601: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (LEVEL1.md's `dateOfBirth`).
    public var iso8601: String {
        func pad(_ v: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(v).count)) + String(v) }
        var text = pad(year, 4)
        if let month { text += "-" + pad(month, 2) }
        if let month, let day { _ = month; text += "-" + pad(day, 2) }
        return text
    }

    /// The ISO 8601 form (``iso8601``).
    public var description: String { iso8601 }

    /// Whether a full date agrees with this one on every part this one knows.
    public func agrees(with date: CalendarDate) -> Bool {
        year == date.year && (month == nil || month == date.month) && (day == nil || day == date.day)
    }
}

/// The holder as the chip describes them: DG13's fields, checked against DG1, in the vocabulary of
/// `shared/CLI.md` and `shared/LEVEL1.md`.
public struct CitizenRecord: Sendable, Equatable {
    /// The 12-digit personal ID number: DG13 field 1, else the first 12 digits of the MRZ's optional data.
    public var personalIdNumber: String?
    /// The full name with diacritics (DG13 field 2).
    public var fullName: String?
    /// The date of birth (DG13 field 3), as much of it as the card knows.
    public var dateOfBirth: PartialDate?
    /// `male`, `female` or `unspecified`.
    public var sex: String
    /// Three letters, from DG1 (`VNM`).
    public var nationality: String?
    /// DG13's nationality as written (`Việt Nam`).
    public var nationalityText: String?
    /// The place of permanent residence (DG13 field 9; the 2024 card's place of residence).
    public var permanentAddress: String?
    /// The old 9-digit ID (CMND), DG13 field 15.
    public var oldIdNumber: String?
    /// The date of issue (DG13 field 11).
    public var issueDate: PartialDate?
    /// The date of expiry (DG13 field 12); nil for a card valid for life (``validForLife``).
    public var expiryDate: PartialDate?
    /// Whether DG13 says the card does not expire.
    public var validForLife: Bool
    /// The place of origin (DG13 field 8; the 2024 card's place of birth registration).
    public var placeOfOrigin: String?
    /// The ethnicity (DG13 field 6).
    public var ethnicity: String?
    /// The religion (DG13 field 7).
    public var religion: String?
    /// Identifying characteristics (DG13 field 10).
    public var identifyingCharacteristics: String?
    /// The father's name (DG13 field 13).
    public var fatherName: String?
    /// The mother's name (DG13 field 13).
    public var motherName: String?
    /// The spouse's name (DG13 field 14); nil for an unmarried holder.
    public var spouseName: String?
    /// The document number of DG1.
    public var documentNumber: String?
    /// The MRZ text of DG1.
    public var mrz: String?
    /// DG13's fields without a property of their own, as the card has them: field 16, fields 17 and up, and
    /// fields that did not parse (kept raw), in field order. `read --json` and the dump show them under
    /// `subject.otherFields`.
    public var otherFields: [DG13OtherField]
    /// Inconsistencies between DG13 and DG1 (code `CHIP_INCONSISTENT`), and DG13's fields that did not parse
    /// (`DG13_FIELD_MALFORMED`, `field` = `DG13.n`) or damage around them (`DG13_DAMAGED`).
    public var problems: [Problem]

    /// Builds the record from what was read; either group may be missing. Text is NFC-normalised and trimmed;
    /// an empty DG13 field (present with no value, such as an unmarried holder's spouse) reads as nil.
    public init(dg13: DataGroup13?, dg1: DataGroup1?) {
        let nfc = { (s: String?) -> String? in
            guard let t = s?.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces), !t.isEmpty
            else { return nil }
            return t
        }
        personalIdNumber = dg13?.personalIDNumber ?? dg1?.mrz.personalIDNumber
        fullName = nfc(dg13?.fullName)
        dateOfBirth = PartialDate(dg13?.dateOfBirth)
        switch dg13?.sex {
        case .male?: sex = "male"
        case .female?: sex = "female"
        default:
            switch dg1?.mrz.sex {
            case .male?: sex = "male"
            case .female?: sex = "female"
            default: sex = "unspecified"
            }
        }
        nationality = dg1?.mrz.nationality.replacingOccurrences(of: "<", with: "")
        nationalityText = nfc(dg13?.nationality)
        permanentAddress = nfc(dg13?.placeOfResidence)
        oldIdNumber = nfc(dg13?.otherDocumentNumber)
        issueDate = PartialDate(dg13?.dateOfIssue)
        switch dg13?.dateOfExpiry {
        case .date(let d)?:
            expiryDate = PartialDate(d)
            validForLife = false
        case .unlimited?:
            expiryDate = nil
            validForLife = true
        case nil:
            expiryDate = nil
            validForLife = false
        }
        placeOfOrigin = nfc(dg13?.placeOfOrigin)
        ethnicity = nfc(dg13?.ethnicity)
        religion = nfc(dg13?.religion)
        identifyingCharacteristics = nfc(dg13?.identifyingCharacteristics)
        fatherName = nfc(dg13?.parents?.fatherName)
        motherName = nfc(dg13?.parents?.motherName)
        spouseName = nfc(dg13?.spouseName)
        documentNumber = dg1?.mrz.documentNumber
        mrz = try? dg1?.mrz.characters()
        otherFields = dg13.map(DG13OtherField.all(of:)) ?? []
        problems = []
        if let dg13, let dg1 { problems = Self.compare(dg13: dg13, record: self, mrz: dg1.mrz) }
        for field in dg13?.malformedFields ?? [] {
            problems.append(Problem(code: "DG13_FIELD_MALFORMED", field: field.error.fieldName,
                                    detail: field.error.description))
        }
        if let damage = dg13?.damage {
            problems.append(Problem(code: "DG13_DAMAGED", field: "DG13",
                                    detail: "\(damage); the fields before it are kept"))
        }
    }

    /// DG13 against DG1 (LEVEL1.md): the ID number, the name with diacritics folded, birth, sex, expiry, and the
    /// document number being the ID's last nine digits.
    static func compare(dg13: DataGroup13, record: CitizenRecord, mrz: MRZ) -> [Problem] {
        var problems: [Problem] = []
        func mismatch(_ field: String, _ a: String, _ b: String) {
            problems.append(Problem(code: "CHIP_INCONSISTENT", field: field, detail: "DG13 \(a), DG1 \(b)"))
        }
        if let id = dg13.personalIDNumber, let mrzID = mrz.personalIDNumber, id != mrzID {
            mismatch("personalIdNumber", id, mrzID)
        }
        if let id = dg13.personalIDNumber, id.count == 12, mrz.documentNumber != String(id.suffix(9)) {
            mismatch("documentNumber", "ID ending \(id.suffix(9))", mrz.documentNumber)
        }
        if let name = dg13.fullName {
            let folded = MRZ.transliteratedWords(name)
            let mrzName = (mrz.primaryIdentifier + " " + mrz.secondaryIdentifier)
                .split(whereSeparator: { $0 == " " || $0 == "<" }).joined(separator: " ")
            // The MRZ may truncate long names (ICAO 9303-3 §4.6.3): a prefix agrees.
            if !(folded == mrzName || (!mrzName.isEmpty && folded.hasPrefix(mrzName) && mrzName.count >= 20)) {
                mismatch("fullName", folded, mrzName)
            }
        }
        if let birth = record.dateOfBirth {
            let yymmdd = Array(mrz.dateOfBirth)
            if yymmdd.count == 6 {
                let yy = Int(String(yymmdd[0...1]))
                let mm = Int(String(yymmdd[2...3]))
                let dd = Int(String(yymmdd[4...5]))
                let agrees = yy == birth.year % 100 && (birth.month == nil || mm == nil || mm == birth.month)
                    && (birth.day == nil || dd == nil || dd == birth.day)
                if !agrees { mismatch("dateOfBirth", birth.iso8601, mrz.dateOfBirth) }
            }
        }
        let mrzSex: String = mrz.sex == .male ? "male" : mrz.sex == .female ? "female" : "unspecified"
        if record.sex != "unspecified", mrzSex != "unspecified", record.sex != mrzSex {
            mismatch("sex", record.sex, mrzSex)
        }
        if let expiry = record.expiryDate, let month = expiry.month, let day = expiry.day {
            let text = String(format: "%02d%02d%02d", expiry.year % 100, month, day)
            if text != mrz.dateOfExpiry { mismatch("expiryDate", expiry.iso8601, mrz.dateOfExpiry) }
        }
        return problems
    }

    /// The subject object of LEVEL1.md, keys in its order.
    public var subjectJSON: [(String, JSONValue)] {
        [("personalIdNumber", .optional(personalIdNumber)),
         ("fullName", .optional(fullName)),
         ("dateOfBirth", .optional(dateOfBirth?.iso8601)),
         ("sex", .string(sex)),
         ("nationality", .optional(nationality)),
         ("permanentAddress", .optional(permanentAddress))]
    }

    /// Every field the chip has, in CLI.md's vocabulary (for `cccd read`).
    public var fullJSON: JSONValue {
        var members = subjectJSON
        members += [("oldIdNumber", .optional(oldIdNumber)),
                    ("issueDate", .optional(issueDate?.iso8601)),
                    ("expiryDate", validForLife ? .string("none") : .optional(expiryDate?.iso8601)),
                    ("placeOfOrigin", .optional(placeOfOrigin)),
                    ("ethnicity", .optional(ethnicity)),
                    ("religion", .optional(religion)),
                    ("identifyingCharacteristics", .optional(identifyingCharacteristics)),
                    ("fatherName", .optional(fatherName)),
                    ("motherName", .optional(motherName)),
                    ("spouseName", .optional(spouseName)),
                    ("otherFields", .array(otherFields.map(\.json)))]
        return .object(members)
    }
}

/// A DG13 field shown as the card has it: field 16 (meaning unconfirmed), a field numbered 17 or more (which
/// CCCD.md does not know yet), or a field that did not parse.
public struct DG13OtherField: Sendable, Equatable {
    /// The field number; nil for a malformed field whose number could not be read.
    public var number: Int?
    /// The field's text values, when it holds text (NFC-normalised).
    public var texts: [String]?
    /// The bytes, when the field holds something other than text: the value after the number for an unknown
    /// field, the whole field as read for a malformed one.
    public var encoded: [UInt8]?
    /// Why the field did not parse; nil for a field that did.
    public var error: DG13FieldError?

    /// A field.
    public init(number: Int?, texts: [String]?, encoded: [UInt8]?, error: DG13FieldError?) {
        self.number = number
        self.texts = texts
        self.encoded = encoded
        self.error = error
    }

    /// Field 16, the unknown fields and the malformed ones, by number (a number-less malformed field last).
    static func all(of dg13: DataGroup13) -> [DG13OtherField] {
        let nfc = { (s: String) in s.precomposedStringWithCanonicalMapping }
        var out: [DG13OtherField] = []
        if let f = dg13.field16 { out.append(DG13OtherField(number: 16, texts: [f], encoded: nil, error: nil)) }
        for f in dg13.unknownFields {
            let texts = f.texts?.map(nfc)
            out.append(DG13OtherField(number: f.number, texts: texts, encoded: texts == nil ? f.value : nil,
                                      error: nil))
        }
        for f in dg13.malformedFields {
            out.append(DG13OtherField(number: f.number, texts: nil, encoded: f.encoded, error: f.error))
        }
        return out.enumerated().sorted { ($0.element.number ?? Int.max, $0.offset) < ($1.element.number ?? Int.max, $1.offset) }
            .map(\.element)
    }

    /// `{"field": 16, "text": "…"}`; several values also as `"values": […]` (the text joins them with "; ");
    /// `"hex"` for bytes that are not text; a malformed field adds `"error"`.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("field", number.map(JSONValue.integer) ?? .null)]
        if let texts {
            members.append(("text", .string(texts.joined(separator: "; "))))
            if texts.count > 1 { members.append(("values", .array(texts.map(JSONValue.string)))) }
        }
        if let encoded { members.append(("hex", .string(encoded.hexString))) }
        if let error { members.append(("error", .string(error.description))) }
        return .object(members)
    }
}
