/// The secret that opens a chip: the one access-secret type of the package, from the command line and the trace
/// file down to PACE and BAC.
///
/// Only the form is checked here (which characters, how many, real dates); whether the chip accepts the key is
/// for the access protocol to find out. `description` never shows the secret, and no error carries it.
///
/// As JSON (a trace's `access`, `shared/VECTORS.md`): `{"can": "123456"}` or
/// `{"mrz": {"documentNumber": "…", "dateOfBirth": "YYMMDD", "dateOfExpiry": "YYMMDD"}}`.
public enum AccessKey: Hashable, Sendable, CustomStringConvertible {
    /// The card access number: PACE with password reference 2.
    case can(CardAccessNumber)
    /// The MRZ key: PACE with password reference 1, or BAC.
    case mrz(MRZKey)

    /// Which kind of key, never the key: `CAN` or `MRZ`.
    public var description: String {
        switch self {
        case .can: return "CAN"
        case .mrz: return "MRZ"
        }
    }
}

/// A card access number: exactly six ASCII digits (ICAO 9303-11 §9.7.3 uses the CAN's digits as the PACE
/// password; the CCCD prints it nowhere, it is the last six digits of the holder's 12-digit ID number).
public struct CardAccessNumber: Hashable, Sendable, CustomStringConvertible {
    /// The six digits. A secret: never log it.
    public let digits: String

    /// A CAN as typed.
    ///
    /// - Throws: ``AccessKeyError/cardAccessNumberNotSixDigits`` unless `digits` is exactly six ASCII digits.
    public init(_ digits: String) throws(AccessKeyError) {
        guard digits.utf8.count == 6, digits.utf8.allSatisfy(isASCIIDigit) else {
            throw .cardAccessNumberNotSixDigits
        }
        self.digits = digits
    }

    /// The CAN of a CCCD from its holder's 12-digit personal ID number: the last six digits (`shared/CCCD.md`,
    /// `shared/CLI.md` `--id`). The only place this rule is written.
    ///
    /// - Throws: ``AccessKeyError/personalIdNumberNotTwelveDigits`` unless `personalIdNumber` is exactly twelve
    ///   ASCII digits.
    public init(personalIdNumber: String) throws(AccessKeyError) {
        guard personalIdNumber.utf8.count == 12, personalIdNumber.utf8.allSatisfy(isASCIIDigit) else {
            throw .personalIdNumberNotTwelveDigits
        }
        self.digits = String(personalIdNumber.suffix(6))
    }

    /// Never the digits.
    public var description: String { "CardAccessNumber(redacted)" }
}

/// The document basic access key: document number, date of birth and date of expiry as the MRZ prints them
/// (ICAO 9303-11 §9.7.2, Appendix D.2). The key derivations (MRZ_information, K_seed) live with the protocols.
///
/// The document number is upper-cased and loses its trailing `<` fillers; TD1 numbers longer than nine characters
/// (ICAO 9303-5 §4.2.2 note j) are kept whole, up to 22. A 12-digit all-digit number is a CCCD ID number typed
/// where the document number belongs: the CCCD's document number is that ID's last nine digits (`shared/CCCD.md`),
/// so the key keeps those and says so in ``documentNumberIsFromPersonalIdNumber``.
public struct MRZKey: Hashable, Sendable, CustomStringConvertible {
    /// The document number, upper case, without trailing `<`. A secret: never log it.
    public let documentNumber: String
    /// Date of birth, YYMMDD.
    public let dateOfBirth: String
    /// Date of expiry, YYMMDD.
    public let dateOfExpiry: String
    /// Whether the document number given was a 12-digit ID number, of which ``documentNumber`` keeps the last
    /// nine digits (so a caller can tell its user).
    public let documentNumberIsFromPersonalIdNumber: Bool

    /// The two dates of the key, for errors that name one.
    public enum DateField: String, Sendable, Hashable, CustomStringConvertible {
        /// Date of birth.
        case dateOfBirth = "date of birth"
        /// Date of expiry.
        case dateOfExpiry = "date of expiry"

