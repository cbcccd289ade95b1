import Foundation

extension OID {
    /// ICAO 9303-11 §9.5.1, Table 4: the named curves behind the standardized domain parameter IDs 8…18.
    public static let standardizedCurves: [Int: OID] = [
        8: "1.2.840.10045.3.1.1",  // NIST P-192 (secp192r1)
        9: .brainpoolP192r1,
        10: .secp224r1,
        11: .brainpoolP224r1,
        12: .secp256r1,
        13: .brainpoolP256r1,
        14: .brainpoolP320r1,
        15: .secp384r1,
        16: .brainpoolP384r1,
        17: "1.3.36.3.3.2.8.1.1.13",  // brainpoolP512r1
        18: .secp521r1,
    ]

    /// The standardized domain parameter ID of a named curve, if it is one of Table 4.
    public var standardizedDomainParameterID: Int? {
        OID.standardizedCurves.first { $0.value == self }?.key
    }
}

extension MRZ {
    /// A name as the MRZ writes it (ICAO 9303-3 §6): diacritics folded, `Đ` → `D`, upper case, words of A–Z
    /// separated by single spaces. "Nguyễn Văn Đức" → "NGUYEN VAN DUC".
    public static func transliteratedWords(_ name: String) -> String {
        let folded = name.replacingOccurrences(of: "Đ", with: "D").replacingOccurrences(of: "đ", with: "d")
            .folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).uppercased()
        return String(folded.map { ("A"..."Z").contains($0) ? $0 : " " })
            .split(separator: " ").joined(separator: " ")
    }
}
