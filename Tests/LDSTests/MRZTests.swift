import Testing
@testable import LDS

@Suite struct MRZTests {
    // ICAO 9303-4 Appendix (TD3 specimen). Check digits verified independently with Python.
    static let td3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<" + "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    // ICAO 9303-5 (TD1 specimen).
    static let td1 = "I<UTOD231458907<<<<<<<<<<<<<<<" + "7408122F1204159UTO<<<<<<<<<<<6" + "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
    // ICAO 9303-6 (TD2 specimen).
    static let td2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<" + "D231458907UTO7408122F1204159<<<<<<<6"
    // ICAO 9303-5: a document number longer than 9 characters (D23145890734, check digit 9).
    static let td1Long = "I<UTOD23145890<7349<<<<<<<<<<<" + "3407127M9507122UTO<<<<<<<<<<<2" + "STEVENSON<<PETER<JOHN<<<<<<<<<"
    // CCCD.md's synthetic example.
    static let cccd = "IDVNM0990123459001099012345<<0" + "9903159M3903157VNM<<<<<<<<<<<0" + "NGUYEN<<VAN<AN<<<<<<<<<<<<<<<<"

    @Test func test_td3Specimen() throws {
        let m = try MRZ(characters: Self.td3)
        #expect(m.format == .td3)
        #expect(m.documentCode == "P")
        #expect(m.issuingState == "UTO")
        #expect(m.documentNumber == "L898902C3")
        #expect(m.nationality == "UTO")
        #expect(m.dateOfBirth == "740812")
        #expect(m.sex == .female)
        #expect(m.dateOfExpiry == "120415")
        #expect(m.optionalData1 == "ZE184226B")
        #expect(m.primaryIdentifier == "ERIKSSON")
        #expect(m.secondaryIdentifier == "ANNA MARIA")
        #expect(try m.characters() == Self.td3)
    }

    @Test func test_td1Specimen() throws {
        let m = try MRZ(characters: Self.td1)
        #expect(m.format == .td1)
        #expect(m.documentCode == "I")
        #expect(m.documentNumber == "D23145890")
        #expect(m.optionalData1 == "")
        #expect(m.optionalData2 == "")
        #expect(m.personalIDNumber == nil)
        #expect(try m.characters() == Self.td1)
    }

    @Test func test_td2Specimen() throws {
        let m = try MRZ(characters: Self.td2)
        #expect(m.format == .td2)
        #expect(m.documentNumber == "D23145890")
        #expect(m.primaryIdentifier == "ERIKSSON")
        #expect(m.secondaryIdentifier == "ANNA MARIA")
        #expect(try m.characters() == Self.td2)
    }

