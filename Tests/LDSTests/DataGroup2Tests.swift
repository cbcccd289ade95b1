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
        // Wrong format identifier.
        #expect(throws: LDSError(file: .dataGroup(2), reason: .invalidField(
            field: "19794-5 face record", offset: record, expected: "the format identifier \"FAC\\0\""))) {
            _ = try DataGroup2(bytes: try mutated(0, 0x47))
        }
        // A record length past the end of the data block.
        #expect(throws: LDSError.self) { _ = try DataGroup2(bytes: try mutated(8, 0x7F)) }
        // A facial record data length past the record.
        #expect(throws: LDSError.self) { _ = try DataGroup2(bytes: try mutated(14, 0x7F)) }
        // A feature point count that does not fit the block.
        #expect(throws: LDSError.self) { _ = try DataGroup2(bytes: try mutated(18, 0xFF)) }
        // Zero images.
        #expect(throws: LDSError.self) { _ = try DataGroup2(bytes: try mutated(13, 0x00)) }
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