        /// `date of birth` or `date of expiry`.
        public var description: String { rawValue }
    }

    /// Validates and normalises the three fields.
    ///
    /// Dates are YYMMDD naming a day the calendar has. Two allowances follow real documents:
    /// - a date of birth may leave the day, or the month and day, unknown: as `<<` fillers (`YYMM<<`, `YY<<<<`,
    ///   ICAO 9303-3 §4.3, which is how this package's virtual chip writes a year-only birth date) or as `00`
    ///   (`YYMM00`, `YY0000`, the way Vietnamese documents write an unknown day or month);
    /// - February 29 is accepted in any year: the century is not written, and a card's expiry falls on the
    ///   holder's birthday, which for one born on a leap day may be printed as 29 February of a common year
    ///   (`Vectors/cards/he-le-khue-2024.json`).
    ///
    /// - Throws: ``AccessKeyError`` naming the field that is wrong, never its value.
    public init(documentNumber: String, dateOfBirth: String, dateOfExpiry: String) throws(AccessKeyError) {
        var number = documentNumber.uppercased()
        while number.hasSuffix("<") { number.removeLast() }
        guard !number.isEmpty, number.utf8.count <= 22 else { throw .documentNumberLength }
        guard number.utf8.allSatisfy(isMRZCharacter) else { throw .documentNumberCharacters }
        var shortened = false
        if number.utf8.count == 12, number.utf8.allSatisfy(isASCIIDigit) {
            number = String(number.suffix(9))
            shortened = true
        }
        try MRZKey.requireDate(dateOfBirth, .dateOfBirth)
        try MRZKey.requireDate(dateOfExpiry, .dateOfExpiry)
        self.documentNumber = number
        self.dateOfBirth = dateOfBirth
        self.dateOfExpiry = dateOfExpiry
        self.documentNumberIsFromPersonalIdNumber = shortened
    }

    /// Checks that `text` is YYMMDD and a day the calendar has (with the allowances of
    /// ``init(documentNumber:dateOfBirth:dateOfExpiry:)``).
    static func requireDate(_ text: String, _ field: DateField) throws(AccessKeyError) {
        let d = Array(text.utf8)
        guard d.count == 6, d[0...1].allSatisfy(isASCIIDigit) else { throw .dateNotSixDigits(field) }
        let unknownMonth = d[2...3].allSatisfy { $0 == UInt8(ascii: "<") }
        let unknownDay = d[4...5].allSatisfy { $0 == UInt8(ascii: "<") }
        if field == .dateOfBirth && unknownMonth {
            guard unknownDay else { throw .invalidDay(field) }
            return
        }
        guard d[2...3].allSatisfy(isASCIIDigit), unknownDay && field == .dateOfBirth || d[4...5].allSatisfy(isASCIIDigit)
        else { throw .dateNotSixDigits(field) }
        let month = Int(d[2] - UInt8(ascii: "0")) * 10 + Int(d[3] - UInt8(ascii: "0"))
        if field == .dateOfBirth && month == 0 {
            guard !unknownDay, d[4...5].allSatisfy({ $0 == UInt8(ascii: "0") }) else { throw .invalidDay(field) }
            return
        }
        guard (1...12).contains(month) else { throw .invalidMonth(field) }
        if unknownDay { return }
        let day = Int(d[4] - UInt8(ascii: "0")) * 10 + Int(d[5] - UInt8(ascii: "0"))
        if field == .dateOfBirth && day == 0 { return }
        let days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { throw .invalidDay(field) }
    }

    /// The key is its three fields; how the document number was given does not make another key.
    public static func == (a: MRZKey, b: MRZKey) -> Bool {
        a.documentNumber == b.documentNumber && a.dateOfBirth == b.dateOfBirth && a.dateOfExpiry == b.dateOfExpiry
    }

