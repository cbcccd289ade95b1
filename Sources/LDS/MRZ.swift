/// A machine readable zone: the TD1 (ID card, 3 × 30), TD2 (2 × 36) or TD3 (passport, 2 × 44) layout of
/// ICAO 9303-5 / 9303-6 / 9303-4, with every check digit verified on parsing and computed on encoding.
///
/// Fields hold the printed characters with the trailing fillers (`<`) removed; in names, `<` between words
/// becomes a space. Dates stay as printed (`YYMMDD`), since ICAO allows `<` for unknown parts.
public struct MRZ: Sendable, Equatable, Hashable {
    /// The layout.
    public enum Format: Sendable, Equatable, Hashable, CaseIterable {
        /// ICAO 9303-5: 3 lines of 30 characters (the CCCD's).
        case td1
        /// ICAO 9303-6: 2 lines of 36 characters.
        case td2
        /// ICAO 9303-4: 2 lines of 44 characters (passports).
        case td3

        /// (lines, characters per line).
        public var shape: (lines: Int, length: Int) {
            switch self {
            case .td1: return (3, 30)
            case .td2: return (2, 36)
            case .td3: return (2, 44)
            }
        }
    }

    /// The MRZ fields, to say where a check failed.
    public enum Field: String, Sendable, Equatable, Hashable, CustomStringConvertible {
        /// Document code.
        case documentCode
        /// Issuing state.
        case issuingState
        /// Document number (and its check digit).
        case documentNumber
        /// TD1 line-1 optional data, TD2 optional data, TD3 personal number (and its check digit).
        case optionalData1
        /// The CCCD's 12-digit personal ID number in TD1 line 1's optional data, and its check digit (CCCD.md).
        case personalIDNumber
        /// Date of birth (and its check digit).
        case dateOfBirth
        /// Sex.
        case sex
        /// Date of expiry (and its check digit).
        case dateOfExpiry
        /// Nationality.
        case nationality
        /// TD1 line-2 optional data.
        case optionalData2
        /// Name.
        case name
        /// The composite check digit.
        case composite
        /// The line layout.
        case layout
        /// The field's name.
        public var description: String { rawValue }
    }

    /// The holder's sex as the MRZ writes it.
    public enum Sex: Sendable, Equatable, Hashable {
        /// `M`.
        case male
        /// `F`.
        case female
        /// `<` or `X`.
        case unspecified

        var character: Character {
            switch self {
            case .male: return "M"
            case .female: return "F"
            case .unspecified: return "<"
            }
        }
    }

    /// The layout.
    public var format: Format
    /// Document code: `ID` on the CCCD, `P` on passports (fillers removed).
    public var documentCode: String
    /// Issuing state or organisation (3 letters, fillers removed: `D` for Germany).
    public var issuingState: String
    /// Document number, with the TD1 long-number extension joined back (9303-5 §4.2.2).
    public var documentNumber: String
    /// TD1: optional data of line 1 (after any document-number extension); TD2: optional data;
    /// TD3: the personal number.
    public var optionalData1: String
    /// Date of birth, `YYMMDD`.
    public var dateOfBirth: String
    /// Sex.
    public var sex: Sex
    /// Date of expiry, `YYMMDD`.
    public var dateOfExpiry: String
    /// Nationality (3 letters, fillers removed).
    public var nationality: String
    /// TD1: optional data of line 2; empty for TD2 and TD3.
    public var optionalData2: String
    /// Primary identifier (surname), words separated by spaces.
    public var primaryIdentifier: String
    /// Secondary identifier (given names), words separated by spaces.
    public var secondaryIdentifier: String

    /// A zone from its fields.
    public init(format: Format, documentCode: String, issuingState: String, documentNumber: String,
                optionalData1: String = "", dateOfBirth: String, sex: Sex, dateOfExpiry: String,
                nationality: String, optionalData2: String = "", primaryIdentifier: String,
                secondaryIdentifier: String) {
        self.format = format
        self.documentCode = documentCode
        self.issuingState = issuingState
        self.documentNumber = documentNumber
        self.optionalData1 = optionalData1
        self.dateOfBirth = dateOfBirth
        self.sex = sex
        self.dateOfExpiry = dateOfExpiry
        self.nationality = nationality
        self.optionalData2 = optionalData2
        self.primaryIdentifier = primaryIdentifier
        self.secondaryIdentifier = secondaryIdentifier
    }

