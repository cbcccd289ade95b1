import CImage
import Foundation

/// What a JPEG 2000 image declares about itself, read from its bytes alone before OpenJPEG sees them: OpenJPEG sizes
/// its tile and sample buffers from the SIZ marker, so the bounds are checked here first.
struct JPEG2000Header: Equatable {
    /// The two ways a JPEG 2000 image arrives: a JP2 file (ISO/IEC 15444-1 Annex I) or a bare codestream (Annex A).
    enum Container: Equatable {
        case jp2
        case codestream
    }

    /// A component's sample precision in bits, signedness and subsampling (SIZ's Ssiz, XRsiz, YRsiz).
    struct Component: Equatable {
        var bits: Int
        var signed: Bool
        var dx: Int
        var dy: Int
    }

    var container: Container
    var width: Int
    var height: Int
    var components: [Component]
    var tiles: Int
    /// The JP2 colour specification's enumerated colour space (16 sRGB, 17 grey, 18 sYCC), when there is one.
    var enumeratedColourSpace: Int?

    /// The JP2 signature box (Annex I.5.1): length 12, type `jP  `, contents `0D 0A 87 0A`.
    static let jp2Signature: [UInt8] = [0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A]
    /// SOC then SIZ (Annex A.4.1, A.5.1): every codestream starts so.
    static let codestreamStart: [UInt8] = [0xFF, 0x4F, 0xFF, 0x51]

    /// The most tiles accepted: a face is one tile, or a few; OpenJPEG keeps a structure per tile.
    static let maximumTiles = 4096

    /// Whether the bytes start like a JPEG 2000 image.
    static func recognises(_ data: [UInt8]) -> Bool {
        data.starts(with: jp2Signature) || data.starts(with: codestreamStart)
    }

    /// Parses the header and checks it against `limits` and what the decoder supports.
    init(_ data: [UInt8], limits: ImageLimits) throws(ImageError) {
        if data.starts(with: Self.jp2Signature) {
            let (codestream, colourSpace) = try Self.codestreamInJP2(data)
            try self.init(codestream: data, at: codestream, container: .jp2, colourSpace: colourSpace)
        } else if data.starts(with: Self.codestreamStart) {
            try self.init(codestream: data, at: 0, container: .codestream, colourSpace: nil)
        } else {
            throw .unsupportedFormat
        }
        try limits.check(width: width, height: height)
        for component in components {
            guard component.bits <= 16 else { throw .unsupportedJPEG2000("\(component.bits)-bit samples") }
            guard (1...2).contains(component.dx), (1...2).contains(component.dy) else {
                throw .unsupportedJPEG2000("components subsampled \(component.dx) × \(component.dy)")
            }
        }
        guard tiles <= Self.maximumTiles else { throw .unsupportedJPEG2000("\(tiles) tiles") }
    }

    private init(codestream data: [UInt8], at start: Int, container: Container,
                 colourSpace: Int?) throws(ImageError) {
        self.container = container
        enumeratedColourSpace = colourSpace
        components = []
        var reader = ByteReader(data, from: start)
        guard let soc = reader.u16(), soc == 0xFF4F, let siz = reader.u16(), siz == 0xFF51 else {
            throw .invalidJPEG2000("the codestream does not start with SOC and SIZ")
        }
        guard let length = reader.u16(), let _ = reader.u16(),
              let xsiz = reader.u32(), let ysiz = reader.u32(), let xosiz = reader.u32(), let yosiz = reader.u32(),
              let xtsiz = reader.u32(), let ytsiz = reader.u32(), let xtosiz = reader.u32(), let ytosiz = reader.u32(),
              let csiz = reader.u16() else {
            throw .truncated(format: "JPEG 2000")
        }
        // Annex A.5.1: Lsiz = 38 + 3 Csiz, Csiz ≥ 1; the image area is [XOsiz, Xsiz) × [YOsiz, Ysiz); the first tile
        // starts at or before the image and overlaps it.
        guard csiz >= 1, length == 38 + 3 * csiz else { throw .invalidJPEG2000("SIZ length \(length) for \(csiz) components") }
        guard xosiz < xsiz, yosiz < ysiz, xtsiz > 0, ytsiz > 0, xtosiz <= xosiz, ytosiz <= yosiz,
              xtosiz + xtsiz > xosiz, ytosiz + ytsiz > yosiz else {
            throw .invalidJPEG2000("SIZ's image and tile grid are inconsistent")
        }
        width = xsiz - xosiz
        height = ysiz - yosiz
        let across = (xsiz - xtosiz + xtsiz - 1) / xtsiz, down = (ysiz - ytosiz + ytsiz - 1) / ytsiz
        tiles = across.multipliedReportingOverflow(by: down).partialValue
        guard csiz <= 4 else { throw .unsupportedJPEG2000("\(csiz) components (1 to 4 are decoded)") }
        for _ in 0..<csiz {
            guard let ssiz = reader.u8(), let dx = reader.u8(), let dy = reader.u8() else {
                throw .truncated(format: "JPEG 2000")
            }
            guard dx >= 1, dy >= 1 else { throw .invalidJPEG2000("a component subsampled by 0") }
            components.append(Component(bits: (ssiz & 0x7F) + 1, signed: ssiz & 0x80 != 0, dx: dx, dy: dy))
        }
    }

