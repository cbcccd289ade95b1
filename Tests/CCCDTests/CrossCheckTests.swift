@testable import CCCD
import Testing

/// The chip against the QR, field by field, by LEVEL1.md's comparison rules; each expected outcome is written by
/// hand from those rules.
@Suite struct CrossCheckTests {
    /// Nguyễn Văn An as his chip describes him (Vectors/cards/nguyen-van-an-2021.json).
    static func chip() -> CitizenRecord {
        var record = CitizenRecord(dg13: nil, dg1: nil)
        record.personalIdNumber = "001099012345"
        record.fullName = "Nguyễn Văn An"
        record.dateOfBirth = PartialDate(year: 1999, month: 3, day: 15)
        record.sex = "male"
        record.permanentAddress = "Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội"
        record.oldIdNumber = "123456789"
        record.issueDate = PartialDate(year: 2022, month: 6, day: 1)
        return record
    }

    /// The QR with the fields given replaced: ID, old ID, name, birth, sex, address, issue.
    static func qr(id: String = "001099012345", old: String = "123456789", name: String = "Nguyễn Văn An",
                   birth: String = "15031999", sex: String = "Nam",
                   address: String = "Số 12 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội",
                   issue: String = "01062022") throws -> CardQRCode {
        try CardQRCode(text: [id, old, name, birth, sex, address, issue].joined(separator: "|"))
    }

    func fields(_ problems: [Problem]) -> [String] { problems.compactMap(\.field) }

    @Test func theSamePerson_matches() throws {
        #expect(CrossCheck.compare(Self.chip(), try Self.qr()).isEmpty)
    }

    // The 12-digit number: exactly.
    @Test func anotherIdNumber_isAMismatch_withBothValues() throws {
        let problems = CrossCheck.compare(Self.chip(), try Self.qr(id: "001099012346"))
        #expect(problems == [Problem(code: .qrMismatch, field: "personalIdNumber", chip: "001099012345",
                                     qr: "001099012346")])
    }

    // Names: NFC, trimmed, whitespace collapsed, case-insensitive.
    @Test func theNameInOtherCaseAndSpacing_matches() throws {
        #expect(CrossCheck.compare(Self.chip(), try Self.qr(name: "NGUYỄN  VĂN   AN")).isEmpty)
    }

    @Test func theNameDecomposed_matches() throws {
        // "Nguyễn Văn An" with every mark as a combining character (NFD), as some scanners deliver it.
        let decomposed = "Nguye\u{302}\u{303}n Va\u{306}n An"
        #expect(CrossCheck.compare(Self.chip(), try Self.qr(name: decomposed)).isEmpty)
    }

    @Test func aNameThatDiffersByOneToneMark_isAMismatch() throws {
        let problems = CrossCheck.compare(Self.chip(), try Self.qr(name: "Nguyễn Văn Ân"))
        #expect(problems == [Problem(code: .qrMismatch, field: "fullName", chip: "Nguyễn Văn An", qr: "Nguyễn Văn Ân")])
    }

    // Dates as dates: the QR writes ddMMyyyy.
    @Test func anotherBirthDate_isAMismatch_inISOForm() throws {
        let problems = CrossCheck.compare(Self.chip(), try Self.qr(birth: "15031998"))
        #expect(problems == [Problem(code: .qrMismatch, field: "dateOfBirth", chip: "1999-03-15", qr: "1998-03-15")])
    }

    @Test func aBirthYearOnlyOnTheChip_agreesWithAnyDayOfThatYear() throws {
        var chip = Self.chip()
        chip.dateOfBirth = PartialDate(year: 1999)
        #expect(CrossCheck.compare(chip, try Self.qr(birth: "01011999")).isEmpty)
        #expect(fields(CrossCheck.compare(chip, try Self.qr(birth: "01012000"))) == ["dateOfBirth"])
    }

    @Test func aBirthYearAndMonthOnTheChip_agreesWithThatMonthOnly() throws {
        var chip = Self.chip()
        chip.dateOfBirth = PartialDate(year: 1999, month: 3)
        #expect(CrossCheck.compare(chip, try Self.qr(birth: "31031999")).isEmpty)
        #expect(fields(CrossCheck.compare(chip, try Self.qr(birth: "01041999"))) == ["dateOfBirth"])
    }

    // Sex: Nam / Nữ against male / female.
    @Test func nuAgainstMale_isAMismatch() throws {
        let problems = CrossCheck.compare(Self.chip(), try Self.qr(sex: "Nữ"))
        #expect(problems == [Problem(code: .qrMismatch, field: "sex", chip: "male", qr: "female")])
    }

    // Addresses: whitespace collapsed, the spacing around punctuation ignored.
    @Test func theAddressWithOtherSpacingAroundCommas_matches() throws {
        let address = "Số 12 ngõ 34 Láng Hạ ,Phường Láng Hạ,  Quận Đống Đa , Hà Nội"
        #expect(CrossCheck.compare(Self.chip(), try Self.qr(address: address)).isEmpty)
    }

    @Test func anotherAddress_isAMismatch() throws {
        let problems = CrossCheck.compare(Self.chip(), try Self.qr(address: "Số 14 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội"))
        #expect(fields(problems) == ["permanentAddress"])
        #expect(problems.first?.qr == "Số 14 ngõ 34 Láng Hạ, Phường Láng Hạ, Quận Đống Đa, Hà Nội")
    }

    // The old ID: compared when both sides have one.
    @Test func anotherOldId_isAMismatch() throws {
        let problems = CrossCheck.compare(Self.chip(), try Self.qr(old: "987654321"))
        #expect(problems == [Problem(code: .qrMismatch, field: "oldIdNumber", chip: "123456789", qr: "987654321")])
    }

    @Test func anOldIdOnOneSideOnly_isNotCompared() throws {
        #expect(CrossCheck.compare(Self.chip(), try Self.qr(old: "")).isEmpty)
        var chip = Self.chip()
        chip.oldIdNumber = nil
        #expect(CrossCheck.compare(chip, try Self.qr()).isEmpty)
    }

    // The issue date: as a date.
    @Test func anotherIssueDate_isAMismatch() throws {
        let problems = CrossCheck.compare(Self.chip(), try Self.qr(issue: "02062022"))
        #expect(problems == [Problem(code: .qrMismatch, field: "issueDate", chip: "2022-06-01", qr: "2022-06-02")])
    }

    @Test func anotherPerson_isAMismatchOnEveryField() throws {
        let problems = CrossCheck.compare(Self.chip(), try CardQRCode(
            text: "038190004567|987654321|Đàm Ánh Hằng|02091990|Nữ|Thôn 3, Xã Hoằng Trung, Huyện Hoằng Hóa, Thanh Hóa|03092021"))
        #expect(fields(problems) == ["personalIdNumber", "fullName", "dateOfBirth", "sex", "permanentAddress",
                                     "oldIdNumber", "issueDate"])
    }
}
