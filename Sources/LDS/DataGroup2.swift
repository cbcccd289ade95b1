/// The kind of image a face record holds, known by the image's first bytes.
public enum FaceImageType: Sendable, Equatable, Hashable {
    /// JPEG (starts `FF D8 FF`).
    case jpeg
    /// JPEG 2000 in the JP2 file format (starts with the signature box `00 00 00 0C 6A 50 20 20`).
    case jpeg2000
    /// A bare JPEG 2000 codestream (starts `FF 4F FF 51`).
    case jpeg2000Codestream
    /// Anything else.
    case unknown

    /// Recognises the image by its signature.
    public init(signatureOf image: some Collection<UInt8>) {
        if image.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if image.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20]) {
            self = .jpeg2000
        } else if image.starts(with: [0xFF, 0x4F, 0xFF, 0x51]) {
            self = .jpeg2000Codestream
        } else {
            self = .unknown
        }
    }
}

/// The ISO/IEC 19794-5:2005 facial information and image information blocks that precede the image.
public struct FacialRecord19794: Sendable, Equatable, Hashable {
    /// Gender (0 unspecified, 1 male, 2 female, 0xFF unknown).
    public var gender: UInt8 = 0
    /// Eye colour code.
    public var eyeColour: UInt8 = 0
    /// Hair colour code.
    public var hairColour: UInt8 = 0
    /// Property mask (24 bits).
    public var featureMask: UInt32 = 0
    /// Expression code.
    public var expression: UInt16 = 0
    /// Pose angle: yaw, pitch, roll.
    public var poseAngle: [UInt8] = [0, 0, 0]
    /// Pose angle uncertainty: yaw, pitch, roll.
    public var poseAngleUncertainty: [UInt8] = [0, 0, 0]
    /// Feature points, 8 bytes each, raw.
    public var featurePoints: [UInt8] = []
    /// Face image type (0 basic, 1 full frontal, 2 token frontal).
    public var faceImageType: UInt8 = 1
    /// Image data type as the record declares it (0 JPEG, 1 JPEG 2000).
    public var imageDataType: UInt8 = 0
    /// Image colour space code.
    public var colourSpace: UInt8 = 1
    /// Source type code.
    public var sourceType: UInt8 = 0
    /// Device type.
    public var deviceType: UInt16 = 0
    /// Quality.
    public var quality: UInt16 = 0

    /// Default values: a full frontal JPEG in sRGB.
    public init() {}
}

/// One face image of DG2 with its record's metadata.
public struct FaceImage: Sendable, Equatable, Hashable {
    /// The form of the biometric data block.
    public enum Encoding: Sendable, Equatable, Hashable {
        /// ISO/IEC 19794-5:2005, tag `5F2E`: the binary "FAC" record, with its facial and image information.
        case iso19794(FacialRecord19794)
        /// ISO/IEC 39794-5, tag `7F2E`: a DER-encoded FaceImageDataBlock.
        case iso39794
    }

    /// The biometric header template's value (the data objects inside `A1`), as stored.
    public var headerTemplate: [UInt8]
    /// The record form and its metadata.
    public var encoding: Encoding
    /// Image width in pixels, when the record states it.
    public var width: Int?
    /// Image height in pixels, when the record states it.
    public var height: Int?
    /// The image bytes, sharing the file's storage (indices are the file's).
    public var image: ArraySlice<UInt8>

    /// A face image.
    public init(headerTemplate: [UInt8] = FaceImage.defaultHeaderTemplate, encoding: Encoding, width: Int?,
                height: Int?, image: ArraySlice<UInt8>) {
        self.headerTemplate = headerTemplate
        self.encoding = encoding
        self.width = width
        self.height = height
        self.image = image
    }

    /// The image's kind, by its signature.
    public var imageType: FaceImageType { FaceImageType(signatureOf: image) }

    /// A header template for a face per ICAO 9303-10 §4.7.2.1: biometric type 02 (face), format owner 0101
    /// (ISO/IEC JTC 1/SC 37), format type 0008 (19794-5).
    public static let defaultHeaderTemplate: [UInt8] = [0x81, 0x01, 0x02, 0x87, 0x02, 0x01, 0x01, 0x88, 0x02, 0x00, 0x08]
}

/// DG2: the encoded face (ICAO 9303-10 §4.7.2): `75 { 7F61 { 02 count, 7F60 { A1 BHT, 5F2E|7F2E BDB } … } }`.
public struct DataGroup2: Sendable, Equatable, Hashable {
    /// The face images, in file order.
    public var faces: [FaceImage]

    /// A DG2 holding the given faces.
    public init(faces: [FaceImage]) { self.faces = faces }

    /// Parses DG2.
    public init(bytes: [UInt8]) throws(LDSError) {
        faces = try LDSError.parsing(.dataGroup(2)) { () throws(LDSError.Reason) -> [FaceImage] in
            try DataGroup2.parse(bytes)
        }
    }

