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
        #expect(code.dateOfBirth == PartialDate(year: 1999, month: 3, day: 15))
        #expect(code.sex == .male)
        #expect(code.permanentAddress == "Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội")
        #expect(code.issueDate == CalendarDate(year: 2022, month: 6, day: 1))
        #expect(code.extra.isEmpty)
        #expect(code.text == Self.example2021)
        #expect(code.repair == nil)
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
        #expect(code.dateOfBirth == PartialDate(year: 1988, month: 11, day: 7))
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

/// The forms real QR texts take (shared/CCCD.md, issue 16): partial birth dates, cut scans, garbled encodings, lost
/// diacritics, two scans in one text, and what keyboard-wedge scanners put around the text. The garbled texts were
/// made with Python from the example's UTF-8 bytes: `bytes.decode("latin-1")`, and Windows-1252 as the WHATWG
/// Encoding Standard decodes it (Python's `cp1252`, with the five unassigned bytes 0x81 0x8D 0x8F 0x90 0x9D as the
/// C1 controls of the same value).
struct CardQRTextFormTests {
    static let example = CardQRCodeTests.example2021

    // MARK: - Birth dates known in part

    @Test(arguments: [
        ("1999", "1999"), ("00001999", "1999"), ("00/00/1999", "1999"),
        ("00031999", "1999-03"), ("00/03/1999", "1999-03"), ("15031999", "1999-03-15"),
    ])
    func test_birthDate_keepsWhatIsKnown(field: String, iso: String) throws {
        let code = try CardQRCode(text: "001099012345||Nguyễn Văn An|\(field)|Nam|Hà Nội|01062022")
        #expect(code.dateOfBirth.iso8601 == iso)
        #expect(code.namedFields.first { $0.name == "dateOfBirth" }?.value == iso)
    }

