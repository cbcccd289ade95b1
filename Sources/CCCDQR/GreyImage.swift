import Foundation

/// An 8-bit grey image, row-major, one byte per pixel, no padding: the form zbar scans (`Y800`).
///
/// The transforms here are the steps of ``CardQRReader``'s recovery ladder; each returns a new image.
public struct GreyImage: Sendable, Hashable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width * height` bytes, 0 black to 255 white.
    public internal(set) var pixels: [UInt8]

    /// An image over the given pixels; nil unless `pixels.count == width * height` and both sides are positive.
    public init?(width: Int, height: Int, pixels: [UInt8]) {
        guard width > 0, height > 0, width.multipliedReportingOverflow(by: height).overflow == false,
              pixels.count == width * height else { return nil }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image whose pixels `fill` writes; the buffer has `width * height` bytes.
    init(width: Int, height: Int, fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        self.width = width
        self.height = height
        self.pixels = [UInt8](unsafeUninitializedCapacity: width * height) { buffer, count in
            fill(buffer)
            count = width * height
        }
    }

    /// The pixel at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> UInt8 { pixels[y * width + x] }

    // MARK: - Geometry

    /// The image as it should be shown, given the EXIF orientation it was stored with (TIFF 6.0 tag 0x0112).
    public func oriented(_ orientation: ExifOrientation) -> GreyImage {
        let w = width, h = height
        let swaps = orientation.rawValue >= 5
        let outW = swaps ? h : w, outH = swaps ? w : h
        // For each displayed pixel (x, y), the stored pixel it comes from.
        let source: (Int, Int) -> Int
        switch orientation {
        case .up: return self
        case .upMirrored: source = { x, y in y * w + (w - 1 - x) }
        case .down: source = { x, y in (h - 1 - y) * w + (w - 1 - x) }
        case .downMirrored: source = { x, y in (h - 1 - y) * w + x }
        case .leftMirrored: source = { x, y in x * w + y }
        case .right: source = { x, y in (h - 1 - x) * w + y }
        case .rightMirrored: source = { x, y in (h - 1 - x) * w + (w - 1 - y) }
        case .left: source = { x, y in x * w + (w - 1 - y) }
        }
        return pixels.withUnsafeBufferPointer { src in
            GreyImage(width: outW, height: outH) { dst in
                // Tiles keep both the reads and the writes in cache when the image is transposed.
                let tile = 64
                for ty in stride(from: 0, to: outH, by: tile) {
                    for tx in stride(from: 0, to: outW, by: tile) {
                        for y in ty..<min(ty + tile, outH) {
                            let row = y * outW
                            for x in tx..<min(tx + tile, outW) { dst[row + x] = src[source(x, y)] }
                        }
                    }
                }
            }
        }
    }

    /// The image shrunk by an integer factor, each output pixel the mean of a `factor × factor` block.
    public func downscaled(by factor: Int) -> GreyImage {
        guard factor > 1, width / factor > 0, height / factor > 0 else { return self }
        let outW = width / factor, outH = height / factor, w = width
        if factor == 2 {
            // The common case (the first look at half size), two rows at a time without a running sum.
            return pixels.withUnsafeBufferPointer { source in
                GreyImage(width: outW, height: outH) { out in
                    let src = source.baseAddress!, dst = out.baseAddress!
                    for oy in 0..<outH {
                        let top = src + 2 * oy * w, bottom = top + w, row = dst + oy * outW
                        for ox in 0..<outW {
                            let sum = UInt16(top[2 * ox]) &+ UInt16(top[2 * ox + 1]) &+ UInt16(bottom[2 * ox])
                                &+ UInt16(bottom[2 * ox + 1]) &+ 2
                            row[ox] = UInt8(truncatingIfNeeded: sum >> 2)
                        }
                    }
                }
            }
        }
        let area = UInt32(factor * factor)
        return pixels.withUnsafeBufferPointer { source in
            GreyImage(width: outW, height: outH) { out in
                let src = source.baseAddress!, dst = out.baseAddress!
                var sums = [UInt32](repeating: 0, count: outW)
                sums.withUnsafeMutableBufferPointer { sums in
                    for oy in 0..<outH {
                        for i in 0..<outW { sums[i] = 0 }
                        for y in (oy * factor)..<(oy * factor + factor) {
                            let row = src + y * w
                            for ox in 0..<outW {
                                var sum: UInt32 = 0
                                let block = row + ox * factor
                                for k in 0..<factor { sum &+= UInt32(block[k]) }
                                sums[ox] &+= sum
                            }
                        }
                        for ox in 0..<outW { dst[oy * outW + ox] = UInt8(truncatingIfNeeded: sums[ox] / area) }
                    }
                }
            }
        }
    }

    /// The image resampled to the given size, bilinearly.
    public func resized(width outW: Int, height outH: Int) -> GreyImage {
        guard outW > 0, outH > 0 else { return self }
        let w = width, h = height
        let sx = Double(w) / Double(outW), sy = Double(h) / Double(outH)
        return pixels.withUnsafeBufferPointer { src in
            GreyImage(width: outW, height: outH) { dst in
                for y in 0..<outH {
                    let fy = max(0, (Double(y) + 0.5) * sy - 0.5)
                    let y0 = min(Int(fy), h - 1), y1 = min(y0 + 1, h - 1)
                    let wy = fy - Double(y0)
                    for x in 0..<outW {
                        let fx = max(0, (Double(x) + 0.5) * sx - 0.5)
                        let x0 = min(Int(fx), w - 1), x1 = min(x0 + 1, w - 1)
                        let wx = fx - Double(x0)
                        let top = Double(src[y0 * w + x0]) * (1 - wx) + Double(src[y0 * w + x1]) * wx
                        let bottom = Double(src[y1 * w + x0]) * (1 - wx) + Double(src[y1 * w + x1]) * wx
                        dst[y * outW + x] = UInt8((top * (1 - wy) + bottom * wy).rounded())
                    }
                }
            }
        }
    }

    /// The image turned by `degrees` counter-clockwise about its centre, on a canvas that holds all of it; the
    /// corners are filled white (a QR's quiet zone colour).
    public func rotated(degrees: Double) -> GreyImage {
        let radians = degrees * .pi / 180
        let c = cos(radians), s = sin(radians)
        let w = width, h = height
        let outW = Int((Double(w) * abs(c) + Double(h) * abs(s)).rounded(.up))
        let outH = Int((Double(w) * abs(s) + Double(h) * abs(c)).rounded(.up))
        let cx = Double(w) / 2, cy = Double(h) / 2, ocx = Double(outW) / 2, ocy = Double(outH) / 2
        return pixels.withUnsafeBufferPointer { src in
            GreyImage(width: outW, height: outH) { dst in
                for y in 0..<outH {
                    let dy = Double(y) + 0.5 - ocy
                    for x in 0..<outW {
                        let dx = Double(x) + 0.5 - ocx
                        // Inverse rotation: where in the source this output pixel comes from.
                        let sx = c * dx - s * dy + cx - 0.5
                        let sy = s * dx + c * dy + cy - 0.5
                        let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                        guard x0 >= 0, y0 >= 0, x0 + 1 < w, y0 + 1 < h else {
                            dst[y * outW + x] = 255
                            continue
                        }
                        let fx = sx - Double(x0), fy = sy - Double(y0)
                        let i = y0 * w + x0
                        let top = Double(src[i]) * (1 - fx) + Double(src[i + 1]) * fx
                        let bottom = Double(src[i + w]) * (1 - fx) + Double(src[i + w + 1]) * fx
                        dst[y * outW + x] = UInt8((top * (1 - fy) + bottom * fy).rounded())
                    }
                }
            }
        }
    }

    /// The part of the image inside the rectangle, clipped to the image.
    public func cropped(x: Int, y: Int, width cw: Int, height ch: Int) -> GreyImage {
        let x0 = max(0, min(x, width - 1)), y0 = max(0, min(y, height - 1))
        let x1 = max(x0 + 1, min(x + cw, width)), y1 = max(y0 + 1, min(y + ch, height))
        let outW = x1 - x0, w = width
        return pixels.withUnsafeBufferPointer { src in
            GreyImage(width: outW, height: y1 - y0) { dst in
                for row in y0..<y1 {
                    (dst.baseAddress! + (row - y0) * outW).update(from: src.baseAddress! + row * w + x0, count: outW)
                }
            }
        }
    }

    // MARK: - Tone

    /// The 256-bin histogram of the pixels.
    func histogram() -> [Int] {
        // Four partial histograms, so runs of equal pixels (paper, modules) do not wait on one counter.
        var parts = [Int](repeating: 0, count: 4 * 256)
        pixels.withUnsafeBufferPointer { src in
            parts.withUnsafeMutableBufferPointer { b in
                let n = src.count, quads = n / 4
                for i in 0..<quads {
                    b[Int(src[4 * i])] &+= 1
                    b[256 + Int(src[4 * i + 1])] &+= 1
                    b[512 + Int(src[4 * i + 2])] &+= 1
                    b[768 + Int(src[4 * i + 3])] &+= 1
                }
                for i in (4 * quads)..<n { b[Int(src[i])] &+= 1 }
            }
        }
        return (0..<256).map { parts[$0] + parts[256 + $0] + parts[512 + $0] + parts[768 + $0] }
    }

    /// The tones stretched so the darkest 1% become black and the brightest 1% white: low-contrast and
    /// over-exposed photos give zbar's finder edges it can see.
    public func contrastStretched() -> GreyImage {
        let bins = histogram()
        let total = width * height, cut = total / 100
        var low = 0, high = 255, count = 0
        while low < 255, count + bins[low] <= cut { count += bins[low]; low += 1 }
        count = 0
        while high > 0, count + bins[high] <= cut { count += bins[high]; high -= 1 }
        guard high > low else { return self }
        var table = [UInt8](repeating: 0, count: 256)
        for v in 0..<256 { table[v] = UInt8(max(0, min(255, (v - low) * 255 / (high - low)))) }
        return mapped(table)
    }

    /// The share of pixels in the middle half of the tonal range (between the 5th and 95th percentiles): a sharp
    /// QR is mostly light and dark, with grey only along module edges (under 0.28 in the project's corpus); defocus
    /// and motion blur spread the edges into grey (0.28 and more).
    func midToneFraction() -> Double {
        let bins = histogram()
        let total = width * height
        var low = 0, high = 255, count = 0
        while low < 255, count + bins[low] < total / 20 { count += bins[low]; low += 1 }
        count = 0
        while high > 0, count + bins[high] < total / 20 { count += bins[high]; high -= 1 }
        guard high > low + 3 else { return 0 }
        let quarter = (high - low) / 4
        let middle = bins[(low + quarter + 1)..<(high - quarter)].reduce(0, +)
        return Double(middle) / Double(total)
    }

    /// Otsu's threshold (N. Otsu, IEEE Trans. SMC 9(1), 1979): the level maximising between-class variance.
    public func otsuThreshold() -> UInt8 {
        let bins = histogram()
        let total = Double(width * height)
        var sumAll = 0.0
        for v in 0..<256 { sumAll += Double(v * bins[v]) }
        var sumBelow = 0.0, weightBelow = 0.0, best = 0.0, threshold = 127
        for v in 0..<256 {
            weightBelow += Double(bins[v])
            if weightBelow == 0 { continue }
            let weightAbove = total - weightBelow
            if weightAbove == 0 { break }
            sumBelow += Double(v * bins[v])
            let meanBelow = sumBelow / weightBelow, meanAbove = (sumAll - sumBelow) / weightAbove
            let between = weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove)
            if between > best { best = between; threshold = v }
        }
        return UInt8(threshold)
    }

    /// Black where the pixel is at or below `threshold`, white elsewhere.
    public func binarised(threshold: UInt8) -> GreyImage {
        var table = [UInt8](repeating: 255, count: 256)
        for v in 0...Int(threshold) { table[v] = 0 }
        return mapped(table)
    }

    /// Black where the pixel is darker than the mean of the `window × window` square around it by more than
    /// `offset`: a local threshold that survives glare and uneven light (Bradley & Roth, J. Graphics Tools 2007).
    /// The square is clipped at the borders; the comparison is made on sums, so no pixel is divided.
    public func adaptiveBinarised(window: Int, offset: Int) -> GreyImage {
        let w = width, r = max(1, window / 2)
        return GreyImage(width: w, height: height) { dst in
            pixels.withUnsafeBufferPointer { src in
                forEachRowOfBoxSums(radiusX: r, radiusY: r) { y, sums, rows in
                    let row = src.baseAddress! + y * w, out = dst.baseAddress! + y * w
                    for x in 0..<w {
                        let area = (min(w, x + r + 1) - max(0, x - r)) * rows
                        out[x] = (Int(row[x]) + offset) * area <= Int(sums[x]) ? 0 : 255
                    }
                }
            }
        }
    }

    /// Calls `body` once per row, top to bottom, with the sums of the `(2 rx + 1) × (2 ry + 1)` box around each
    /// pixel of that row (clipped at the borders) and the number of rows the clipped box spans.
    ///
    /// Column sums over the box's rows slide down the image (one row added, one taken away), and each row's box
    /// sums slide along it: a few additions per pixel whatever the radii, in 32 bits (a box of up to 16,843,009
    /// pixels cannot overflow them).
    func forEachRowOfBoxSums(radiusX rx: Int, radiusY ry: Int,
                             _ body: (_ y: Int, _ sums: UnsafeBufferPointer<UInt32>, _ rows: Int) -> Void) {
        let w = width, h = height
        precondition(rx >= 0 && ry >= 0)
        // columns: the sums down the box's rows; prefix: their running total along the row (prefix[x] = columns
        // 0 ..< x), so that a box sum is one difference.
        var columns = [UInt32](repeating: 0, count: w)
        var prefix = [UInt32](repeating: 0, count: w + 1)
        var sums = [UInt32](repeating: 0, count: w)
        pixels.withUnsafeBufferPointer { source in
            columns.withUnsafeMutableBufferPointer { columnBuffer in
                prefix.withUnsafeMutableBufferPointer { prefixBuffer in
                    sums.withUnsafeMutableBufferPointer { sumBuffer in
                        let src = source.baseAddress!, column = columnBuffer.baseAddress!
                        let total = prefixBuffer.baseAddress!, sum = sumBuffer.baseAddress!
                        // The rows above the first one's bottom edge; each step then adds row y + ry.
                        for y in 0..<min(h, ry) {
                            let row = src + y &* w
                            for x in 0..<w { column[x] &+= UInt32(row[x]) }
                        }
                        let left = min(w, rx + 1), right = max(left, w &- rx)
                        for y in 0..<h {
                            if y &+ ry < h {
                                let row = src + (y &+ ry) &* w
                                for x in 0..<w { column[x] &+= UInt32(row[x]) }
                            }
                            if y &- ry &- 1 >= 0 {
                                let row = src + (y &- ry &- 1) &* w
                                for x in 0..<w { column[x] &-= UInt32(row[x]) }
                            }
                            var running: UInt32 = 0
                            for x in 0..<w {
                                running &+= column[x]
                                total[x &+ 1] = running
                            }
                            // Box x spans columns max(0, x − rx) ... min(w − 1, x + rx).
                            for x in 0..<left { sum[x] = total[min(w, x &+ rx &+ 1)] &- total[max(0, x &- rx)] }
                            for x in left..<right { sum[x] = total[x &+ rx &+ 1] &- total[x &- rx] }
                            for x in right..<w { sum[x] = total[w] &- total[max(0, x &- rx)] }
                            body(y, UnsafeBufferPointer(sumBuffer), min(h, y &+ ry &+ 1) &- max(0, y &- ry))
                        }
                    }
                }
            }
        }
    }

    /// The mean of the `(2 rx + 1) × (2 ry + 1)` box around each pixel (clipped at the borders), rounded down.
    func boxMean(radiusX rx: Int, radiusY ry: Int) -> GreyImage {
        let w = width
        return GreyImage(width: w, height: height) { dst in
            forEachRowOfBoxSums(radiusX: rx, radiusY: ry) { y, sums, rows in
                let out = dst.baseAddress! + y * w
                Self.divide(sums, rows: rows, radiusX: rx, into: out)
            }
        }
    }

    /// Each box sum of one row divided by its box's area, rounded down. Inside the row every box has the same
    /// area, and the division is a multiplication by `⌊2³² / area⌋ + 1` and a shift: exact for a sum of at most
    /// 255 × area while 255 × area² < 2³² (Granlund & Montgomery, PLDI 1994), that is up to 4,103 pixels, far
    /// above the sharpening boxes (121 at most); larger boxes, and the clipped ones at both ends, divide.
    @inline(__always)
    private static func divide(_ sums: UnsafeBufferPointer<UInt32>, rows: Int, radiusX rx: Int,
                               into out: UnsafeMutablePointer<UInt8>) {
        let w = sums.count
        let left = min(w, rx), right = max(left, w - rx)
        let area = (2 * rx + 1) * rows
        func clipped(_ x: Int) -> UInt8 {
            UInt8(truncatingIfNeeded: Int(sums[x]) / ((min(w, x + rx + 1) - max(0, x - rx)) * rows))
        }
        for x in 0..<left { out[x] = clipped(x) }
        if area < 4104 {
            let multiplier = UInt64(1 << 32) / UInt64(area) + 1
            for x in left..<right { out[x] = UInt8(truncatingIfNeeded: (UInt64(sums[x]) &* multiplier) >> 32) }
        } else {
            for x in left..<right { out[x] = UInt8(truncatingIfNeeded: Int(sums[x]) / area) }
        }
        for x in right..<w { out[x] = clipped(x) }
    }

    /// An unsharp mask, `pixel + amount × (pixel − local mean)` over a `(2 rx + 1) × (2 ry + 1)` box: restores
    /// some of the module edges that defocus (square box) and motion blur (a box along the motion) spread,
    /// before zbar's own binariser sees them.
    public func sharpened(radiusX rx: Int, radiusY ry: Int, amount: Double) -> GreyImage {
        let w = width
        let gain = Int32(amount * 256)
        var mean = [UInt8](repeating: 0, count: w)
        return GreyImage(width: w, height: height) { dst in
            pixels.withUnsafeBufferPointer { src in
                mean.withUnsafeMutableBufferPointer { meanRow in
                    forEachRowOfBoxSums(radiusX: rx, radiusY: ry) { y, sums, rows in
                        Self.divide(sums, rows: rows, radiusX: rx, into: meanRow.baseAddress!)
                        let row = src.baseAddress! + y &* w, out = dst.baseAddress! + y &* w
                        let mean = UnsafePointer(meanRow.baseAddress!)
                        for x in 0..<w {
                            let p = Int32(row[x])
                            let value = p &+ ((gain &* (p &- Int32(mean[x]))) &>> 8)
                            out[x] = UInt8(truncatingIfNeeded: min(255, max(0, value)))
                        }
                    }
                }
            }
        }
    }

    /// A 3 × 3 median filter: removes salt-and-pepper noise while keeping module edges.
    public func median3x3() -> GreyImage {
        let w = width, h = height
        guard w >= 3, h >= 3 else { return self }
        return pixels.withUnsafeBufferPointer { src in
            GreyImage(width: w, height: h) { dst in
                for x in 0..<w { dst[x] = src[x]; dst[(h - 1) * w + x] = src[(h - 1) * w + x] }
                for y in 1..<(h - 1) {
                    dst[y * w] = src[y * w]
                    dst[y * w + w - 1] = src[y * w + w - 1]
                    for x in 1..<(w - 1) {
                        let i = y * w + x
                        dst[i] = Self.median9(src[i - w - 1], src[i - w], src[i - w + 1], src[i - 1], src[i],
                                              src[i + 1], src[i + w - 1], src[i + w], src[i + w + 1])
                    }
                }
            }
        }
    }

    /// The median of nine values by a fixed exchange network (Paeth, Graphics Gems 1990): no allocation.
    @inline(__always)
    private static func median9(_ a0: UInt8, _ a1: UInt8, _ a2: UInt8, _ a3: UInt8, _ a4: UInt8, _ a5: UInt8,
                                _ a6: UInt8, _ a7: UInt8, _ a8: UInt8) -> UInt8 {
        var p = (a0, a1, a2, a3, a4, a5, a6, a7, a8)
        @inline(__always) func sort(_ a: inout UInt8, _ b: inout UInt8) { if a > b { swap(&a, &b) } }
        sort(&p.1, &p.2); sort(&p.4, &p.5); sort(&p.7, &p.8)
        sort(&p.0, &p.1); sort(&p.3, &p.4); sort(&p.6, &p.7)
        sort(&p.1, &p.2); sort(&p.4, &p.5); sort(&p.7, &p.8)
        sort(&p.0, &p.3); sort(&p.5, &p.8); sort(&p.4, &p.7)
        sort(&p.3, &p.6); sort(&p.1, &p.4); sort(&p.2, &p.5)
        sort(&p.4, &p.7); sort(&p.4, &p.2); sort(&p.6, &p.4)
        sort(&p.4, &p.2)
        return p.4
    }

    /// The image with white and black swapped.
    public func inverted() -> GreyImage {
        mapped((0..<256).map { UInt8(255 - $0) })
    }

    private func mapped(_ table: [UInt8]) -> GreyImage {
        pixels.withUnsafeBufferPointer { src in
            table.withUnsafeBufferPointer { t in
                GreyImage(width: width, height: height) { dst in
                    for i in 0..<src.count { dst[i] = t[Int(src[i])] }
                }
            }
        }
    }

    // MARK: - Where the QR probably is

    /// The score of each block (`block` pixels square, `width / block` to a row, `height / block` rows): the
    /// fewer of its steps across and down of more than `edge` levels, counted at every other pixel of every other
    /// row.
    private func scoreBlocks(block: Int, edge: Int, into scores: UnsafeMutablePointer<Int>) {
        let w = width, bw = width / block, bh = height / block
        // |p − q| > edge, as one unsigned comparison: p − q + edge lies outside 0 ... 2 edge. Each sampled row's
        // flags are computed for every pixel in one pass the compiler vectorises (bit 0: the step to the right,
        // bit 16: the step down), then each block adds up the flags at its own sampled columns (every other one).
        let span = UInt16(2 * edge), shift = Int16(edge)
        var flags = [UInt32](repeating: 0, count: max(1, w - 1))
        var counts = [Int](repeating: 0, count: 2 * bw)
        pixels.withUnsafeBufferPointer { source in
            flags.withUnsafeMutableBufferPointer { f in
                counts.withUnsafeMutableBufferPointer { countBuffer in
                    let src = source.baseAddress!, flag = f.baseAddress!
                    let horizontal = countBuffer.baseAddress!, vertical = horizontal + bw
                    for by in 0..<bh {
                        countBuffer.update(repeating: 0)
                        let y0 = by * block, yEnd = min(y0 + block, height - 1)
                        var y = y0
                        while y < yEnd {
                            let row = src + y * w, below = row + w
                            for x in 0..<(w - 1) {
                                let p = Int16(row[x])
                                let dh = UInt16(bitPattern: p &- Int16(row[x + 1]) &+ shift)
                                let dv = UInt16(bitPattern: p &- Int16(below[x]) &+ shift)
                                flag[x] = (dh > span ? 1 : 0) | (dv > span ? 0x1_0000 : 0)
                            }
                            for bx in 0..<bw {
                                let x0 = bx * block, xEnd = min(x0 + block, w - 1)
                                var sum: UInt32 = 0
                                var x = x0
                                while x < xEnd { sum &+= flag[x]; x &+= 2 }
                                horizontal[bx] &+= Int(sum & 0xFFFF)
                                vertical[bx] &+= Int(sum >> 16)
                            }
                            y += 2
                        }
                        for bx in 0..<bw { scores[by * bw + bx] = min(horizontal[bx], vertical[bx]) }
                    }
                }
            }
        }
    }

    /// Rectangles (x, y, width, height) likeliest to hold a QR, best first: blocks where strong edges run both
    /// across and along the rows (a QR is dense in both directions, text lines mostly in one, paper in none),
    /// grown over neighbouring busy blocks, with a block's margin all round.
    ///
    /// `trimmed` then shrinks each rectangle to the rows and columns that hold edges, keeping a third of a block
    /// (at least 8 pixels) around them: the blocks and their margin can leave up to two blocks of plain card on each
    /// side of the QR, and zbar's cost grows with the pixels it is given (its scan lines and its binariser cover
    /// them all).
    func likelyQRRegions(limit: Int = 2, trimmed: Bool = false) -> [(x: Int, y: Int, width: Int, height: Int)] {
        let block = max(8, min(width, height) / 24)
        let bw = width / block, bh = height / block
        guard bw >= 2, bh >= 2 else { return [] }
        let w = width
        var score = [Int](repeating: 0, count: bw * bh)
        // An edge is a step of a fifth of the image's tonal range (the 2nd to the 98th percentile), at least 12 and
        // at most 40 levels: a low-contrast photo's modules differ by far less than a clean scan's.
        // Every other pixel of every fourth row is plenty for two percentiles.
        // Four tables, one per sample in turn, so that neighbouring samples of one tone do not wait on each other's
        // increment of the same counter; added up at the end.
        var tables = [Int](repeating: 0, count: 4 * 256)
        var total = 0
        pixels.withUnsafeBufferPointer { source in
            tables.withUnsafeMutableBufferPointer { t in
                let t = t.baseAddress!
                for y in stride(from: 0, to: height, by: 4) {
                    let row = source.baseAddress! + y * width
                    var x = 0
                    while x &+ 6 < width {
                        t[Int(row[x])] &+= 1
                        t[256 &+ Int(row[x &+ 2])] &+= 1
                        t[512 &+ Int(row[x &+ 4])] &+= 1
                        t[768 &+ Int(row[x &+ 6])] &+= 1
                        x &+= 8
                    }
                    while x < width { t[Int(row[x])] &+= 1; x &+= 2 }
                    total += (width + 1) / 2
                }
            }
        }
        var bins = [Int](repeating: 0, count: 256)
        for table in 0..<4 {
            for tone in 0..<256 { bins[tone] += tables[table * 256 + tone] }
        }
        var low = 0, high = 255, count = 0
        while low < 255, count + bins[low] <= total / 50 { count += bins[low]; low += 1 }
        count = 0
        while high > 0, count + bins[high] <= total / 50 { count += bins[high]; high -= 1 }
        let edge = max(12, min(40, (high - low) / 5))
        // |p − q| > edge, as one unsigned comparison: p − q + edge lies outside 0 ... 2 edge. Each sampled row's
        // flags are computed for every pixel in one pass the compiler vectorises (bit 0: the step to the right,
        // bit 16: the step down), then each block adds up the flags at its own sampled columns (every other one).
        score.withUnsafeMutableBufferPointer { scores in
            scoreBlocks(block: block, edge: edge, into: scores.baseAddress!)
        }
        // Each block's score summed with its eight neighbours: inside a QR every block is busy, though a block of
        // large modules may hold few edges of its own; a lone busy block (a portrait's eye, a word) stands out less.
        var smooth = [Int](repeating: 0, count: bw * bh)
        for by in 0..<bh {
            for bx in 0..<bw {
                var sum = 0
                for ny in max(0, by - 1)...min(bh - 1, by + 1) {
                    for nx in max(0, bx - 1)...min(bw - 1, bx + 1) { sum += score[ny * bw + nx] }
                }
                smooth[by * bw + bx] = sum
            }
        }
        var regions: [(x: Int, y: Int, width: Int, height: Int)] = []
        var used = [Bool](repeating: false, count: bw * bh)
        let threshold = max(2, block * block / 64)
        for _ in 0..<limit {
            var best = -1, bestScore = 0
            for i in 0..<score.count where !used[i] && score[i] > threshold && smooth[i] > bestScore {
                best = i
                bestScore = smooth[i]
            }
            guard best >= 0 else { break }
            // Flood over neighbouring busy blocks.
            var stack = [best], minX = best % bw, maxX = minX, minY = best / bw, maxY = minY
            used[best] = true
            while let i = stack.popLast() {
                let x = i % bw, y = i / bw
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
                // The four neighbours, without building a list per block.
                for k in 0..<4 {
                    let nx = k == 0 ? x - 1 : k == 1 ? x + 1 : x
                    let ny = k == 2 ? y - 1 : k == 3 ? y + 1 : y
                    guard nx >= 0, ny >= 0, nx < bw, ny < bh else { continue }
                    let j = ny * bw + nx
                    if !used[j] && smooth[j] * 2 >= bestScore && score[j] > threshold { used[j] = true; stack.append(j) }
                }
            }
            let margin = block
            var x = minX * block - margin, y = minY * block - margin
            var w = (maxX - minX + 1) * block + 2 * margin, h = (maxY - minY + 1) * block + 2 * margin
            // A QR is square (its bounding box stays within 1.5 : 1 under the tilts zbar reads): a band one and a
            // half times longer than wide is a strip across one whose other rows scored lower (uneven light). Where
            // in the QR the strip runs is not known, so its short side grows by the difference both ways.
            if 2 * max(w, h) >= 3 * min(w, h) {
                let grow = max(w, h) - min(w, h)
                if w < h { x -= grow; w += 2 * grow } else { y -= grow; h += 2 * grow }
            }
            let x0 = max(0, x), y0 = max(0, y)
            let region = (x: x0, y: y0, width: min(width, x + w) - x0, height: min(height, y + h) - y0)
            regions.append(trimmed ? self.trimmed(region, edge: edge, margin: max(8, block / 3)) : region)
        }
        return regions
    }

    /// The rectangle shrunk to the rows and columns that hold edges (a step of more than `edge` levels to the
    /// right or down; a row or column with fewer than two is plain), keeping `margin` pixels around them. Nothing
    /// is cut from a row or column that holds edges, so a QR inside the rectangle stays whole; a rectangle with edges
    /// out to its borders (noise, a QR that fills it) comes back as it was.
    private func trimmed(_ region: (x: Int, y: Int, width: Int, height: Int), edge: Int,
                         margin: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        let x0 = max(0, region.x), y0 = max(0, region.y)
        let rw = min(width - x0, region.width), rh = min(height - y0, region.height)
        guard rw >= 3, rh >= 3 else { return region }
        let w = width
        var rowEdges = [Int](repeating: 0, count: rh)
        var columnEdges = [UInt32](repeating: 0, count: rw)
        let edge = Int16(edge)
        pixels.withUnsafeBufferPointer { source in
            let src = source.baseAddress!
            columnEdges.withUnsafeMutableBufferPointer { columns in
                let column = columns.baseAddress!
                for y in 0..<(rh - 1) {
                    let row = src + (y0 + y) * w + x0, below = row + w
                    var edges: UInt32 = 0
                    for x in 0..<(rw - 1) {
                        let p = Int16(row[x])
                        let across = abs(p &- Int16(row[x &+ 1])), down = abs(p &- Int16(below[x]))
                        let found: UInt32 = max(across, down) > edge ? 1 : 0
                        edges &+= found
                        column[x] &+= found
                    }
                    rowEdges[y] = Int(edges)
                }
            }
        }
        guard let top = rowEdges.firstIndex(where: { $0 >= 2 }), let bottom = rowEdges.lastIndex(where: { $0 >= 2 }),
              let left = columnEdges.firstIndex(where: { $0 >= 2 }),
              let right = columnEdges.lastIndex(where: { $0 >= 2 }) else { return region }
        // An edge at row (column) i is the step from i to i + 1: both are kept.
        let nx = max(0, left - margin), ny = max(0, top - margin)
        let ex = min(rw, right + 2 + margin), ey = min(rh, bottom + 2 + margin)
        return (x0 + nx, y0 + ny, ex - nx, ey - ny)
    }
}

/// The EXIF orientation of a stored image (TIFF 6.0 / EXIF 2.32 tag 0x0112): how to turn the stored pixels to
/// show them upright. Phones store portrait photos as landscape pixels with orientation 6.
public enum ExifOrientation: Int, Sendable, Hashable, CaseIterable {
    /// 1: as stored.
    case up = 1
    /// 2: mirrored left to right.
    case upMirrored = 2
    /// 3: turned 180°.
    case down = 3
    /// 4: mirrored top to bottom.
    case downMirrored = 4
    /// 5: transposed (mirrored about the main diagonal).
    case leftMirrored = 5
    /// 6: shown turned 90° clockwise.
    case right = 6
    /// 7: transversed (mirrored about the other diagonal).
    case rightMirrored = 7
    /// 8: shown turned 90° counter-clockwise.
    case left = 8
}
