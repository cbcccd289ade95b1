import Foundation
import Testing
@testable import CardIO

@Suite struct CardAccessNumberTests {
    @Test func sixDigits_areTheCAN() throws {
        #expect(try CardAccessNumber("012345").digits == "012345")
    }

    @Test(arguments: ["12345", "1234567", "12a456", "", " 12345", "١٢٣٤٥٦"])
    func anythingButSixASCIIDigits_isRefused(_ text: String) {
        #expect(throws: AccessKeyError.cardAccessNumberNotSixDigits) { try CardAccessNumber(text) }
    }

    /// CCCD.md / CLI.md: the CAN is the last six digits of the 12-digit ID number.
    @Test func fromPersonalIdNumber_keepsTheLastSixDigits() throws {
        #expect(try CardAccessNumber(personalIdNumber: "001099012345").digits == "012345")
    }

    @Test(arguments: ["00109901234", "0010990123456", "00109901234X", "001 99012345"])
    func personalIdNumber_mustBeTwelveDigits(_ text: String) {
        #expect(throws: AccessKeyError.personalIdNumberNotTwelveDigits) {
            try CardAccessNumber(personalIdNumber: text)
        }
    }

    @Test func description_neverShowsTheDigits() throws {
        let can = try CardAccessNumber("987654")
        #expect(!"\(can)".contains("987654"))
        #expect("\(AccessKey.can(can))" == "CAN")
        #expect(!String(reflecting: AccessKey.can(can)).contains("987654"))
    }
}

@Suite struct MRZKeyFormTests {
    @Test func fields_areNormalised() throws {
        let key = try MRZKey(documentNumber: "l898902c<<", dateOfBirth: "690806", dateOfExpiry: "940623")
        #expect(key.documentNumber == "L898902C")
        #expect(!key.documentNumberIsFromPersonalIdNumber)
        #expect(key == (try MRZKey(documentNumber: "L898902C", dateOfBirth: "690806", dateOfExpiry: "940623")))
    }

    /// CCCD.md: the document number of the MRZ is the last 9 digits of the 12-digit ID number.
    @Test func twelveDigitIDNumber_keepsItsLastNineDigits_andSaysSo() throws {
        let key = try MRZKey(documentNumber: "001099012345", dateOfBirth: "990315", dateOfExpiry: "390315")
        #expect(key.documentNumber == "099012345")
        #expect(key.documentNumberIsFromPersonalIdNumber)
        #expect(key == (try MRZKey(documentNumber: "099012345", dateOfBirth: "990315", dateOfExpiry: "390315")))
        // A long TD1 number with letters is a document number, not an ID: kept whole.
        #expect(try MRZKey(documentNumber: "D23145890734", dateOfBirth: "340712", dateOfExpiry: "950712")
            .documentNumber == "D23145890734")
    }

    @Test(arguments: [
        ("L898-902C", "690806", "940623", AccessKeyError.documentNumberCharacters),
        ("<<<", "690806", "940623", .documentNumberLength),
        (String(repeating: "A", count: 23), "690806", "940623", .documentNumberLength),
        ("L898902C", "6908", "940623", .dateNotSixDigits(.dateOfBirth)),
        ("L898902C", "69O806", "940623", .dateNotSixDigits(.dateOfBirth)),
        ("L898902C", "690806", "941323", .invalidMonth(.dateOfExpiry)),
        ("L898902C", "691306", "940623", .invalidMonth(.dateOfBirth)),
        ("L898902C", "690832", "940623", .invalidDay(.dateOfBirth)),
        ("L898902C", "690806", "940631", .invalidDay(.dateOfExpiry)),
        ("L898902C", "690230", "940623", .invalidDay(.dateOfBirth)),
        ("L898902C", "690431", "940623", .invalidDay(.dateOfBirth)),
        ("L898902C", "69<<06", "940623", .invalidDay(.dateOfBirth)),
        ("L898902C", "690806", "9406<<", .dateNotSixDigits(.dateOfExpiry)),
        ("L898902C", "<<0806", "940623", .dateNotSixDigits(.dateOfBirth)),
        ("L898902C", "690806", "940600", .invalidDay(.dateOfExpiry)),
        ("L898902C", "690806", "940023", .invalidMonth(.dateOfExpiry)),
        ("L898902C", "690006", "940623", .invalidDay(.dateOfBirth)),
    ])
    func malformedFields_areTypedErrors_thatNameTheField(_ number: String, _ birth: String, _ expiry: String,
                                                         _ expected: AccessKeyError) {
        #expect(throws: expected) { try MRZKey(documentNumber: number, dateOfBirth: birth, dateOfExpiry: expiry) }
        // The message names the field and never repeats what was typed.
        #expect(!expected.description.contains(birth) && !expected.description.contains(expiry))
    }

    @Test func realDates_includingLeapDays_andUnknownBirthDayOrMonth_areAccepted() throws {
        _ = try MRZKey(documentNumber: "A1", dateOfBirth: "000229", dateOfExpiry: "281231")
        // A leap-day birthday as a common year's expiry, as Vectors/cards/he-le-khue-2024.json prints it.
        _ = try MRZKey(documentNumber: "A1", dateOfBirth: "040229", dateOfExpiry: "290229")
        // Unknown day, and unknown month and day, of birth: 00 (Vietnamese documents) or fillers (ICAO 9303-3).
        _ = try MRZKey(documentNumber: "A1", dateOfBirth: "500300", dateOfExpiry: "300131")
        _ = try MRZKey(documentNumber: "A1", dateOfBirth: "500000", dateOfExpiry: "300131")
        _ = try MRZKey(documentNumber: "A1", dateOfBirth: "5003<<", dateOfExpiry: "300131")
        _ = try MRZKey(documentNumber: "A1", dateOfBirth: "50<<<<", dateOfExpiry: "991231")
    }

    @Test func description_neverShowsTheKey() throws {
        let key = try MRZKey(documentNumber: "L898902C", dateOfBirth: "690806", dateOfExpiry: "940623")
        #expect(!"\(key)".contains("L898902C") && !"\(key)".contains("690806"))
        #expect("\(AccessKey.mrz(key))" == "MRZ")
    }
}

