import CardIO
import ICAOCrypto
import LDS

/// The key derivations of CardIO's access secrets: what BAC and PACE compute from an ``MRZKey`` or a CAN.
extension MRZKey {
    /// The key of a parsed MRZ (DG1, or the zone read off the card), with TD1's long numbers already joined.
    public init(mrz: MRZ) throws(AccessKeyError) {
        try self.init(documentNumber: mrz.documentNumber, dateOfBirth: mrz.dateOfBirth, dateOfExpiry: mrz.dateOfExpiry)
    }

    /// MRZ_information: document number (padded to 9 with `<`) ‖ check digit ‖ birth ‖ check digit ‖ expiry ‖
    /// check digit (ICAO 9303-11 §9.7.2 and Appendix D.2; check digits by ICAO 9303-3 §4.9, LDS's
    /// `LDS.MRZ.checkDigit(_:)`). A document number longer than nine characters is used whole, its check digit
    /// computed over all of it.
    public var mrzInformation: [UInt8] {
        var number = Array(documentNumber.utf8)
        while number.count < 9 { number.append(UInt8(ascii: "<")) }
        let birth = Array(dateOfBirth.utf8)
        let expiry = Array(dateOfExpiry.utf8)
        return number + [Self.checkDigit(number)] + birth + [Self.checkDigit(birth)]
            + expiry + [Self.checkDigit(expiry)]
    }

    /// K_seed for BAC: the first 16 bytes of SHA-1(MRZ_information) (ICAO 9303-11 §9.7.2).
    public var bacSeed: [UInt8] { Array(HashAlgorithm.sha1.hash(mrzInformation).prefix(16)) }

    /// The check digit of characters the key has already validated as MRZ ones.
    private static func checkDigit(_ characters: [UInt8]) -> UInt8 {
        let digit = MRZ.checkDigit(String(decoding: characters, as: UTF8.self)) ?? "0"
        return digit.asciiValue ?? UInt8(ascii: "0")
    }
}

extension AccessKey {
    /// The PACE password reference of MSE:Set AT's DO'83' (ICAO 9303-11 §4.4.4.1): 1 for the MRZ, 2 for the CAN.
    public var pacePasswordReference: UInt8 {
        switch self {
        case .mrz: return 1
        case .can: return 2
        }
    }

    /// f(π) of ICAO 9303-11 §9.7.3, what K_π = KDF_π(f(π)) is derived from: SHA-1(MRZ_information) for the MRZ,
    /// the CAN's digits as ISO 8859-1 bytes for the CAN.
    var pacePasswordSecret: [UInt8] {
        switch self {
        case .mrz(let key): return HashAlgorithm.sha1.hash(key.mrzInformation)
        case .can(let can): return Array(can.digits.utf8)
        }
    }
}
