import Foundation

/// Chip against QR, by the rules of `shared/LEVEL1.md`: both sides NFC-normalised and trimmed, names compared
/// case-insensitively, dates as dates, `Nam`/`Nữ` against `male`/`female`, the 12-digit number exactly, addresses
/// after collapsing whitespace and the spacing around punctuation.
public enum CrossCheck {
    /// Each differing field as a `QR_MISMATCH` problem; empty when the two agree.
    ///
    /// A chip that knows only the year (or year and month) of birth agrees with a QR date in that year (month).
    /// The old ID number and the issue date are compared when both sides have them.
    public static func compare(_ chip: CitizenRecord, _ qr: CardQRCode) -> [Problem] {
        var problems: [Problem] = []
        func mismatch(_ field: String, _ chipValue: String?, _ qrValue: String) {
            problems.append(Problem(code: "QR_MISMATCH", field: field, chip: chipValue ?? "", qr: qrValue))
        }
        if chip.personalIdNumber != qr.personalIdNumber {
            mismatch("personalIdNumber", chip.personalIdNumber, qr.personalIdNumber)
        }
        if normalizedName(chip.fullName ?? "") != normalizedName(qr.fullName) {
            mismatch("fullName", chip.fullName, qr.fullName)
        }
        if !(chip.dateOfBirth?.agrees(with: qr.dateOfBirth) ?? false) {
            mismatch("dateOfBirth", chip.dateOfBirth?.iso8601, qr.dateOfBirth.iso8601)
        }
        if chip.sex != qr.sex.rawValue {
            mismatch("sex", chip.sex, qr.sex.rawValue)
        }
        if normalizedAddress(chip.permanentAddress ?? "") != normalizedAddress(qr.permanentAddress) {
            mismatch("permanentAddress", chip.permanentAddress, qr.permanentAddress)
        }
        if let chipOld = chip.oldIdNumber, let qrOld = qr.oldIdNumber, chipOld != qrOld {
            mismatch("oldIdNumber", chipOld, qrOld)
        }
        if let issue = chip.issueDate, !issue.agrees(with: qr.issueDate) {
            mismatch("issueDate", issue.iso8601, qr.issueDate.iso8601)
        }
        return problems
    }

    /// NFC, trimmed, inner whitespace collapsed, compared case-insensitively (Vietnamese upper/lower case).
    static func normalizedName(_ name: String) -> String {
        collapse(name).lowercased()
    }

    /// NFC, whitespace collapsed, no space before `,` `.` `;` `:` and one after, case-insensitive.
    static func normalizedAddress(_ address: String) -> String {
        var text = collapse(address)
        for mark in [",", ".", ";", ":"] {
            text = text.replacingOccurrences(of: " " + mark, with: mark)
            text = text.replacingOccurrences(of: mark, with: mark + " ")
        }
        return collapse(text).lowercased()
    }

    private static func collapse(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// The holder's contact details given at the desk, checked.
public enum ContactCheck {
    /// Why a contact detail is refused.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        /// The phone number is refused, and why.
        case phone(String)
        /// The e-mail address is refused, and why.
        case email(String)
        /// Which detail, and why.
        public var description: String {
            switch self {
            case .phone(let why): return "phone number: \(why)"
            case .email(let why): return "e-mail: \(why)"
            }
        }
    }

    /// A phone number in E.164 (`+84…`). Vietnamese numbers may be written nationally (`0912 345 678`), with
    /// `84` or `+84`; mobile numbers have nine digits after the trunk 0 and start 3, 5, 7, 8 or 9, landlines ten
    /// starting 2. Foreign numbers must be written with `+` and 7 to 15 digits.
    public static func e164(_ input: String) throws(Refusal) -> String {
        let trimmed = input.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .phone("empty") }
        let allowed = Set("+0123456789 .-()")
        guard trimmed.allSatisfy({ allowed.contains($0) }) else { throw .phone("only digits, spaces, + . - ( ) are allowed") }
        let plus = trimmed.hasPrefix("+") || trimmed.hasPrefix("00")
        var digits = trimmed.filter(\.isNumber)
        if trimmed.hasPrefix("00") { digits.removeFirst(2) }
        var national: String
        if plus {
            if digits.hasPrefix("84") {
                national = String(digits.dropFirst(2))
            } else {
                guard (7...15).contains(digits.count), digits.first != "0" else {
                    throw .phone("an international number has 7 to 15 digits after +")
                }
                return "+" + digits
            }
        } else if digits.hasPrefix("0") {
            national = String(digits.dropFirst())
        } else if digits.hasPrefix("84") && digits.count >= 11 {
            national = String(digits.dropFirst(2))
        } else {
            throw .phone("write it as 0… (Vietnam) or +country…")
        }
        if national.hasPrefix("0") { national.removeFirst() }
        let first = national.first
        let mobile = national.count == 9 && ["3", "5", "7", "8", "9"].contains(first)
        let landline = national.count == 10 && first == "2"
        guard mobile || landline else { throw .phone("not a Vietnamese mobile (9 digits after 0) or landline number") }
        return "+84" + national
    }

    /// An e-mail address of the usual form `local@domain.tld`, trimmed; the domain lower-cased.
    public static func email(_ input: String) throws(Refusal) -> String {
        let text = input.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .email("needs exactly one @") }
        let local = parts[0], domain = parts[1].lowercased()
        guard !local.isEmpty, local.count <= 64, !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else { throw .email("the part before @ is malformed") }
        let localAllowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
        guard local.allSatisfy({ localAllowed.contains($0) }) else { throw .email("the part before @ has a character not allowed") }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.count <= 253,
              labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && !$0.hasPrefix("-") && !$0.hasSuffix("-")
                  && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } }),
              let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter)
        else { throw .email("the domain is malformed") }
        return "\(local)@\(domain)"
    }
}
