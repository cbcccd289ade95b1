#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    /// Where the file's 19794-5 records disagree with their data and the image was found by its own structure
    /// instead (empty for a well-formed file). The file's hash is what vouches for it; these only say the chip
    /// wrote its record loosely.
    public var warnings: [DG2Warning]

    /// A DG2 holding the given faces.
    public init(faces: [FaceImage]) {
        self.faces = faces
        warnings = []
    }

    /// Parses DG2.
    public init(bytes: [UInt8]) throws(LDSError) {
        (faces, warnings) = try LDSError.parsing(.dataGroup(2)) { () throws(LDSError.Reason) -> ([FaceImage], [DG2Warning]) in
            try DataGroup2.parse(bytes)
        }
    }

    private static func parse(_ bytes: [UInt8]) throws(LDSError.Reason) -> ([FaceImage], [DG2Warning]) {
        let r = FileReader(bytes)
        let outer = try r.single(0x75)
        var c = try r.children(outer)
        let group = try c.expect(0x7F61)
        try c.requireEnd()
        var g = try r.children(group)
        let countElement = try g.expect(.integer)
        let count = try r.integer(countElement)
        var faces: [FaceImage] = []
        var warnings: [DG2Warning] = []
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
            case 0x5F2E: try parse19794(r, bdb, header: header, into: &faces, warnings: &warnings)
            case 0x7F2E: faces.append(try parse39794(r, bdb, header: header))
            default: throw .tlv(.unexpectedTag(offset: bdb.offset, expected: 0x5F2E, found: bdb.tag))
            }
        }
        guard templates == count else {
            throw .invalidField(field: "number of biometric templates", offset: countElement.offset,
                                expected: "\(templates), the number of templates present")
        }
        return (faces, warnings)
    }

    /// ISO/IEC 19794-5:2005 §5.4–5.7: a 14-byte facial record header, then per image a 20-byte facial
    /// information block, 8 bytes per feature point, a 12-byte image information block and the image.
    ///
    /// Real chips get the record's lengths slightly wrong: a record length that is not the data block's, a facial
    /// record data length that does not reach the image's end or runs past it, bytes after the image. The image is
    /// then found by its own structure (JPEG SOI…EOI, the JP2 boxes, a J2K codestream SOC…EOC), from where the
    /// record puts it or, failing that, by its signature, and each disagreement is a ``DG2Warning``.
    private static func parse19794(_ r: FileReader, _ bdb: TLVElement, header: [UInt8],
                                   into faces: inout [FaceImage], warnings: inout [DG2Warning]) throws(LDSError.Reason) {
        let b = r.bytes
        let start = bdb.valueStart, end = bdb.valueEnd
        func fail(_ offset: Int, _ expected: String) -> LDSError.Reason {
            .invalidField(field: "19794-5 face record", offset: offset, expected: expected)
        }
        func u16(_ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
        func u32(_ i: Int) -> Int { Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3]) }
        func warn(_ offset: Int, _ kind: DG2Warning.Kind) { warnings.append(DG2Warning(kind: kind, offset: offset)) }
        guard end - start >= 14 else { throw fail(start, "a 14-byte facial record header") }
        guard b[start] == 0x46, b[start + 1] == 0x41, b[start + 2] == 0x43, b[start + 3] == 0 else {
            throw fail(start, "the format identifier \"FAC\\0\"")
        }
        let recordLength = u32(start + 8)
        if recordLength != end - start { warn(start + 8, .recordLength(declared: recordLength, actual: end - start)) }
        // The data block's own end bounds everything; the record's length is only believed when it agrees.
        let recordEnd = end
        var imageCount = u16(start + 12)
        if imageCount == 0 {
            warn(start + 12, .imageCount(declared: 0))
            imageCount = 1
        }
        let firstFace = faces.count
        var p = start + 14
        for index in 0..<imageCount {
            let isLast = index == imageCount - 1
            guard recordEnd - p >= 32 else {
                if faces.count == firstFace, let found = FaceImageLocator.firstImage(in: b, from: start + 14, limit: recordEnd) {
                    warn(found.range.lowerBound, .imageFoundBySignature)
                    faces.append(FaceImage(headerTemplate: header, encoding: .iso19794(FacialRecord19794()),
                                           width: nil, height: nil, image: b[found.range]))
                    if !found.endFound { warn(found.range.upperBound, .imageEndNotFound) }
                    return
                }
                if faces.count == firstFace { throw fail(p, "a facial information block") }
                warn(p, .imageCount(declared: imageCount))
                break
            }
            let blockLength = u32(p)
            let points = u16(p + 4)
            let fixed = 20 + 8 * points + 12
            let fixedFits = fixed <= recordEnd - p
            let blockEnd: Int? = blockLength >= fixed && blockLength <= recordEnd - p ? p + blockLength : nil
            if blockEnd == nil {
                warn(p, .imageBlockLength(declared: blockLength, actual: recordEnd - p))
            }
            var info = FacialRecord19794()
            var width: Int?, height: Int?
            var imageStart = recordEnd
            if fixedFits {
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
                width = u16(q + 2)
                height = u16(q + 4)
                info.colourSpace = b[q + 6]
                info.sourceType = b[q + 7]
                info.deviceType = UInt16(u16(q + 8))
                info.quality = UInt16(u16(q + 10))
                imageStart = q + 12
            }
            // Where the image may end: its block, or for the last image (and a block whose length is wrong) the
            // end of the data.
            let limit = isLast || blockEnd == nil ? recordEnd : blockEnd!
            let consistent = blockEnd != nil && recordLength == end - start
                && (!isLast || blockEnd == recordEnd) && fixedFits
            var image: Range<Int>
            if fixedFits, let walked = FaceImageLocator.image(in: b, at: imageStart, limit: limit) {
                image = walked
            } else if consistent {
                // The record's lengths agree with each other: an image this reader does not walk is taken as
                // the record bounds it, without complaint.
                image = imageStart..<blockEnd!
            } else if let found = FaceImageLocator.firstImage(in: b, from: p, limit: recordEnd) {
                warn(found.range.lowerBound, .imageFoundBySignature)
                if !found.endFound { warn(found.range.upperBound, .imageEndNotFound) }
                image = found.range
            } else if fixedFits, imageStart < limit {
                warn(imageStart, .imageEndNotFound)
                image = imageStart..<(blockEnd ?? recordEnd)
            } else {
                throw fail(p, "a facial record data length between \(fixed) and \(recordEnd - p), or an image")
            }
            if let blockEnd, image.upperBound > blockEnd {
                warn(p, .imageBlockLength(declared: blockLength, actual: image.upperBound - p))
            }
            // Bytes after the image: to the end of its block, or of the data for the last image.
            let regionEnd = isLast ? recordEnd : max(blockEnd ?? image.upperBound, image.upperBound)
            if image.upperBound < regionEnd, image.lowerBound >= p {
                warn(image.upperBound, .trailingBytes(count: regionEnd - image.upperBound))
            }
            faces.append(FaceImage(headerTemplate: header, encoding: .iso19794(info), width: width, height: height,
                                   image: b[image]))
            p = max(blockEnd ?? image.upperBound, image.upperBound)
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
        // A size the record did not state (a face found by its signature alone) is written as 0.
        let width = face.width ?? 0, height = face.height ?? 0
        guard (0...0xFFFF).contains(width), (0...0xFFFF).contains(height) else {
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

/// A place where DG2's 19794-5 record disagrees with its data, and the face was read anyway.
///
/// A warning, not an error: the face image was found by its own structure, and the file's hash in EF.SOD is what
/// vouches for the bytes. The domain reports it as the problem `DG2_RECORD_INCONSISTENT`, which does not fail a
/// read whose DG2 hash verifies.
public struct DG2Warning: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// What disagrees.
    public enum Kind: Sendable, Equatable, Hashable {
        /// The record header's length (ISO/IEC 19794-5 §5.4.3) is not the biometric data block's.
        case recordLength(declared: Int, actual: Int)
        /// A facial record data length (§5.5.1) that the data does not hold, or that ends before the image does.
        case imageBlockLength(declared: Int, actual: Int)
        /// The number of facial images in the header (§5.4.4) is not the number of blocks present.
        case imageCount(declared: Int)
        /// Bytes after the image's end (JPEG EOI, the last JP2 box, J2K EOC) inside its record.
        case trailingBytes(count: Int)
        /// The image was not where the record puts it; it was found by its signature.
        case imageFoundBySignature
        /// The image's end was not found: it runs to the end of its block.
        case imageEndNotFound
    }

    /// What disagrees.
    public var kind: Kind
    /// Offset in the DG2 file where it shows.
    public var offset: Int

    /// A warning.
    public init(kind: Kind, offset: Int) {
        self.kind = kind
        self.offset = offset
    }

    /// One line naming the inconsistency and its offset.
    public var description: String {
        switch kind {
        case .recordLength(let d, let a):
            return "19794-5 record length \(d) at offset \(offset), the data block holds \(a) bytes"
        case .imageBlockLength(let d, let a):
            return "19794-5 facial record data length \(d) at offset \(offset), the image needs \(a) bytes"
        case .imageCount(let d): return "19794-5 header at offset \(offset) announces \(d) images"
        case .trailingBytes(let n): return "\(n) bytes after the face image's end at offset \(offset)"
        case .imageFoundBySignature: return "the face image was found by its signature at offset \(offset)"
        case .imageEndNotFound: return "the face image's end marker was not found (up to offset \(offset))"
        }
    }
}

/// Finds a face image in a buffer by its own structure: JPEG (ISO/IEC 10918-1 markers, SOI…EOI), JPEG 2000 in
/// the JP2 file format (ISO/IEC 15444-1 Annex I boxes: signature, …, `jp2c`), or a bare JPEG 2000 codestream
/// (Annex A markers, SOC…EOC). Every step is bounded by the buffer's limit and moves forward, so a hostile buffer
/// costs at most a few linear walks.
enum FaceImageLocator {
    /// The image that starts exactly at `start`, walked to its end within `limit`; nil when no known image starts
    /// there or its end is not found.
    static func image(in b: [UInt8], at start: Int, limit: Int) -> Range<Int>? {
        guard start >= 0, start < limit, limit <= b.count else { return nil }
        switch FaceImageType(signatureOf: b[start..<limit]) {
        case .jpeg: return jpeg(b, start, limit)
        case .jpeg2000: return jp2(b, start, limit)
        case .jpeg2000Codestream: return codestream(b, start, limit)
        case .unknown: return nil
        }
    }

    /// The first image whose signature appears in `from..<limit`: walked to its end when possible
    /// (`endFound`), else running to `limit`. At most eight candidate signatures are tried.
    static func firstImage(in b: [UInt8], from: Int, limit: Int) -> (range: Range<Int>, endFound: Bool)? {
        guard from >= 0, from < limit, limit <= b.count else { return nil }
        var first: Int?
        var tries = 0
        var i = from
        while i + 4 <= limit, tries < 8 {
            let isCandidate = (b[i] == 0xFF && b[i + 1] == 0xD8 && b[i + 2] == 0xFF)
                || (b[i] == 0xFF && b[i + 1] == 0x4F && b[i + 2] == 0xFF && b[i + 3] == 0x51)
                || (i + 8 <= limit && b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 0 && b[i + 3] == 0x0C
                    && b[i + 4] == 0x6A && b[i + 5] == 0x50 && b[i + 6] == 0x20 && b[i + 7] == 0x20)
            if isCandidate {
                tries += 1
                if first == nil { first = i }
                if let range = image(in: b, at: i, limit: limit) { return (range, true) }
            }
            i += 1
        }
        return first.map { ($0..<limit, false) }
    }

    private static func u16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
    private static func u32(_ b: [UInt8], _ i: Int) -> Int {
        Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }

    /// ISO/IEC 10918-1 Annex B: marker segments with lengths; after SOS, entropy-coded data in which `FF 00`
    /// (stuffing) and `FF D0`…`FF D7` (restart markers) belong to the data; EOI ends the image.
    static func jpeg(_ b: [UInt8], _ start: Int, _ limit: Int) -> Range<Int>? {
        var i = start + 2
        while i + 1 < limit {
            guard b[i] == 0xFF else { return nil }
            if b[i + 1] == 0xFF {  // fill byte before a marker
                i += 1
                continue
            }
            let marker = b[i + 1]
            if marker == 0xD9 { return start..<(i + 2) }
            if (0xD0...0xD7).contains(marker) || marker == 0x01 {
                i += 2
                continue
            }
            guard i + 4 <= limit else { return nil }
            let length = u16(b, i + 2)
            guard length >= 2, i + 2 + length <= limit else { return nil }
            i += 2 + length
            if marker == 0xDA {
                // Entropy-coded data up to the next marker that is not stuffing or a restart; memchr finds each
                // FF (the scan is most of a face's bytes).
                i = b.withUnsafeBufferPointer { buffer -> Int in
                    guard let base = buffer.baseAddress else { return limit }
                    var j = i
                    while j + 1 < limit {
                        guard let hit = memchr(base + j, 0xFF, limit - 1 - j) else { return limit }
                        j = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                        let next = buffer[j + 1]
                        if next != 0x00, !(0xD0...0xD7).contains(next) { return j }
                        j += 1
                    }
                    return limit
                }
            }
        }
        return nil
    }

    /// ISO/IEC 15444-1 Annex I: boxes (LBox, TBox, XLBox when LBox is 1) from the 12-byte signature box on; the
    /// image ends after the contiguous codestream box `jp2c` and any well-formed boxes that follow it. A `jp2c`
    /// box whose length is 0 ("to the end of the file") ends at its codestream's EOC.
    static func jp2(_ b: [UInt8], _ start: Int, _ limit: Int) -> Range<Int>? {
        guard start + 12 <= limit, b[(start + 8)..<(start + 12)].elementsEqual([0x0D, 0x0A, 0x87, 0x0A]) else {
            return nil
        }
        var i = start
        var sawCodestream = false
        while i + 8 <= limit {
            let type = b[(i + 4)..<(i + 8)]
            guard type.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { break }
            let isCodestream = type.elementsEqual([0x6A, 0x70, 0x32, 0x63])  // "jp2c"
            var length = u32(b, i)
            var header = 8
            if length == 1 {
                guard i + 16 <= limit, b[(i + 8)..<(i + 12)].allSatisfy({ $0 == 0 }) else { break }
                length = u32(b, i + 12)
                header = 16
            } else if length == 0 {
                guard isCodestream, let cs = codestream(b, i + 8, limit) else { break }
                return start..<cs.upperBound
            }
            guard length >= header, length <= limit - i else { break }
            if isCodestream { sawCodestream = true }
            i += length
        }
        return sawCodestream ? start..<i : nil
    }

    /// ISO/IEC 15444-1 Annex A: SOC, main-header marker segments (with lengths) up to the first SOT; each
    /// tile-part's length (Psot) from its SOT; EOC ends the codestream. A tile-part whose Psot is 0 runs to EOC,
    /// which is then searched for (A.4.2: no `FF xx` with xx above 8F inside packet data).
    static func codestream(_ b: [UInt8], _ start: Int, _ limit: Int) -> Range<Int>? {
        guard start + 4 <= limit, b[start] == 0xFF, b[start + 1] == 0x4F else { return nil }
        var i = start + 2
        while i + 2 <= limit {
            guard b[i] == 0xFF else { return nil }
            let marker = b[i + 1]
            if marker == 0xD9 { return start..<(i + 2) }
            guard i + 4 <= limit else { return nil }
            if marker == 0x90 {  // SOT: Lsot (10), Isot, Psot, TPsot, TNsot
                guard i + 12 <= limit else { return nil }
                let psot = u32(b, i + 6)
                if psot == 0 {
                    var j = i + 12
                    while j + 1 < limit {
                        if b[j] == 0xFF && b[j + 1] == 0xD9 { return start..<(j + 2) }
                        j += 1
                    }
                    return nil
                }
                guard psot >= 14, psot <= limit - i else { return nil }
                i += psot
            } else {
                let length = u16(b, i + 2)
                guard length >= 2, i + 2 + length <= limit else { return nil }
                i += 2 + length
            }
        }
        return nil
    }
}
