import Foundation
import Testing
@testable import CCCD

/// The payload parser over every layout of shared/CCCD.md and each field's check.
struct CardQRCodeTests {
    static let example2021 = "001099012345|123456789|Nguyễn Văn An|15031999|Nam|"
        + "Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội|01062022"

    @Test func test_2021Example_fromCCCDmd_parsesEveryField() throws {
        let code = try CardQRCode(text: Self.example2021)
        #expect(code.format == .cccd2021)
        #expect(code.personalIdNumber == "001099012345")
        #expect(code.oldIdNumber == "123456789")
        #expect(code.fullName == "Nguyễn Văn An")
        #expect(code.dateOfBirth == CalendarDate(year: 1999, month: 3, day: 15))
        #expect(code.sex == .male)
        #expect(code.permanentAddress == "Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội")
        #expect(code.issueDate == CalendarDate(year: 2022, month: 6, day: 1))
        #expect(code.extra.isEmpty)
        #expect(code.text == Self.example2021)
    }

    @Test func test_2024ElevenFields_keepsTheEmptyTail() throws {
        let code = try CardQRCode(text: "079204001234||Trần Thị Bích|29022004|Nữ|Huế|01082024||||")
        #expect(code.format == .cancuoc2024)
        #expect(code.oldIdNumber == nil)
        #expect(code.sex == .female)
        #expect(code.dateOfBirth.iso8601 == "2004-02-29")
        #expect(code.extra == ["", "", "", ""])
    }

    @Test func test_2024FilledTail_keepsFieldsAsGiven() throws {
        let code = try CardQRCode(text: "001085000111|012345678|Lê Thị Hoa|31121985|Nữ|Hà Nội|15082024|"
                                  + "012345678| 001085000999 |Lê Văn Hùng|Phạm Thị Lan")
        #expect(code.extra == ["012345678", " 001085000999 ", "Lê Văn Hùng", "Phạm Thị Lan"])
    }

    @Test func test_sixFieldForm_withSlashedDates() throws {
        let code = try CardQRCode(text: "036188007654|Bùi Thị Vỹ|07/11/1988|Nữ|Nam Định|12/04/2021")
        #expect(code.format == .sixField)
        #expect(code.oldIdNumber == nil)
        #expect(code.fullName == "Bùi Thị Vỹ")
        #expect(code.dateOfBirth == CalendarDate(year: 1988, month: 11, day: 7))
        #expect(code.issueDate == CalendarDate(year: 2021, month: 4, day: 12))
    }

    @Test func test_keyboardWedgeText_BOMandCRLFandTrailingSpaces_areStripped() throws {
        let code = try CardQRCode(text: "\u{FEFF}" + Self.example2021 + "  \r\n")
        #expect(code.text == Self.example2021)
        let bytes = [0xEF, 0xBB, 0xBF] + Array(Self.example2021.utf8) + [0x0D, 0x0A]
        #expect(try CardQRCode(bytes: bytes) == code)
    }

    @Test func test_decomposedToneMarks_areNFCNormalised() throws {
        // "Nguyễn Văn" typed in NFD: e + U+0302 (circumflex) + U+0303 (tilde), a + U+0306 (breve).
        let decomposed = "001099012345||Nguye\u{0302}\u{0303}n Va\u{0306}n An|15031999|Nam|Hà Nội|01062022"
        let code = try CardQRCode(text: decomposed)
        #expect(Array(code.fullName.utf8) == Array("Nguyễn Văn An".utf8))
    }

    @Test func test_sexIsNamOrNu_inEitherCase() throws {
        let upper = Self.example2021.replacingOccurrences(of: "|Nam|", with: "|NỮ|")
        #expect(try CardQRCode(text: upper).sex == .female)
    }

