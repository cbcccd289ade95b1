/// DG13 of the CCCD: the holder's personal data in Vietnamese (CCCD.md, "DG13").
///
/// `6D { 30 { 02 version, 06 1.0.10646.1.0.8, 31 { 30 { 02 n, value… } … } } }`. Fields are found by their
/// number, never by position, and parsed one at a time: a field that does not parse is kept raw in
/// ``malformedFields`` (with an error naming its number) and costs no other field; damage to the file around the
/// fields (a length running past the end, bytes after the last field) stops the parse but keeps every field read
/// before it, and is reported in ``damage``. Both card generations (2021 CCCD and 2024 Căn cước) use the same
/// numbers. Field 16 and numbers this type does not know (17 and up) are kept.
///
/// What a field may look like (CCCD.md, read from real cards): PrintableString or UTF8String (IA5String too) for
/// any field; present with no value (the SEQUENCE holds only its number: an empty field, `""`); several values,
/// as sibling `SEQUENCE { string }`s, one SEQUENCE holding several strings, or bare strings, all read the same
/// way. An empty `SEQUENCE` stands for a value left out (field 13's father, when only the mother is given).
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
    /// Field 13: the parents' names.
    public var parents: DG13Parents?
    /// Field 14: the spouse's name; `""` when the field is present with no value (an unmarried holder, as real
    /// cards write it: `30 03 02 01 0E`), nil when absent.
    public var spouseName: String?
    /// Field 15: the old ID (CMND, 9 digits).
    public var otherDocumentNumber: String?
    /// Field 16: a 16-character value of unconfirmed meaning, kept as text.
    public var field16: String?
    /// Fields whose numbers this type does not know (17 and up, or out of range), in file order, raw.
    public var unknownFields: [DG13RawField]
    /// Fields present in the file that do not parse, in file order, kept raw with the reason.
    public var malformedFields: [DG13MalformedField]
    /// Damage to the file's structure around the fields, which stopped the parse; every field read before it is
    /// kept. Nil for a file whose structure is whole.
    public var damage: DG13FieldError?

    /// A DG13 from its values.
    public init(version: Int? = 1, encoding: OID? = .utf8Encoding, personalIDNumber: String? = nil,
                fullName: String? = nil, dateOfBirth: DG13Date? = nil, sex: DG13Sex? = nil,
                nationality: String? = nil, ethnicity: String? = nil, religion: String? = nil,
                placeOfOrigin: String? = nil, placeOfResidence: String? = nil,
                identifyingCharacteristics: String? = nil, dateOfIssue: DG13Date? = nil,
                dateOfExpiry: DG13Expiry? = nil, parents: DG13Parents? = nil, spouseName: String? = nil,
                otherDocumentNumber: String? = nil, field16: String? = nil, unknownFields: [DG13RawField] = [],
                malformedFields: [DG13MalformedField] = [], damage: DG13FieldError? = nil) {
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
        self.malformedFields = malformedFields
        self.damage = damage
    }

    /// The field numbers this type parses into typed values (1 to 16).
    public static let knownFieldNumbers: ClosedRange<Int> = 1...16

    /// The numbers of the fields present and parsed into typed values, ascending.
    public var presentFieldNumbers: [Int] {
        let present: [Bool] = [
            personalIDNumber != nil, fullName != nil, dateOfBirth != nil, sex != nil, nationality != nil,
            ethnicity != nil, religion != nil, placeOfOrigin != nil, placeOfResidence != nil,
            identifyingCharacteristics != nil, dateOfIssue != nil, dateOfExpiry != nil, parents != nil,
            spouseName != nil, otherDocumentNumber != nil, field16 != nil,
        ]
        return present.enumerated().compactMap { $0.element ? $0.offset + 1 : nil }
    }

    // MARK: Parsing

    /// Parses DG13 one field at a time (see the type's description).
    ///
    /// - Throws: only when no field can be reached: the file does not start with the `6D` and `30` headers, or
    ///   its structure is broken before the first field. Everything else is kept and reported in
    ///   ``malformedFields`` and ``damage``.
    public init(bytes: [UInt8]) throws(LDSError) {
        self = try LDSError.parsing(.dataGroup(13)) { () throws(LDSError.Reason) -> DataGroup13 in
            var parser = DG13Parser(bytes)
            return try parser.parse()
        }
    }

    // MARK: Encoding

    /// How the encoder lays the fields out.
    public enum Layout: Sendable, Equatable, Hashable {
        /// As real cards are read (CCCD.md): the ID, the dates of birth and issue, the old ID and field 16 as
        /// PrintableString (UTF8String where the text is not printable), everything else UTF8String; the parents as
        /// sibling `SEQUENCE { UTF8String }`s (an empty SEQUENCE for a father left out); the spouse as
        /// `SEQUENCE { UTF8String }`; an empty field (`""`) as its number alone (`30 03 02 01 0E`).
        case realCard
        /// The older form this project first wrote: every text a UTF8String, an empty one as `0C 00`; the parents
        /// as one SEQUENCE holding both names (a name left out as `0C 00`); the spouse as `SEQUENCE { UTF8String }`.
        case nested
    }

    /// The DG13 file, fields in ascending number order (unknown fields among them by number, malformed fields
    /// whose bytes are whole kept as read), long-form lengths where the values need them.
    public func encoded(layout: Layout = .realCard) -> [UInt8] {
        typealias Body = (inout TLVWriter) -> Void
        let real = layout == .realCard
        func tag(_ s: String, printable: Bool) -> BERTag {
            real && printable && DG13Parser.isPrintable(s) ? .printableString : .utf8String
        }
        func single(_ n: Int, _ s: String?, printable: Bool = false) -> (Int, Body)? {
            guard let s else { return nil }
            if s.isEmpty && real { return (n, { _ in }) }
            return (n, { w in w.appendString(s, tag: tag(s, printable: printable)) })
        }
        let entries: [(Int, Body)] = [
            single(1, personalIDNumber, printable: true), single(2, fullName),
            single(3, dateOfBirth?.text, printable: true), single(4, sex?.text), single(5, nationality),
            single(6, ethnicity), single(7, religion), single(8, placeOfOrigin), single(9, placeOfResidence),
            single(10, identifyingCharacteristics), single(11, dateOfIssue?.text, printable: true),
            single(12, dateOfExpiry?.text),
            parents.map { p in (13, { w in
                if real {
                    if p.fatherName != nil || p.motherName != nil {
                        w.append(.sequence) { w in if let f = p.fatherName { w.appendString(f) } }
                    }
                    if let m = p.motherName { w.append(.sequence) { w in w.appendString(m) } }
                } else {
                    w.append(.sequence) { w in
                        w.appendString(p.fatherName ?? "")
                        w.appendString(p.motherName ?? "")
                    }
                }
            }) },
            spouseName.map { s in (14, { w in
                if !(real && s.isEmpty) { w.append(.sequence) { w in w.appendString(s) } }
            }) },
            single(15, otherDocumentNumber, printable: true), single(16, field16, printable: true),
        ].compactMap { $0 }
        var fields: [(number: Int, wrapped: Bool, body: Body)] = entries.map { ($0.0, true, $0.1) }
        for f in unknownFields { fields.append((f.number, true, { w in w.appendEncoded(f.value) })) }
        // A malformed field is written back as read (its whole SEQUENCE) when its bytes are one whole TLV, not a
        // field cut by the end of the file.
        for f in malformedFields where f.isWholeElement {
            fields.append((f.number ?? Int.max, false, { w in w.appendEncoded(f.encoded) }))
        }
        // Stable: fields with equal numbers keep their order.
        let ordered = fields.enumerated().sorted { ($0.element.number, $0.offset) < ($1.element.number, $1.offset) }
        var w = TLVWriter(reservingCapacity: 1024)
        w.append(0x6D) { w in
            w.append(.sequence) { w in
                if let version { w.appendInteger(version) }
                if let encoding { w.appendOID(encoding) }
                w.append(.set) { w in
                    for (_, field) in ordered {
                        guard field.wrapped else {
                            field.body(&w)
                            continue
                        }
                        w.append(.sequence) { w in
                            w.appendInteger(field.number)
                            field.body(&w)
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
    /// The encoded value, tag and length included (empty for a field present with no value).
    public var value: [UInt8]

    /// A raw field.
    public init(number: Int, value: [UInt8]) {
        self.number = number
        self.value = value
    }

    /// The field's text values, read as DG13's known fields are (strings, sibling or nested SEQUENCEs of strings);
    /// nil when the value holds anything else (show ``value`` instead). An empty SEQUENCE gives `""`.
    public var texts: [String]? {
        let r = BERReader(value)
        var out: [String] = []
        do throws(DG13FieldError.Kind) {
            try DG13Parser.forEachValue(r.topLevel(), r) { out.append($0 ?? "") }
        } catch {
            return nil
        }
        return out
    }
}

/// Why one DG13 field (or the file's structure around the fields) does not parse. The description names the
/// field by its number and never includes its value.
public struct DG13FieldError: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: Error, Sendable, Equatable, Hashable {
        /// The bytes end inside the field (or inside the file's SEQUENCE or SET).
        case truncated
        /// An element among the fields that is not a SEQUENCE.
        case notASequence(found: BERTag)
        /// A field SEQUENCE that does not start with its number (an INTEGER of at most 8 octets).
        case missingFieldNumber
        /// A value that is neither text nor a SEQUENCE of text.
        case unexpectedValue(found: BERTag)
        /// Text that is not valid UTF-8 (UTF8String) or not ASCII (PrintableString, IA5String).
        case invalidText(tag: BERTag)
        /// More values than the field holds.
        case tooManyValues(found: Int, allowed: Int)
        /// A date in none of the forms DG13 uses (`dd/MM/yyyy`, `ddMMyyyy`, a year; `00` for an unknown part).
        case invalidDate
        /// A second occurrence of a known field (the first is kept).
        case duplicate
        /// A TLV inside the field that does not decode.
        case malformedTLV(String)
        /// Bytes after the fields that are not fields (after the SET, or after the file's outer element).
        case trailingBytes
        /// A version or encoding identifier that does not decode.
        case malformedHeader(String)
    }

    /// The field's number; nil when it could not be read, or for damage outside any field.
    public var number: Int?
    /// Offset of the field (or of the damage) in the file.
    public var offset: Int
    /// What is wrong.
    public var kind: Kind

    /// An error.
    public init(number: Int?, offset: Int, kind: Kind) {
        self.number = number
        self.offset = offset
        self.kind = kind
    }

    /// `DG13.3`, the name problem reports give the field; `DG13` when the number is unknown.
    public var fieldName: String { number.map { "DG13.\($0)" } ?? "DG13" }

    /// One line naming the field (or the structure) and its offset, and what is wrong: never the field's value.
    public var description: String {
        let what: String
        switch kind {
        case .truncated: what = "the bytes end inside it"
        case .notASequence(let t): what = "expected a field SEQUENCE, found tag \(t)"
        case .missingFieldNumber: what = "no field number (an INTEGER) at its start"
        case .unexpectedValue(let t): what = "expected text or a SEQUENCE of text, found tag \(t)"
        case .invalidText(let t): what = "text under tag \(t) is not valid \(t == .utf8String ? "UTF-8" : "ASCII")"
        case .tooManyValues(let n, let allowed): what = "\(n) values where at most \(allowed) fit"
        case .invalidDate: what = "a date in none of the forms dd/MM/yyyy, ddMMyyyy or yyyy"
        case .duplicate: what = "a second occurrence of the field (the first is kept)"
        case .malformedTLV(let why): what = why
        case .trailingBytes: what = "bytes that are not fields"
        case .malformedHeader(let why): what = "version or encoding identifier: \(why)"
        }
        let place = number.map { "field \($0)" } ?? "structure"
        return "DG13 \(place) at offset \(offset): \(what)"
    }
}

/// A DG13 field that is present but does not parse: its bytes as read and why.
public struct DG13MalformedField: Sendable, Equatable, Hashable {
    /// The field's number, when it could be read.
    public var number: Int? { error.number }
    /// The field's bytes as stored (the whole SEQUENCE, or what the file holds of it when truncated).
    public var encoded: [UInt8]
    /// Why it does not parse.
    public var error: DG13FieldError

    /// A malformed field.
    public init(encoded: [UInt8], error: DG13FieldError) {
        self.encoded = encoded
        self.error = error
    }

    /// Whether ``encoded`` is one whole TLV (false for a field cut by the end of the file).
    public var isWholeElement: Bool { error.kind != .truncated }
}

/// Field 13 of DG13: the parents' names. A name the card leaves out is nil.
public struct DG13Parents: Sendable, Equatable, Hashable {
    /// The father's full name.
    public var fatherName: String?
    /// The mother's full name.
    public var motherName: String?

    /// Parents' names.
    public init(fatherName: String?, motherName: String?) {
        self.fatherName = fatherName
        self.motherName = motherName
    }
}

/// A date as DG13 writes it: `dd/MM/yyyy` (seen), `ddMMyyyy`, or a bare year, with `00` for a day or month the
/// record does not know (`00/00/1950`, `00/07/1950`). The text is kept as is; the components are set as far as
/// the text knows them, and all are nil when it has none of these forms (or a day above 31, a month above 12).
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

    /// Whether the text is a date in one of the known forms (at least its year is known).
    public var isValid: Bool { year != nil }

    private static func components(_ all: UnsafeBufferPointer<UInt8>) -> (day: Int?, month: Int?, year: Int?) {
        // Surrounding spaces are not part of the date.
        var lo = 0, hi = all.count
        while lo < hi && all[lo] == 0x20 { lo += 1 }
        while hi > lo && all[hi - 1] == 0x20 { hi -= 1 }
        let u = UnsafeBufferPointer(rebasing: all[lo..<hi])
        func number(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard u[i] >= 0x30 && u[i] <= 0x39 else { return nil }
                v = v * 10 + Int(u[i] - 0x30)
            }
            return v
        }
        func separator(_ c: UInt8) -> Bool { c == UInt8(ascii: "/") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") }
        let d: Int?, m: Int?, y: Int?
        switch u.count {
        case 10 where separator(u[2]) && u[5] == u[2]:
            d = number(0..<2); m = number(3..<5); y = number(6..<10)
        case 8:
            d = number(0..<2); m = number(2..<4); y = number(4..<8)
        case 4:
            guard let year = number(0..<4), year >= 1 else { return (nil, nil, nil) }
            return (nil, nil, year)
        default:
            return (nil, nil, nil)
        }
        guard let d, let m, let y, y >= 1 else { return (nil, nil, nil) }
        // 00 marks an unknown part; a day without its month is not kept.
        if m == 0 { return d == 0 ? (nil, nil, y) : (nil, nil, nil) }
        guard m <= 12 else { return (nil, nil, nil) }
        if d == 0 { return (nil, m, y) }
        // A day the month lacks (29/02 of a common year, as a card valid "until the 25th birthday" of someone born
        // on a leap day may write) is kept: the card says it, and the file's hash vouches for it.
        guard d <= 31 else { return (nil, nil, nil) }
        return (d, m, y)
    }

    /// A full date, written `dd/MM/yyyy` as the cards seen do.
    public init(day: Int, month: Int, year: Int) {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var y = String(year)
        while y.count < 4 { y = "0" + y }
        self.init(text: "\(two(day))/\(two(month))/\(y)")
    }

    /// The date as the chip wrote it (``text``).
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

// MARK: - The parser

/// DG13's field-at-a-time parser: containers whose lengths run past the end are read up to the end, each field is
/// parsed on its own, and what does not parse is kept and reported.
struct DG13Parser {
    let r: BERReader
    var dg = DataGroup13(version: nil, encoding: nil)
    private var seen: UInt32 = 0

    init(_ bytes: [UInt8]) { r = BERReader(bytes, options: .dataGroup) }

    static func isString(_ tag: BERTag) -> Bool {
        tag == .utf8String || tag == .printableString || tag == .ia5String
    }

    /// X.680 §41.4: PrintableString's alphabet.
    static func isPrintable(_ s: String) -> Bool {
        s.utf8.allSatisfy { c in
            (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
                || " '()+,-./:=?".utf8.contains(c)
        }
    }

    /// The header at `offset`; a length running past `end` is cut at `end` and reported as truncated.
    private func header(at offset: Int, end: Int, depth: Int) throws(TLVError) -> (TLVElement, truncated: Bool) {
        do throws(TLVError) {
            return (try BERReader.decodeHeader(r.bytes.span, at: offset, end: end, depth: depth, options: r.options),
                    false)
        } catch {
            guard case .lengthPastEnd(let o, let t, _, let available) = error else { throw error }
            let valueStart = end - available
            return (TLVElement(tag: t, offset: o, valueStart: valueStart, valueEnd: end, end: end, depth: depth), true)
        }
    }

    mutating func parse() throws(LDSError.Reason) -> DataGroup13 {
        let bytes = r.bytes
        let outer: TLVElement, body: TLVElement
        var truncated: Bool
        do throws(TLVError) {
            let (o, t1) = try header(at: 0, end: bytes.count, depth: 0)
            guard o.tag == 0x6D else { throw TLVError.unexpectedTag(offset: 0, expected: 0x6D, found: o.tag) }
            let (b, t2) = try header(at: o.valueStart, end: o.valueEnd, depth: 1)
            guard b.tag == .sequence else {
                throw TLVError.unexpectedTag(offset: b.offset, expected: .sequence, found: b.tag)
            }
            outer = o
            body = b
            truncated = t1 || t2
        } catch {
            throw .tlv(error)
        }
        if outer.end < bytes.count { note(nil, outer.end, .trailingBytes) }

        var position = body.valueStart
        var fieldsEnd = body.valueEnd
        var depth = 2
        // Version and encoding identifier, each optional; then the SET, or the fields straight in the SEQUENCE.
        headerLoop: while position < body.valueEnd {
            let element: TLVElement
            let cut: Bool
            do throws(TLVError) { (element, cut) = try header(at: position, end: body.valueEnd, depth: 2) } catch {
                note(nil, position, .malformedTLV(error.description))
                return finish(truncated)
            }
            switch element.tag {
            case .integer where dg.version == nil && dg.encoding == nil && !cut:
                do throws(TLVError) { dg.version = try r.integer(element) } catch { note(nil, element.offset, .malformedHeader(error.description)) }
                position = element.end
            case .objectIdentifier where dg.encoding == nil && !cut:
                do throws(TLVError) { dg.encoding = try r.objectIdentifier(element) } catch {
                    note(nil, element.offset, .malformedHeader(error.description))
                }
                position = element.end
            case .set:
                truncated = truncated || cut
                if element.end < body.valueEnd { note(nil, element.end, .trailingBytes) }
                position = element.valueStart
                fieldsEnd = element.valueEnd
                depth = 3
                break headerLoop
            default:
                break headerLoop
            }
        }
        while position < fieldsEnd {
            let field: TLVElement
            let cut: Bool
            do throws(TLVError) { (field, cut) = try header(at: position, end: fieldsEnd, depth: depth) } catch {
                note(nil, position, error.isTruncation ? .truncated : .malformedTLV(error.description))
                return finish(false)
            }
            if cut {
                // The file ends inside this field: keep what there is of it, raw, and stop.
                let number = leadingNumber(field)
                keep(field, number, .truncated, whole: false)
                dg.damage = DG13FieldError(number: number, offset: field.offset, kind: .truncated)
                return dg
            }
            parseField(field)
            position = field.end
        }
        return finish(truncated)
    }

    private mutating func finish(_ truncated: Bool) -> DataGroup13 {
        if truncated && dg.damage == nil {
            dg.damage = DG13FieldError(number: nil, offset: r.bytes.count, kind: .truncated)
        }
        return dg
    }

    private mutating func note(_ number: Int?, _ offset: Int, _ kind: DG13FieldError.Kind) {
        if dg.damage == nil { dg.damage = DG13FieldError(number: number, offset: offset, kind: kind) }
    }

    private mutating func keep(_ field: TLVElement, _ number: Int?, _ kind: DG13FieldError.Kind, whole: Bool = true) {
        let end = whole ? field.end : r.bytes.count
        dg.malformedFields.append(DG13MalformedField(
            encoded: Array(r.bytes[field.offset..<min(end, r.bytes.count)]),
            error: DG13FieldError(number: number, offset: field.offset, kind: kind)))
    }

    /// The number at the start of a (possibly truncated) field, when it can be read.
    private func leadingNumber(_ field: TLVElement) -> Int? {
        guard field.tag == .sequence else { return nil }
        var c = r.contents(of: field)
        guard let e = try? c.next(), e.tag == .integer else { return nil }
        return try? r.integer(e)
    }

    private mutating func parseField(_ field: TLVElement) {
        guard field.tag == .sequence else {
            keep(field, nil, .notASequence(found: field.tag))
            return
        }
        var number: Int?
        do throws(TLVError) {
            var c = try r.children(of: field)
            guard let first = try c.next(), first.tag == .integer, let n = try? r.integer(first) else {
                keep(field, nil, .missingFieldNumber)
                return
            }
            number = n
            guard DataGroup13.knownFieldNumbers.contains(n) else {
                dg.unknownFields.append(DG13RawField(number: n, value: Array(r.bytes[c.position..<field.valueEnd])))
                return
            }
            guard seen & (1 << n) == 0 else {
                keep(field, n, .duplicate)
                return
            }
            var values = FieldValues()
            do throws(DG13FieldError.Kind) { try DG13Parser.forEachValue(c, r) { values.add($0) } } catch {
                keep(field, n, error)
                return
            }
            if let kind = set(n, values) {
                keep(field, n, kind)
                return
            }
            seen |= 1 << n
        } catch {
            keep(field, number, .malformedTLV(error.description))
        }
    }

    /// The first two values of a field and how many there are (no field holds more than two).
    struct FieldValues {
        var count = 0
        var first: String?
        var second: String?

        mutating func add(_ value: String?) {
            if count == 0 { first = value } else if count == 1 { second = value }
            count += 1
        }
    }

    /// Calls `body` with each value of a field, from `cursor` (the elements after its number): each string is
    /// one; a SEQUENCE contributes each string it holds, or one left-out value (nil) when empty. Anything else is
    /// not a DG13 value.
    static func forEachValue(_ cursor: TLVCursor, _ r: BERReader,
                             _ body: (String?) -> Void) throws(DG13FieldError.Kind) {
        func next(_ c: inout TLVCursor) throws(DG13FieldError.Kind) -> TLVElement? {
            do throws(TLVError) { return try c.next() } catch { throw .malformedTLV(error.description) }
        }
        func text(_ e: TLVElement) throws(DG13FieldError.Kind) -> String {
            guard isString(e.tag) else { throw .unexpectedValue(found: e.tag) }
            do throws(TLVError) { return try r.string(e) } catch { throw .invalidText(tag: e.tag) }
        }
        var c = cursor
        while let e = try next(&c) {
            guard e.tag == .sequence else {
                body(try text(e))
                continue
            }
            var inner: TLVCursor
            do throws(TLVError) { inner = try r.children(of: e) } catch { throw .malformedTLV(error.description) }
            var any = false
            while let v = try next(&inner) {
                body(try text(v))
                any = true
            }
            if !any { body(nil) }
        }
    }

    /// Sets a known field from its values; the reason when they do not fit it.
    private mutating func set(_ n: Int, _ values: FieldValues) -> DG13FieldError.Kind? {
        if n == 13 {
            guard values.count <= 2 else { return .tooManyValues(found: values.count, allowed: 2) }
            dg.parents = DG13Parents(fatherName: values.first, motherName: values.second)
            return nil
        }
        guard values.count <= 1 else { return .tooManyValues(found: values.count, allowed: 1) }
        let s = values.first ?? ""
        func date() -> DG13Date? {
            let d = DG13Date(text: s)
            return s.isEmpty || d.isValid ? d : nil
        }
        switch n {
        case 1: dg.personalIDNumber = s
        case 2: dg.fullName = s
        case 3:
            guard let d = date() else { return .invalidDate }
            dg.dateOfBirth = d
        case 4: dg.sex = DG13Sex(text: s)
        case 5: dg.nationality = s
        case 6: dg.ethnicity = s
        case 7: dg.religion = s
        case 8: dg.placeOfOrigin = s
        case 9: dg.placeOfResidence = s
        case 10: dg.identifyingCharacteristics = s
        case 11:
            guard let d = date() else { return .invalidDate }
            dg.dateOfIssue = d
        case 12:
            let expiry = DG13Expiry(text: s)
            if case .date = expiry, date() == nil { return .invalidDate }
            dg.dateOfExpiry = expiry
        case 14: dg.spouseName = s
        case 15: dg.otherDocumentNumber = s
        default: dg.field16 = s
        }
        return nil
    }
}

extension TLVError {
    /// Whether the error says the bytes ended too early.
    var isTruncation: Bool {
        switch self {
        case .truncatedTag, .truncatedLength, .lengthPastEnd, .missingEndOfContents: return true
        default: return false
        }
    }
}