    /// The offset of the contiguous codestream box's contents (`jp2c`), and the colour specification's enumerated
    /// colour space from the header box (`jp2h` → `colr`, method 1), walking the boxes of Annex I.4.
    private static func codestreamInJP2(_ data: [UInt8]) throws(ImageError) -> (Int, Int?) {
        var colourSpace: Int?
        var offset = 0
        var boxes = 0
        while offset < data.count {
            boxes += 1
            guard boxes <= 1000 else { throw .invalidJPEG2000("too many boxes") }
            guard let box = Box(data, at: offset, end: data.count) else { throw .truncated(format: "JPEG 2000") }
            switch box.type {
            case "jp2c":
                return (box.contents.lowerBound, colourSpace)
            case "jp2h":
                var inner = box.contents.lowerBound
                while inner < box.contents.upperBound {
                    guard let child = Box(data, at: inner, end: box.contents.upperBound) else {
                        throw .invalidJPEG2000("a malformed box in the JP2 header")
                    }
                    if child.type == "colr", child.contents.count >= 7, data[child.contents.lowerBound] == 1 {
                        var reader = ByteReader(data, from: child.contents.lowerBound + 3)
                        colourSpace = colourSpace ?? reader.u32()
                    }
                    inner = child.contents.upperBound
                }
            default:
                break
            }
            offset = box.contents.upperBound
        }
        throw .invalidJPEG2000("no codestream box")
    }

    /// A box (Annex I.4): LBox, TBox, an XLBox when LBox is 1, LBox 0 for "to the end".
    private struct Box {
        var type: String
        var contents: Range<Int>

        init?(_ data: [UInt8], at offset: Int, end: Int) {
            var reader = ByteReader(data, from: offset)
            guard let length = reader.u32(), let a = reader.u8(), let b = reader.u8(), let c = reader.u8(),
                  let d = reader.u8() else { return nil }
            type = String(decoding: [a, b, c, d].map(UInt8.init), as: UTF8.self)
            var header = 8, total = length
            if length == 1 {
                guard let high = reader.u32(), let low = reader.u32(), high == 0 else { return nil }
                header = 16
                total = low
            } else if length == 0 {
                total = end - offset
            }
            guard total >= header, offset + total <= end else { return nil }
            contents = (offset + header)..<(offset + total)
        }
    }

    /// Big-endian reads that return nil past the end.
    private struct ByteReader {
        let data: [UInt8]
        var offset: Int
        init(_ data: [UInt8], from offset: Int) {
            self.data = data
            self.offset = offset
        }
        mutating func u8() -> Int? {
            guard offset < data.count else { return nil }
            defer { offset += 1 }
            return Int(data[offset])
        }
        mutating func u16() -> Int? {
            guard let a = u8(), let b = u8() else { return nil }
            return a << 8 | b
        }
        mutating func u32() -> Int? {
            guard let a = u16(), let b = u16() else { return nil }
            return a << 16 | b
        }
    }
}

/// Decoded pixels, 8 bits a sample, rows packed: 1 component (grey) or 3 (RGB).
struct DecodedPixels {
    var width: Int
    var height: Int
    var components: Int
    var samples: [UInt8]
}

