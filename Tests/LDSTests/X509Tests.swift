import Foundation
import Testing
@testable import LDS

/// The X.509 pieces that live in LDS, against RFC 5280 and values computed independently.
@Suite struct X509TimeTests {
    private func time(_ tag: UInt8, _ text: String) throws(LDSError.Reason) -> Date {
        let bytes = [tag, UInt8(text.utf8.count)] + Array(text.utf8)
        let r = FileReader(bytes)
        return try X509Time.date(r, try r.single())
    }

    @Test func utcAndGeneralizedTimes_followRFC5280() throws {
        // RFC 5280 §4.1.2.5.1: YY ≥ 50 is 19YY, below is 20YY. Epoch seconds from `date -u -d … +%s`.
        #expect(try time(0x17, "491231235959Z").timeIntervalSince1970 == 2_524_607_999)
        #expect(try time(0x17, "500101000000Z").timeIntervalSince1970 == -631_152_000)
        #expect(try time(0x18, "20500101000000Z").timeIntervalSince1970 == 2_524_608_000)
        #expect(try time(0x18, "20240229120000.5Z").timeIntervalSince1970 == 1_709_208_000)
        // `date -u -d '2024-02-29 12:00:00 +0700' +%s`
        #expect(try time(0x17, "240229120000+0700").timeIntervalSince1970 == 1_709_182_800)
    }

    @Test(arguments: ["491331235959Z", "4912312359", "490230235959Z", "230229120000Z", "491231246000Z", "49123123595Z",
                      "491231235959", "491231235959Z0", "49123123595aZ", "491231235959+2400"])
    func malformedTimes_areTypedErrors(_ text: String) {
        #expect(throws: LDSError.Reason.tlv(.invalidValue(offset: 0, tag: .utcTime,
                                                          expected: "a UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5)"))) {
            try time(0x17, text)
        }
    }
}

@Suite struct DistinguishedNameTests {
    /// `SEQUENCE { SET { C=VN (PrintableString) }, SET { CN=cn (tag) } }`, or with the RDNs swapped.
    static func name(_ cn: String, tag: UInt8 = 0x0C, countryFirst: Bool = true) throws -> DistinguishedName {
        var w = TLVWriter()
        w.append(.sequence) { w in
            func country(_ w: inout TLVWriter) {
                w.append(.set) { w in
                    w.append(.sequence) { w in
                        w.appendOID("2.5.4.6")
                        w.append(0x13, value: Array("VN".utf8))
                    }
                }
            }
            func common(_ w: inout TLVWriter) {
                w.append(.set) { w in
                    w.append(.sequence) { w in
                        w.appendOID("2.5.4.3")
                        w.append(BERTag(rawValue: UInt32(tag)), value: Array(cn.utf8))
                    }
                }
            }
            if countryFirst { country(&w); common(&w) } else { common(&w); country(&w) }
        }
        return try DistinguishedName(der: w.bytes)
    }

    @Test func names_compareAcrossStringTypeCaseAndSpacing_butNotAcrossValues() throws {
        // RFC 5280 §7.1 with RFC 4518: PrintableString and UTF8String, case and insignificant spaces do not matter.
        #expect(try Self.name("CSCA  Viet Nam ").matches(try Self.name("csca viet nam", tag: 0x13)))
        #expect(try !Self.name("CSCA Viet Nam").matches(try Self.name("CSCA Viet Nam 2")))
        #expect(try Self.name("Bộ Công an, C06").text == "CN=Bộ Công an\\, C06, C=VN")
        // Compatibility normalisation: the fullwidth "ＣＳＣＡ" (U+FF23…) is "CSCA" under NFKC.
        #expect(try Self.name("ＣＳＣＡ Việt Nam").matches(try Self.name("csca VIỆT NAM")))
    }

    @Test func rdnOrder_mattersForRFC5280Matching_andNotForTheSignerFallback() throws {
        let ordered = try Self.name("CSCA")
        let swapped = try Self.name("csca", tag: 0x13, countryFirst: false)
        #expect(!ordered.matches(swapped))
        #expect(ordered.matchesIgnoringRDNOrder(swapped))
        #expect(!ordered.matchesIgnoringRDNOrder(try Self.name("CSCA 2", countryFirst: false)))
        #expect(ordered.matchingKey == (try Self.name("csca ", tag: 0x13)).matchingKey)
    }

    @Test func emptyRDN_isATypedError() {
        // SEQUENCE { SET {} }: X.501 requires at least one attribute per RDN.
        #expect(throws: PKIError(structure: .name, reason: .invalidField(field: "RelativeDistinguishedName", offset: 2,
                                                                         expected: "at least one attribute"))) {
            try DistinguishedName(der: [0x30, 0x02, 0x31, 0x00])
        }
    }
}
