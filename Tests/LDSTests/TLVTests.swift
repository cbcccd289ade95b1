import Testing
@testable import LDS

@Suite struct TLVTests {
    @Test func test_multiByteTag_andLongFormLength_areDecoded() throws {
        // 7F61 with a two-octet long-form length 0x0003 (non-minimal, which BER allows), holding 02 01 05.
        let r = BERReader(hex("7F61 82 0003 020105"))
        let e = try r.singleElement(0x7F61)
        #expect(e.tag.rawValue == 0x7F61)
        #expect(e.tag.isConstructed)
        #expect(e.tag.tagClass == .application)
        #expect(e.valueRange == 5..<8)
        var c = try r.children(of: e)
        let i = try c.expect(.integer)
        #expect(try r.integer(i) == 5)
        #expect(try c.next() == nil)
    }

    @Test func test_threeByteTag() throws {
        let r = BERReader(hex("5F8F01 01 AA"))
        let e = try r.singleElement()
        #expect(e.tag.rawValue == 0x5F8F01)
        #expect(Array(r.value(of: e)) == [0xAA])
    }

    @Test func test_childrenAreIteratedLazily_soLaterDamageIsFoundOnlyWhenReached() throws {
        // The second child claims 0x10 bytes inside a parent of 6: the first child still comes out.
        let r = BERReader(hex("30 06 020101 0410AA"))
        var c = try r.children(of: try r.singleElement(.sequence))
        let first = try c.next()
        #expect(first?.tag == .integer)
        #expect(throws: TLVError.lengthPastEnd(offset: 5, tag: .octetString, length: 16, available: 1)) {
            _ = try c.next()
        }
    }

    @Test func test_truncatedLength_isReportedWithOffsetAndTag() {
        #expect(throws: TLVError.truncatedLength(offset: 0, tag: 0x30)) { _ = try BERReader(hex("30")).singleElement() }
        #expect(throws: TLVError.truncatedLength(offset: 0, tag: 0x04)) { _ = try BERReader(hex("04 82 01")).singleElement() }
        #expect(throws: TLVError.truncatedTag(offset: 0)) { _ = try BERReader(hex("5F")).singleElement() }
    }

    @Test func test_lengthPastTheEnd_isRejected() {
        #expect(throws: TLVError.lengthPastEnd(offset: 0, tag: 0x04, length: 5, available: 2)) {
            _ = try BERReader(hex("04 05 0102")).singleElement()
        }
        // A four-octet length of 4 GiB: rejected before anything is read or allocated.
        #expect(throws: TLVError.lengthPastEnd(offset: 0, tag: 0x04, length: 0xFFFF_FFFF, available: 1)) {
            _ = try BERReader(hex("04 84 FFFFFFFF 00")).singleElement()
        }
    }

    /// Length octets that run past their container (though not past the buffer, whose next bytes would make a
    /// length): truncated, with the element's offset and tag, never a length read from the neighbour's bytes.
    @Test func test_lengthOctetsPastTheContainer_areTruncated() throws {
        let r = BERReader(hex("30 02 04 82 0001 AA"))
        var top = r.topLevel()
        var c = try r.children(of: try #require(try top.next()))
        #expect(throws: TLVError.truncatedLength(offset: 2, tag: 0x04)) {
            _ = try c.next()
        }
    }

    /// A length exactly one byte too long, the off-by-one a bounds check can have: refused whether the byte after
    /// is past the buffer or still inside it but past the container (which would hand out its neighbour's byte).
    @Test func test_lengthOneBytePastTheEnd_isRejected() throws {
        #expect(throws: TLVError.lengthPastEnd(offset: 0, tag: 0x04, length: 3, available: 2)) {
            _ = try BERReader(hex("04 03 0102")).singleElement()
        }
        let r = BERReader(hex("30 04 04 03 0102 03"))
        var top = r.topLevel()
        var c = try r.children(of: try #require(try top.next()))
        #expect(throws: TLVError.lengthPastEnd(offset: 2, tag: 0x04, length: 3, available: 2)) {
            _ = try c.next()
        }
    }

    @Test func test_fiveByteLengthFields_areRejected() {
        #expect(throws: TLVError.unsupportedLengthForm(offset: 0, tag: 0x04, lengthOctets: 5)) {
            _ = try BERReader(hex("04 85 0000000001 00")).singleElement()
        }
        #expect(throws: TLVError.unsupportedLengthForm(offset: 0, tag: 0x04, lengthOctets: 127)) {
            _ = try BERReader(hex("04 FF 00")).singleElement()
        }
    }

    @Test func test_deepNesting_stopsAtTheLimit() throws {
        // 40 nested SEQUENCEs of definite length; the data-group limit is 24.
        var bytes: [UInt8] = [0x05, 0x00]
        for _ in 0..<40 { bytes = [0x30, UInt8(bytes.count)] + bytes }
        #expect(throws: TLVError.nestingTooDeep(offset: 50, tag: 0x30, limit: 24)) {
            _ = try BERReader(bytes).validate()
        }
        #expect(try BERReader(bytes, options: .init(maxDepth: 64, allowsIndefiniteLength: false)).validate() == 41)
    }

    @Test func test_deepIndefiniteNesting_isBounded() {
        // 10 000 nested indefinite-length SEQUENCEs, never closed: an error, not a stack overflow.
        let bytes = [UInt8]([0x30, 0x80]).repeated(10_000)
        #expect(throws: TLVError.nestingTooDeep(offset: 66, tag: 0x30, limit: 32)) {
            _ = try BERReader(bytes, options: .cms).validate()
        }
    }

    @Test func test_indefiniteLength_onlyWhereAllowed() throws {
        let bytes = hex("30 80 020101 0400 0000")
        #expect(throws: TLVError.indefiniteLengthNotAllowed(offset: 0, tag: 0x30)) {
            _ = try BERReader(bytes).singleElement()
        }
        let r = BERReader(bytes, options: .cms)
        let e = try r.singleElement(.sequence)
        #expect(e.isIndefiniteLength)
        #expect(e.valueRange == 2..<7)
        #expect(e.end == 9)
        #expect(try r.validate() == 3)
        // A primitive element may never use it (X.690 §8.1.3.2).
        #expect(throws: TLVError.indefiniteLengthNotAllowed(offset: 0, tag: 0x04)) {
            _ = try BERReader(hex("04 80 00 00"), options: .cms).singleElement()
        }
    }

    @Test func test_missingEndOfContents() {
        #expect(throws: TLVError.missingEndOfContents(offset: 0, tag: 0x30)) {
            _ = try BERReader(hex("30 80 020101"), options: .cms).singleElement()
        }
    }

    @Test func test_invalidTags() {
        // X.690 §8.1.2.4.2 c: the first subsequent octet may not be 0x80.
        #expect(throws: TLVError.invalidTag(offset: 0)) { _ = try BERReader(hex("1F 80 01 00")).singleElement() }
        // More than four identifier octets.
        #expect(throws: TLVError.invalidTag(offset: 0)) { _ = try BERReader(hex("5F 81 81 81 01 00")).singleElement() }
        // Tag 0 outside an indefinite-length context.
        #expect(throws: TLVError.invalidTag(offset: 0)) { _ = try BERReader(hex("00 00")).singleElement() }
    }

    @Test func test_structureErrors_sayWhatWasExpected() throws {
        let r = BERReader(hex("30 03 020101 FF"))
        #expect(throws: TLVError.trailingBytes(offset: 5)) { _ = try r.singleElement() }
        let s = BERReader(hex("30 03 020101"))
        var c = try s.children(of: try s.singleElement())
        #expect(throws: TLVError.unexpectedTag(offset: 2, expected: .octetString, found: .integer)) {
            _ = try c.expect(.octetString)
        }
        _ = try c.expect(.integer)
        #expect(throws: TLVError.missingElement(offset: 5, expected: .octetString)) { _ = try c.expect(.octetString) }
        let p = BERReader(hex("04 01 00"))
        #expect(throws: TLVError.wrongForm(offset: 0, tag: .octetString, expectedConstructed: true)) {
            _ = try p.children(of: try p.singleElement())
        }
    }

    @Test func test_integers() throws {
        func int(_ h: String) throws -> Int { let r = BERReader(hex(h)); return try r.integer(try r.singleElement()) }
        #expect(try int("020100") == 0)
        #expect(try int("02017F") == 127)
        #expect(try int("02020080") == 128)
        #expect(try int("0201FF") == -1)
        #expect(try int("020180") == -128)
        #expect(throws: TLVError.self) { try int("0200") }
        #expect(throws: TLVError.self) { try int("0209 010000000000000000") }
        var w = TLVWriter()
        for v in [0, 1, 127, 128, 255, 256, -1, -128, -129, Int.max, Int.min] { w.appendInteger(v) }
        let r = BERReader(w.bytes)
        var c = r.topLevel()
        for v in [0, 1, 127, 128, 255, 256, -1, -128, -129, Int.max, Int.min] {
            #expect(try r.integer(try c.expect(.integer)) == v)
        }
        #expect(Array(w.bytes.prefix(9)) == hex("020100 020101 02017F"))
    }

    @Test func test_writer_usesMinimalLongFormLengths() {
        var w = TLVWriter()
        w.append(.octetString, value: [UInt8](repeating: 0, count: 0x80))
        #expect(Array(w.bytes.prefix(3)) == hex("04 81 80"))
        var n = TLVWriter()
        n.append(.sequence) { w in w.append(.octetString, value: [UInt8](repeating: 0, count: 0x100)) }
        #expect(Array(n.bytes.prefix(8)) == hex("30 82 0104 04 82 0100"))
        #expect(n.bytes.count == 8 + 0x100)
    }

    @Test func test_constructedOctetString_isJoined() throws {
        let r = BERReader(hex("24 80 0402AABB 0401CC 0000"), options: .cms)
        #expect(Array(try r.octetString(try r.singleElement())) == [0xAA, 0xBB, 0xCC])
    }

    @Test func test_validate_countsEveryElement() throws {
        #expect(try BERReader(hex("30 08 3006 0201 01 0401 00")).validate() == 4)
    }
}