    /// The CCCD's 12-digit personal ID number: the first 12 characters of TD1's line-1 optional data when
    /// they are all digits (CCCD.md), nil otherwise. Its check digit, when line 1 ends with `<<` and a digit,
    /// was verified on parsing.
    public var personalIDNumber: String? {
        guard format == .td1 else { return nil }
        let candidate = optionalData1.utf8.prefix(12)
        guard candidate.count == 12, candidate.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return String(decoding: candidate, as: UTF8.self)
    }

    /// TD1 line 1's optional data as the CCCD writes it (CCCD.md): the 12-digit ID number, `<<`, and the check
    /// digit over the ID (ICAO 9303-3 §4.9). Nil when `id` is not 12 digits.
    public static func cccdOptionalData(personalIDNumber id: String) -> String? {
        guard id.utf8.count == 12, id.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let digit = checkDigit(id) else {
            return nil
        }
        return id + "<<" + String(digit)
    }

    /// ICAO 9303-3 §4.9: the check digit over MRZ characters, weights 7, 3, 1; `<` counts 0, `A`–`Z` 10–35.
    /// Nil when a character is outside the MRZ alphabet.
    public static func checkDigit(_ text: some StringProtocol) -> Character? {
        checkDigit(utf8: text.utf8)
    }

    static func checkDigit(utf8: some Sequence<UInt8>) -> Character? {
        var sum = CheckDigitSum()
        for c in utf8 {
            guard sum.add(c) else { return nil }
        }
        return sum.digit
    }

    /// The running 7-3-1 weighted sum of ICAO 9303-3 §4.9.
    struct CheckDigitSum {
        private var sum = 0
        private var position = 0

        /// Adds one character; false when it is outside the MRZ alphabet.
        mutating func add(_ c: UInt8) -> Bool {
            let v: Int
            switch c {
            case 0x30...0x39: v = Int(c) - 0x30
            case 0x41...0x5A: v = Int(c) - 0x41 + 10
            case 0x3C: v = 0
            default: return false
            }
            sum += v * (position == 0 ? 7 : position == 1 ? 3 : 1)
            position = position == 2 ? 0 : position + 1
            return true
        }

        /// The check digit of the characters added so far.
        var digit: Character { Character(Unicode.Scalar(UInt8(0x30 + sum % 10))) }
    }

    // MARK: Parsing

    /// Parses the zone's characters, lines concatenated without separators (as DG1 holds them); the length
    /// (90, 72 or 88) selects the layout.
    public init(characters text: String) throws(LDSError.Reason) {
        self = try MRZ(utf8: Array(text.utf8)[...])
    }

    /// Parses the zone from its bytes (DG1's `5F1F` value), without an intermediate String.
    init(utf8 bytes: ArraySlice<UInt8>) throws(LDSError.Reason) {
        self = try bytes.withUnsafeBufferPointer { (c) throws(LDSError.Reason) -> MRZ in try MRZ.parse(c) }
    }

    private static func parse(_ c: UnsafeBufferPointer<UInt8>) throws(LDSError.Reason) -> MRZ {
        let format: Format
        switch c.count {
        case 90: format = .td1
        case 72: format = .td2
        case 88: format = .td3
        default: throw .invalidMRZ(field: .layout, expected: "90 (TD1), 72 (TD2) or 88 (TD3) characters, not \(c.count)")
        }
        for (i, ch) in c.enumerated() {
            guard (ch >= 0x30 && ch <= 0x39) || (ch >= 0x41 && ch <= 0x5A) || ch == 0x3C else {
                throw .invalidMRZ(field: nil, expected: "only A-Z, 0-9 and < (offset \(i))")
            }
        }
        return try MRZ.parse(c, format: format)
    }