    private static func parse(_ bytes: [UInt8]) throws(LDSError.Reason) -> [FaceImage] {
        let r = FileReader(bytes)
        let outer = try r.single(0x75)
        var c = try r.children(outer)
        let group = try c.expect(0x7F61)
        try c.requireEnd()
        var g = try r.children(group)
        let countElement = try g.expect(.integer)
        let count = try r.integer(countElement)
        var faces: [FaceImage] = []
        var templates = 0
        while let bit = try g.next() {
            guard bit.tag == 0x7F60 else {
                throw .tlv(.unexpectedTag(offset: bit.offset, expected: 0x7F60, found: bit.tag))
            }
            templates += 1
            var b = try r.children(bit)
            let bht = try b.expect(0xA1)
            let header = Array(r.value(bht))
            guard let bdb = try b.next() else { throw .tlv(.missingElement(offset: bit.valueEnd, expected: 0x5F2E)) }
            try b.requireEnd()
            switch bdb.tag {
            case 0x5F2E: try parse19794(r, bdb, header: header, into: &faces)
            case 0x7F2E: faces.append(try parse39794(r, bdb, header: header))
            default: throw .tlv(.unexpectedTag(offset: bdb.offset, expected: 0x5F2E, found: bdb.tag))
            }
        }
        guard templates == count else {
            throw .invalidField(field: "number of biometric templates", offset: countElement.offset,
                                expected: "\(templates), the number of templates present")
        }
        return faces
    }