extension Array {
    func repeated(_ n: Int) -> [Element] { (0..<n).flatMap { _ in self } }
}

@Suite struct OIDTests {
    // X.690 (2021) §8.19.5 example: { 2 999 3 } encodes as 06 03 88 37 03.
    @Test func test_x690Example() throws {
        let oid = try #require(OID(dotted: "2.999.3"))
        #expect(oid.derEncoded == hex("06 03 883703"))
        #expect(OID(derContent: hex("883703"))?.dotted == "2.999.3")
    }

    // RFC 5480 §2.1.1: id-ecPublicKey ::= 1.2.840.10045.2.1 is 06 07 2A 86 48 CE 3D 02 01.
    @Test func test_ecPublicKey_rfc5480() {
        #expect(OID.ecPublicKey.derEncoded == hex("06 07 2A8648CE3D0201"))
    }

    // ICAO 9303-11 / CCCD.md: the PACE OID on the card, 04 00 7F 00 07 02 02 04 02 02.
    @Test func test_icaoNames() {
        #expect(OID.idPACEECDHGMAESCBCCMAC128.derContent == hex("04007F00070202040202"))
        #expect(OID.idPACEECDHGMAESCBCCMAC128.name == "id-PACE-ECDH-GM-AES-CBC-CMAC-128")
        #expect(OID.idCAECDHAESCBCCMAC128.name == "id-CA-ECDH-AES-CBC-CMAC-128")
        #expect(OID.brainpoolP256r1.description == "1.3.36.3.3.2.8.1.1.7 (brainpoolP256r1)")
    }

