import Foundation
import Testing
@testable import CCCDQR

/// The 8-bit RGB PNG read row by row to grey (the shim's path for what scanners and screenshots write), on files
/// built here: zlib stored blocks (RFC 1950/1951, no compression) with Adler-32, chunks with their CRC-32
/// (HostileImageTests.crc32, checked against the PNG specification's IEND example).
struct RGBPNGTests {
    /// Adler-32 (RFC 1950 §8), byte by byte.
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    /// `rows` (one RGB triple a pixel, filter byte 0 added here) as a non-interlaced 8-bit RGB PNG, the zlib
    /// stream in one stored block.
    static func rgbPNG(width: Int, rows: [[UInt8]]) -> [UInt8] {
        let raw: [UInt8] = rows.flatMap { row -> [UInt8] in [0] + row }
        precondition(raw.count < 65_536)
        let length = raw.count
        var zlib: [UInt8] = [0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8),
                             UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
        zlib += raw
        zlib += HostileImageTests.be32(Int(adler32(raw)))
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + HostileImageTests.chunk("IHDR", HostileImageTests.be32(width) + HostileImageTests.be32(rows.count)
                                      + [8, 2, 0, 0, 0])
            + HostileImageTests.chunk("IDAT", zlib)
            + HostileImageTests.chunk("IEND", [])
    }

    /// Four pixels a row: white, red, green, blue; then a row of black, mid grey, (10, 200, 30), (250, 5, 128).
    static let colours: [[(UInt8, UInt8, UInt8)]] = [
        [(255, 255, 255), (255, 0, 0), (0, 255, 0), (0, 0, 255)],
        [(0, 0, 0), (128, 128, 128), (10, 200, 30), (250, 5, 128)],
    ]

    static var file: [UInt8] {
        rgbPNG(width: 4, rows: colours.map { $0.flatMap { [$0.0, $0.1, $0.2] } })
    }

    @Test func test_adler32_knownAnswer() {
        // RFC 1950's checksum of "Wikipedia" is 0x11E60398 (the example every implementation is checked with).
        #expect(Self.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }

    /// Each pixel comes out as its BT.601 luma (0.299 R + 0.587 G + 0.114 B), to within one level.
    @Test func test_rgbPNG_isReadAsBT601Luma() throws {
        let image = try QRImageLoader.load(data: Self.file).image
        #expect(image.width == 4 && image.height == 2)
        for (y, row) in Self.colours.enumerated() {
            for (x, (r, g, b)) in row.enumerated() {
                let luma = 0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b)
                #expect(abs(Double(image[x, y]) - luma) <= 1, "pixel (\(x), \(y))")
            }
        }
    }

    /// Rows long enough for the 16-pixel blocks (two of them and five pixels more): every pixel, in the blocks and
    /// after them, is its own BT.601 luma to within one level, white included (the largest weighted sum).
    @Test func test_wideRGBPNG_everyPixelIsItsBT601Luma() throws {
        let width = 37
        var state: UInt32 = 12345
        func next() -> UInt8 {
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        var colours: [[(UInt8, UInt8, UInt8)]] = (0..<20).map { _ in (0..<width).map { _ in (next(), next(), next()) } }
        colours[0][0] = (255, 255, 255)
        colours[1][17] = (255, 255, 255)
        colours[2][width - 1] = (255, 0, 0)
        let image = try QRImageLoader.load(data: Self.rgbPNG(width: width,
                                                             rows: colours.map { $0.flatMap { [$0.0, $0.1, $0.2] } }))
            .image
        #expect(image.width == width && image.height == 20)
        for (y, row) in colours.enumerated() {
            for (x, (r, g, b)) in row.enumerated() {
                let luma = 0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b)
                #expect(abs(Double(image[x, y]) - luma) <= 1, "pixel (\(x), \(y))")
            }
        }
    }

    /// Adler-32 is skipped on this path; each IDAT's CRC-32 still guards the data: a changed pixel byte is refused.
    @Test func test_rgbPNG_withAChangedPixelByte_isRefusedByItsCRC() {
        var bytes = Self.file
        let idat = bytes.indices.first { Array(bytes[$0..<min(bytes.count, $0 + 4)]) == Array("IDAT".utf8) }!
        // The IDAT data: two zlib header bytes, then the stored block's five header bytes, then the filter byte and
        // the first pixel.
        bytes[idat + 4 + 2 + 5 + 2] ^= 0x40
        #expect {
            try QRImageLoader.load(data: bytes)
        } throws: { error in
            guard case .invalidPNG(let message) = error as? ImageError else { return false }
            return message.lowercased().contains("crc")
        }
    }

    /// The last 20 bytes gone: IEND (12) and the IDAT's Adler-32 and CRC-32.
    @Test func test_rgbPNG_cutInsideItsLastIDAT_isTruncated() {
        let bytes = Array(Self.file.dropLast(20))
        #expect(throws: ImageError.truncated(format: "PNG")) { try QRImageLoader.load(data: bytes) }
    }
}
