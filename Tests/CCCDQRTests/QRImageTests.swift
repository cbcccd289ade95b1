import Foundation
import Testing
import CCCD
@testable import CCCDQR

/// Image loading (Vectors/qr/samples, made by scripts/make-qr-corpus.py with Pillow) and decoding of the sample
/// cards, compared with the texts they were rendered from.
struct QRImageTests {
    // MARK: - PNG pixel formats

    /// Each PNG holds the QR of the first citizen: RGBA and grey+alpha with transparent light modules (readable
    /// only when alpha is composited on white), 8-bit grey, a two-colour palette, 16-bit grey.
    @Test(arguments: ["qr-rgba-transparent.png", "qr-grey-alpha.png", "qr-grey8.png", "qr-palette.png",
                      "qr-grey16.png", "qr-grey.jpg", "qr-progressive.jpg", "qr-cmyk.jpg"])
    func test_imageFormat_decodesToTheSourceText(name: String) throws {
        let expected = try QRFixtures.citizens()[0].text
        let reading = try CardQRReader().read(path: QRFixtures.sample(name))
        #expect(Array(reading.code.text.utf8) == Array(expected.utf8))
    }

    @Test func test_pngAlpha_isCompositedOnWhite() throws {
        let loaded = try QRImageLoader.load(path: QRFixtures.sample("qr-rgba-transparent.png"))
        // The quiet zone (4 modules of 3 px) is fully transparent: white, not black.
        #expect(loaded.image[0, 0] == 255)
        #expect(loaded.image[5, 5] == 255)
        // The top-left finder's outer ring starts at (12, 12) and is opaque black.
        #expect(loaded.image[13, 13] == 0)
    }

    @Test func test_png16Bit_isReducedTo8Bit() throws {
        let image = try QRImageLoader.load(path: QRFixtures.sample("qr-grey16.png")).image
        let eight = try QRImageLoader.load(path: QRFixtures.sample("qr-grey8.png")).image
        #expect(image.width == eight.width && image.height == eight.height)
        // 16-bit samples are the 8-bit ones × 257: the reduction must give the 8-bit values back (±1).
        #expect(zip(image.pixels, eight.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
    }

    // MARK: - JPEG and EXIF

    /// Adobe CMYK JPEGs store inverted ink: the quiet zone (no ink) must come out light, a finder module dark.
    @Test func test_cmykJPEG_isReducedToGreyWithInkDark() throws {
        let image = try QRImageLoader.load(path: QRFixtures.sample("qr-cmyk.jpg")).image
        #expect(image[1, 1] > 200)
        #expect(image[13, 13] < 60)
    }

    /// The same displayed pattern stored under each EXIF orientation (Pillow's exif_transpose checked each file
    /// when it was made): once loaded, every one must show it upright, 48 × 32, quadrants 0 / 255 / 80 / 170.
    @Test(arguments: 1...8)
    func test_exifOrientation_isHonoured(orientation: Int) throws {
        let loaded = try QRImageLoader.load(path: QRFixtures.sample("exif-orientation-\(orientation).jpg"))
        #expect(loaded.orientation.rawValue == orientation)
        let image = loaded.image
        #expect(image.width == 48 && image.height == 32)
        func near(_ x: Int, _ y: Int, _ value: Int) -> Bool { abs(Int(image[x, y]) - value) <= 12 }
        #expect(near(8, 8, 0), "top left")
        #expect(near(40, 8, 255), "top right")
        #expect(near(8, 24, 80), "bottom left")
        #expect(near(40, 24, 170), "bottom right")
    }

