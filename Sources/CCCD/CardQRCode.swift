import Foundation

/// The QR printed on a CCCD / Căn cước card (the front of the 2021 card, the back of the 2024 one), parsed.
///
/// The payload is UTF-8 text, fields separated by `|` (shared/CCCD.md, "QR on the card"):
/// - `cccd-2021`, 7 fields: `ID|CMND or empty|full name|ddMMyyyy birth|Nam or Nữ|permanent residence|ddMMyyyy issue`;
/// - `cancuoc-2024`, 11 fields seen: the same seven, then four more (empty so far; Circular 16/2024 puts the old
///   CMND, a cancelled ID number and parents' names there on some cards), kept in ``extra`` as given;
/// - `six-field`: reported from one app, without the CMND field and with dates written `dd/MM/yyyy`.
///
/// The same parser serves decoded images and keyboard-wedge text (`--qr-text`), so both are held to one standard.
/// What keyboard-wedge scanners do to the text is undone where that is certain and named where it is not: a byte
/// order mark, CR/LF and surrounding spaces are stripped; UTF-8 that the scanner typed as Latin-1 or Windows-1252
/// characters is repaired when the repair is unambiguous (``repair`` says so), otherwise ``CardQRError/mangledEncoding``;
/// a scanner that dropped the diacritics (`Nu` for `Nữ`), a scan cut short and two scans run together each have
/// their own error.
public struct CardQRCode: Sendable, Hashable, CustomStringConvertible {
    /// Which of the known layouts the payload follows.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// The 2021 CCCD: seven fields.
        case cccd2021 = "cccd-2021"
        /// The 2024 Căn cước: eleven fields seen (8 to 16 accepted), the trailing ones kept as given.
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

    /// How the text had been garbled before it was repaired.
    public enum TextRepair: String, Sendable, Hashable, CaseIterable {
        /// The UTF-8 bytes had been read one byte per character as ISO 8859-1 (Latin-1).
        case utf8ReadAsLatin1 = "utf8-read-as-latin1"
        /// The UTF-8 bytes had been read one byte per character as Windows-1252.
        case utf8ReadAsWindows1252 = "utf8-read-as-windows-1252"
    }

    /// The field counts the parser accepts: 6 (``Format/sixField``), 7 (``Format/cccd2021``), 8 to 16
    /// (``Format/cancuoc2024``).
    public static let acceptedFieldCounts: ClosedRange<Int> = 6...16