@Suite struct AccessKeyJSONTests {
    /// The `access` shapes of shared/VECTORS.md.
    @Test func decodesBothShapesOfVectorsMD() throws {
        let can = try JSONDecoder().decode(AccessKey.self, from: Data(#"{"can": "123456"}"#.utf8))
        #expect(can == .can(try CardAccessNumber("123456")))
        let mrz = try JSONDecoder().decode(AccessKey.self, from: Data(
            #"{"mrz": {"documentNumber": "L898902C<", "dateOfBirth": "690806", "dateOfExpiry": "940623"}}"#.utf8))
        #expect(mrz == .mrz(try MRZKey(documentNumber: "L898902C", dateOfBirth: "690806", dateOfExpiry: "940623")))
    }

    @Test func encodesExactlyTheVectorsShape() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let can = String(decoding: try encoder.encode(AccessKey.can(try CardAccessNumber("123456"))), as: UTF8.self)
        #expect(can == #"{"can":"123456"}"#)
        let key = AccessKey.mrz(try MRZKey(documentNumber: "T22000129", dateOfBirth: "640812", dateOfExpiry: "101031"))
        let mrz = String(decoding: try encoder.encode(key), as: UTF8.self)
        #expect(mrz == #"{"mrz":{"dateOfBirth":"640812","dateOfExpiry":"101031","documentNumber":"T22000129"}}"#)
        #expect(try JSONDecoder().decode(AccessKey.self, from: Data(mrz.utf8)) == key)
    }

    @Test func malformedKeys_failDecodingAtTheirField() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(AccessKey.self, from: Data(#"{"can": "12345"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(AccessKey.self, from: Data(#"{"pin": "1234"}"#.utf8))
        }
        do {
            _ = try JSONDecoder().decode(AccessKey.self, from: Data(
                #"{"mrz": {"documentNumber": "L898902C", "dateOfBirth": "691306", "dateOfExpiry": "940623"}}"#.utf8))
            Issue.record("month 13 was accepted")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.codingPath.map(\.stringValue) == ["mrz", "dateOfBirth"])
            #expect(!context.debugDescription.contains("691306"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