    @Test(arguments: [
        ("00109901234|123456789|A|15031999|Nam|X|01062022", CardQRField.personalIdNumber),
        ("00109901234a|123456789|A|15031999|Nam|X|01062022", .personalIdNumber),
        ("001099012345|12345678|A|15031999|Nam|X|01062022", .oldIdNumber),
        ("001099012345||  |15031999|Nam|X|01062022", .fullName),
        ("001099012345||A\u{0007}B|15031999|Nam|X|01062022", .fullName),
        ("001099012345||A|31041999|Nam|X|01062022", .dateOfBirth),
        ("001099012345||A|29021900|Nam|X|01062022", .dateOfBirth),
        ("001099012345||A|1503199|Nam|X|01062022", .dateOfBirth),
        ("001099012345||A|15031999|Male|X|01062022", .sex),
        ("001099012345||A|15031999|Nam||01062022", .permanentAddress),
        ("001099012345||A|15031999|Nam|X|00062022", .issueDate),
        ("001099012345||A|15031999|Nam|X|01061998", .issueDate),
        ("036188007654|A|07/13/1988|Nữ|X|12/04/2021", .dateOfBirth),
    ])
    func test_invalidField_isNamedInTheError(text: String, field: CardQRField) {
        #expect {
            try CardQRCode(text: text)
        } throws: { error in
            guard case .invalidField(let named, _) = error as? CardQRError else { return false }
            return named == field
        }
    }

    @Test func test_errorDescriptions_neverRepeatTheIDNumber() {
        do {
            _ = try CardQRCode(text: "00109901234X|123456789|A|15031999|Nam|X|01062022")
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("0010990"))
            #expect(error.description.contains("personalIdNumber"))
        }
    }

    @Test(arguments: ["", "\u{FEFF}\r\n", "a|b|c", "1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17"])
    func test_wrongShape_isRejected(text: String) {
        #expect(throws: CardQRError.self) { try CardQRCode(text: text) }
    }

    @Test func test_nonUTF8Bytes_reportTheOffset() {
        var bytes = Array(Self.example2021.utf8)
        bytes[20] = 0xFF
        #expect(throws: CardQRError.notUTF8(offset: 20)) { try CardQRCode(bytes: bytes) }
    }

    @Test func test_calendarDate_knowsLeapYears() {
        #expect(CalendarDate(year: 2000, month: 2, day: 29) != nil)   // divisible by 400
        #expect(CalendarDate(year: 1900, month: 2, day: 29) == nil)   // divisible by 100, not 400
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2023, month: 4, day: 31) == nil)
        #expect(CalendarDate(year: 2023, month: 13, day: 1) == nil)
    }

    /// Vectors/qr/texts.json is the corpus's source: every citizen parses to the format it declares, and the
    /// names together carry every tone mark on every vowel (the list is the Vietnamese alphabet's, written out).
    @Test func test_corpusTexts_parseAndCoverEveryToneMark() throws {
        let citizens = try QRFixtures.citizens()
        #expect(citizens.count >= 6)
        var names = ""
        for citizen in citizens {
            let code = try CardQRCode(text: citizen.text)
            #expect(code.format.rawValue == citizen.format, "\(citizen.id)")
            #expect(code.text == citizen.text)
            names += code.fullName
        }
        let letters = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
        let lowered = names.lowercased()
        for letter in letters {
            #expect(lowered.contains(letter), "no \(letter) in the names")
        }
    }
}

extension CardQRCodeTests {
    @Test func test_description_holdsNoPersonalData() throws {
        let code = try CardQRCode(text: Self.example2021)
        #expect(!code.description.contains("012345"))
        #expect(!code.description.contains("Nguyễn"))
        #expect(code.description.contains("cccd-2021"))
    }
}

extension CardQRCodeTests {
    /// The names are shared/CLI.md's vocabulary ("JSON field names"), dates ISO 8601, sex male/female.
    @Test func test_namedFields_useTheCLIVocabulary() throws {
        let code = try CardQRCode(text: Self.example2021)
        #expect(code.namedFields.map(\.name) == ["personalIdNumber", "oldIdNumber", "fullName", "dateOfBirth", "sex",
                                                 "permanentAddress", "issueDate"])
        #expect(code.namedFields.map(\.value) == ["001099012345", "123456789", "Nguyễn Văn An", "1999-03-15", "male",
                                                  "Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội",
                                                  "2022-06-01"])
        let withoutCMND = try CardQRCode(text: "036188007654|Bùi Thị Vỹ|07/11/1988|Nữ|Nam Định|12/04/2021")
        #expect(!withoutCMND.namedFields.contains { $0.name == "oldIdNumber" })
        #expect(withoutCMND.namedFields.first { $0.name == "sex" }?.value == "female")
    }
}
