import Foundation
import Testing
@testable import LDS

/// DG13 read one field at a time (shared/CCCD.md). Expected values are written by hand here or come from
/// Vectors/lds/make_fixtures.py, whose DER encoder shares nothing with ours.
@Suite struct DataGroup13Tests {
    /// The 2021 card in the real-card layout, with CCCD.md's published prefixes.
    @Test func realCardLayout_everyField() throws {
        let bytes = try Fixture.card("DG13.bin")
        // CCCD.md: `30 11 02 01 01 13 0C` (the ID), `30 36 02 01 0D 30 19 0C 17 … 30 16 0C 14 …` (the parents),
        // `30 03 02 01 0E` (an unmarried holder).
        for prefix in ["3011020101130C", "303602010D30190C17", "30160C14", "300302010E"] {
            #expect(bytes.contains(subsequence: hex(prefix)), "\(prefix)")
        }
        let dg = try DataGroup13(bytes: bytes)
        #expect(dg.version == 1)
        #expect(dg.encoding == .utf8Encoding)
        #expect(dg.personalIDNumber == "001099012345")
        #expect(dg.fullName == "Nguyễn Văn An")
        #expect(dg.dateOfBirth?.text == "15/03/1999")
        #expect(dg.dateOfBirth?.day == 15 && dg.dateOfBirth?.month == 3 && dg.dateOfBirth?.year == 1999)
        #expect(dg.sex == .male)
        #expect(dg.nationality == "Việt Nam")
        #expect(dg.ethnicity == "Kinh")
        #expect(dg.religion == "Không")
        #expect(dg.placeOfOrigin == "Xã Đông Hội, Huyện Đông Anh, Hà Nội")
        #expect(dg.placeOfResidence == "Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội")
        #expect(dg.identifyingCharacteristics == "Nốt ruồi C:1cm trên trước mép phải")
        #expect(dg.dateOfIssue == DG13Date(day: 1, month: 6, year: 2022))
        #expect(dg.dateOfExpiry == .date(DG13Date(day: 15, month: 3, year: 2039)))
        #expect(dg.parents == DG13Parents(fatherName: "Nguyễn Văn Bình Anh", motherName: "Trần Thị Cúc An"))
        #expect(dg.spouseName == "")  // present with no value
        #expect(dg.otherDocumentNumber == "123456789")
        #expect(dg.field16 == "0123456789ABCDEF")
        #expect(dg.unknownFields.isEmpty && dg.malformedFields.isEmpty && dg.damage == nil)
        // Our encoder writes the real-card layout byte for byte as Python did.
        #expect(dg.encoded(layout: .realCard) == bytes)
    }

    /// The same holder in the older nested layout: both layouts read to the same values.
    @Test func nestedLayout_readsTheSameHolder() throws {
        let bytes = try Fixture.card("DG13-nested.bin")
        let nested = try DataGroup13(bytes: bytes)
        var real = try DataGroup13(bytes: try Fixture.card("DG13.bin"))
        real.spouseName = nil  // the nested file leaves the unmarried holder's field out
        #expect(nested == real)
        #expect(nested.encoded(layout: .nested) == bytes)
    }

    @Test func card2024_outOfOrder_missingAndUnknownFields() throws {
        let bytes = try Fixture.card("DG13-2024.bin")
        let dg = try DataGroup13(bytes: bytes)
        #expect(dg.personalIDNumber == "079199012345")  // a PrintableString
        #expect(dg.fullName == "Trần Thị Bích")
        #expect(dg.dateOfBirth?.year == 1999)
        #expect(dg.dateOfBirth?.day == nil)
        #expect(dg.sex == .female)
        #expect(dg.identifyingCharacteristics == nil)
        #expect(dg.spouseName == nil)
        #expect(dg.otherDocumentNumber == nil)
        #expect(dg.dateOfIssue == DG13Date(text: "01082024"))
        #expect(dg.dateOfIssue?.month == 8)
        #expect(dg.dateOfExpiry == .unlimited("Không thời hạn"))
        #expect(dg.placeOfResidence == String(repeating: "Thôn Đông, ", count: 27))
        #expect(dg.unknownFields == [DG13RawField(number: 17, value: hex("0C05") + Array("extra".utf8))])
        #expect(dg.unknownFields.first?.texts == ["extra"])
        // Re-encoded in number order, the unknown field is still there.
        #expect(try DataGroup13(bytes: dg.encoded()) == dg)
    }

    // MARK: Variants from make_fixtures.py (Vectors/lds/cccd/dg13)

    /// One case of expected.json.
    struct Expected: Decodable, Sendable {
        struct Damage: Decodable, Sendable {
            var number: Int?
            var kind: String
        }
        struct Unknown: Decodable, Sendable {
            var texts: [String]?
            var value: String?
        }
        var values: [String: String?]
        var malformed: [Int?]
        var damage: Damage?
        var unknown: [String: Unknown]
    }

