import ICAOCrypto
import LDS

/// The document basic access key: document number, date of birth and date of expiry as printed in the MRZ
/// (ICAO 9303-11 §9.7.2, Appendix D.2).
///
/// The CCCD's document number is the last 9 digits of the 12-digit ID number. Document numbers longer than
/// 9 characters (TD1, ICAO 9303-5 §4.2.2 note j) are used whole, their check digit computed over all of them.
public struct MRZKey: Hashable, Sendable, CustomStringConvertible {
    /// The document number, upper case, without trailing `<` fillers.
    public let documentNumber: String
    /// Date of birth, YYMMDD.
    public let dateOfBirth: String
    /// Date of expiry, YYMMDD.
    public let dateOfExpiry: String

    /// Validates and normalises the three fields (letters are upper-cased, trailing `<` dropped).
    public init(documentNumber: String, dateOfBirth: String, dateOfExpiry: String) throws(SessionError) {
        var number = documentNumber.uppercased()
        while number.hasSuffix("<") { number.removeLast() }
        guard !number.isEmpty, number.count <= 22 else {
            throw .invalidPassword("the document number must have 1 to 22 characters")
        }
        guard number.utf8.allSatisfy(MRZKey.isMRZCharacter) else {
            throw .invalidPassword("the document number may hold only A–Z, 0–9 and <")
        }
        for (name, date) in [("date of birth", dateOfBirth), ("date of expiry", dateOfExpiry)] {
            guard date.utf8.count == 6, date.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw .invalidPassword("the \(name) must be six digits YYMMDD")
            }
        }
        self.documentNumber = number
        self.dateOfBirth = dateOfBirth
        self.dateOfExpiry = dateOfExpiry
    }

    /// The key of a parsed MRZ (DG1, or the zone read off the card), with TD1's long numbers already joined.
    public init(mrz: MRZ) throws(SessionError) {
        try self.init(documentNumber: mrz.documentNumber, dateOfBirth: mrz.dateOfBirth, dateOfExpiry: mrz.dateOfExpiry)
    }

    /// MRZ_information: document number (padded to 9 with `<`) ‖ check digit ‖ birth ‖ check digit ‖ expiry ‖
    /// check digit (ICAO 9303-11 §9.7.2 and Appendix D.2).
    public var mrzInformation: [UInt8] {
        var number = Array(documentNumber.utf8)
        while number.count < 9 { number.append(UInt8(ascii: "<")) }
        let birth = Array(dateOfBirth.utf8)
        let expiry = Array(dateOfExpiry.utf8)
        return number + [MRZKey.checkDigit(number)] + birth + [MRZKey.checkDigit(birth)]
            + expiry + [MRZKey.checkDigit(expiry)]
    }

    /// K_seed for BAC: the first 16 bytes of SHA-1(MRZ_information) (ICAO 9303-11 §9.7.2).
    public var bacSeed: [UInt8] { Array(HashAlgorithm.sha1.hash(mrzInformation).prefix(16)) }

    /// ICAO 9303-3 §4.9 check digit (LDS's ``MRZ/checkDigit(_:)``) of characters already validated as MRZ ones.
    static func checkDigit(_ characters: [UInt8]) -> UInt8 {
        let digit = MRZ.checkDigit(String(decoding: characters, as: UTF8.self)) ?? "0"
        return digit.asciiValue ?? UInt8(ascii: "0")
    }

    static func isMRZCharacter(_ c: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
            || c == UInt8(ascii: "<")
    }

    /// Never the key itself.
    public var description: String { "MRZKey(redacted)" }
}
