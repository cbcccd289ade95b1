import Foundation
import Testing
@testable import CCCDQR

/// The portrait transcoder over Vectors/qr/portrait (made by scripts/make-portrait-fixtures.sh): JPEG 2000 faces
/// encoded by OpenJPEG's own opj_compress, each compared with the picture opj_decompress made of the same file.
struct PortraitTranscoderTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: QRFixtures.vectors.appendingPathComponent("portrait/\(name)")))
    }

    /// A binary PNM (P5 or P6) as written by opj_decompress (with a `# OpenJPEG` comment line): samples, and the
    /// maximum value.
    static func pnm(_ name: String) throws -> (width: Int, height: Int, channels: Int, maxval: Int, samples: [Int]) {
        let bytes = try fixture(name)
        var fields: [String] = []
        var index = 0
        let space: Set<UInt8> = [0x20, 0x0A, 0x0D, 0x09]
        while fields.count < 4, index < bytes.count {
            if space.contains(bytes[index]) { index += 1; continue }
            if bytes[index] == UInt8(ascii: "#") {
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
                continue
            }
            var token = ""
            while index < bytes.count, !space.contains(bytes[index]) {
                token.append(Character(UnicodeScalar(bytes[index])))
                index += 1
            }
            fields.append(token)
        }
        index += 1
        let width = try #require(Int(fields[1])), height = try #require(Int(fields[2]))
        let maxval = try #require(Int(fields[3]))
        let channels = fields[0] == "P6" ? 3 : 1
        let body = Array(bytes[index...])
        let samples = maxval > 255 ? stride(from: 0, to: body.count - 1, by: 2).map { Int(body[$0]) << 8 | Int(body[$0 + 1]) }
            : body.map(Int.init)
        return (width, height, channels, maxval, samples)
    }

    /// The 8-bit samples the reference stands for (opj_decompress keeps 12-bit samples as they are).
    static func reference8(_ name: String) throws -> (width: Int, height: Int, channels: Int, samples: [UInt8]) {
        let ref = try pnm(name)
        let samples = ref.samples.map { UInt8((Double($0) * 255 / Double(ref.maxval)).rounded()) }
        return (ref.width, ref.height, ref.channels, samples)
    }

    @Test(arguments: [
        // (file, reference, largest difference allowed per sample)
        ("face-rgb-lossless.jp2", "face-rgb-lossless.reference.ppm", 0),
        ("face-rgb-lossy.j2k", "face-rgb-lossy.reference.ppm", 0),
        ("face-grey12.jp2", "face-grey12.reference.pgm", 0),
        // sYCC 4:2:0: opj_decompress upsamples the chroma by averaging neighbours, this decoder by repeating it.
        ("face-ycc420.j2k", "face-ycc420.reference.ppm", 40),
    ])
    func test_jpeg2000Face_decodesToOpenJPEGsOwnPicture(file: String, reference: String, tolerance: Int) throws {
        let decoded = try JPEG2000Decoder.decode(try Self.fixture(file), limits: .portrait)
        let ref = try Self.reference8(reference)
        #expect(decoded.width == ref.width && decoded.height == ref.height && decoded.components == ref.channels)
        try #require(decoded.samples.count == ref.samples.count)
        let differences = zip(decoded.samples, ref.samples).map { abs(Int($0) - Int($1)) }
        #expect(differences.max()! <= tolerance, "largest difference \(differences.max()!)")
        let mean = Double(differences.reduce(0, +)) / Double(differences.count)
        #expect(mean <= 2.0, "mean difference \(mean)")
    }

    /// The re-encoded JPEG, decoded again by libjpeg to grey, shows the reference picture (JPEG quality 90 moves a
    /// sample by a few levels).
    @Test(arguments: ["face-rgb-lossless.jp2", "face-rgb-lossy.j2k", "face-grey12.jp2", "face-ycc420.j2k"])
    func test_jpeg2000Face_isReencodedAsJPEG(file: String) throws {
        let (jpeg, mediaType) = try PortraitTranscoder.jpeg(from: try Self.fixture(file))
        #expect(mediaType == "image/jp2")
        #expect(jpeg.starts(with: [0xFF, 0xD8, 0xFF]) && jpeg.suffix(2) == [0xFF, 0xD9])
        let grey = try QRImageLoader.load(data: jpeg).image
        let reference = try Self.reference8(file.replacingOccurrences(of: ".jp2", with: "").replacingOccurrences(
            of: ".j2k", with: "") + (file.contains("grey") ? ".reference.pgm" : ".reference.ppm"))
        #expect(grey.width == reference.width && grey.height == reference.height)
        var total = 0
        for i in 0..<(grey.width * grey.height) {
            let luma: Int
            if reference.channels == 3 {
                let r = Int(reference.samples[3 * i]), g = Int(reference.samples[3 * i + 1])
                let b = Int(reference.samples[3 * i + 2])
                luma = (299 * r + 587 * g + 114 * b) / 1000
            } else {
                luma = Int(reference.samples[i])
            }
            total += abs(luma - Int(grey.pixels[i]))
        }
        let mean = Double(total) / Double(grey.width * grey.height)
        #expect(mean < 4, "mean luma difference \(mean)")
    }

    @Test func test_jpegFace_passesThroughByteForByte() throws {
        let jpeg = try [UInt8](Data(contentsOf: URL(fileURLWithPath: QRFixtures.sample("qr-progressive.jpg"))))
        let (out, mediaType) = try PortraitTranscoder.jpeg(from: jpeg)
        #expect(out == jpeg)
        #expect(mediaType == "image/jpeg")
    }

    // MARK: - Malformed and oversized faces

    @Test(arguments: [
        ("siz-100000x100000.j2k", ImageError.tooLarge(width: 100_000, height: 100_000)),
        ("siz-1000000x1.j2k", ImageError.tooLarge(width: 1_000_000, height: 1)),
        ("truncated.jp2", ImageError.truncated(format: "JPEG 2000")),
    ])
    func test_hostileJPEG2000_isATypedError(file: String, expected: ImageError) throws {
        let bytes = try Self.fixture(file)
        #expect(throws: expected) { try PortraitTranscoder.jpeg(from: bytes) }
    }

    /// 11,520 tiles of 1 × 1: OpenJPEG would keep a structure per tile; refused from the SIZ marker.
    @Test func test_codestreamWithATinyTileGrid_isRefusedBeforeOpenJPEG() throws {
        let bytes = try Self.fixture("siz-tiny-tiles.j2k")
        #expect {
            try PortraitTranscoder.jpeg(from: bytes)
        } throws: { error in
            guard case .unsupportedJPEG2000(let why) = error as? ImageError else { return false }
            return why.contains("11520 tiles")
        }
    }

    @Test func test_faceBeyondThePortraitLimits_isRefused_butAWiderLimitTakesIt() throws {
        let bytes = try Self.fixture("face-rgb-lossless.jp2")
        let small = ImageLimits(maximumSide: 64, maximumPixels: 1 << 20, maximumAspectRatio: 4)
        #expect(throws: ImageError.tooLarge(width: 96, height: 120)) {
            try PortraitTranscoder.jpeg(from: bytes, limits: small)
        }
        let narrow = ImageLimits(maximumSide: 4096, maximumPixels: 1 << 20, maximumAspectRatio: 1)
        #expect(throws: ImageError.extremeAspectRatio(width: 96, height: 120)) {
            try PortraitTranscoder.jpeg(from: bytes, limits: narrow)
        }
    }

    @Test func test_neitherJPEGnorJPEG2000_isUnsupported() {
        #expect(throws: ImageError.unsupportedFormat) { try PortraitTranscoder.jpeg(from: Array("GIF89a".utf8)) }
        #expect(throws: ImageError.unsupportedFormat) { try PortraitTranscoder.jpeg(from: []) }
    }

    /// Every prefix and a few hundred seeded corruptions of a real JP2 and codestream: a face or a typed error,
    /// never a crash, a hang or an unbounded allocation.
    @Test func test_mutatedJPEG2000_givesAFaceOrATypedError() throws {
        var random = SplitMix64(seed: 0x0_1A_2B_3C)
        for name in ["face-rgb-lossless.jp2", "face-rgb-lossy.j2k", "face-ycc420.j2k"] {
            let original = try Self.fixture(name)
            for cut in stride(from: 0, to: original.count, by: max(1, original.count / 60)) {
                _ = try? PortraitTranscoder.jpeg(from: Array(original.prefix(cut)))
            }
            for _ in 0..<150 {
                var bytes = original
                for _ in 0..<(1 + Int(random.next() % 6)) {
                    let limit = random.next() % 2 == 0 ? min(bytes.count, 200) : bytes.count
                    bytes[Int(random.next() % UInt64(limit))] = UInt8(truncatingIfNeeded: random.next())
                }
                do {
                    let (jpeg, _) = try PortraitTranscoder.jpeg(from: bytes)
                    #expect(jpeg.starts(with: [0xFF, 0xD8]))
                } catch {
                    #expect(!error.description.isEmpty)
                }
            }
        }
    }
}