    static let expected: [String: Expected] = {
        guard let data = try? Fixture.bytes("cccd/dg13/expected.json") else { return [:] }
        return (try? JSONDecoder().decode([String: Expected].self, from: Data(data))) ?? [:]
    }()

    @Test func everyVariantIsThere() {
        #expect(Self.expected.count >= 20)
    }

    @Test(arguments: expected.keys.sorted())
    func variant(_ name: String) throws {
        let e = try #require(Self.expected[name])
        let dg = try DataGroup13(bytes: try Fixture.bytes("cccd/dg13/\(name).bin"))
        let text: [String: String?] = [
            "1": dg.personalIDNumber, "2": dg.fullName, "3": dg.dateOfBirth?.text, "4": dg.sex?.text,
            "5": dg.nationality, "6": dg.ethnicity, "7": dg.religion, "8": dg.placeOfOrigin, "9": dg.placeOfResidence,
            "10": dg.identifyingCharacteristics, "11": dg.dateOfIssue?.text, "12": dg.dateOfExpiry?.text,
            "15": dg.otherDocumentNumber, "16": dg.field16, "spouse": dg.spouseName,
        ]
        for (key, value) in e.values {
            switch key {
            case "father": #expect(dg.parents?.fatherName == value, "\(name): father")
            case "mother": #expect(dg.parents?.motherName == value, "\(name): mother")
            case "3.iso":
                let d = try #require(dg.dateOfBirth)
                var iso = String(d.year ?? 0)
                if let m = d.month { iso += "-" + (m < 10 ? "0" : "") + String(m) }
                if let day = d.day { iso += "-" + (day < 10 ? "0" : "") + String(day) }
                #expect(iso == value, "\(name): birth as far as known")
            default:
                #expect(text[key] == .some(value), "\(name): field \(key)")
            }
        }
        // Fields the expectations leave out are absent, unless malformed.
        for (key, value) in text where e.values[key] == nil && value != nil {
            Issue.record("\(name): field \(key) is \(value!), expected absent")
        }
        #expect(dg.malformedFields.map(\.number) == e.malformed, "\(name): malformed fields")
        for field in dg.malformedFields {
            // Kept raw: the bytes are in the file, and the error names the field.
            #expect(try Fixture.bytes("cccd/dg13/\(name).bin").contains(subsequence: field.encoded))
            if let n = field.number { #expect(field.error.description.contains("field \(n)")) }
        }
        if let damage = e.damage {
            let found = try #require(dg.damage, "\(name): damage expected")
            #expect(found.number == damage.number, "\(name): damage's field")
            #expect("\(found.kind)" == damage.kind, "\(name): damage kind")
        } else {
            #expect(dg.damage == nil, "\(name): \(String(describing: dg.damage))")
        }
        #expect(dg.unknownFields.map { String($0.number) } == e.unknown.keys.sorted())
        for field in dg.unknownFields {
            let u = try #require(e.unknown[String(field.number)])
            if let texts = u.texts { #expect(field.texts == texts) }
            if let value = u.value {
                #expect(field.value == hex(value))
                #expect(field.texts == nil)
            }
        }
        // Whatever was read encodes and reads back to itself.
        #expect(try DataGroup13(bytes: dg.encoded()).encoded() == dg.encoded())
    }

    // MARK: Written by hand

    @Test func minimalStructure_withoutEncodingIdentifier() throws {
        // 6D { 30 { 02 01 01, 31 { 30 { 02 01 04, 0C 03 "Nam" } } } }.
        let dg = try DataGroup13(bytes: hex("6D11 300F 020101 310A 3008 020104 0C03") + Array("Nam".utf8))
        #expect(dg.version == 1)
        #expect(dg.encoding == nil)
        #expect(dg.sex == .male)
        #expect(dg.fullName == nil)
        #expect(dg.damage == nil)
    }

    @Test func unmarriedHolder_isAnEmptySpouseField() throws {
        // CCCD.md: `30 03 02 01 0E`, and field 4 next to it.
        let dg = try DataGroup13(bytes: hex("6D11 300F 020101 310A 3003 02010E 3003 020104"))
        #expect(dg.spouseName == "")
        #expect(dg.sex == .other(""))
        #expect(dg.malformedFields.isEmpty)
        #expect(dg.encoded(layout: .realCard) == hex("6D11 300F 020101 310A 3003 020104 3003 02010E"))
    }

    @Test func knownFieldWithWrongType_isKeptRaw_andNamed() throws {
        // Field 2 holds a NULL; field 4 after it still parses.
        let dg = try DataGroup13(bytes: hex("6D13 3011 020101 310C 3005 020102 0500 3003 020104"))
        #expect(dg.fullName == nil)
        #expect(dg.sex == .other(""))
        let bad = try #require(dg.malformedFields.first)
        #expect(bad.number == 2)
        #expect(bad.encoded == hex("3005 020102 0500"))
        #expect(bad.error == DG13FieldError(number: 2, offset: 9, kind: .unexpectedValue(found: .null)))
        #expect(bad.error.description == "DG13 field 2 at offset 9: expected text or a SEQUENCE of text, found tag 05")
        #expect(bad.error.fieldName == "DG13.2")
    }

    @Test func invalidUTF8_namesTheField() throws {
        let dg = try DataGroup13(bytes: hex("6D0F 300D 020101 3108 3006 020102 0C01FF"))
        #expect(dg.malformedFields.map(\.error) == [DG13FieldError(number: 2, offset: 9, kind: .invalidText(tag: .utf8String))])
    }

    @Test func duplicateField_keepsTheFirst() throws {
        let dg = try DataGroup13(bytes: hex("6D17 3015 020101 3110 3006 020101 0C0131 3006 020101 0C0132"))
        #expect(dg.personalIDNumber == "1")
        #expect(dg.malformedFields.map(\.error) == [DG13FieldError(number: 1, offset: 17, kind: .duplicate)])
    }

    @Test func truncation_keepsTheFieldsBefore_andNamesTheCutField() throws {
        // Fields 4 ("Nam") and 2 ("An"); the file ends one byte into field 2's text.
        let whole = hex("6D1A 3018 020101 3113 3008 020104 0C03") + Array("Nam".utf8) + hex("3007 020102 0C02") + Array("An".utf8)
        let cut = Array(whole.dropLast(1))
        let dg = try DataGroup13(bytes: cut)
        #expect(dg.sex == .male)
        #expect(dg.fullName == nil)
        #expect(dg.damage == DG13FieldError(number: 2, offset: 19, kind: .truncated))
        #expect(dg.damage?.description == "DG13 field 2 at offset 19: the bytes end inside it")
        #expect(dg.malformedFields.first?.encoded == Array(cut[19...]))
        // Nothing is written back for a cut field.
        #expect(try DataGroup13(bytes: dg.encoded()).malformedFields.isEmpty)
    }

    @Test func nothingReadable_isAnError() {
        #expect(throws: LDSError(file: .dataGroup(13), reason: .tlv(.unexpectedTag(offset: 0, expected: 0x6D, found: 0x6E)))) {
            _ = try DataGroup13(bytes: hex("6E00"))
        }
        #expect(throws: LDSError.self) { _ = try DataGroup13(bytes: []) }
        #expect(throws: LDSError.self) { _ = try DataGroup13(bytes: hex("6D0331")) }
    }

    @Test func dates() {
        #expect(DG13Date(text: "15031999").day == 15)
        #expect(DG13Date(text: "32/01/1999").isValid == false)
        #expect(DG13Date(text: "15/13/1999").isValid == false)
        #expect(DG13Date(text: "29/02/2004").day == 29)  // a leap day
        // A day the month lacks is kept as written (a card valid to a leap-day holder's 25th birthday may say so).
        #expect(DG13Date(text: "29/02/2029").day == 29)
        #expect(DG13Date(text: "1999").year == 1999)
        #expect(DG13Date(text: "abcd").year == nil)
        #expect(DG13Date(text: "").year == nil)
        #expect(DG13Date(text: " 15/03/1999 ").month == 3)
        // 00 marks what the record does not know.
        let unknownDay = DG13Date(text: "00/07/1950")
        #expect(unknownDay.year == 1950 && unknownDay.month == 7 && unknownDay.day == nil)
        let unknownBoth = DG13Date(text: "00/00/1950")
        #expect(unknownBoth.year == 1950 && unknownBoth.month == nil && unknownBoth.day == nil)
        #expect(DG13Date(text: "15/00/1950").isValid == false)  // a day without its month
        #expect(DG13Expiry(text: "Không thời hạn") == .unlimited("Không thời hạn"))
        #expect(DG13Date(day: 1, month: 2, year: 2003).text == "01/02/2003")
    }

    @Test func nuDecomposed_isFemale() throws {
        // "Nữ" in NFD: u, combining horn (U+031B), combining tilde (U+0303).
        #expect(DG13Sex(text: "N\u{0075}\u{031B}\u{0303}") == .female)
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard !subsequence.isEmpty, subsequence.count <= count else { return subsequence.isEmpty }
        return (0...(count - subsequence.count)).contains { self[$0..<($0 + subsequence.count)].elementsEqual(subsequence) }
    }
}
