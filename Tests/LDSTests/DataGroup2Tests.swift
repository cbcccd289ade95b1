import Testing
@testable import LDS

@Suite struct DataGroup2Tests {
    @Test func test_fixture_19794Record() throws {
        let bytes = try Fixture.card("DG2.bin")
        let dg = try DataGroup2(bytes: bytes)
        #expect(dg.faces.count == 1)
        let face = try #require(dg.faces.first)
        #expect(face.width == 240)
        #expect(face.height == 320)
        #expect(face.imageType == .jpeg)
        #expect(Array(face.image) == (try Fixture.card("face.jpg")))
        #expect(face.headerTemplate == hex("810102 87020101 88020008"))
        guard case .iso19794(let info) = face.encoding else {
            Issue.record("expected a 19794-5 record")
            return
        }
        #expect(info.gender == 1)
        #expect(info.eyeColour == 2)
        #expect(info.hairColour == 3)
        #expect(info.faceImageType == 1)
        #expect(info.imageDataType == 0)
        #expect(info.colourSpace == 1)
        #expect(info.sourceType == 2)
        #expect(info.featurePoints.isEmpty)
        // The image is a slice of the file, not a copy.
        #expect(face.image.startIndex > 0)
        #expect(try dg.encoded() == bytes)
    }

    // A 39794-5 block written by hand (lengths computed separately): version 3/2019, one representation,
    // a 2D image "FFD8FFE0 JFIF", image data format 0, size 240 × 320.
    static let dg2Of39794 = hex("75407F613D0201017F6037A1038101027F2E2FA007800103810207E3A1243022800101A11DA01BA0198008FFD8FFE04A464946A10D800100A708800200F081020140")

    @Test func test_39794Block_handWritten() throws {
        let dg = try DataGroup2(bytes: Self.dg2Of39794)
        let face = try #require(dg.faces.first)
        #expect(face.encoding == .iso39794)
        #expect(face.width == 240)
        #expect(face.height == 320)
        #expect(Array(face.image) == hex("FFD8FFE04A464946"))
        #expect(face.imageType == .jpeg)
        #expect(try dg.encoded() == Self.dg2Of39794)
    }

    @Test func test_imageSignatures() {
        #expect(FaceImageType(signatureOf: hex("0000000C6A5020200D0A870A")) == .jpeg2000)
        #expect(FaceImageType(signatureOf: hex("FF4FFF51")) == .jpeg2000Codestream)
        #expect(FaceImageType(signatureOf: hex("FFD8FFDB")) == .jpeg)
        #expect(FaceImageType(signatureOf: hex("89504E47")) == .unknown)
        #expect(FaceImageType(signatureOf: []) == .unknown)
    }

    /// The fixture with one byte of the 19794 record replaced; offsets are from the start of DG2.
    private func mutated(_ offsetInRecord: Int, _ value: UInt8) throws -> [UInt8] {
        var bytes = try Fixture.card("DG2.bin")
        let record = try #require(findRecord(bytes))
        bytes[record + offsetInRecord] = value
        return bytes
    }

    private func findRecord(_ bytes: [UInt8]) -> Int? {
        (0..<(bytes.count - 4)).first { bytes[$0] == 0x46 && bytes[$0 + 1] == 0x41 && bytes[$0 + 2] == 0x43 && bytes[$0 + 3] == 0 }
    }

