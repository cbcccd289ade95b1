import Foundation
import Testing
@testable import CCCDQR

/// Images made to hurt (issue 15, "inputs that cannot hurt"): headers that declare a strip a million pixels long, a
/// decompression bomb, a zero side, files cut short. Each is a typed error from the header alone, before a pixel
/// buffer is allocated: the files here are a few dozen bytes.
struct HostileImageTests {
    /// CRC-32 (ISO 3309, the PNG chunk CRC), bit by bit.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func be32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(data.count) + body + be32(Int(crc32(body)))
    }

    /// A PNG signature, an IHDR declaring `width × height` 8-bit grey, and one IDAT holding the start of a zlib
    /// stream of zeros (the bomb's payload: libpng would inflate it row after row if the header were let through).
    static func png(width: Int, height: Int) -> [UInt8] {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", be32(width) + be32(height) + [8, 0, 0, 0, 0])
            + chunk("IDAT", [0x78, 0x9C, 0xED, 0xC1, 0x01, 0x0D, 0x00, 0x00, 0x00, 0xC2, 0xA0, 0xF7, 0x4F, 0x6D])
            + chunk("IEND", [])
    }

    /// SOI, a baseline SOF0 declaring `width × height` with one component, EOI.
    static func jpeg(width: Int, height: Int) -> [UInt8] {
        [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8),
         UInt8(width & 0xFF), 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9]
    }

    @Test func test_crc32_knownAnswer() {
        // The IEND chunk's CRC, AE 42 60 82, is in every PNG file (PNG specification §5.3 example).
        #expect(Self.crc32(Array("IEND".utf8)) == 0xAE42_6082)
    }

    @Test(arguments: [
        (1_000_000, 1, ImageError.tooLarge(width: 1_000_000, height: 1)),
        (1, 1_000_000, ImageError.tooLarge(width: 1, height: 1_000_000)),
        (16_000, 10, ImageError.extremeAspectRatio(width: 16_000, height: 10)),
        // A decompression bomb: 81 megapixels of nothing, in 80 bytes.
        (9_000, 9_000, ImageError.tooLarge(width: 9_000, height: 9_000)),
        (60_000, 60_000, ImageError.tooLarge(width: 60_000, height: 60_000)),
    ])
    func test_hostilePNGHeader_isATypedErrorBeforeDecoding(width: Int, height: Int, expected: ImageError) {
        #expect(throws: expected) { try QRImageLoader.load(data: Self.png(width: width, height: height)) }
        #expect(throws: CardQRReadError.image(expected)) {
            try CardQRReader().read(data: Self.png(width: width, height: height))
        }
    }

    @Test func test_pngWithAZeroSide_isInvalid() {
        #expect(throws: ImageError.self) { try QRImageLoader.load(data: Self.png(width: 0, height: 5)) }
    }

    @Test(arguments: [
        (65_000, 65_000, ImageError.tooLarge(width: 65_000, height: 65_000)),
        (16_000, 8, ImageError.extremeAspectRatio(width: 16_000, height: 8)),
        (8, 16_000, ImageError.extremeAspectRatio(width: 8, height: 16_000)),
    ])
    func test_hostileJPEGHeader_isATypedErrorBeforeDecoding(width: Int, height: Int, expected: ImageError) {
        #expect(throws: expected) { try QRImageLoader.load(data: Self.jpeg(width: width, height: height)) }
    }

    @Test(arguments: ["siz-100000x100000.j2k", "siz-1000000x1.j2k", "siz-tiny-tiles.j2k", "truncated.jp2"])
    func test_hostileJPEG2000_isATypedErrorForTheQRReaderToo(name: String) throws {
        let bytes = try PortraitTranscoderTests.fixture(name)
        #expect(throws: ImageError.self) { try QRImageLoader.load(data: bytes) }
    }

    @Test func test_photoLimits_takeA12MPPhotoAndA64MPOne() throws {
        try ImageLimits.photo.check(width: 4032, height: 3024)
        try ImageLimits.photo.check(width: 9248, height: 6936)
        #expect(throws: ImageError.tooLarge(width: 10_000, height: 7_000)) {
            try ImageLimits.photo.check(width: 10_000, height: 7_000)
        }
        #expect(throws: ImageError.empty) { try ImageLimits.photo.check(width: 0, height: 7) }
    }

    /// The limits' pixel product cannot overflow into a small number.
    @Test func test_limits_surviveOverflowingSides() {
        #expect(throws: ImageError.self) { try ImageLimits.photo.check(width: Int.max, height: Int.max) }
    }
}
