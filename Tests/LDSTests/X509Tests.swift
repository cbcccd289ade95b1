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

/// Hostile and malformed X.509 and CMS input: each refused with the typed error that names the field and where
/// it is (issue 17: the error, not merely "no crash"). The bytes are built here, field by field.
@Suite struct PKIStructureTests {
    static let ecdsaSHA256: [UInt8] = hex("300A 06082A8648CE3D040302")
    static let ecdsaSHA384: [UInt8] = hex("300A 06082A8648CE3D040303")
    static let name: [UInt8] = hex("3011 310F 300D 0603550403 0C06 43534341 2041")  // CN=CSCA A
    static let validity: [UInt8] = hex("301E 170D 3230303130313030303030305A 170D 3435303130313030303030305A")
    static let spki = Array(SubjectPublicKeyInfo.ec(curve: .brainpoolP256r1, point: [0x04] + [UInt8](repeating: 7, count: 64)).der)

    static func extensionDER(_ oid: OID, critical: Bool = false, value: [UInt8]) -> [UInt8] {
        var w = TLVWriter()
        w.append(.sequence) { w in
            w.appendOID(oid)
            if critical { w.append(.boolean, value: [0xFF]) }
            w.append(.octetString, value: value)
        }
        return w.bytes
    }

    /// A certificate from its parts; `version` is the encoded value (2 for v3), nil to leave the field out (v1).
    static func certificate(version: Int? = 2, serial: [UInt8] = [0x01], inner: [UInt8] = ecdsaSHA256,
                            outer: [UInt8] = ecdsaSHA256, extensions: [[UInt8]]? = nil) -> [UInt8] {
        var w = TLVWriter()
        w.append(.sequence) { w in
            w.append(.sequence) { w in
                if let version { w.append(0xA0) { w in w.appendInteger(version) } }
                w.append(.integer, value: serial)
                w.appendEncoded(inner)
                w.appendEncoded(name)
                w.appendEncoded(validity)
                w.appendEncoded(name)
                w.appendEncoded(spki)
                if let extensions {
                    w.append(0xA3) { w in w.append(.sequence) { w in for e in extensions { w.appendEncoded(e) } } }
                }
            }
            w.appendEncoded(outer)
            w.appendBitString([0x30, 0x00])
        }
        return w.bytes
    }

    static let basicConstraintsCA = extensionDER(.basicConstraintsExtension, critical: true, value: hex("3006 0101FF 020100"))

    static func offset(of part: [UInt8], in bytes: [UInt8], occurrence: Int = 0) -> Int {
        bytes.ranges(of: part)[occurrence].lowerBound
    }

    @Test func wellFormedCertificate_parses() throws {
        let der = Self.certificate(extensions: [Self.basicConstraintsCA])
        let certificate = try Certificate(der: der)
        #expect(certificate.version == 3)
        #expect(certificate.isCA)
        #expect(certificate.extensions.pathLengthConstraint == 0)
        #expect(certificate.isSelfIssued)
        #expect(certificate.subject.commonName == "CSCA A")
        #expect(certificate.serialNumber == [0x01])
    }