    /// The layout the payload follows.
    public let format: Format
    /// The text as parsed: repaired if it had to be, with byte order marks, CR/LF and surrounding spaces removed.
    public let text: String
    /// The 12-digit personal ID number (its last six digits are the card's CAN).
    public let personalIdNumber: String
    /// The old 9- or 12-digit CMND number, where the QR carries one.
    public let oldIdNumber: String?
    /// The full name, NFC-normalised.
    public let fullName: String
    /// The date of birth, as much of it as the card records: a bare year (`yyyy` or `0000yyyy`) or a year and
    /// month (`00MMyyyy`) for people whose birth day was never registered, as DG13 does (shared/CCCD.md).
    public let dateOfBirth: PartialDate
    /// The holder's sex.
    public let sex: Sex
    /// The place of permanent residence, NFC-normalised.
    public let permanentAddress: String
    /// The card's date of issue.
    public let issueDate: CalendarDate
    /// Fields after the seventh (2024 cards), as given: not trimmed, not normalised, empty ones kept.
    public let extra: [String]
    /// How the text was repaired before parsing, if it was; nil for a text read as it came.
    public let repair: TextRepair?

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
        var text = Self.cleaned(rawText)
        guard !text.isEmpty else { throw CardQRError.empty }
        var repair: TextRepair?
        // Twice garbled (UTF-8 → Windows-1252 → UTF-8 → Windows-1252) is repaired twice; more is not seen.
        for _ in 0..<3 {
            guard let (repaired, kind) = try Mojibake.repair(text) else { break }
            text = Self.cleaned(repaired)
            repair = repair ?? kind
        }
        self.repair = repair
        try Self.requireOneScan(text)
        let fields = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        try Self.requireNoSecondPayload(fields)
        self.text = text
        let named: [String]
        switch fields.count {
        case 6 where Self.isEmptyOrDigits(fields[1]):
            // A seven-field text without its issue date, not the six-field form (whose second field is the name).
            throw CardQRError.cutShort(fields: 6, expected: 7)
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
        case 1...5 where Self.startsLikeAPayload(fields):
            throw CardQRError.cutShort(fields: fields.count,
                                       expected: fields.count < 2 || Self.isEmptyOrDigits(fields[1]) ? 7 : 6)
        default:
            throw CardQRError.fieldCount(fields.count)
        }
        personalIdNumber = try Self.requireDigits(named[0], counts: [12], field: .personalIdNumber)
        let old = Self.trimmed(named[1])
        oldIdNumber = old.isEmpty ? nil : try Self.requireDigits(old, counts: [9, 12], field: .oldIdNumber)
        fullName = try Self.requireText(named[2], field: .fullName)
        dateOfBirth = try Self.requireBirthDate(named[3])
        sex = try Self.requireSex(named[4])
        permanentAddress = try Self.requireText(named[5], field: .permanentAddress)
        let issue = Self.trimmed(named[6])
        if fields.count == 7, (1...7).contains(issue.utf8.count), Self.isEmptyOrDigits(issue) {
            // The last field of a seven-field text stops inside the date: the scan was cut.
            throw CardQRError.cutShort(fields: 7, expected: 7)
        }
        issueDate = try Self.requireDate(named[6], field: .issueDate)
        guard dateOfBirth.canBe(onOrBefore: issueDate) else {
            throw CardQRError.invalidField(.issueDate, reason: "is before the date of birth")
        }
    }

    /// The fields under shared/CLI.md's JSON names, in the card's order, as printed: dates ISO 8601 (a birth date
    /// known in part as `YYYY` or `YYYY-MM`), sex `male`/`female`; `oldIdNumber` only when the QR has one.
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

    /// Keyboard-wedge scanners add a BOM (U+FEFF) and CR/LF (shared/CCCD.md), some a BOM per scan; people and
    /// editors add spaces around. All are removed from both ends.
    static func cleaned(_ text: String) -> String {
        // Fast path: a text that starts and ends with a printable ASCII character has nothing to strip.
        if let first = text.utf8.first, let last = text.utf8.last, (0x21...0x7E).contains(first),
           (0x21...0x7E).contains(last) {
            return text
        }
        let scalars = Array(text.unicodeScalars)
        func strippable(_ scalar: Unicode.Scalar) -> Bool {
            // Not U+00A0: a garbled `à` ends in it (C3 A0 read as Latin-1), and the repair needs it.
            scalar == "\u{FEFF}" || (scalar.properties.isWhitespace && scalar != "\u{A0}")
        }
        var start = 0, end = scalars.count
        while start < end, strippable(scalars[start]) { start += 1 }
        while end > start, strippable(scalars[end - 1]) { end -= 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    private static func trimmed(_ field: String) -> String {
        // Fast path: a field that starts and ends with a printable ASCII character (or is empty) has no
        // whitespace (Unicode Zs or tab) at either end.
        guard let first = field.utf8.first, let last = field.utf8.last else { return field }
        if (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) { return field }
        return field.trimmingCharacters(in: .whitespaces)
    }

    private static func isDigits(_ field: String) -> Bool {
        let value = trimmed(field)
        return !value.isEmpty && value.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    private static func isEmptyOrDigits(_ field: String) -> Bool {
        trimmed(field).isEmpty || isDigits(field)
    }

    /// Whether a text of fewer than six fields is the start of a payload (so it was cut short): a 12-digit ID
    /// (or the digits of one, when the cut falls inside it), then the CMND or the name.
    private static func startsLikeAPayload(_ fields: [String]) -> Bool {
        let id = trimmed(fields[0])
        guard isDigits(id) else { return false }
        return fields.count == 1 ? id.utf8.count <= 12 : id.utf8.count == 12
    }

    /// A scanner that sends CR/LF after each scan puts two scans on two lines when they are sent as one text.
    private static func requireOneScan(_ text: String) throws(CardQRError) {
        // Without CR or LF the text is one line, and one line is one scan.
        guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return }
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .map { cleaned(String($0)) }.filter { !$0.isEmpty }
        let payloads = lines.filter { line in
            let id = line.prefix { $0 != "|" }
            return id.utf8.count == 12 && isDigits(String(id)) && line.contains("|")
        }
        if lines.count >= 2, payloads.count >= 2 { throw CardQRError.twoScansRunTogether }
    }

    /// Two scans sent without a line break: the first one's last field runs into the second one's ID (or the two
    /// are joined by `|`), so a second run of ID, CMND or name, date of birth and sex appears after field 7. The
    /// 2024 card's fields 8–11 (CMND, cancelled ID, parents' names) are not followed by a date and a sex.
    private static func requireNoSecondPayload(_ fields: [String]) throws(CardQRError) {
        guard fields.count >= 11 else { return }
        for k in 6..<fields.count {
            let field = trimmed(fields[k])
            guard field.utf8.count >= 12, field.utf8.suffix(12).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                continue
            }
            // ID|CMND|name|birth|sex… or ID|name|birth|sex… (the six-field form).
            for (birth, sex) in [(k + 3, k + 4), (k + 2, k + 3)] where sex < fields.count {
                if looksLikeDate(fields[birth]), (try? requireSex(fields[sex])) != nil {
                    throw CardQRError.twoScansRunTogether
                }
            }
        }
    }

    private static func looksLikeDate(_ field: String) -> Bool {
        let value = trimmed(field)
        return (value.utf8.count == 8 && isDigits(value))
            || (value.utf8.count == 10 && value.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2F })
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
        let value = trimmed(field).precomposedStringWithCanonicalMapping.lowercased()
        switch value {
        case "nam": return .male
        case "nữ": return .female
        // A scanner in a keyboard layout without Vietnamese letters types `Nu` (or `N?`) for `Nữ`: then every
        // name and address in the text has lost its tone marks too, and none of it can be trusted.
        case "nu", "n?", "n": throw CardQRError.diacriticsLost
        default: throw CardQRError.invalidField(.sex, reason: "is neither Nam nor Nữ")
        }
    }

    /// The date's digits as (day, month, year) from `ddMMyyyy` or `dd/MM/yyyy`; nil for another form.
    private static func dateParts(_ value: String) -> (day: Int, month: Int, year: Int)? {
        let utf8 = Array(value.utf8)
        let digits: [UInt8]
        if utf8.count == 10, utf8[2] == UInt8(ascii: "/"), utf8[5] == UInt8(ascii: "/") {
            digits = Array(utf8[0..<2] + utf8[3..<5] + utf8[6..<10])
        } else if utf8.count == 8 {
            digits = utf8
        } else {
            return nil
        }
        guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        return (number(0..<2), number(2..<4), number(4..<8))
    }

    /// `ddMMyyyy` (2021 and 2024 cards) or `dd/MM/yyyy` (the six-field form); either is accepted in any layout.
    private static func requireDate(_ field: String, field name: CardQRField) throws(CardQRError) -> CalendarDate {
        guard let (day, month, year) = dateParts(trimmed(field)) else {
            throw CardQRError.invalidField(name, reason: "is not a date written ddMMyyyy or dd/MM/yyyy")
        }
        guard let date = CalendarDate(year: year, month: month, day: day), date.year >= 1900 else {
            throw CardQRError.invalidField(name, reason: "is not a real calendar date")
        }
        return date
    }

    /// A full date as ``requireDate(_:field:)``, or what is known of it: `00MMyyyy` (no day), `0000yyyy` or a
    /// bare `yyyy` (year only), with or without slashes. A day without a month is not a date.
    private static func requireBirthDate(_ field: String) throws(CardQRError) -> PartialDate {
        let value = trimmed(field)
        let parts: (day: Int, month: Int, year: Int)
        if value.utf8.count == 4, isDigits(value), let year = Int(value) {
            parts = (0, 0, year)
        } else if let found = dateParts(value) {
            parts = found
        } else {
            throw CardQRError.invalidField(.dateOfBirth, reason: "is not a date written ddMMyyyy, dd/MM/yyyy or yyyy")
        }
        let (day, month, year) = parts
        guard year >= 1900, year <= 9999 else {
            throw CardQRError.invalidField(.dateOfBirth, reason: "is not a real calendar date")
        }
        switch (day, month) {
        case (0, 0): return PartialDate(year: year)
        case (0, 1...12): return PartialDate(year: year, month: month)
        default:
            guard CalendarDate(year: year, month: month, day: day) != nil else {
                throw CardQRError.invalidField(.dateOfBirth, reason: "is not a real calendar date")
            }
            return PartialDate(year: year, month: month, day: day)
        }
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

/// UTF-8 read one byte per character as Latin-1 or Windows-1252 (a keyboard-wedge scanner set to a Western
/// code page types `Nguyá»…n` for `Nguyễn`).
enum Mojibake {
    /// Windows-1252's characters at 0x80–0x9F that differ from Latin-1's (the WHATWG Encoding Standard's
    /// index-windows-1252); 0x81, 0x8D, 0x8F, 0x90 and 0x9D are unassigned and come through as Latin-1's C1
    /// controls.
    static let windows1252: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
        0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E, 0x2018: 0x91,
        0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02DC: 0x98,
        0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B, 0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    /// The byte a character stands for in Latin-1 or Windows-1252; nil for a character in neither.
    static func byte(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar.value {
        case ..<0x100: UInt8(scalar.value)
        // Between and beyond the table's keys without hashing: Vietnamese letters (ă, đ, ơ, ư, ạ…) are all here.
        case 0x100..<0x152, 0x154..<0x160, 0x162..<0x178, 0x179..<0x17D, 0x17F..<0x192, 0x193..<0x2C6,
             0x2C7..<0x2DC, 0x2DD..<0x2013, 0x2123...: nil
        default: windows1252[scalar.value]
        }
    }

    /// The repaired text and how it had been garbled; nil when the text does not look garbled; throws
    /// ``CardQRError/mangledEncoding`` when it does but cannot be repaired with certainty.
    ///
    /// The repair is certain when every character stands for one byte and those bytes are valid UTF-8 with at least
    /// one multi-byte sequence: Vietnamese text itself never passes (its letters ư, ơ, ă, đ, ạ… are in neither code
    /// page, and its Latin-1 letters à, é, ô… are not followed by UTF-8 continuation bytes).
    static func repair(_ text: String) throws(CardQRError) -> (String, CardQRCode.TextRepair)? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.unicodeScalars.count)
        var fromWindows1252 = false, single = true
        for scalar in text.unicodeScalars {
            guard let byte = byte(scalar) else { single = false; break }
            if scalar.value >= 0x100 { fromWindows1252 = true }
            bytes.append(byte)
        }
        if single, bytes.contains(where: { $0 >= 0x80 }), let repaired = String(validating: bytes, as: UTF8.self) {
            return (repaired, fromWindows1252 ? .utf8ReadAsWindows1252 : .utf8ReadAsLatin1)
        }
        if text.unicodeScalars.contains("\u{FFFD}") || garbledPairs(text) >= 2 { throw CardQRError.mangledEncoding }
        return nil
    }

    /// How many times a character standing for a UTF-8 lead byte (0xC2–0xF4) is followed by one standing for a
    /// continuation byte (0x80–0xBF): `á»`, `Ã©`, `Æ°`. Vietnamese text has none.
    static func garbledPairs(_ text: String) -> Int {
        var count = 0
        var previous: UInt8?
        for scalar in text.unicodeScalars {
            let current = byte(scalar)
            if let lead = previous, let next = current, (0xC2...0xF4).contains(lead), (0x80...0xBF).contains(next) {
                count += 1
            }
            previous = current
        }
        return count
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
    /// Nothing left after removing byte order marks, CR/LF and spaces.
    case empty
    /// A field count the parser does not accept (``CardQRCode/acceptedFieldCounts``), and the text is not the start
    /// of a payload either.
    case fieldCount(Int)
    /// The text is the start of a payload that stops early: `fields` fields where the layout it follows has
    /// `expected` (a seven-field text cut to six is not read as the six-field form).
    case cutShort(fields: Int, expected: Int)
    /// The Vietnamese letters were garbled on the way (UTF-8 read as a single-byte code page, or replaced by
    /// U+FFFD) and cannot be repaired with certainty.
    case mangledEncoding
    /// The scanner dropped the diacritics (the sex reads `Nu`, not `Nữ`): names and address lost them too.
    case diacriticsLost
    /// Two scans run together in one text.
    case twoScansRunTogether
    /// A field fails its check.
    case invalidField(CardQRField, reason: String)

    /// One line naming what is wrong and, where the scanner is the cause, what to do.
    public var description: String {
        switch self {
        case .notUTF8(let offset): "the QR text is not UTF-8 (bad byte at offset \(offset))"
        case .empty: "the QR text is empty"
        case .fieldCount(let count):
            "the QR text has \(count) field\(count == 1 ? "" : "s") separated by |, expected 6 (no CMND), "
                + "7 (2021 CCCD) or 8 to 16 (2024 Căn cước)"
        case .cutShort(let fields, let expected):
            "the QR text stops after \(fields) of its \(expected) fields: the scan was cut short, scan the QR again"
        case .mangledEncoding:
            "the QR text's Vietnamese letters were garbled by the scanner and cannot be repaired: "
                + "set the scanner to send UTF-8 (Unicode) and scan again"
        case .diacriticsLost:
            "the scanner dropped the Vietnamese diacritics (the sex reads Nu, not Nữ): "
                + "set the scanner to send UTF-8 (Unicode) and scan again"
        case .twoScansRunTogether: "the QR text holds two scans run together: scan the QR once"
        case .invalidField(let field, let reason): "the QR's \(field.rawValue) \(reason)"
        }
    }
}

extension PartialDate {
    /// Whether two dates known in part agree on every part both know (a QR with a bare birth year agrees with a
    /// chip that knows the day, and the other way round).
    public func agrees(with other: PartialDate) -> Bool {
        year == other.year && (month == nil || other.month == nil || month == other.month)
            && (day == nil || other.day == nil || day == other.day)
    }

    /// Whether the date can fall on or before `date` (a bare year counts from 1 January, a month from its 1st).
    func canBe(onOrBefore date: CalendarDate) -> Bool {
        (year, month ?? 1, day ?? 1) <= (date.year, date.month, date.day)
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
