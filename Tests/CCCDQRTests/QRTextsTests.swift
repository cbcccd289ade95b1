import CCCD
import Foundation
import Testing

/// Vectors/qr/texts.json, the source every QR image of the corpus and the samples is rendered from.
struct QRTextsTests {
    /// Vectors/qr/texts.json is the corpus's source: every citizen parses to the format it declares, and the
    /// names together carry every tone mark on every vowel (the list is the Vietnamese alphabet's, written out).
    @Test func test_corpusTexts_parseAndCoverEveryToneMark() throws {
        let citizens = try QRFixtures.citizens()
        #expect(citizens.count >= 6)
        var names = ""
        for citizen in citizens {
            let code = try CardQRCode(text: citizen.text)
            #expect(code.format.rawValue == citizen.format, "\(citizen.id)")
            #expect(code.text == citizen.text)
            names += code.fullName
        }
        let letters = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
        let lowered = names.lowercased()
        for letter in letters {
            #expect(lowered.contains(letter), "no \(letter) in the names")
        }
    }
}
