import Foundation

/// The QR printed on the front of a CCCD / Căn cước card, parsed.
///
/// The payload is UTF-8 text, fields separated by `|` (shared/CCCD.md, "QR on the card"):
/// - `cccd-2021`, 7 fields: `ID|CMND or empty|full name|ddMMyyyy birth|Nam or Nữ|permanent residence|ddMMyyyy issue`;
/// - `cancuoc-2024`, 11 fields seen: the same seven, then four more (empty so far; Circular 16/2024 puts the old
///   CMND, a cancelled ID number and parents' names there on some cards), kept in ``extra`` as given;
/// - `six-field`: reported from one app, without the CMND field and with dates written `dd/MM/yyyy`.
///
/// The same parser serves decoded images and keyboard-wedge text (`--qr-text`), so both are held to one standard.
public struct CardQRCode: Sendable, Hashable, CustomStringConvertible {
    /// Which of the known layouts the payload follows.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// The 2021 CCCD: seven fields.
        case cccd2021 = "cccd-2021"
        /// The 2024 Căn cước: eleven fields seen (more than seven accepted), the trailing ones kept as given.
        case cancuoc2024 = "cancuoc-2024"
        /// The six-field form without the CMND field, dates `dd/MM/yyyy`.
        case sixField = "six-field"
    }

    /// The holder's sex as printed in the QR (`Nam` or `Nữ`).
    public enum Sex: String, Sendable, Hashable {
        /// `Nam`.
        case male
        /// `Nữ`.
        case female
    }

    /// The layout the payload follows.
    public let format: Format
    /// The decoded text with a byte order mark, CR/LF and trailing spaces removed; otherwise as read.
    public let text: String
    /// The 12-digit personal ID number (its last six digits are the card's CAN).
    public let personalIdNumber: String
    /// The old 9- or 12-digit CMND number, where the QR carries one.
    public let oldIdNumber: String?
    /// The full name, NFC-normalised.
    public let fullName: String
    /// The date of birth.
    public let dateOfBirth: CalendarDate
    /// The holder's sex.
    public let sex: Sex
    /// The place of permanent residence, NFC-normalised.
    public let permanentAddress: String
    /// The card's date of issue.
    public let issueDate: CalendarDate
    /// Fields after the seventh (2024 cards), as given: not trimmed, not normalised, empty ones kept.
    public let extra: [String]

    /// Parses the payload's bytes, which must be UTF-8 (zbar's own charset guess is bypassed for this reason:
    /// it reads Vietnamese as Shift-JIS or Big5).
    public init(bytes: some Collection<UInt8>) throws(CardQRError) {
        let array = Array(bytes)
        guard let text = String(validating: array, as: UTF8.self) else {
            throw CardQRError.notUTF8(offset: Self.firstInvalidUTF8Offset(array))
        }
        try self.init(text: text)
    }

    /// Parses the payload's text, as decoded from an image or typed by a keyboard-wedge scanner.
    public init(text rawText: String) throws(CardQRError) {
        let text = Self.cleaned(rawText)
        guard !text.isEmpty else { throw CardQRError.empty }
        let fields = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        self.text = text
        let named: [String]
        switch fields.count {
        case 6:
            format = .sixField
            named = [fields[0], ""] + fields[1...5]
            extra = []
        case 7:
            format = .cccd2021
            named = fields
            extra = []
        case 8...16:
            format = .cancuoc2024
            named = Array(fields[0..<7])
            extra = Array(fields[7...])
        default:
            throw CardQRError.fieldCount(fields.count)
        }
        personalIdNumber = try Self.requireDigits(named[0], counts: [12], field: .personalIdNumber)
        let old = Self.trimmed(named[1])
        oldIdNumber = old.isEmpty ? nil : try Self.requireDigits(old, counts: [9, 12], field: .oldIdNumber)
        fullName = try Self.requireText(named[2], field: .fullName)
        dateOfBirth = try Self.requireDate(named[3], field: .dateOfBirth)
        sex = try Self.requireSex(named[4])
        permanentAddress = try Self.requireText(named[5], field: .permanentAddress)
        issueDate = try Self.requireDate(named[6], field: .issueDate)
        guard issueDate >= dateOfBirth else {
            throw CardQRError.invalidField(.issueDate, reason: "is before the date of birth")
        }
    }

    /// The fields under shared/CLI.md's JSON names, in the card's order, as printed: dates ISO 8601, sex
    /// `male`/`female`; `oldIdNumber` only when the QR has one.
    public var namedFields: [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [("personalIdNumber", personalIdNumber)]
        if let oldIdNumber { fields.append(("oldIdNumber", oldIdNumber)) }
        fields += [
            ("fullName", fullName),
            ("dateOfBirth", dateOfBirth.iso8601),
            ("sex", sex.rawValue),
            ("permanentAddress", permanentAddress),
            ("issueDate", issueDate.iso8601),
        ]
        return fields
    }

    /// The layout and the number of extra fields only: the ID number holds the CAN, so neither it nor the
    /// personal data reach logs through `description`.
    public var description: String {
        "CardQRCode(\(format.rawValue), \(extra.count) extra field\(extra.count == 1 ? "" : "s"))"
    }

    /// Keyboard-wedge scanners add a BOM (U+FEFF) and CR/LF (shared/CCCD.md); editors add trailing spaces.
    static func cleaned(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var start = 0, end = scalars.count
        while start < end, ["\u{FEFF}", "\r", "\n"].contains(scalars[start]) { start += 1 }
        while end > start, ["\r", "\n", " ", "\t"].contains(scalars[end - 1]) { end -= 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    private static func trimmed(_ field: String) -> String {
        field.trimmingCharacters(in: .whitespaces)
    }

    private static func requireDigits(_ field: String, counts: [Int], field name: CardQRField)
        throws(CardQRError) -> String {
        let value = trimmed(field)
        guard value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw CardQRError.invalidField(name, reason: "holds characters other than digits")
        }
        guard counts.contains(value.utf8.count) else {
            let expected = counts.map(String.init).joined(separator: " or ")
            throw CardQRError.invalidField(name, reason: "has \(value.utf8.count) digits, expected \(expected)")
        }
        return value
    }

    private static func requireText(_ field: String, field name: CardQRField) throws(CardQRError) -> String {
        let value = trimmed(field).precomposedStringWithCanonicalMapping
        guard !value.isEmpty else { throw CardQRError.invalidField(name, reason: "is empty") }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw CardQRError.invalidField(name, reason: "holds control characters")
        }
        return value
    }

    private static func requireSex(_ field: String) throws(CardQRError) -> Sex {
        switch trimmed(field).precomposedStringWithCanonicalMapping.lowercased() {
        case "nam": return .male
        case "nữ": return .female
        default: throw CardQRError.invalidField(.sex, reason: "is neither Nam nor Nữ")
        }
    }

    /// `ddMMyyyy` (2021 and 2024 cards) or `dd/MM/yyyy` (the six-field form); either is accepted in any layout.
    private static func requireDate(_ field: String, field name: CardQRField) throws(CardQRError) -> CalendarDate {
        let value = trimmed(field)
        let utf8 = Array(value.utf8)
        let digits: [UInt8]
        if utf8.count == 10, utf8[2] == UInt8(ascii: "/"), utf8[5] == UInt8(ascii: "/") {
            digits = Array(utf8[0..<2] + utf8[3..<5] + utf8[6..<10])
        } else if utf8.count == 8 {
            digits = utf8
        } else {
            throw CardQRError.invalidField(name, reason: "is not a date written ddMMyyyy or dd/MM/yyyy")
        }
        guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw CardQRError.invalidField(name, reason: "is not a date written ddMMyyyy or dd/MM/yyyy")
        }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        guard let date = CalendarDate(year: number(4..<8), month: number(2..<4), day: number(0..<2)),
              date.year >= 1900 else {
            throw CardQRError.invalidField(name, reason: "is not a real calendar date")
        }
        return date
    }

    private static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
        var offset = 0
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return offset
            case .error: return offset
            }
        }
    }
}