    @Test func test_invalidEncodings_areRejected() {
        #expect(OID(derContent: hex("2A86")) == nil)     // last octet has bit 8 set
        #expect(OID(derContent: hex("2A8001")) == nil)   // padding octet 0x80 starts an arc
        #expect(OID(derContent: []) == nil)
        #expect(OID(dotted: "3.1") == nil)
        #expect(OID(dotted: "1.40") == nil)
        #expect(OID(dotted: "1..2") == nil)
    }

    @Test func test_longOID_isStoredAndCompared() throws {
        let text = "2.25.329800735698586629295641978511506172918"  // a UUID OID (X.667), arc beyond 64 bits
        // Arcs beyond 64 bits are not built from text, but such OIDs decode from DER and compare by bytes.
        #expect(OID(dotted: text) == nil)
        let der = hex("6983F09DA7EBCFDEE0C7A1A7B2C0948CC8F9D77603") + [UInt8](repeating: 0x01, count: 10)
        let a = try #require(OID(derContent: der))
        let b = try #require(OID(derContent: der))
        #expect(a == b)
        #expect(a.derContent == der)
        #expect(a.arcs == nil)
    }
}

@Suite struct EncodedLengthTests {
    @Test func test_fileLengthFromItsFirstBytes() throws {
        #expect(try BERReader.encodedLength(ofElementStartingWith: hex("6014")) == 22)
        #expect(try BERReader.encodedLength(ofElementStartingWith: hex("75 82 54A1 7F61")) == 4 + 0x54A1)
        #expect(try BERReader.encodedLength(ofElementStartingWith: hex("7F61 81 80")) == 4 + 0x80)
        #expect(try BERReader.encodedLength(ofElementStartingWith: hex("75 82 54")) == nil)
        #expect(try BERReader.encodedLength(ofElementStartingWith: hex("7F")) == nil)
        #expect(try BERReader.encodedLength(ofElementStartingWith: []) == nil)
        #expect(throws: TLVError.unsupportedLengthForm(offset: 0, tag: 0x77, lengthOctets: 5)) {
            _ = try BERReader.encodedLength(ofElementStartingWith: hex("77 85 0000000001"))
        }
        for name in ["EF.COM.bin", "DG1.bin", "DG2.bin", "DG13.bin", "DG14.bin", "DG15.bin", "EF.SOD.bin"] {
            let bytes = try Fixture.card(name)
            #expect(try BERReader.encodedLength(ofElementStartingWith: bytes.prefix(6)) == bytes.count)
        }
    }
}
