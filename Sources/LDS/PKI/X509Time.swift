import Foundation

/// UTCTime and GeneralizedTime (X.680 §46–47) as certificates and CRLs write them (RFC 5280 §4.1.2.5).
enum X509Time {
    /// The instant an element of type UTCTime (`17`) or GeneralizedTime (`18`) denotes.
    ///
    /// RFC 5280 requires `YYMMDDHHMMSSZ` and `YYYYMMDDHHMMSSZ`; the forms BER also allows and older CSCAs wrote
    /// (seconds left out, a UTC offset instead of `Z`, fractions of a second) are read too. Every field is range
    /// checked, so a malformed time is an error, never a wrong date.
    static func date(_ r: FileReader, _ e: TLVElement) throws(LDSError.Reason) -> Date {
        let invalid = LDSError.Reason.tlv(.invalidValue(offset: e.offset, tag: e.tag,
                                                       expected: "a UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5)"))
        guard !e.isConstructed, e.tag == .utcTime || e.tag == .generalizedTime, e.length <= 32 else { throw invalid }
        let s = r.value(e)
        var i = s.startIndex
        func digits(_ n: Int) -> Int? {
            guard s.endIndex - i >= n else { return nil }
            var v = 0
            for k in i..<(i + n) {
                let b = s[k]
                guard b >= 0x30, b <= 0x39 else { return nil }
                v = v * 10 + Int(b - 0x30)
            }
            i += n
            return v
        }
        let year: Int
        if e.tag == .utcTime {
            guard let yy = digits(2) else { throw invalid }
            year = yy >= 50 ? 1900 + yy : 2000 + yy  // RFC 5280 §4.1.2.5.1
        } else {
            guard let yyyy = digits(4) else { throw invalid }
            year = yyyy
        }
        guard let month = digits(2), let day = digits(2), let hour = digits(2), let minute = digits(2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60
        else { throw invalid }
        var second = 0
        if i < s.endIndex, s[i] >= 0x30, s[i] <= 0x39 {
            guard let ss = digits(2), ss < 60 else { throw invalid }
            second = ss
        }
        if e.tag == .generalizedTime, i < s.endIndex, s[i] == UInt8(ascii: ".") || s[i] == UInt8(ascii: ",") {
            i += 1
            let start = i
            while i < s.endIndex, s[i] >= 0x30, s[i] <= 0x39 { i += 1 }  // fractions of a second: dropped
            guard i > start else { throw invalid }
        }
        var offset = 0
        guard i < s.endIndex else { throw invalid }
        if s[i] == UInt8(ascii: "Z") {
            i += 1
        } else if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
            let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = digits(2), let om = digits(2), oh < 24, om < 60 else { throw invalid }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            throw invalid
        }
        guard i == s.endIndex else { throw invalid }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second - offset))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