    @Test func test_jpegReduction_shrinksInTheDecoder() throws {
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: QRFixtures.sample("rotated-30.jpg"))))
        let full = try QRImageLoader.load(data: data)
        let reduced = try QRImageLoader.load(data: data, workingSide: 200)
        #expect(full.reduction == 1)
        #expect(reduced.reduction == 4)
        #expect(reduced.image.width == (full.image.width + 3) / 4)
    }

    @Test func test_exifParser_survivesMalformedSegments() {
        // SOI, then an APP1 whose length runs past the end, then garbage: no orientation, no crash.
        let cut: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00, 0x45, 0x78, 0x69, 0x66, 0, 0, 0x49, 0x49]
        #expect(JPEGExif.orientation(in: cut) == nil)
        // A TIFF header whose IFD offset points outside it.
        let tiff: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A, 0x7F, 0xFF, 0xFF, 0xFF]
        #expect(JPEGExif.orientation(inTIFF: tiff) == nil)
        // A well-formed big-endian IFD with one entry: orientation 6.
        let good: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]
        #expect(JPEGExif.orientation(inTIFF: good) == .right)
        // The same with a value out of range.
        var bad = good
        bad[19] = 9
        #expect(JPEGExif.orientation(inTIFF: bad) == nil)
    }

    // MARK: - Files that are not images

    @Test func test_nonImage_isUnsupportedFormat() {
        #expect(throws: ImageError.unsupportedFormat) {
            try QRImageLoader.load(path: QRFixtures.sample("not-an-image.png"))
        }
    }

    @Test(arguments: [("truncated.png", "PNG"), ("truncated.jpg", "JPEG")])
    func test_truncatedFile_isReportedAsTruncated(name: String, format: String) {
        #expect(throws: ImageError.truncated(format: format)) {
            try QRImageLoader.load(path: QRFixtures.sample(name))
        }
    }

    @Test func test_missingFile_isUnreadable() {
        #expect {
            try QRImageLoader.load(path: "/nonexistent/card.png")
        } throws: { error in
            guard case .unreadableFile = error as? ImageError else { return false }
            return true
        }
    }

    @Test func test_corruptJPEGHeader_isATypedError_notAnExit() {
        // SOI, then a SOF0 with a zero-length frame: libjpeg's error_exit must come back as an error.
        let data: [UInt8] = [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x11, 0x00,
                             0xFF, 0xD9]
        #expect(throws: ImageError.self) { try QRImageLoader.load(data: data) }
    }

    @Test func test_hugeDeclaredPNG_isRefusedBeforeAllocating() throws {
        // A valid PNG signature and IHDR declaring 60000 × 60000 (3.6 gigapixels); CRC from Python's zlib.crc32.
        var data: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
                             0x00, 0x00, 0xEA, 0x60, 0x00, 0x00, 0xEA, 0x60, 8, 0, 0, 0, 0]
        data += [0xA5, 0xB9, 0x2A, 0x9E]
        // An empty IDAT, where libpng stops reading the header chunks (CRC of "IDAT" from zlib.crc32).
        data += [0, 0, 0, 0, 0x49, 0x44, 0x41, 0x54, 0x35, 0xAF, 0x06, 0x1E]
        #expect {
            try QRImageLoader.load(data: data)
        } throws: { error in
            guard case .tooLarge(60000, 60000) = error as? ImageError else { return false }
            return true
        }
    }

    // MARK: - Mutated files

    /// Cut and corrupted PNGs (grey and 8-bit RGB) and JPEGs (a seeded SplitMix64, so every run is the same): the
    /// loader returns an image or a typed error, and never exits, traps or hangs; libjpeg's error exits come back
    /// through longjmp.
    @Test func test_mutatedImages_giveImagesOrTypedErrors() throws {
        var random = SplitMix64(seed: 0x5EED_0C0D)
        let names = ["card-cccd2021-example.png", "rotated-30.jpg", "qr-progressive.jpg", "exif-orientation-6.jpg"]
        let originals = try names.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: QRFixtures.sample($0)))) }
        // And an 8-bit RGB PNG, which takes the row-by-row path.
        for original in originals + [RGBPNGTests.file] {
            for round in 0..<60 {
                var bytes = original
                if round % 3 == 0 {
                    bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
                } else {
                    for _ in 0..<(1 + Int(random.next() % 8)) {
                        // Mostly the header region, where a flipped byte changes the most.
                        let limit = round % 3 == 1 ? min(bytes.count, 1024) : bytes.count
                        bytes[Int(random.next() % UInt64(limit))] = UInt8(truncatingIfNeeded: random.next())
                    }
                }
                do {
                    let loaded = try QRImageLoader.load(data: bytes)
                    #expect(loaded.image.pixels.count == loaded.image.width * loaded.image.height)
                } catch {
                    #expect(!error.description.isEmpty)
                }
            }
        }
    }

    // MARK: - Decoding the sample cards

    /// One card per citizen of texts.json (3 px modules, card clutter around the QR): the decoded text must equal
    /// the source byte for byte, tone marks included.
    @Test func test_sampleCards_decodeToTheirSourceTexts() throws {
        let entries = try QRFixtures.manifest(QRFixtures.samples).filter { $0.kind == "card" }
        #expect(entries.count >= 8)
        for entry in entries {
            let reading = try CardQRReader().read(path: QRFixtures.sample(entry.image))
            #expect(Array(reading.code.text.utf8) == Array((entry.text ?? "").utf8), "\(entry.image)")
        }
    }

    @Test func test_blankImage_failsWithNoQRCode_withinTheBudget() throws {
        let blank = try #require(GreyImage(width: 400, height: 300, pixels: [UInt8](repeating: 200, count: 120_000)))
        #expect {
            try CardQRReader(timeBudget: .milliseconds(200)).read(image: blank)
        } throws: { error in
            guard case .noQRCode = error as? CardQRReadError else { return false }
            return true
        }
    }

    // MARK: - Image transforms

    @Test func test_otsu_splitsTwoLevels() throws {
        let pixels = [UInt8](repeating: 40, count: 50) + [UInt8](repeating: 210, count: 50)
        let image = try #require(GreyImage(width: 10, height: 10, pixels: pixels))
        let t = image.otsuThreshold()
        #expect(t >= 40 && t < 210)
    }

    @Test func test_rotation_byQuarterTurns_roundTrips() throws {
        let pixels = (0..<12).map { UInt8($0 * 20) }
        let image = try #require(GreyImage(width: 4, height: 3, pixels: pixels))
        #expect(image.oriented(.right).oriented(.left) == image)
        #expect(image.oriented(.down).oriented(.down) == image)
        #expect(image.oriented(.leftMirrored).oriented(.leftMirrored) == image)
        #expect(image.oriented(.rightMirrored).oriented(.rightMirrored) == image)
    }
}

/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): a tiny seeded generator for reproducible mutations.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