/// A field of the card's QR, as errors name it (the names of shared/CLI.md's JSON vocabulary).
public enum CardQRField: String, Sendable, Hashable, CaseIterable {
    /// The 12-digit personal ID number.
    case personalIdNumber
    /// The old CMND number.
    case oldIdNumber
    /// The full name.
    case fullName
    /// The date of birth.
    case dateOfBirth
    /// Nam or Nữ.
    case sex
    /// The place of permanent residence.
    case permanentAddress
    /// The date of issue.
    case issueDate
}

/// Why a text is not a CCCD QR payload. Descriptions never repeat field values: the ID number holds the CAN.
public enum CardQRError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes are not UTF-8; `offset` is where the first bad sequence starts.
    case notUTF8(offset: Int)
    /// Nothing left after removing the BOM, CR/LF and trailing spaces.
    case empty
    /// Not 6, 7 or 8 to 16 `|`-separated fields.
    case fieldCount(Int)
    /// A field fails its check.
    case invalidField(CardQRField, reason: String)

    /// One line naming what is wrong.
    public var description: String {
        switch self {
        case .notUTF8(let offset): "the QR text is not UTF-8 (bad byte at offset \(offset))"
        case .empty: "the QR text is empty"
        case .fieldCount(let count):
            "the QR text has \(count) field\(count == 1 ? "" : "s"), expected 6, 7 or 11 separated by |"
        case .invalidField(let field, let reason): "the QR's \(field.rawValue) \(reason)"
        }
    }
}

/// A calendar date (proleptic Gregorian), checked to exist: no 31 April, 29 February only in leap years.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, e.g. 1999.
    public let year: Int
    /// The month, 1 to 12.
    public let month: Int
    /// The day of the month, 1 to 31.
    public let day: Int

    /// Returns nil unless the date exists.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= CalendarDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The number of days in a month of the Gregorian calendar.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// ISO 8601, `YYYY-MM-DD` (shared/CLI.md's date form).
    public var iso8601: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// The ISO 8601 form.
    public var description: String { iso8601 }

    /// Chronological order.
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
