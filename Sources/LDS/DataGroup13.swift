/// DG13 of the CCCD: the holder's personal data in Vietnamese (CCCD.md, "DG13").
///
/// `6D { 30 { 02 version, 06 1.0.10646.1.0.8, 31 { 30 { 02 n, value } … } } }`. Fields are found by their
/// number, never by position; both card generations (2021 CCCD and 2024 Căn cước) use the same numbers.
/// Numbers this type does not know are kept, raw, in ``unknownFields``.
public struct DataGroup13: Sendable, Equatable, Hashable {
    /// The structure's version (`1` on cards seen); nil when the card leaves it out.
    public var version: Int?
    /// The text encoding identifier (`1.0.10646.1.0.8`, UTF-8); nil when the card leaves it out.
    public var encoding: OID?
    /// Field 1: the 12-digit personal ID number.
    public var personalIDNumber: String?
    /// Field 2: the full name, with diacritics.
    public var fullName: String?
    /// Field 3: the date of birth.
    public var dateOfBirth: DG13Date?
    /// Field 4: sex (`Nam` / `Nữ`).
    public var sex: DG13Sex?
    /// Field 5: nationality (`Việt Nam`).
    public var nationality: String?
    /// Field 6: ethnicity.
    public var ethnicity: String?
    /// Field 7: religion.
    public var religion: String?
    /// Field 8: place of origin (2024 card: place of birth registration).
    public var placeOfOrigin: String?
    /// Field 9: place of permanent residence (2024 card: place of residence).
    public var placeOfResidence: String?
    /// Field 10: identifying characteristics (may be empty).
    public var identifyingCharacteristics: String?
    /// Field 11: date of issue.
    public var dateOfIssue: DG13Date?
    /// Field 12: date of expiry, or "Không thời hạn".
    public var dateOfExpiry: DG13Expiry?
    /// Field 13: `SEQUENCE { father's name, mother's name }`.
    public var parents: DG13Parents?
    /// Field 14: `SEQUENCE { spouse's name }`; absent when unmarried.
    public var spouseName: String?
    /// Field 15: the old ID (CMND) or another document number (unconfirmed, CCCD.md).
    public var otherDocumentNumber: String?
    /// Field 16: a 16-hex-digit value of unconfirmed meaning, kept as text.
    public var field16: String?
    /// Fields whose numbers this type does not know, in file order, raw.
    public var unknownFields: [DG13RawField]

    /// A DG13 from its values.
    public init(version: Int? = 1, encoding: OID? = .utf8Encoding, personalIDNumber: String? = nil,
                fullName: String? = nil, dateOfBirth: DG13Date? = nil, sex: DG13Sex? = nil,
                nationality: String? = nil, ethnicity: String? = nil, religion: String? = nil,
                placeOfOrigin: String? = nil, placeOfResidence: String? = nil,
                identifyingCharacteristics: String? = nil, dateOfIssue: DG13Date? = nil,
                dateOfExpiry: DG13Expiry? = nil, parents: DG13Parents? = nil, spouseName: String? = nil,
                otherDocumentNumber: String? = nil, field16: String? = nil, unknownFields: [DG13RawField] = []) {
        self.version = version
        self.encoding = encoding
        self.personalIDNumber = personalIDNumber
        self.fullName = fullName
        self.dateOfBirth = dateOfBirth
        self.sex = sex
        self.nationality = nationality
        self.ethnicity = ethnicity
        self.religion = religion
        self.placeOfOrigin = placeOfOrigin
        self.placeOfResidence = placeOfResidence
        self.identifyingCharacteristics = identifyingCharacteristics
        self.dateOfIssue = dateOfIssue
        self.dateOfExpiry = dateOfExpiry
        self.parents = parents
        self.spouseName = spouseName
        self.otherDocumentNumber = otherDocumentNumber
        self.field16 = field16
        self.unknownFields = unknownFields
    }

    /// The field numbers this type parses into typed values (1 to 16).
    public static let knownFieldNumbers: ClosedRange<Int> = 1...16

    /// Parses DG13. Fields may come in any order and any may be absent; a known field whose value has the
    /// wrong type, or that appears twice, is an error naming the field.
    public init(bytes: [UInt8]) throws(LDSError) {
        self = try LDSError.parsing(.dataGroup(13)) { () throws(LDSError.Reason) -> DataGroup13 in
            try DataGroup13.parse(bytes)
        }
    }

    private static func fieldName(_ n: Int) -> String { "DG13 field \(n)" }