    /// Hashes the three fields, as `==` compares them.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(documentNumber)
        hasher.combine(dateOfBirth)
        hasher.combine(dateOfExpiry)
    }

    /// Never the key itself.
    public var description: String { "MRZKey(redacted)" }
}

/// Why an access secret does not have the form it needs. Names the field, never its value.
public enum AccessKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A CAN that is not exactly six ASCII digits.
    case cardAccessNumberNotSixDigits
    /// A personal ID number that is not exactly twelve ASCII digits.
    case personalIdNumberNotTwelveDigits
    /// A document number that is empty or longer than 22 characters (without its trailing fillers).
    case documentNumberLength
    /// A document number with a character other than A–Z, 0–9 and `<`.
    case documentNumberCharacters
    /// A date that is not six digits YYMMDD.
    case dateNotSixDigits(MRZKey.DateField)
    /// A month outside 01…12.
    case invalidMonth(MRZKey.DateField)
    /// A day the month does not have.
    case invalidDay(MRZKey.DateField)

    /// One line naming the field and what is wrong with its form, never its value.
    public var description: String {
        switch self {
        case .cardAccessNumberNotSixDigits: return "the CAN must be six digits"
        case .personalIdNumberNotTwelveDigits: return "the ID number must be twelve digits"
        case .documentNumberLength: return "the document number must have 1 to 22 characters"
        case .documentNumberCharacters: return "the document number may hold only A–Z, 0–9 and <"
        case .dateNotSixDigits(let field): return "the \(field) must be six digits YYMMDD"
        case .invalidMonth(let field): return "the \(field) has no such month (YYMMDD)"
        case .invalidDay(let field): return "the \(field) has no such day in its month (YYMMDD)"
        }
    }
}

// MARK: JSON, as shared/VECTORS.md writes a trace's `access`

extension CardAccessNumber: Codable {
    /// Reads the six digits from a JSON string, refusing any other form.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Writes the six digits as a JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}

extension MRZKey: Codable {
    private enum CodingKeys: String, CodingKey {
        case documentNumber, dateOfBirth, dateOfExpiry
    }

    /// Reads `{"documentNumber", "dateOfBirth", "dateOfExpiry"}`, validating as ``init(documentNumber:dateOfBirth:dateOfExpiry:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let number = try container.decode(String.self, forKey: .documentNumber)
        let birth = try container.decode(String.self, forKey: .dateOfBirth)
        let expiry = try container.decode(String.self, forKey: .dateOfExpiry)
        do {
            try self.init(documentNumber: number, dateOfBirth: birth, dateOfExpiry: expiry)
        } catch {
            let key: CodingKeys
            switch error {
            case .dateNotSixDigits(let f), .invalidMonth(let f), .invalidDay(let f):
                key = f == .dateOfBirth ? .dateOfBirth : .dateOfExpiry
            default:
                key = .documentNumber
            }
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: error.description)
        }
    }

    /// Writes the three fields as the key holds them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(documentNumber, forKey: .documentNumber)
        try container.encode(dateOfBirth, forKey: .dateOfBirth)
        try container.encode(dateOfExpiry, forKey: .dateOfExpiry)
    }
}

extension AccessKey: Codable {
    private enum CodingKeys: String, CodingKey {
        case can, mrz
    }

    /// Reads `{"can": …}` or `{"mrz": {…}}`; other keys are ignored, neither of the two is an error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let can = try container.decodeIfPresent(CardAccessNumber.self, forKey: .can) {
            self = .can(can)
        } else if let mrz = try container.decodeIfPresent(MRZKey.self, forKey: .mrz) {
            self = .mrz(mrz)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "neither \"can\" nor \"mrz\""))
        }
    }

    /// Writes `{"can": …}` or `{"mrz": {…}}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .can(let can): try container.encode(can, forKey: .can)
        case .mrz(let mrz): try container.encode(mrz, forKey: .mrz)
        }
    }
}

private func isASCIIDigit(_ c: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) }

private func isMRZCharacter(_ c: UInt8) -> Bool {
    isASCIIDigit(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c) || c == UInt8(ascii: "<")
}