    private static func text(_ c: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> String {
        String(decoding: c[r], as: UTF8.self)
    }

    private static func stripped(_ c: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> String {
        var end = r.upperBound
        while end > r.lowerBound && c[end - 1] == 0x3C { end -= 1 }
        return String(decoding: c[r.lowerBound..<end], as: UTF8.self)
    }

    /// The words of a name component: runs of fillers become one space, leading and trailing ones go.
    private static func words(_ c: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> String {
        String(unsafeUninitializedCapacity: r.count) { out in
            var n = 0
            var pendingSpace = false
            for i in r {
                if c[i] == 0x3C {
                    pendingSpace = n > 0
                } else {
                    if pendingSpace {
                        out[n] = 0x20
                        n += 1
                        pendingSpace = false
                    }
                    out[n] = c[i]
                    n += 1
                }
            }
            return n
        }
    }

    private static func requireCheck(_ c: UnsafeBufferPointer<UInt8>, _ r1: Range<Int>, _ r2: Range<Int> = 0..<0,
                                     _ r3: Range<Int> = 0..<0, _ r4: Range<Int> = 0..<0, digitAt position: Int,
                                     field: Field, fillerMeansZero: Bool = false) throws(LDSError.Reason) {
        // Over the concatenated ranges; the characters were checked to be in the alphabet.
        var sum = CheckDigitSum()
        for r in [r1, r2, r3, r4] {
            for i in r { _ = sum.add(c[i]) }
        }
        let expected = sum.digit
        let found = Character(Unicode.Scalar(c[position]))
        if found == expected { return }
        if fillerMeansZero && found == "<" && expected == "0" { return }
        throw .checkDigit(field: field, expected: expected, found: found)
    }

    private static func isDigits(_ c: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Bool {
        r.allSatisfy { c[$0] >= 0x30 && c[$0] <= 0x39 }
    }

    private static func sex(_ byte: UInt8) throws(LDSError.Reason) -> Sex {
        switch byte {
        case UInt8(ascii: "M"): return .male
        case UInt8(ascii: "F"): return .female
        case UInt8(ascii: "<"), UInt8(ascii: "X"): return .unspecified
        default: throw .invalidMRZ(field: .sex, expected: "M, F, X or <")
        }
    }

    /// 9303-3 §4.6: primary and secondary identifiers are separated by the first `<<`.
    private static func names(_ c: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> (String, String) {
        var split = r.upperBound
        var i = r.lowerBound
        while i + 1 < r.upperBound {
            if c[i] == 0x3C && c[i + 1] == 0x3C {
                split = i
                break
            }
            i += 1
        }
        let primary = words(c, r.lowerBound..<split)
        let secondary = split < r.upperBound ? words(c, (split + 2)..<r.upperBound) : ""
        return (primary, secondary)
    }

    private static func parse(_ c: UnsafeBufferPointer<UInt8>, format: Format) throws(LDSError.Reason) -> MRZ {
        switch format {
        case .td1:
            // Line 1: code 0..<2, state 2..<5, number 5..<14, cd 14, optional 15..<30.
            // Line 2 (30..<60): birth 30..<36, cd 36, sex 37, expiry 38..<44, cd 44, nationality 45..<48,
            // optional 48..<59, composite 59. Line 3 (60..<90): name.
            var documentNumber = stripped(c, 5..<14)
            var optionalStart = 15
            if c[14] == 0x3C && c[15] != 0x3C {
                // 9303-5 §4.2.2 note: a number longer than 9 characters continues in the optional data,
                // followed by its check digit and a filler.
                var end = 15
                while end < 30 && c[end] != 0x3C { end += 1 }
                guard end - 15 >= 2, end < 30 else {
                    throw .invalidMRZ(field: .documentNumber, expected: "a document-number extension, its check digit and a filler")
                }
                try requireCheck(c, 5..<14, 15..<(end - 1), digitAt: end - 1, field: .documentNumber)
                documentNumber = text(c, 5..<14) + text(c, 15..<(end - 1))
                optionalStart = end + 1
            } else {
                try requireCheck(c, 5..<14, digitAt: 14, field: .documentNumber)
                // CCCD.md: line 1 of the CCCD ends with the 12-digit ID number, `<<` and a check digit over the
                // ID (ICAO 9303-3 §4.9). A card that leaves the last position a filler has no digit to verify.
                if isDigits(c, 15..<27), c[27] == 0x3C, c[28] == 0x3C, c[29] != 0x3C {
                    try requireCheck(c, 15..<27, digitAt: 29, field: .personalIDNumber)
                }
            }
            try requireCheck(c, 30..<36, digitAt: 36, field: .dateOfBirth)
            try requireCheck(c, 38..<44, digitAt: 44, field: .dateOfExpiry)
            try requireCheck(c, 5..<30, 30..<37, 38..<45, 48..<59, digitAt: 59, field: .composite)
            let (primary, secondary) = names(c, 60..<90)
            return MRZ(format: .td1, documentCode: stripped(c, 0..<2), issuingState: stripped(c, 2..<5),
                       documentNumber: documentNumber, optionalData1: stripped(c, optionalStart..<30),
                       dateOfBirth: text(c, 30..<36), sex: try sex(c[37]), dateOfExpiry: text(c, 38..<44),
                       nationality: stripped(c, 45..<48), optionalData2: stripped(c, 48..<59),
                       primaryIdentifier: primary, secondaryIdentifier: secondary)
        case .td2, .td3:
            let n = format == .td2 ? 36 : 44
            // Line 1: code 0..<2, state 2..<5, name 5..<n. Line 2 from n: number +0..<9, cd +9, nationality
            // +10..<13, birth +13..<19, cd +19, sex +20, expiry +21..<27, cd +27, optional/personal number
            // +28..<n-2 (TD3: cd at n-2), composite n-1.
            let l2 = n
            try requireCheck(c, l2..<(l2 + 9), digitAt: l2 + 9, field: .documentNumber)
            try requireCheck(c, (l2 + 13)..<(l2 + 19), digitAt: l2 + 19, field: .dateOfBirth)
            try requireCheck(c, (l2 + 21)..<(l2 + 27), digitAt: l2 + 27, field: .dateOfExpiry)
            let optionalEnd = format == .td2 ? l2 + 35 : l2 + 42
            if format == .td3 {
                // 9303-4 §4.2.2: the personal number's check digit may be `<` when the field is all fillers.
                try requireCheck(c, (l2 + 28)..<optionalEnd, digitAt: l2 + 42, field: .optionalData1,
                                 fillerMeansZero: true)
            }
            try requireCheck(c, l2..<(l2 + 10), (l2 + 13)..<(l2 + 20), (l2 + 21)..<(l2 + n - 1), digitAt: l2 + n - 1, field: .composite)
            let (primary, secondary) = names(c, 5..<n)
            return MRZ(format: format, documentCode: stripped(c, 0..<2), issuingState: stripped(c, 2..<5),
                       documentNumber: stripped(c, l2..<(l2 + 9)),
                       optionalData1: stripped(c, (l2 + 28)..<optionalEnd),
                       dateOfBirth: text(c, (l2 + 13)..<(l2 + 19)), sex: try sex(c[l2 + 20]),
                       dateOfExpiry: text(c, (l2 + 21)..<(l2 + 27)), nationality: stripped(c, (l2 + 10)..<(l2 + 13)),
                       optionalData2: "", primaryIdentifier: primary, secondaryIdentifier: secondary)
        }
    }

    // MARK: Encoding

    /// The zone's characters, lines concatenated, with every check digit computed.
    public func characters() throws(LDSError.Reason) -> String {
        func field(_ value: String, _ width: Int, _ name: Field) throws(LDSError.Reason) -> [UInt8] {
            let u = Array(value.utf8)
            guard u.count <= width else {
                throw .unencodable(field: name.rawValue, expected: "at most \(width) characters")
            }
            guard u.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x3C }) else {
                throw .unencodable(field: name.rawValue, expected: "only A-Z, 0-9 and <")
            }
            return u + [UInt8](repeating: 0x3C, count: width - u.count)
        }
        func date(_ value: String, _ name: Field) throws(LDSError.Reason) -> [UInt8] {
            guard value.utf8.count == 6 else { throw .unencodable(field: name.rawValue, expected: "YYMMDD") }
            return try field(value, 6, name)
        }
        func cd(_ parts: [UInt8]...) -> UInt8 {
            UInt8(ascii: MRZ.checkDigit(utf8: parts.joined())!.unicodeScalars.first!)
        }
        func nameField(_ width: Int) throws(LDSError.Reason) -> [UInt8] {
            func words(_ s: String) -> String { s.split(separator: " ").joined(separator: "<") }
            var text = words(primaryIdentifier)
            let given = words(secondaryIdentifier)
            if !given.isEmpty { text += "<<" + given }
            return try field(text, width, .name)
        }
        let code = try field(documentCode, 2, .documentCode)
        let state = try field(issuingState, 3, .issuingState)
        let sexChar = UInt8(ascii: sex.character.unicodeScalars.first!)
        let birth = try date(dateOfBirth, .dateOfBirth)
        let expiry = try date(dateOfExpiry, .dateOfExpiry)
        let nat = try field(nationality, 3, .nationality)
        var out: [UInt8] = []
        switch format {
        case .td1:
            let number = Array(documentNumber.utf8)
            var line1 = code + state
            if number.count > 9 {
                let head = try field(String(decoding: number.prefix(9), as: UTF8.self), 9, .documentNumber)
                let tail = try field(String(decoding: number.dropFirst(9), as: UTF8.self), number.count - 9,
                                     .documentNumber)
                var optional = tail + [cd(head, tail), 0x3C]
                optional += Array(optionalData1.utf8)
                line1 += head + [0x3C] + (try field(String(decoding: optional, as: UTF8.self), 15, .optionalData1))
            } else {
                let num = try field(documentNumber, 9, .documentNumber)
                line1 += num + [cd(num)] + (try field(optionalData1, 15, .optionalData1))
            }
            var line2 = birth + [cd(birth), sexChar] + expiry + [cd(expiry)] + nat
                + (try field(optionalData2, 11, .optionalData2))
            line2.append(cd(Array(line1[5..<30]), Array(line2[0..<7]), Array(line2[8..<15]), Array(line2[18..<29])))
            out = line1 + line2 + (try nameField(30))
        case .td2, .td3:
            let n = format == .td2 ? 36 : 44
            let line1 = code + state + (try nameField(n - 5))
            let num = try field(documentNumber, 9, .documentNumber)
            var line2 = num + [cd(num)] + nat + birth + [cd(birth), sexChar] + expiry + [cd(expiry)]
            if format == .td2 {
                line2 += try field(optionalData1, 7, .optionalData1)
            } else {
                let personal = try field(optionalData1, 14, .optionalData1)
                line2 += personal + [cd(personal)]
            }
            line2.append(cd(Array(line2[0..<10]), Array(line2[13..<20]), Array(line2[21..<(n - 1)])))
            out = line1 + line2
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// DG1: the MRZ data, `61 { 5F1F <MRZ characters> }` (ICAO 9303-10 §4.7.1).
public struct DataGroup1: Sendable, Equatable {
    /// The machine readable zone.
    public var mrz: MRZ

    /// A DG1 holding the given zone.
    public init(mrz: MRZ) { self.mrz = mrz }

    /// Parses DG1, verifying every check digit.
    public init(bytes: [UInt8]) throws(LDSError) {
        mrz = try LDSError.parsing(.dataGroup(1)) { () throws(LDSError.Reason) -> MRZ in
            let r = FileReader(bytes)
            let outer = try r.single(0x61)
            var c = try r.children(outer)
            let data = try c.expect(0x5F1F)
            return try MRZ(utf8: r.value(data))
        }
    }

    /// The DG1 file.
    public func encoded() throws(LDSError) -> [UInt8] {
        try LDSError.parsing(.dataGroup(1)) { () throws(LDSError.Reason) -> [UInt8] in
            let text = try mrz.characters()
            var w = TLVWriter(reservingCapacity: 100)
            w.append(0x61) { w in w.append(0x5F1F, value: Array(text.utf8)) }
            return w.bytes
        }
    }
}