    private static func parse(_ bytes: [UInt8]) throws(LDSError.Reason) -> DataGroup13 {
        let r = FileReader(bytes)
        let outer = try r.single(0x6D)
        var top = try r.children(outer)
        let body = try top.expect(.sequence)
        try top.requireEnd()
        var c = try r.children(body)
        var dg = DataGroup13(version: nil, encoding: nil)
        if let v = try c.optional(.integer) { dg.version = try r.integer(v) }
        if let o = try c.optional(.objectIdentifier) { dg.encoding = try r.oid(o) }
        // The fields sit in a SET; a card that lists them straight in the SEQUENCE is read the same way.
        var fields: Cursor
        if let set = try c.optional(.set) {
            try c.requireEnd()
            fields = try r.children(set)
        } else {
            fields = c
        }
        var seen: UInt32 = 0
        while let field = try fields.next() {
            guard field.tag == .sequence else {
                throw .tlv(.unexpectedTag(offset: field.offset, expected: .sequence, found: field.tag))
            }
            var fc = try r.children(field)
            let numberElement = try fc.expect(.integer)
            let number = try r.integer(numberElement)
            guard knownFieldNumbers.contains(number) else {
                dg.unknownFields.append(DG13RawField(number: number,
                                                     value: Array(r.bytes[fc.position..<field.valueEnd])))
                continue
            }
            guard seen & (1 << number) == 0 else {
                throw .invalidField(field: fieldName(number), offset: field.offset, expected: "a single occurrence")
            }
            seen |= 1 << number
            guard let value = try fc.next() else {
                throw .invalidField(field: fieldName(number), offset: field.valueEnd, expected: "a value")
            }
            try fc.requireEnd()
            try dg.set(number, value, r)
        }
        return dg
    }

    private static func isString(_ tag: BERTag) -> Bool {
        tag == .utf8String || tag == .printableString || tag == .ia5String
    }

    private func text(_ n: Int, _ e: TLVElement, _ r: FileReader) throws(LDSError.Reason) -> String {
        guard DataGroup13.isString(e.tag) else {
            throw .invalidField(field: DataGroup13.fieldName(n), offset: e.offset,
                                expected: "UTF8String or PrintableString, found tag \(e.tag)")
        }
        do { return try r.reader.string(e) } catch {
            throw .invalidField(field: DataGroup13.fieldName(n), offset: e.offset, expected: "valid text")
        }
    }

    /// The names in a SEQUENCE of at most `limit` strings (fields 13 and 14); absent ones are empty.
    private func names(_ n: Int, _ e: TLVElement, _ r: FileReader,
                       limit: Int) throws(LDSError.Reason) -> (String, String) {
        guard e.tag == .sequence else {
            throw .invalidField(field: DataGroup13.fieldName(n), offset: e.offset,
                                expected: "a SEQUENCE of names, found tag \(e.tag)")
        }
        var c = try r.children(e)
        let first = try c.next().map { (s) throws(LDSError.Reason) in try text(n, s, r) } ?? ""
        let second = limit > 1 ? try c.next().map { (s) throws(LDSError.Reason) in try text(n, s, r) } ?? "" : ""
        guard c.isAtEnd else {
            throw .invalidField(field: DataGroup13.fieldName(n), offset: e.offset,
                                expected: limit == 1 ? "one name" : "at most two names")
        }
        return (first, second)
    }

    private mutating func set(_ n: Int, _ e: TLVElement, _ r: FileReader) throws(LDSError.Reason) {
        switch n {
        case 1: personalIDNumber = try text(n, e, r)
        case 2: fullName = try text(n, e, r)
        case 3: dateOfBirth = DG13Date(text: try text(n, e, r))
        case 4: sex = DG13Sex(text: try text(n, e, r))
        case 5: nationality = try text(n, e, r)
        case 6: ethnicity = try text(n, e, r)
        case 7: religion = try text(n, e, r)
        case 8: placeOfOrigin = try text(n, e, r)
        case 9: placeOfResidence = try text(n, e, r)
        case 10: identifyingCharacteristics = try text(n, e, r)
        case 11: dateOfIssue = DG13Date(text: try text(n, e, r))
        case 12: dateOfExpiry = DG13Expiry(text: try text(n, e, r))
        case 13:
            let (father, mother) = try names(n, e, r, limit: 2)
            parents = DG13Parents(fatherName: father, motherName: mother)
        case 14:
            // A bare string is accepted too: the nesting is reported, not confirmed on every card.
            if DataGroup13.isString(e.tag) {
                spouseName = try text(n, e, r)
            } else {
                spouseName = try names(n, e, r, limit: 1).0
            }
        case 15: otherDocumentNumber = try text(n, e, r)
        default: field16 = try text(n, e, r)
        }
    }

    /// The DG13 file, fields in ascending number order (unknown fields among them by number), text as
    /// UTF8String, long-form lengths where the values need them.
    public func encoded() -> [UInt8] {
        var w = TLVWriter(reservingCapacity: 1024)
        func string(_ n: Int, _ s: String?) -> (Int, (inout TLVWriter) -> Void)? {
            guard let s else { return nil }
            return (n, { w in w.appendString(s) })
        }
        var entries: [(Int, (inout TLVWriter) -> Void)] = []
        let typed: [(Int, (inout TLVWriter) -> Void)?] = [
            string(1, personalIDNumber), string(2, fullName), string(3, dateOfBirth?.text), string(4, sex?.text),
            string(5, nationality), string(6, ethnicity), string(7, religion), string(8, placeOfOrigin),
            string(9, placeOfResidence), string(10, identifyingCharacteristics), string(11, dateOfIssue?.text),
            string(12, dateOfExpiry?.text),
            parents.map { p in (13, { w in w.append(.sequence) { w in
                w.appendString(p.fatherName)
                w.appendString(p.motherName)
            } }) },
            spouseName.map { s in (14, { w in w.append(.sequence) { w in w.appendString(s) } }) },
            string(15, otherDocumentNumber), string(16, field16),
        ]
        entries = typed.compactMap { $0 }
        for f in unknownFields { entries.append((f.number, { w in w.appendEncoded(f.value) })) }
        // Stable: unknown fields with equal numbers keep their order.
        let ordered = entries.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }
        w.append(0x6D) { w in
            w.append(.sequence) { w in
                if let version { w.appendInteger(version) }
                if let encoding { w.appendOID(encoding) }
                w.append(.set) { w in
                    for (_, (number, body)) in ordered {
                        w.append(.sequence) { w in
                            w.appendInteger(number)
                            body(&w)
                        }
                    }
                }
            }
        }
        return w.bytes
    }
}