    @Test(arguments: ["15001999", "00131999", "0000199", "19999", "00001899"])
    func test_birthDate_dayWithoutMonthOrNoYear_isInvalid(field: String) {
        #expect(throws: CardQRError.self) {
            try CardQRCode(text: "001099012345||Nguyễn Văn An|\(field)|Nam|Hà Nội|01062022")
        }
        do {
            _ = try CardQRCode(text: "001099012345||Nguyễn Văn An|\(field)|Nam|Hà Nội|01062022")
        } catch {
            guard case .invalidField(.dateOfBirth, _) = error else { Issue.record("\(error)"); return }
        }
    }

    @Test func test_bareBirthYear_agreesWithAChipThatKnowsTheDay() throws {
        let code = try CardQRCode(text: "001099012345||Nguyễn Văn An|1999|Nam|Hà Nội|01062022")
        #expect(PartialDate(year: 1999, month: 3, day: 15).agrees(with: code.dateOfBirth))
        #expect(!PartialDate(year: 1998, month: 3, day: 15).agrees(with: code.dateOfBirth))
        // Issued in the year of birth: a bare year counts from 1 January.
        #expect(try CardQRCode(text: "001099012345||A|1999|Nam|X|01061999").dateOfBirth.year == 1999)
    }

    // MARK: - Cut short

    @Test(arguments: [
        // Without the issue date, and cut inside the address: six fields whose second is the CMND, not a name.
        ("001099012345|123456789|Nguyễn Văn An|15031999|Nam|Số 12 ngõ 34 Láng Hạ", 6, 7),
        ("001099012345||Nguyễn Văn An|15031999|Nam|Số 12 ngõ", 6, 7),
        // Cut inside the issue date.
        ("001099012345|123456789|Nguyễn Văn An|15031999|Nam|Hà Nội|0106", 7, 7),
        // Cut after a few fields, and inside the ID.
        ("001099012345|123456789|Nguyễn V", 3, 7),
        ("001099012345|", 2, 7),
        ("0010990123", 1, 7),
        // The six-field form cut short.
        ("036188007654|Bùi Thị Vỹ|07/11/1988|Nữ", 4, 6),
    ])
    func test_textCutShort_isReportedAsCutShort(text: String, fields: Int, expected: Int) {
        #expect(throws: CardQRError.cutShort(fields: fields, expected: expected)) { try CardQRCode(text: text) }
    }

    // MARK: - Garbled encodings

    @Test func test_utf8ReadAsLatin1_isRepaired() throws {
        let garbled = "001099012345|123456789|Nguyá»\u{85}n VÄ\u{83}n An|15031999|Nam|Sá»\u{91} 12 ngÃµ 34 LÃ¡ng Háº¡, "
            + "PhÆ°á»\u{9D}ng LÃ¡ng Háº¡, Quáº\u{AD}n Ä\u{90}á»\u{91}ng Ä\u{90}a, HÃ\u{A0} Ná»\u{99}i|01062022"
        let code = try CardQRCode(text: garbled)
        #expect(code.repair == .utf8ReadAsLatin1)
        #expect(Array(code.text.utf8) == Array(Self.example.utf8))
        #expect(code.fullName == "Nguyễn Văn An")
    }

    @Test func test_utf8ReadAsWindows1252_withBOMandCRLF_isRepaired() throws {
        let garbled = "ï»¿001099012345|123456789|Nguyá»…n VÄƒn An|15031999|Nam|Sá»‘ 12 ngÃµ 34 LÃ¡ng Háº¡, "
            + "PhÆ°á»\u{9D}ng LÃ¡ng Háº¡, Quáº\u{AD}n Ä\u{90}á»‘ng Ä\u{90}a, HÃ\u{A0} Ná»™i|01062022\r\n"
        let code = try CardQRCode(text: garbled)
        #expect(code.repair == .utf8ReadAsWindows1252)
        #expect(Array(code.text.utf8) == Array(Self.example.utf8))
    }

    @Test func test_utf8GarbledTwice_isRepairedTwice() throws {
        let garbled = "079204001234||TrÃ¡ÂºÂ§n ThÃ¡Â»â€¹ BÃƒÂ\u{AD}ch|29022004|NÃ¡Â»Â¯|HuÃ¡ÂºÂ¿|01082024||||"
        let code = try CardQRCode(text: garbled)
        #expect(code.fullName == "Trần Thị Bích")
        #expect(code.sex == .female)
        #expect(code.permanentAddress == "Huế")
    }

    /// Python's strict `cp1252` with `errors="replace"`: the unassigned bytes became U+FFFD, so the original bytes
    /// are lost.
    @Test func test_garbledWithReplacementCharacters_isReportedAsMangled() {
        let garbled = "001099012345|123456789|Nguyá»…n VÄƒn An|15031999|Nam|Sá»‘ 12 ngÃµ 34 LÃ¡ng Háº¡, "
            + "PhÆ°á»\u{FFFD}ng LÃ¡ng Háº¡, Quáº\u{AD}n Ä\u{FFFD}á»‘ng Ä\u{FFFD}a, HÃ\u{A0} Ná»™i|01062022"
        #expect(throws: CardQRError.mangledEncoding) { try CardQRCode(text: garbled) }
    }

    /// Half garbled, half Vietnamese (ư, ộ are in neither code page): no single repair explains it.
    @Test func test_partlyGarbled_isReportedAsMangled() {
        let mixed = "001099012345|123456789|Nguyá»…n VÄƒn An|15031999|Nam|Phường Láng Hạ, Hà Nội|01062022"
        #expect(throws: CardQRError.mangledEncoding) { try CardQRCode(text: mixed) }
    }

    /// Vietnamese that uses Latin-1 letters only (à, â) is not mistaken for a garbled text.
    @Test func test_latin1LettersInVietnamese_areLeftAlone() throws {
        let code = try CardQRCode(text: "001099012345||Hà Vân|15031999|Nữ|Hà Nội|01062022")
        #expect(code.repair == nil)
        #expect(code.fullName == "Hà Vân")
    }

    // MARK: - Lost diacritics, two scans

    @Test(arguments: ["Nu", "NU", "N?"])
    func test_scannerThatLostTheDiacritics_isToldSo(sex: String) {
        let text = "079204001234||Tran Thi Bich|29022004|\(sex)|Hue|01082024||||"
        #expect(throws: CardQRError.diacriticsLost) { try CardQRCode(text: text) }
        #expect(CardQRError.diacriticsLost.description.contains("diacritics"))
    }

    @Test(arguments: ["\r\n", "\n", "\r", "", "|"])
    func test_twoScansRunTogether_areToldSo(separator: String) {
        let second = "079204001234||Trần Thị Bích|29022004|Nữ|Huế|01082024||||"
        #expect(throws: CardQRError.twoScansRunTogether) { try CardQRCode(text: Self.example + separator + second) }
        #expect(throws: CardQRError.twoScansRunTogether) { try CardQRCode(text: second + separator + Self.example) }
    }

    @Test func test_sameScanTwice_isTwoScans() {
        #expect(throws: CardQRError.twoScansRunTogether) { try CardQRCode(text: Self.example + Self.example) }
    }

    // MARK: - Field counts

    /// Every count the parser accepts parses, the ones around it do not, and the message names exactly the
    /// accepted counts.
    @Test func test_fieldCountMessage_isTrueToWhatIsAccepted() throws {
        #expect(CardQRCode.acceptedFieldCounts == 6...16)
        for count in CardQRCode.acceptedFieldCounts {
            let text = count == 6 ? "036188007654|Bùi Thị Vỹ|07/11/1988|Nữ|Nam Định|12/04/2021"
                : Self.example + String(repeating: "|", count: count - 7)
            #expect(try CardQRCode(text: text).extra.count == max(0, count - 7), "\(count) fields")
        }
        let seventeen = Self.example + String(repeating: "|x", count: 10)
        #expect(throws: CardQRError.fieldCount(17)) { try CardQRCode(text: seventeen) }
        let message = CardQRError.fieldCount(17).description
        #expect(message.contains("17 fields") && message.contains("6") && message.contains("7")
                && message.contains("8 to 16"))
    }

    // MARK: - What keyboard-wedge scanners put around the text

    @Test func test_spacesAroundTextAndFields_areTrimmed() throws {
        let spaced = "  001099012345 | 123456789 |  Nguyễn Văn An | 15031999 | Nam | Hà Nội | 01062022 \t"
        let code = try CardQRCode(text: spaced)
        #expect(code.personalIdNumber == "001099012345")
        #expect(code.oldIdNumber == "123456789")
        #expect(code.fullName == "Nguyễn Văn An")
        #expect(code.permanentAddress == "Hà Nội")
        #expect(code.issueDate == CalendarDate(year: 2022, month: 6, day: 1))
        #expect(!code.text.hasPrefix(" ") && !code.text.hasSuffix("\t"))
    }

    @Test(arguments: ["\u{FEFF}\u{FEFF}", "\r\n\u{FEFF}", " \u{FEFF}"])
    func test_BOMsAndLineBreaks_areStrippedFromBothEnds(prefix: String) throws {
        let code = try CardQRCode(text: prefix + Self.example + "\r\r\n\u{FEFF}")
        #expect(code.text == Self.example)
    }
}