    /// ISO/IEC 19794-5:2005 §5.4–5.7: a 14-byte facial record header, then per image a 20-byte facial
    /// information block, 8 bytes per feature point, a 12-byte image information block and the image.
    private static func parse19794(_ r: FileReader, _ bdb: TLVElement, header: [UInt8],
                                   into faces: inout [FaceImage]) throws(LDSError.Reason) {
        let b = r.bytes
        let start = bdb.valueStart, end = bdb.valueEnd
        func fail(_ offset: Int, _ expected: String) -> LDSError.Reason {
            .invalidField(field: "19794-5 face record", offset: offset, expected: expected)
        }
        func u16(_ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
        func u32(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        guard end - start >= 14 else { throw fail(start, "a 14-byte facial record header") }
        guard b[start] == 0x46, b[start + 1] == 0x41, b[start + 2] == 0x43, b[start + 3] == 0 else {
            throw fail(start, "the format identifier \"FAC\\0\"")
        }
        let recordLength = u32(start + 8)
        guard recordLength >= 14, recordLength <= end - start else {
            throw fail(start + 8, "a record length between 14 and \(end - start)")
        }
        let imageCount = u16(start + 12)
        guard imageCount >= 1 else { throw fail(start + 12, "at least one facial image") }
        var p = start + 14
        let recordEnd = start + recordLength
        for _ in 0..<imageCount {
            guard recordEnd - p >= 32 else { throw fail(p, "a facial information block") }
            let blockLength = u32(p)
            let points = u16(p + 4)
            let fixed = 20 + 8 * points + 12
            guard blockLength >= fixed, blockLength <= recordEnd - p else {
                throw fail(p, "a facial record data length between \(fixed) and \(recordEnd - p)")
            }
            var info = FacialRecord19794()
            info.gender = b[p + 6]
            info.eyeColour = b[p + 7]
            info.hairColour = b[p + 8]
            info.featureMask = UInt32(b[p + 9]) << 16 | UInt32(b[p + 10]) << 8 | UInt32(b[p + 11])
            info.expression = UInt16(u16(p + 12))
            info.poseAngle = Array(b[(p + 14)..<(p + 17)])
            info.poseAngleUncertainty = Array(b[(p + 17)..<(p + 20)])
            info.featurePoints = Array(b[(p + 20)..<(p + 20 + 8 * points)])
            let q = p + 20 + 8 * points
            info.faceImageType = b[q]
            info.imageDataType = b[q + 1]
            let width = u16(q + 2), height = u16(q + 4)
            info.colourSpace = b[q + 6]
            info.sourceType = b[q + 7]
            info.deviceType = UInt16(u16(q + 8))
            info.quality = UInt16(u16(q + 10))
            faces.append(FaceImage(headerTemplate: header, encoding: .iso19794(info), width: width, height: height,
                                   image: b[(q + 12)..<(p + blockLength)]))
            p += blockLength
        }
    }

    /// ISO/IEC 39794-5 (DER): FaceImageDataBlock { [0] versionBlock, [1] representationBlocks }, each
    /// RepresentationBlock { [0] id, [1] imageRepresentation { [0] base { [0] 2D block { [0] image data,
    /// [1] imageInformation2DBlock { … [7] imageSizeBlock { [0] width, [1] height } } } } } }.
    private static func parse39794(_ r: FileReader, _ bdb: TLVElement,
                                   header: [UInt8]) throws(LDSError.Reason) -> FaceImage {
        func child(_ parent: TLVElement, _ tag: BERTag) throws(LDSError.Reason) -> TLVElement {
            var c = try r.children(parent)
            while let e = try c.next() {
                if e.tag == tag { return e }
            }
            throw .tlv(.missingElement(offset: parent.valueEnd, expected: tag))
        }
        var dataBlock = bdb
        var top = try r.children(bdb)
        if let first = try top.next(), first.tag == 0x65 { dataBlock = first }  // [APPLICATION 5] kept explicit
        let blocks = try child(dataBlock, 0xA1)
        var representation = blocks
        var bc = try r.children(blocks)
        if let first = try bc.next(), first.tag == .sequence { representation = first }
        let imageRepresentation = try child(representation, 0xA1)
        let base = try child(imageRepresentation, 0xA0)
        let block2D = try child(base, 0xA0)
        var image: ArraySlice<UInt8>?
        var width: Int?, height: Int?
        var c = try r.children(block2D)
        while let e = try c.next() {
            switch e.tag {
            case 0x80, 0xA0: image = try r.octetString(e)
            case 0xA1:
                var ic = try r.children(e)
                while let f = try ic.next() {
                    guard f.tag == 0xA7 else { continue }
                    var sc = try r.children(f)
                    while let s = try sc.next() {
                        if s.tag == 0x80 { width = try r.integer(s) }
                        if s.tag == 0x81 { height = try r.integer(s) }
                    }
                }
            default: continue
            }
        }
        guard let image else { throw .tlv(.missingElement(offset: block2D.valueEnd, expected: 0x80)) }
        return FaceImage(headerTemplate: header, encoding: .iso39794, width: width, height: height, image: image)
    }

    /// The DG2 file: one biometric information template per face.
    public func encoded() throws(LDSError) -> [UInt8] {
        try LDSError.parsing(.dataGroup(2)) { () throws(LDSError.Reason) -> [UInt8] in
            var w = TLVWriter(reservingCapacity: faces.reduce(64) { $0 + $1.image.count + 128 })
            try w.append(0x75) { (w: inout TLVWriter) throws(LDSError.Reason) in
                try w.append(0x7F61) { (w: inout TLVWriter) throws(LDSError.Reason) in
                    w.appendInteger(faces.count)
                    for face in faces {
                        try w.append(0x7F60) { (w: inout TLVWriter) throws(LDSError.Reason) in
                            w.append(0xA1, value: face.headerTemplate)
                            switch face.encoding {
                            case .iso19794(let info): w.append(0x5F2E, value: try DataGroup2.record19794(face, info))
                            case .iso39794: w.append(0x7F2E) { w in DataGroup2.write39794(face, to: &w) }
                            }
                        }
                    }
                }
            }
            return w.bytes
        }
    }

    private static func record19794(_ face: FaceImage, _ info: FacialRecord19794) throws(LDSError.Reason) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        guard let width = face.width, let height = face.height, (0...0xFFFF).contains(width),
              (0...0xFFFF).contains(height) else {
            throw .unencodable(field: "face width/height", expected: "values from 0 to 65535")
        }
        guard info.featurePoints.count % 8 == 0, info.featurePoints.count / 8 <= 0xFFFF,
              info.poseAngle.count == 3, info.poseAngleUncertainty.count == 3, info.featureMask <= 0xFF_FFFF else {
            throw .unencodable(field: "19794-5 facial information", expected: "8-byte feature points, 3-byte pose")
        }
        let blockLength = 20 + info.featurePoints.count + 12 + face.image.count
        var out: [UInt8] = [0x46, 0x41, 0x43, 0x00, 0x30, 0x31, 0x30, 0x00] + u32(14 + blockLength) + u16(1)
        out += u32(blockLength) + u16(info.featurePoints.count / 8)
        out += [info.gender, info.eyeColour, info.hairColour,
                UInt8(info.featureMask >> 16 & 0xFF), UInt8(info.featureMask >> 8 & 0xFF), UInt8(info.featureMask & 0xFF)]
        out += u16(Int(info.expression)) + info.poseAngle + info.poseAngleUncertainty + info.featurePoints
        out += [info.faceImageType, info.imageDataType] + u16(width) + u16(height)
        out += [info.colourSpace, info.sourceType] + u16(Int(info.deviceType)) + u16(Int(info.quality))
        out += face.image
        return out
    }

    private static func write39794(_ face: FaceImage, to w: inout TLVWriter) {
        // versionBlock { generation 3, year 2019 }.
        w.append(0xA0) { w in
            w.appendInteger(3, tag: 0x80)
            w.appendInteger(2019, tag: 0x81)
        }
        w.append(0xA1) { w in
            w.append(.sequence) { w in
                w.appendInteger(1, tag: 0x80)
                w.append(0xA1) { w in
                    w.append(0xA0) { w in
                        w.append(0xA0) { w in
                            w.append(0x80, value: face.image)
                            w.append(0xA1) { w in
                                // imageDataFormat [0]: a code, left as "unknown" (0); the image's signature says.
                                w.appendInteger(0, tag: 0x80)
                                if let width = face.width, let height = face.height {
                                    w.append(0xA7) { w in
                                        w.appendInteger(width, tag: 0x80)
                                        w.appendInteger(height, tag: 0x81)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
