import Testing
@testable import CCCDQR

/// The recovery ladder's local filters (sliding box sums) checked pixel by pixel against their definitions computed
/// the slow way here, box by box, on seeded random images of awkward sizes: narrower and shorter than the box, one
/// pixel wide, odd and even, so that every clipped border case is met.
struct ImageTransformTests {
    /// A reproducible random image (SplitMix64), with runs of equal pixels so that box sums meet plain areas too.
    static func randomImage(width: Int, height: Int, seed: UInt64) -> GreyImage {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var pixels: [UInt8] = []
        while pixels.count < width * height {
            let value = UInt8(truncatingIfNeeded: next())
            let run = Int(next() % 4) + 1
            pixels += [UInt8](repeating: value, count: min(run, width * height - pixels.count))
        }
        return GreyImage(width: width, height: height, pixels: pixels)!
    }

    /// The sum and pixel count of the box of radii (rx, ry) around (x, y), clipped at the borders, by definition.
    static func box(_ image: GreyImage, _ x: Int, _ y: Int, _ rx: Int, _ ry: Int) -> (sum: Int, area: Int) {
        var sum = 0, area = 0
        for yy in max(0, y - ry)...min(image.height - 1, y + ry) {
            for xx in max(0, x - rx)...min(image.width - 1, x + rx) {
                sum += Int(image[xx, yy])
                area += 1
            }
        }
        return (sum, area)
    }

    static let sizes = [(1, 1), (1, 9), (9, 1), (2, 3), (7, 5), (16, 16), (37, 23), (64, 3)]
    static let radii = [(0, 0), (1, 1), (2, 2), (4, 4), (5, 0), (0, 5), (3, 1), (12, 12)]

    @Test func test_boxMean_isTheClippedBoxAverageRoundedDown() {
        for (index, (width, height)) in Self.sizes.enumerated() {
            let image = Self.randomImage(width: width, height: height, seed: UInt64(index))
            for (rx, ry) in Self.radii {
                let mean = image.boxMean(radiusX: rx, radiusY: ry)
                for y in 0..<height {
                    for x in 0..<width {
                        let (sum, area) = Self.box(image, x, y, rx, ry)
                        #expect(Int(mean[x, y]) == sum / area, "\(width)×\(height) r=(\(rx),\(ry)) at (\(x),\(y))")
                    }
                }
            }
        }
    }

    @Test func test_sharpened_isTheUnsharpMaskOfItsDefinition() {
        for (index, (width, height)) in Self.sizes.enumerated() {
            let image = Self.randomImage(width: width, height: height, seed: 100 + UInt64(index))
            for (rx, ry, amount) in [(1, 1, 2.0), (2, 2, 2.0), (4, 4, 3.0), (5, 0, 3.0), (0, 5, 3.0)] {
                let sharp = image.sharpened(radiusX: rx, radiusY: ry, amount: amount)
                let gain = Int(amount * 256)
                for y in 0..<height {
                    for x in 0..<width {
                        let (sum, area) = Self.box(image, x, y, rx, ry)
                        let p = Int(image[x, y])
                        // Arithmetic shift: floor division by 256, negative differences included.
                        let expected = min(255, max(0, p + (gain * (p - sum / area)) >> 8))
                        #expect(Int(sharp[x, y]) == expected, "\(width)×\(height) r=(\(rx),\(ry)) at (\(x),\(y))")
                    }
                }
            }
        }
    }

    @Test func test_adaptiveBinarised_blackWhereDarkerThanTheLocalMeanByTheOffset() {
        for (index, (width, height)) in Self.sizes.enumerated() {
            let image = Self.randomImage(width: width, height: height, seed: 200 + UInt64(index))
            for (window, offset) in [(3, 6), (15, 6), (25, 0), (4, -3)] {
                let binary = image.adaptiveBinarised(window: window, offset: offset)
                let r = max(1, window / 2)
                for y in 0..<height {
                    for x in 0..<width {
                        let (sum, area) = Self.box(image, x, y, r, r)
                        // pixel + offset ≤ mean, compared without dividing.
                        let black = (Int(image[x, y]) + offset) * area <= sum
                        #expect(binary[x, y] == (black ? 0 : 255), "\(width)×\(height) w=\(window) at (\(x),\(y))")
                    }
                }
            }
        }
    }

    /// A QR-like checkerboard of 3-pixel modules on plain card: the trimmed region still holds the whole pattern
    /// (with its margin of at least 8 pixels, where the image allows), and is smaller than the untrimmed one.
    @Test func test_trimmedRegion_keepsTheWholePattern_andDropsPlainCard() throws {
        let width = 900, height = 600
        let (left, top, side) = (600, 60, 180)
        var pixels = [UInt8](repeating: 200, count: width * height)
        for y in top..<(top + side) {
            for x in left..<(left + side) where ((x - left) / 3 + (y - top) / 3 + (x * 7 + y * 13) / 11) % 2 == 0 {
                pixels[y * width + x] = 20
            }
        }
        let image = try #require(GreyImage(width: width, height: height, pixels: pixels))
        let plain = try #require(image.likelyQRRegions(limit: 1).first)
        let trimmed = try #require(image.likelyQRRegions(limit: 1, trimmed: true).first)
        #expect(trimmed.width * trimmed.height < plain.width * plain.height)
        // Inside the untrimmed rectangle, and around the pattern with at least 8 pixels to spare.
        #expect(trimmed.x >= plain.x && trimmed.y >= plain.y)
        #expect(trimmed.x + trimmed.width <= plain.x + plain.width && trimmed.y + trimmed.height <= plain.y + plain.height)
        #expect(trimmed.x <= left - 8 && trimmed.y <= top - 8)
        #expect(trimmed.x + trimmed.width >= left + side + 8 && trimmed.y + trimmed.height >= top + side + 8)
    }

    /// Noise out to the rectangle's borders leaves nothing to trim: the rectangle comes back as it was.
    @Test func test_trimmedRegion_ofNoise_isUnchanged() throws {
        let image = Self.randomImage(width: 480, height: 480, seed: 7)
        let plain = image.likelyQRRegions(limit: 1)
        let trimmed = image.likelyQRRegions(limit: 1, trimmed: true)
        #expect(plain.count == trimmed.count)
        for (a, b) in zip(plain, trimmed) {
            #expect(a.x == b.x && a.y == b.y && a.width == b.width && a.height == b.height)
        }
    }
}