    @Test func test_td1LongDocumentNumber() throws {
        let m = try MRZ(characters: Self.td1Long)
        #expect(m.documentNumber == "D23145890734")
        #expect(m.optionalData1 == "")
        #expect(m.sex == .male)
        #expect(m.primaryIdentifier == "STEVENSON")
        #expect(m.secondaryIdentifier == "PETER JOHN")
        #expect(try m.characters() == Self.td1Long)
        // The extension's check digit is verified too.
        var broken = Array(Self.td1Long)
        broken[18] = "8"
        #expect(throws: LDSError.Reason.checkDigit(field: .documentNumber, expected: "9", found: "8")) {
            _ = try MRZ(characters: String(broken))
        }
    }

    @Test func test_cccd_idNumberFromOptionalData() throws {
        let m = try MRZ(characters: Self.cccd)
        #expect(m.documentCode == "ID")
        #expect(m.issuingState == "VNM")
        #expect(m.documentNumber == "099012345")
        #expect(m.personalIDNumber == "001099012345")
        #expect(m.dateOfBirth == "990315")
        #expect(m.dateOfExpiry == "390315")
        #expect(m.primaryIdentifier == "NGUYEN")
        #expect(m.secondaryIdentifier == "VAN AN")
        #expect(try m.characters() == Self.cccd)
    }

    @Test(arguments: [
        (14, MRZ.Field.documentNumber, Character("9")),
        (29, .personalIDNumber, "0"),
        (36, .dateOfBirth, "9"),
        (44, .dateOfExpiry, "7"),
        (59, .composite, "0"),
    ])
    func test_everyWrongCheckDigit_namesItsField(position: Int, field: MRZ.Field, expected: Character) {
        var c = Array(Self.cccd)
        c[position] = c[position] == "1" ? "2" : "1"
        #expect(throws: LDSError.Reason.checkDigit(field: field, expected: expected, found: c[position])) {
            _ = try MRZ(characters: String(c))
        }
    }

    /// CCCD.md: line 1 ends with the 12-digit ID, `<<` and a check digit over the ID. Digits computed by hand
    /// with ICAO 9303-3's weights 7, 3, 1: 001099012345 → 0·7+0·3+1·1+0·7+9·3+9·1+0·7+1·3+2·1+3·7+4·3+5·1 = 80 → 0;
    /// 079204001234 → 0+21+9+14+0+4+0+0+1+14+9+4 = 76 → 6; 048097000321 → 0+12+8+0+27+7+0+0+0+21+6+1 = 82 → 2.
    @Test func test_cccdIDCheckDigit_handComputed() throws {
        #expect(MRZ.cccdOptionalData(personalIDNumber: "001099012345") == "001099012345<<0")
        #expect(MRZ.cccdOptionalData(personalIDNumber: "079204001234") == "079204001234<<6")
        #expect(MRZ.cccdOptionalData(personalIDNumber: "048097000321") == "048097000321<<2")
        #expect(MRZ.cccdOptionalData(personalIDNumber: "04809700032") == nil)
        #expect(MRZ.cccdOptionalData(personalIDNumber: "04809700032A") == nil)
        // A line 1 with the digit 6 where 079204001234's check digit belongs fails naming the ID, whatever else.
        let line1 = "IDVNM2040012346079204001234<<"  // 204001234 → 14+0+4+0+0+1+14+9+4 = 46 → 6
        #expect(throws: LDSError.Reason.checkDigit(field: .personalIDNumber, expected: "6", found: "5")) {
            _ = try MRZ(characters: line1 + "5" + "0402290M2902284VNM<<<<<<<<<<<0" + "HE<<LE<KHUE<<<<<<<<<<<<<<<<<<<")
        }
    }

    /// A line 1 that leaves the last position a filler has no ID check digit to verify.
    @Test func test_cccdIDWithoutCheckDigit_isAccepted() throws {
        var c = Array(Self.cccd)
        c[29] = "<"  // '<' and '0' weigh the same in the composite
        let m = try MRZ(characters: String(c))
        #expect(m.personalIDNumber == "001099012345")
        #expect(m.optionalData1 == "001099012345")
    }

    @Test func test_td3_wrongPersonalNumberCheckDigit() {
        var c = Array(Self.td3)
        c[44 + 42] = "0"
        #expect(throws: LDSError.Reason.checkDigit(field: .optionalData1, expected: "1", found: "0")) {
            _ = try MRZ(characters: String(c))
        }
    }

    /// 9303-4: with no personal number, its check digit may be a filler. Composite digit 8 computed with Python.
    @Test func test_td3_emptyPersonalNumber_fillerCheckDigit() throws {
        let text = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<" + "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<<8"
        let m = try MRZ(characters: text)
        #expect(m.optionalData1 == "")
        // Re-encoded with the digit 0, which has the same weight in the composite.
        #expect(try m.characters() == "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<" + "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<08")
    }

    @Test func test_badLayoutAndCharacters() {
        #expect(throws: LDSError.Reason.self) { _ = try MRZ(characters: String(Self.cccd.dropLast())) }
        #expect(throws: LDSError.Reason.invalidMRZ(field: nil, expected: "only A-Z, 0-9 and < (offset 0)")) {
            _ = try MRZ(characters: "i" + String(Self.cccd.dropFirst()))
        }
    }

    @Test func test_dg1_fixture() throws {
        let dg1 = try DataGroup1(bytes: try Fixture.card("DG1.bin"))
        #expect(dg1.mrz == (try MRZ(characters: Self.cccd)))
        #expect(try dg1.encoded() == (try Fixture.card("DG1.bin")))
    }

    @Test func test_dg1_wrongCheckDigit_isAFileLevelError() throws {
        var bytes = try Fixture.card("DG1.bin")
        bytes[5 + 36] = UInt8(ascii: "1")
        #expect(throws: LDSError(file: .dataGroup(1), reason: .checkDigit(field: .dateOfBirth, expected: "9", found: "1"))) {
            _ = try DataGroup1(bytes: bytes)
        }
    }

    @Test func test_encoder_refusesFieldsThatDoNotFit() {
        var m = try! MRZ(characters: Self.td3)
        m.primaryIdentifier = String(repeating: "A", count: 40)
        #expect(throws: LDSError.Reason.unencodable(field: "name", expected: "at most 39 characters")) {
            _ = try m.characters()
        }
        m = try! MRZ(characters: Self.td3)
        m.documentNumber = "l898"
        #expect(throws: LDSError.Reason.unencodable(field: "documentNumber", expected: "only A-Z, 0-9 and <")) {
            _ = try m.characters()
        }
    }
}

