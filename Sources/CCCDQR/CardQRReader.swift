import CCCD
import Foundation

/// Why no CCCD QR came out of an image.
public enum CardQRReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file is not a readable PNG or JPEG.
    case image(ImageError)
    /// No QR code was found; `passes` ladder steps were tried, `timedOut` if the time budget ended the search.
    case noQRCode(passes: Int, timedOut: Bool)
    /// QR codes were found but none is a CCCD payload; the parser's reason for the last one.
    case notACardQR(CardQRError)

    /// One line naming what is wrong and what to do.
    public var description: String {
        switch self {
        case .image(let error): error.description
        case .noQRCode(let passes, let timedOut):
            "no QR code found (\(passes) pass\(passes == 1 ? "" : "es")\(timedOut ? ", time budget spent" : "")): "
                + "retake the photo closer, flat and without glare, or type the QR text with --qr-text"
        case .notACardQR(let error): "a QR code was found but it is not a CCCD QR: \(error)"
        }
    }
}

/// A QR payload read from an image, and how it was found.
public struct CardQRReading: Sendable {
    /// The parsed payload.
    public let code: CardQRCode
    /// The ladder step that found it (`plain`, `full-size`, `contrast`, `otsu`, `adaptive`, …).
    public let step: String
    /// How many scans ran, this one included.
    public let passes: Int
}

/// Finds and parses the card's QR in a photo or scan: zbar first on the image as it is, then, when that finds
/// nothing, a recovery ladder of cheap-to-dear transforms, stopping at the first payload that parses as a CCCD
/// QR or when the time budget is spent (so a hopeless image fails quickly).
///
/// The ladder: on photo-sized images the likeliest region first and a sparse scan (every other line); the whole
/// image; full resolution (when the first passes ran on a reduced image); a contrast stretch; Otsu's global
/// threshold; an adaptive (local mean) threshold, alone and after a median filter (noise); unsharp masks for
/// defocus and for motion along the rows or columns, alone and thresholded; half and quarter size (blur and noise
/// average out, large modules shrink to what zbar's finder likes); double size (small modules); crops around the
/// regions likeliest to hold a QR, enlarged; turns of 45° and 22.5° (zbar's scan lines are horizontal and
/// vertical). The step that succeeded is reported in ``CardQRReading/step``.
public struct CardQRReader: Sendable {
    /// The search stops after this long, between two passes.
    public var timeBudget: Duration
    /// A JPEG is first decoded shrunk (by 2, 4 or 8 in the IDCT) while its longer side stays at least this long;
    /// a PNG is box-filtered down to about this size for the first passes. 12 MP photos are read in a fraction
    /// of the time, and the full size is tried later in the ladder.
    public var workingSide: Int

    /// A reader with the given time budget (1.5 s suits a desk: long enough for every step on a 12 MP photo).
    public init(timeBudget: Duration = .milliseconds(1500), workingSide: Int = 1600) {
        self.timeBudget = timeBudget
        self.workingSide = workingSide
    }

    /// Reads the image file at `path` (PNG or JPEG).
    public func read(path: String) throws(CardQRReadError) -> CardQRReading {
        let data: [UInt8]
        do { data = try QRImageLoader.readFile(path) } catch { throw .image(error) }
        return try read(data: data)
    }

    /// Reads PNG or JPEG bytes.
    public func read(data: [UInt8]) throws(CardQRReadError) -> CardQRReading {
        let clock = ContinuousClock()
        let start = clock.now
        let loaded: LoadedImage
        // A QR reads the same at any orientation, so the EXIF turn (a full copy of a 12 MP frame) is skipped here.
        do {
            loaded = try QRImageLoader.load(data: data, workingSide: workingSide, applyingOrientation: false)
        } catch { throw .image(error) }
        let fullSize: () -> GreyImage? = {
            guard loaded.reduction > 1 else { return nil }
            return try? QRImageLoader.load(data: data, workingSide: nil, applyingOrientation: false).image
        }
        return try search(loaded.image, fullSize: fullSize, clock: clock, start: start)
    }

    /// Reads grey pixels already in memory.
    public func read(image: GreyImage) throws(CardQRReadError) -> CardQRReading {
        let clock = ContinuousClock()
        return try search(image, fullSize: { nil }, clock: clock, start: clock.now)
    }