    @Test func innerAndOuterSignatureAlgorithms_mustBeTheSame() {
        let der = Self.certificate(inner: Self.ecdsaSHA256, outer: Self.ecdsaSHA384)
        #expect(throws: PKIError(structure: .certificate, reason: .invalidField(
            field: "signature", offset: Self.offset(of: Self.ecdsaSHA256, in: der),
            expected: "the same algorithm as signatureAlgorithm (RFC 5280 §4.1.1.2)"))) {
            try Certificate(der: der)
        }
    }

    @Test func versionOutOfRange_isRefused() {
        let der = Self.certificate(version: 3)
        #expect(throws: PKIError(structure: .certificate, reason: .invalidField(
            field: "version", offset: Self.offset(of: [0x02, 0x01, 0x03], in: der), expected: "v1, v2 or v3 (0, 1 or 2)"))) {
            try Certificate(der: der)
        }
    }

    @Test func extensions_inAV1Certificate_areRefused() {
        let der = Self.certificate(version: nil, extensions: [Self.basicConstraintsCA])
        #expect(throws: PKIError(structure: .certificate, reason: .invalidField(
            field: "extensions", offset: Self.offset(of: [0xA3, 0x16, 0x30, 0x14], in: der),
            expected: "only in a v3 certificate"))) {
            try Certificate(der: der)
        }
    }

    @Test func duplicateExtension_isRefused() {
        let der = Self.certificate(extensions: [Self.basicConstraintsCA, Self.basicConstraintsCA])
        #expect(throws: PKIError(structure: .certificate, reason: .invalidField(
            field: "extensions", offset: Self.offset(of: Self.basicConstraintsCA, in: der, occurrence: 1),
            expected: "each extension at most once (RFC 5280 §4.2)"))) {
            try Certificate(der: der)
        }
    }

    @Test func negativePathLength_isRefused() {
        let ext = Self.extensionDER(.basicConstraintsExtension, value: hex("3006 0101FF 0201FF"))
        let der = Self.certificate(extensions: [ext])
        #expect(throws: PKIError(structure: .certificate, reason: .invalidField(
            field: "pathLenConstraint", offset: Self.offset(of: [0x02, 0x01, 0xFF], in: der), expected: "0 or more"))) {
            try Certificate(der: der)
        }
    }

    @Test func unknownCriticalExtension_isListed_knownOnesAreNot() throws {
        let unknown = Self.extensionDER("1.3.6.1.4.1.55555.1", critical: true, value: [0x05, 0x00])
        let policies = Self.extensionDER(.certificatePoliciesExtension, critical: true, value: hex("3000"))
        let certificate = try Certificate(der: Self.certificate(extensions: [unknown, policies]))
        #expect(certificate.extensions.unknownCritical == ["1.3.6.1.4.1.55555.1"])
        #expect(certificate.extensions.identifiers == ["1.3.6.1.4.1.55555.1", .certificatePoliciesExtension])
    }

    @Test func truncatedCertificate_isATLVErrorAtItsStart() {
        let der = Self.certificate()
        #expect(der[0...1] == [0x30, 0x81])  // a two-octet length: 30 81 LL
        #expect(throws: PKIError(structure: .certificate, reason: .tlv(.lengthPastEnd(
            offset: 0, tag: .sequence, length: der.count - 3, available: der.count - 4)))) {
            try Certificate(der: Array(der.dropLast()))
        }
    }

    @Test func oversizedCertificate_isRefusedBeforeParsing() {
        #expect(throws: PKIError(structure: .certificate, reason: .invalidField(field: "Certificate", offset: 0,
                                                                                 expected: "at most 1 MiB"))) {
            try Certificate(der: [UInt8](repeating: 0x30, count: (1 << 20) + 1))
        }
    }

    // MARK: CRLs

    static func crl(version: [UInt8]? = [0x02, 0x01, 0x01], entries: [UInt8]? = nil) -> [UInt8] {
        var w = TLVWriter()
        w.append(.sequence) { w in
            w.append(.sequence) { w in
                if let version { w.appendEncoded(version) }
                w.appendEncoded(ecdsaSHA256)
                w.appendEncoded(name)
                w.append(.utcTime, value: Array("240101000000Z".utf8))
                w.append(.utcTime, value: Array("250101000000Z".utf8))
                if let entries { w.appendEncoded(entries) }
            }
            w.appendEncoded(ecdsaSHA256)
            w.appendBitString([0x30, 0x00])
        }
        return w.bytes
    }

    @Test func crl_parses_withItsEntries() throws {
        let entries = hex("3015 3013 02021004 170D 3234303130313030303030305A")
        let crl = try RevocationList(der: Self.crl(entries: entries))
        #expect(crl.version == 2)
        #expect(crl.revoked.map { Array($0.serialNumber) } == [[0x10, 0x04]])
        #expect(crl.nextUpdate != nil)
    }

    @Test func crl_versionOtherThanV2_isRefused() {
        let der = Self.crl(version: [0x02, 0x01, 0x02])
        #expect(throws: PKIError(structure: .revocationList, reason: .invalidField(
            field: "version", offset: 4, expected: "v2 (1) when present"))) {
            try RevocationList(der: der)
        }
    }

    @Test func crl_entryExtensions_inAV1List_areRefused() {
        let entries = hex("3017 3015 02021004 170D 3234303130313030303030305A 3000")
        let der = Self.crl(version: nil, entries: entries)
        #expect(throws: PKIError(structure: .revocationList, reason: .invalidField(
            field: "crlEntryExtensions", offset: Self.offset(of: [0x30, 0x00, 0x30, 0x0A], in: der), expected: "only in v2"))) {
            try RevocationList(der: der)
        }
    }

    // MARK: CMS SignedData

    /// A ContentInfo { SignedData } with one SignerInfo whose signed attributes are `attributes` (the content of
    /// the [0] element), over `content`.
    static func signedData(attributes: [UInt8]?, content: [UInt8]? = [0x30, 0x00]) -> [UInt8] {
        var w = TLVWriter()
        w.append(.sequence) { w in
            w.appendOID(.signedData)
            w.append(0xA0) { w in
                w.append(.sequence) { w in
                    w.appendInteger(3)
                    w.append(.set) { w in w.appendEncoded(hex("300B 0609608648016503040201")) }
                    w.append(.sequence) { w in
                        w.appendOID(.ldsSecurityObject)
                        if let content { w.append(0xA0) { w in w.append(.octetString, value: content) } }
                    }
                    w.append(.set) { w in
                        w.append(.sequence) { w in
                            w.appendInteger(3)
                            w.append(0x80, value: [0x01, 0x02])
                            w.appendEncoded(hex("300B 0609608648016503040201"))
                            if let attributes { w.append(0xA0, value: attributes) }
                            w.appendEncoded(ecdsaSHA256)
                            w.append(.octetString, value: [0x30, 0x00])
                        }
                    }
                }
            }
        }
        return w.bytes
    }

    static func attribute(_ oid: OID, values: [[UInt8]]) -> [UInt8] {
        var w = TLVWriter()
        w.append(.sequence) { w in
            w.appendOID(oid)
            w.append(.set) { w in for v in values { w.appendEncoded(v) } }
        }
        return w.bytes
    }

    static let digest = [UInt8](hex("0420") + [UInt8](repeating: 0xAB, count: 32))
    static let contentType = OID.ldsSecurityObject.derEncoded

    @Test func signedData_withOneOfEachAttribute_parses() throws {
        let attributes = Self.attribute(.contentTypeAttribute, values: [Self.contentType])
            + Self.attribute(.messageDigestAttribute, values: [Self.digest])
        let signed = try SignedData(contentInfo: Self.signedData(attributes: attributes))
        #expect(signed.signerInfos[0].contentType == .ldsSecurityObject)
        #expect(signed.signerInfos[0].messageDigest.map(Array.init) == Array(Self.digest.dropFirst(2)))
        #expect(signed.signerInfos[0].signerIdentifier == .subjectKeyIdentifier([0x01, 0x02]))
        #expect(signed.content.elementsEqual([0x30, 0x00]))
    }

    @Test func twoMessageDigestAttributes_areRefused() {
        let second = Self.attribute(.messageDigestAttribute, values: [Self.digest])
        let attributes = Self.attribute(.messageDigestAttribute, values: [Self.digest]) + second
        let der = Self.signedData(attributes: attributes)
        #expect(throws: PKIError(structure: .signedData, reason: .invalidField(
            field: "messageDigest", offset: Self.offset(of: second, in: der, occurrence: 1),
            expected: "one attribute of this type (RFC 5652 §11)"))) {
            try SignedData(contentInfo: der)
        }
    }

    @Test func messageDigestAttribute_withTwoValues_isRefused() {
        let attributes = Self.attribute(.messageDigestAttribute, values: [Self.digest, Self.digest])
        let der = Self.signedData(attributes: attributes)
        #expect(throws: PKIError(structure: .signedData, reason: .invalidField(
            field: "messageDigest", offset: Self.offset(of: attributes, in: der) + 13,
            expected: "exactly one value (RFC 5652 §11)"))) {
            try SignedData(contentInfo: der)
        }
    }

    @Test func twoContentTypeAttributes_areRefused() {
        let one = Self.attribute(.contentTypeAttribute, values: [Self.contentType])
        let der = Self.signedData(attributes: one + one)
        #expect(throws: PKIError(structure: .signedData, reason: .invalidField(
            field: "contentType", offset: Self.offset(of: one, in: der, occurrence: 1),
            expected: "one attribute of this type (RFC 5652 §11)"))) {
            try SignedData(contentInfo: der)
        }
    }

    @Test func attributeWithNoValue_isRefused() {
        let empty = Self.attribute(.signingTimeAttribute, values: [])
        let der = Self.signedData(attributes: empty)
        #expect(throws: PKIError(structure: .signedData, reason: .invalidField(
            field: "attrValues", offset: Self.offset(of: empty, in: der) + 13,
            expected: "at least one value (RFC 5652 §5.3)"))) {
            try SignedData(contentInfo: der)
        }
    }

    @Test func detachedContent_isRefused() {
        let der = Self.signedData(attributes: nil, content: nil)
        #expect {
            try SignedData(contentInfo: der)
        } throws: { error in
            guard let error = error as? PKIError, case .invalidField("eContent", _, _) = error.reason else { return false }
            return error.structure == .signedData
        }
    }

    @Test func masterList_ofAnotherContentType_isRefused() {
        #expect {
            try CscaMasterList(der: Self.signedData(attributes: nil))
        } throws: { error in
            guard let error = error as? PKIError, case .invalidField("eContentType", _, _) = error.reason else {
                return false
            }
            return error.structure == .masterList
        }
    }
}