@Suite struct EFCOMTests {
    // VECTORS.md's expected EF.COM (LDS 1.6, DG1 DG2): 60 14 5F01 "0106" 5F36 "040000" 5C 02 61 75.
    @Test func test_vectorFromTraceContract() throws {
        let bytes = hex("60145F0104303130365F36063034303030305C026175")
        let com = try EFCOM(bytes: bytes)
        #expect(com.ldsVersion == "0106")
        #expect(com.unicodeVersion == "040000")
        #expect(com.dataGroups == [1, 2])
        #expect(com.encoded() == bytes)
    }

    @Test func test_cccdFixture() throws {
        let com = try EFCOM(bytes: try Fixture.card("EF.COM.bin"))
        #expect(com.dataGroups == [1, 2, 13, 14, 15, 3])
        #expect(com.dataGroupTags == [0x61, 0x75, 0x6D, 0x6E, 0x6F, 0x63])
    }

    @Test func test_missingTagList() {
        #expect(throws: LDSError(file: .com, reason: .tlv(.missingElement(offset: 18, expected: 0x5C)))) {
            _ = try EFCOM(bytes: hex("60105F0104303130365F3606303430303030"))
        }
    }

    @Test func test_fileIdentifiers() {
        #expect(ElementaryFile.com.fileIdentifier == 0x011E)
        #expect(ElementaryFile.sod.fileIdentifier == 0x011D)
        #expect(ElementaryFile.cardAccess.fileIdentifier == 0x011C)
        #expect(ElementaryFile.dataGroup(13).fileIdentifier == 0x010D)
        #expect(ElementaryFile.dataGroup(2).tag == 0x75)
        #expect(ElementaryFile(dataGroupTag: 0x6D) == .dataGroup(13))
    }
}

@Suite struct RedactionTests {
    @Test func test_descriptions_holdNoAccessSecret() throws {
        let dg1 = try DataGroup1(bytes: try Fixture.card("DG1.bin"))
        let dg13 = try DataGroup13(bytes: try Fixture.card("DG13.bin"))
        var dumped = ""
        dump(dg1, to: &dumped)
        dump(dg13, to: &dumped)
        for text in ["\(dg1)", String(reflecting: dg1), "\(dg1.mrz)", "\(dg13)", String(reflecting: dg13), dumped] {
            // Document number, birth date, expiry (the BAC key) and the ID number (whose tail is the CAN).
            for secret in ["099012345", "990315", "390315", "001099012345", "012345", "Nguyễn"] {
                #expect(!text.contains(secret), "\(text) leaks \(secret)")
            }
        }
        #expect("\(dg13)".hasPrefix("DG13(fields 1,2,3"))
        // A malformed field 1 shows its number and size, not its digits.
        let malformed = try DataGroup13(bytes: hex("6D19 3017 020101 3112 3010 020101 0C09") + Array("001099012".utf8) + hex("0500"))
        var text = ""
        dump(malformed.malformedFields, to: &text)
        for shown in ["\(malformed)", "\(malformed.malformedFields)", text] {
            #expect(!shown.contains("001099012") && !shown.contains("303031303939303132"), "\(shown)")
        }
        #expect("\(malformed)".contains("malformed 1"))
    }
}