/// A DG13 field kept raw: its number and the encoded TLV(s) that follow the number.
public struct DG13RawField: Sendable, Equatable, Hashable {
    /// The field number.
    public var number: Int
    /// The encoded value, tag and length included.
    public var value: [UInt8]

    /// A raw field.
    public init(number: Int, value: [UInt8]) {
        self.number = number
        self.value = value
    }
}

/// Field 13 of DG13: the parents' names. A name the card leaves out is empty.
public struct DG13Parents: Sendable, Equatable, Hashable {
    /// The father's full name.
    public var fatherName: String
    /// The mother's full name.
    public var motherName: String

    /// Parents' names.
    public init(fatherName: String, motherName: String) {
        self.fatherName = fatherName
        self.motherName = motherName
    }
}

/// A date as DG13 writes it: `dd/MM/yyyy` (seen), `ddMMyyyy`, or a bare year. The text is kept as is; the
/// components are set when the text has one of these forms and a valid day and month.
public struct DG13Date: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The text as stored on the card.
    public let text: String
    /// Day of the month, when the text has one.
    public let day: Int?
    /// Month, when the text has one.
    public let month: Int?
    /// Year, when the text has one of the known forms.
    public let year: Int?

    /// A date from the card's text.
    public init(text: String) {
        self.text = text
        let parsed = text.utf8.withContiguousStorageIfAvailable { DG13Date.components($0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { DG13Date.components($0) }
        day = parsed.day
        month = parsed.month
        year = parsed.year
    }

    private static func components(_ u: UnsafeBufferPointer<UInt8>) -> (day: Int?, month: Int?, year: Int?) {
        func number(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard u[i] >= 0x30 && u[i] <= 0x39 else { return nil }
                v = v * 10 + Int(u[i] - 0x30)
            }
            return v
        }
        var d: Int?, m: Int?, y: Int?
        switch u.count {
        case 10 where u[2] == UInt8(ascii: "/") && u[5] == UInt8(ascii: "/"):
            d = number(0..<2); m = number(3..<5); y = number(6..<10)
        case 8:
            d = number(0..<2); m = number(2..<4); y = number(4..<8)
        case 4:
            y = number(0..<4)
        default:
            break
        }
        if u.count != 4, d == nil || m == nil || y == nil || !(1...31).contains(d!) || !(1...12).contains(m!) {
            d = nil; m = nil; y = nil
        }
        return (d, m, y)
    }

    /// A full date, written `dd/MM/yyyy` as the cards seen do.
    public init(day: Int, month: Int, year: Int) {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var y = String(year)
        while y.count < 4 { y = "0" + y }
        self.init(text: "\(two(day))/\(two(month))/\(y)")
    }

    public var description: String { text }
}

/// Field 4 of DG13.
public enum DG13Sex: Sendable, Equatable, Hashable {
    /// `Nam`.
    case male
    /// `Nữ`.
    case female
    /// Any other text, kept.
    case other(String)

    /// The value from the card's text; `Nữ` matches in composed and decomposed form.
    public init(text: String) {
        switch text {
        case "Nam": self = .male
        case "Nữ": self = .female
        default: self = .other(text)
        }
    }

    /// The text as the card writes it.
    public var text: String {
        switch self {
        case .male: return "Nam"
        case .female: return "Nữ"
        case .other(let s): return s
        }
    }
}

/// Field 12 of DG13: a date, or no expiry.
public enum DG13Expiry: Sendable, Equatable, Hashable {
    /// An expiry date.
    case date(DG13Date)
    /// "Không thời hạn" (without limit), with the text as stored.
    case unlimited(String)

    /// The value from the card's text.
    public init(text: String) {
        // Only text of about the phrase's length is compared (lowercasing is the slow part); 14 to 30 UTF-8
        // bytes covers the composed and decomposed forms.
        let n = text.utf8.count
        if n >= 14 && n <= 30 && text.lowercased() == "không thời hạn" {
            self = .unlimited(text)
        } else {
            self = .date(DG13Date(text: text))
        }
    }

    /// The text as the card writes it.
    public var text: String {
        switch self {
        case .date(let d): return d.text
        case .unlimited(let s): return s
        }
    }
}
