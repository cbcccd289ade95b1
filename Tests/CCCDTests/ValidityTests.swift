@testable import CCCD
import Foundation
import Testing

/// The card's validity on the day of reading, in Vietnam's days (UTC+7).
@Suite struct ValidityTests {
    static func record(expiry: PartialDate?, forLife: Bool = false) -> CitizenRecord {
        var record = CitizenRecord(dg13: nil, dg1: nil)
        record.expiryDate = expiry
        record.validForLife = forLife
        return record
    }

    static let march15 = PartialDate(year: 2039, month: 3, day: 15)

    @Test func onItsLastDay_theCardIsValid() {
        // 2039-03-15T16:59:59Z is 23:59:59 on 15 March in Hà Nội.
        #expect(Validity(record: Self.record(expiry: Self.march15), mrzExpiry: nil,
                         on: ISO8601.date("2039-03-15T16:59:59Z")!) == .valid(until: Self.march15))
    }

    @Test func theNextDayInVietnam_theCardHasExpired() {
        // 2039-03-15T17:00:00Z is already 16 March in Hà Nội.
        #expect(Validity(record: Self.record(expiry: Self.march15), mrzExpiry: nil,
                         on: ISO8601.date("2039-03-15T17:00:00Z")!) == .expired(on: Self.march15))
    }

    @Test func aYearOnlyExpiry_lastsTheWholeYear() {
        let year = PartialDate(year: 2030)
        #expect(Validity(record: Self.record(expiry: year), mrzExpiry: nil, on: ISO8601.date("2030-12-31T10:00:00Z")!)
                == .valid(until: year))
        #expect(Validity(record: Self.record(expiry: year), mrzExpiry: nil, on: ISO8601.date("2031-01-01T10:00:00Z")!)
                == .expired(on: year))
    }

    @Test func dg13WithoutExpiry_fallsBackToTheMRZ() {
        #expect(Validity(record: Self.record(expiry: nil), mrzExpiry: "390315", on: ISO8601.date("2039-03-16T10:00:00Z")!)
                == .expired(on: Self.march15))
    }

    @Test func noExpiry_isValidForLife() {
        #expect(Validity(record: Self.record(expiry: nil, forLife: true), mrzExpiry: "991231", on: Date()) == .validForLife)
        // shared/CCCD.md: cards valid for life carry expiry 991231 in the MRZ.
        #expect(Validity(record: Self.record(expiry: nil), mrzExpiry: "991231", on: Date()) == .validForLife)
    }

    @Test func neitherSource_isUnknown() {
        #expect(Validity(record: Self.record(expiry: nil), mrzExpiry: nil, on: Date()) == .unknown)
    }
}