/// JPEG 2000 decoding with OpenJPEG (`libopenjp2`), after ``JPEG2000Header`` has checked the header.
enum JPEG2000Decoder {
    /// Decodes to 8-bit grey or RGB: precision scaled to 8 bits, signed samples shifted, sYCC (JP2 colour space 18,
    /// or three components with subsampled chroma, as OpenJPEG's own tools assume) converted to RGB, an alpha or
    /// fourth component dropped.
    static func decode(_ data: [UInt8], limits: ImageLimits) throws(ImageError) -> DecodedPixels {
        let header = try JPEG2000Header(data, limits: limits)
        var message = [CChar](repeating: 0, count: 256)
        let decoded = data.withUnsafeBufferPointer { bytes in
            message.withUnsafeMutableBufferPointer { text in
                cccd_opj_decode(bytes.baseAddress, bytes.count, header.container == .jp2 ? 1 : 0, text.baseAddress,
                                text.count)
            }
        }
        guard let image = decoded else {
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            // OpenJPEG reports a cut codestream only through its message text.
            let lower = text.lowercased()
            if lower.contains("too short") || lower.contains("truncat") || lower.contains("end of") {
                throw .truncated(format: "JPEG 2000")
            }
            throw .invalidJPEG2000(text)
        }
        defer { opj_image_destroy(image) }
        return try pixels(of: image.pointee, header: header)
    }

    private static func pixels(of image: opj_image_t, header: JPEG2000Header) throws(ImageError) -> DecodedPixels {
        let width = Int(image.x1) - Int(image.x0), height = Int(image.y1) - Int(image.y0)
        let count = Int(image.numcomps)
        // OpenJPEG read the same SIZ: anything else is a decoder disagreement, not a picture.
        guard width == header.width, height == header.height, count == header.components.count,
              let comps = image.comps else {
            throw .invalidJPEG2000("the decoded image disagrees with its header")
        }
        struct Plane {
            var data: UnsafeMutablePointer<Int32>
            var width: Int
            var height: Int
            var dx: Int
            var dy: Int
            var bits: Int
            var offset: Int32
        }
        var planes: [Plane] = []
        for index in 0..<count {
            let comp = comps[index]
            let bits = Int(comp.prec)
            guard let data = comp.data, comp.w > 0, comp.h > 0, (1...16).contains(bits), comp.dx >= 1, comp.dy >= 1,
                  Int(comp.w) <= width, Int(comp.h) <= height else {
                throw .invalidJPEG2000("component \(index) was not decoded")
            }
            planes.append(Plane(data: data, width: Int(comp.w), height: Int(comp.h), dx: Int(comp.dx),
                                dy: Int(comp.dy), bits: bits, offset: comp.sgnd != 0 ? Int32(1) << (bits - 1) : 0))
        }
        let colour = count >= 3
        let sYCC = colour && (image.color_space == OPJ_CLRSPC_SYCC || header.enumeratedColourSpace == 18
            || (planes[0].dx == 1 && planes[0].dy == 1 && (planes[1].dx != 1 || planes[1].dy != 1)))
        let outComponents = colour ? 3 : 1

        // The sample of plane p under output pixel (x, y): subsampled planes are read at (x / dx, y / dy).
        @inline(__always) func sample(_ p: Plane, _ x: Int, _ y: Int) -> Int32 {
            let sx = min(p.width - 1, x / p.dx), sy = min(p.height - 1, y / p.dy)
            let maximum = (Int32(1) << p.bits) - 1
            return min(max(p.data[sy * p.width + sx] + p.offset, 0), maximum)
        }
        @inline(__always) func eight(_ value: Double, bits: Int) -> UInt8 {
            let maximum = Double((1 << bits) - 1)
            return UInt8(max(0, min(255, (value * 255 / maximum).rounded())))
        }
        var samples = [UInt8](repeating: 0, count: width * height * outComponents)
        samples.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                for x in 0..<width {
                    let at = (y * width + x) * outComponents
                    if !colour {
                        out[at] = eight(Double(sample(planes[0], x, y)), bits: planes[0].bits)
                    } else if sYCC {
                        // sYCC (IEC 61966-2-1 Amendment 1) to RGB, full range, as OpenJPEG's sycc_to_rgb.
                        let bits = planes[0].bits
                        let half = Double(1 << (bits - 1))
                        let luma = Double(sample(planes[0], x, y))
                        let cb = Double(sample(planes[1], x, y)) - half, cr = Double(sample(planes[2], x, y)) - half
                        out[at] = eight(luma + 1.402 * cr, bits: bits)
                        out[at + 1] = eight(luma - 0.344 * cb - 0.714 * cr, bits: bits)
                        out[at + 2] = eight(luma + 1.772 * cb, bits: bits)
                    } else {
                        for c in 0..<3 { out[at + c] = eight(Double(sample(planes[c], x, y)), bits: planes[c].bits) }
                    }
                }
            }
        }
        return DecodedPixels(width: width, height: height, components: outComponents, samples: samples)
    }
}