    @Test func test_malformedRecords_namePlaceAndExpectation() throws {
        let bytes = try Fixture.card("DG2.bin")
        let record = try #require(findRecord(bytes))
        // Wrong format identifier: not a 19794-5 record at all.
        #expect(throws: LDSError(file: .dataGroup(2), reason: .invalidField(
            field: "19794-5 face record", offset: record, expected: "the format identifier \"FAC\\0\""))) {
            _ = try DataGroup2(bytes: try mutated(0, 0x47))
        }
        // Lengths that disagree with the data still give the fixture's face, with a warning.
        let face = try Fixture.card("face.jpg")
        for (offset, value) in [(8, UInt8(0x7F)), (14, 0x7F), (18, 0xFF), (13, 0x00)] {
            let dg = try DataGroup2(bytes: try mutated(offset, value))
            #expect(Array(try #require(dg.faces.first).image) == face, "byte \(offset)")
            #expect(!dg.warnings.isEmpty, "byte \(offset)")
        }
    }

    // MARK: Records real chips get slightly wrong, written by hand

    /// A JPEG's skeleton: SOI, a comment segment "AB", EOI (10 bytes).
    static let jpeg = hex("FFD8 FFFE 0004 4142 FFD9")
    /// A bare JPEG 2000 codestream: SOC, SIZ (4 bytes of payload), one tile-part (SOT with Psot 15, SOD, one byte of
    /// data), EOC (27 bytes).
    static let codestream = hex("FF4F FF51 0006 00000000 FF90 000A 0000 0000000F 00 01 FF93 AB FFD9")
    /// A JP2 file: signature box, file type box, a header box, and the codestream box around ``codestream``.
    static let jp2 = hex("0000000C 6A502020 0D0A870A") + hex("00000014 66747970 6A703220 00000000 6A703220")
        + hex("0000000D 6A703268 0102030405") + hex("00000023 6A703263") + codestream

    /// ISO/IEC 19794-5 §5.4–5.7 by hand: the 14-byte header with `recordLength`, one 20-byte facial information
    /// block with `blockLength` and `points` feature points (none present), the 12-byte image information, the image,
    /// then `after` (inside the block when the lengths count it).
    static func record(image: [UInt8], recordLength: Int? = nil, blockLength: Int? = nil, points: Int = 0,
                       count: Int = 1, after: [UInt8] = []) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let block = 20 + 12 + image.count + after.count
        return Array("FAC".utf8) + [0] + Array("010".utf8) + [0] + u32(recordLength ?? 14 + block) + u16(count)
            + u32(blockLength ?? block) + u16(points) + [1, 0, 0, 0, 0, 0] + [0, 0] + [0, 0, 0] + [0, 0, 0]
            + [1, 0] + u16(240) + u16(320) + [1, 0] + [0, 0] + [0, 0] + image + after
    }

    /// DG2 around one record: `75 { 7F61 { 02 01 01, 7F60 { A1 { 81 01 02 }, 5F2E record } } }`.
    static func dg2(_ record: [UInt8]) -> [UInt8] {
        var w = TLVWriter()
        w.append(0x75) { w in
            w.append(0x7F61) { w in
                w.appendInteger(1)
                w.append(0x7F60) { w in
                    w.append(0xA1, value: [0x81, 0x01, 0x02])
                    w.append(0x5F2E, value: record)
                }
            }
        }
        return w.bytes
    }

    @Test func wellFormedRecord_hasNoWarning() throws {
        for image in [Self.jpeg, Self.jp2, Self.codestream] {
            let dg = try DataGroup2(bytes: Self.dg2(Self.record(image: image)))
            #expect(Array(try #require(dg.faces.first).image) == image)
            #expect(dg.warnings.isEmpty)
        }
        #expect(try DataGroup2(bytes: try Fixture.card("DG2.bin")).warnings.isEmpty)
    }

    @Test(arguments: [(UInt8(0), "JPEG"), (1, "JP2"), (2, "J2K codestream")])
    func sloppyRecord_stillYieldsTheFace_withAWarning(_ which: UInt8, _ name: String) throws {
        let image = [Self.jpeg, Self.jp2, Self.codestream][Int(which)]
        let block = 32 + image.count
        // (record bytes, the warning kinds expected), offsets being those of the record's fields in the file.
        let cases: [([UInt8], [DG2Warning.Kind])] = [
            // The record length says more than the data block holds, or less.
            (Self.record(image: image, recordLength: 14 + block + 100), [.recordLength(declared: 14 + block + 100, actual: 14 + block)]),
            (Self.record(image: image, recordLength: 14 + block - 5), [.recordLength(declared: 14 + block - 5, actual: 14 + block)]),
            // The facial record data length stops short of the image's end, or runs past the data.
            (Self.record(image: image, blockLength: 32 + 3), [.imageBlockLength(declared: 35, actual: block)]),
            (Self.record(image: image, blockLength: block + 64), [.imageBlockLength(declared: block + 64, actual: block)]),
            // Seven bytes after the image, counted by both lengths.
            (Self.record(image: image, after: [UInt8](repeating: 0, count: 7)), [.trailingBytes(count: 7)]),
            // Seven bytes after the image that no length counts.
            (Self.record(image: image, recordLength: 14 + block, blockLength: block, after: [UInt8](repeating: 0xEE, count: 7)),
             [.recordLength(declared: 14 + block, actual: 14 + block + 7), .trailingBytes(count: 7)]),
            // A feature-point count the block cannot hold: the image is found by its signature.
            (Self.record(image: image, points: 0xFFFF), [.imageBlockLength(declared: block, actual: block), .imageFoundBySignature]),
            // No image announced.
            (Self.record(image: image, count: 0), [.imageCount(declared: 0)]),
        ]
        for (index, (record, kinds)) in cases.enumerated() {
            let dg = try DataGroup2(bytes: Self.dg2(record))
            #expect(dg.faces.count == 1, "\(name) case \(index)")
            #expect(dg.faces.first.map { Array($0.image) } == image, "\(name) case \(index)")
            #expect(dg.warnings.map(\.kind) == kinds, "\(name) case \(index)")
        }
    }

    /// make_fixtures.py's sloppy record (its own encoder): the face of DG2.bin, with each disagreement named.
    @Test func sloppyFixture_fromPython() throws {
        let dg = try DataGroup2(bytes: try Fixture.card("DG2-sloppy.bin"))
        let face = try Fixture.card("face.jpg")
        #expect(dg.faces.map { Array($0.image) } == [face])
        #expect(dg.faces.first?.width == 240 && dg.faces.first?.height == 320)
        let block = 32 + face.count + 5
        #expect(dg.warnings.map(\.kind) == [.recordLength(declared: 14 + block + 6, actual: 14 + block),
                                            .imageBlockLength(declared: block - 64, actual: 32 + face.count),
                                            .trailingBytes(count: 5)])
    }

    @Test func imageWithoutItsEnd_runsToTheEndOfTheData() throws {
        // A JPEG cut before EOI, in a record whose block length is wrong: the bytes up to the end, with warnings.
        let cut = Array(Self.jpeg.dropLast(2))
        let dg = try DataGroup2(bytes: Self.dg2(Self.record(image: cut, blockLength: 1000)))
        #expect(dg.faces.first.map { Array($0.image) } == cut)
        #expect(dg.warnings.map(\.kind).contains(.imageEndNotFound))
    }

    @Test func test_templateCountMismatch() throws {
        var bytes = Self.dg2Of39794
        bytes[7] = 2  // 02 01 02: two templates announced, one present
        #expect(throws: LDSError(file: .dataGroup(2), reason: .invalidField(
            field: "number of biometric templates", offset: 5, expected: "1, the number of templates present"))) {
            _ = try DataGroup2(bytes: bytes)
        }
    }

    @Test func test_truncatedFile() throws {
        let bytes = try Fixture.card("DG2.bin")
        for cut in [1, 2, 100, bytes.count - 10] {
            #expect(throws: LDSError.self) { _ = try DataGroup2(bytes: Array(bytes.prefix(cut))) }
        }
    }
}