    private func search(_ original: GreyImage, fullSize: () -> GreyImage?, clock: ContinuousClock,
                        start: ContinuousClock.Instant) throws(CardQRReadError) -> CardQRReading {
        let scanner = ZBarScanner()
        var passes = 0
        var lastParseError: CardQRError?
        var timedOut = false

        // A PNG (or pixels) larger than the working size is box-filtered down for the first passes.
        var working = original
        var fullImage: GreyImage?
        let factor = max(original.width, original.height) / workingSide
        if factor >= 2 {
            working = original.downscaled(by: factor)
            fullImage = original
        }

        func attempt(_ step: String, _ image: @autoclosure () -> GreyImage?, density: Int32 = 1) -> CardQRReading? {
            guard !timedOut else { return nil }
            if passes > 0, clock.now - start > timeBudget { timedOut = true; return nil }
            guard let image = image() else { return nil }
            passes += 1
            scanner.setDensity(density)
            for payload in scanner.scan(image) {
                do {
                    return CardQRReading(code: try CardQRCode(bytes: payload), step: step, passes: passes)
                } catch {
                    lastParseError = error
                }
            }
            return nil
        }

        // On a photo-sized image the QR is a small part of the frame: first the likeliest region alone, then the
        // whole frame scanning every other line (a card's QR spans hundreds of lines, and zbar's line scanning is
        // most of the time spent), then every line.
        let large = working.width * working.height > 1_500_000
        if large, let region = working.likelyQRRegions(limit: 1).first,
           let found = attempt("region", working.cropped(x: region.x, y: region.y, width: region.width,
                                                         height: region.height)) {
            return found
        }
        if large, let found = attempt("plain-sparse", working, density: 2) { return found }
        if let found = attempt("plain", working) { return found }
        let full = fullImage ?? fullSize()
        if let full, let found = attempt("full-size", full) { return found }

        let minSide = min(working.width, working.height)
        let window = max(15, min(101, minSide / 16)) | 1
        let stretched = working.contrastStretched()
        if let found = attempt("contrast", stretched) { return found }
        if let found = attempt("otsu", stretched.binarised(threshold: stretched.otsuThreshold())) { return found }
        if let found = attempt("adaptive", stretched.adaptiveBinarised(window: window, offset: 6)) { return found }
        let smoothed = stretched.median3x3()
        if let found = attempt("median-adaptive", smoothed.adaptiveBinarised(window: window, offset: 6)) {
            return found
        }
        // Defocus (square boxes), then motion along the rows or the columns (boxes along the motion).
        for (rx, ry, amount) in [(2, 2, 2.0), (4, 4, 3.0), (5, 0, 3.0), (0, 5, 3.0)] {
            let sharp = stretched.sharpened(radiusX: rx, radiusY: ry, amount: amount)
            if let found = attempt("sharpen-\(rx)x\(ry)", sharp) { return found }
            if let found = attempt("sharpen-\(rx)x\(ry)-adaptive",
                                   sharp.adaptiveBinarised(window: window, offset: 6)) {
                return found
            }
        }
        if minSide >= 300, let found = attempt("half", stretched.downscaled(by: 2)) { return found }
        if minSide >= 600, let found = attempt("quarter", stretched.downscaled(by: 4)) { return found }
        if max(working.width, working.height) <= 1400,
           let found = attempt("double", stretched.resized(width: working.width * 2, height: working.height * 2)) {
            return found
        }
        for (index, region) in stretched.likelyQRRegions().enumerated() {
            let crop = stretched.cropped(x: region.x, y: region.y, width: region.width, height: region.height)
            let scale = 720.0 / Double(max(crop.width, crop.height))
            let sized = crop.resized(width: max(1, Int(Double(crop.width) * scale)),
                                     height: max(1, Int(Double(crop.height) * scale)))
            if let found = attempt("crop-\(index + 1)", sized) { return found }
            let cropWindow = max(15, min(sized.width, sized.height) / 12) | 1
            if let found = attempt("crop-\(index + 1)-adaptive",
                                   sized.median3x3().adaptiveBinarised(window: cropWindow, offset: 6)) {
                return found
            }
        }
        for angle in [45.0, 22.5] {
            if let found = attempt("rotated-\(angle)", stretched.rotated(degrees: angle)) { return found }
        }
        if let lastParseError { throw .notACardQR(lastParseError) }
        throw .noQRCode(passes: passes, timedOut: timedOut)
    }
}
