import Testing
@testable import LDS

@Suite struct DataGroup13Tests {
    @Test func test_2021Card_everyField() throws {
        let dg = try DataGroup13(bytes: try Fixture.card("DG13.bin"))
        #expect(dg.version == 1)
        #expect(dg.encoding == .utf8Encoding)
        #expect(dg.personalIDNumber == "001099012345")
        #expect(dg.fullName == "Nguyễn Văn An")
        #expect(dg.dateOfBirth?.text == "15/03/1999")
        #expect(dg.dateOfBirth?.day == 15)
        #expect(dg.dateOfBirth?.month == 3)
        #expect(dg.dateOfBirth?.year == 1999)
        #expect(dg.sex == .male)
        #expect(dg.nationality == "Việt Nam")
        #expect(dg.ethnicity == "Kinh")
        #expect(dg.religion == "Không")
        #expect(dg.placeOfOrigin == "Xã Đông Hội, Huyện Đông Anh, Hà Nội")
        #expect(dg.placeOfResidence == "Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội")
        #expect(dg.identifyingCharacteristics == "Nốt ruồi C:1cm trên trước mép phải")
        #expect(dg.dateOfIssue == DG13Date(day: 1, month: 6, year: 2022))
        #expect(dg.dateOfExpiry == .date(DG13Date(day: 15, month: 3, year: 2039)))
        #expect(dg.parents == DG13Parents(fatherName: "Nguyễn Văn Bình", motherName: "Trần Thị Cúc"))
        #expect(dg.spouseName == "Lê Thị Dung")
        #expect(dg.otherDocumentNumber == "123456789")
        #expect(dg.field16 == "0123456789ABCDEF")
        #expect(dg.unknownFields.isEmpty)
        // Python wrote the fixture in field order with UTF8Strings, as our encoder does.
        #expect(dg.encoded() == (try Fixture.card("DG13.bin")))
    }

    @Test func test_2024Card_outOfOrder_missingAndUnknownFields() throws {
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
        // Re-encoded in number order, the unknown field is still there.
        let again = try DataGroup13(bytes: dg.encoded())
        #expect(again == dg)
    }

    @Test func test_handWrittenHex_minimalStructure() throws {
        // 6D { 30 { 02 01 01, 31 { 30 { 02 01 04, 0C 03 "Nam" } } } }, without the encoding OID.
        // First with the field's SEQUENCE length forgetting the 3 value bytes: a structural error.
        let bytes = hex("6D0E 300C 020101 3107 3005 020104 0C03") + Array("Nam".utf8)
        let fixed = hex("6D11 300F 020101 310A 3008 020104 0C03") + Array("Nam".utf8)
        #expect(throws: LDSError.self) { _ = try DataGroup13(bytes: bytes) }
        let dg = try DataGroup13(bytes: fixed)
        #expect(dg.version == 1)
        #expect(dg.encoding == nil)
        #expect(dg.sex == .male)
        #expect(dg.fullName == nil)
    }

    @Test func test_nuDecomposed_isFemale() throws {
        // "Nữ" in NFD: u, combining horn (U+031B), combining tilde (U+0303).
        let nfd = "N\u{0075}\u{031B}\u{0303}"
        #expect(DG13Sex(text: nfd) == .female)
    }

    @Test func test_knownFieldWithWrongType_namesTheField() throws {
        let bytes = hex("6D0E 300C 020101 3107 3005 020102 0500")
        #expect(throws: LDSError(file: .dataGroup(13), reason: .invalidField(
            field: "DG13 field 2", offset: 14, expected: "UTF8String or PrintableString, found tag 05"))) {
            _ = try DataGroup13(bytes: bytes)
        }
    }

    @Test func test_invalidUTF8_namesTheField() throws {
        let bytes = hex("6D0F 300D 020101 3108 3006 020102 0C01FF")
        #expect(throws: LDSError(file: .dataGroup(13), reason: .invalidField(
            field: "DG13 field 2", offset: 14, expected: "valid text"))) {
            _ = try DataGroup13(bytes: bytes)
        }
    }

    @Test func test_duplicateField_isRejected() throws {
        let bytes = hex("6D15 3013 020101 310E 3005 020101 0C00 3005 020101 0C00")
        #expect(throws: LDSError(file: .dataGroup(13), reason: .invalidField(
            field: "DG13 field 1", offset: 16, expected: "a single occurrence"))) {
            _ = try DataGroup13(bytes: bytes)
        }
    }

    @Test func test_fieldWithoutValue_andTruncation() throws {
        #expect(throws: LDSError(file: .dataGroup(13), reason: .invalidField(
            field: "DG13 field 2", offset: 14, expected: "a value"))) {
            _ = try DataGroup13(bytes: hex("6D0C 300A 020101 3105 3003 020102"))
        }
        var bytes = try Fixture.card("DG13.bin")
        bytes.removeLast(10)
        #expect(throws: LDSError.self) { _ = try DataGroup13(bytes: bytes) }
    }

    @Test func test_dates() {
        #expect(DG13Date(text: "15031999").day == 15)
        #expect(DG13Date(text: "32/01/1999").day == nil)
        #expect(DG13Date(text: "15/13/1999").month == nil)
        #expect(DG13Date(text: "1999").year == 1999)
        #expect(DG13Date(text: "abcd").year == nil)
        #expect(DG13Date(text: "").year == nil)
        #expect(DG13Expiry(text: "Không thời hạn") == .unlimited("Không thời hạn"))
        #expect(DG13Date(day: 1, month: 2, year: 2003).text == "01/02/2003")
    }
}
