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

/// Finds and parses the card's QR in a photo or scan: zbar on cheap views of the image first (half size, then as
/// decoded), then, when those find nothing, a recovery ladder of transforms, stopping at the first payload that
/// parses as a CCCD QR, or when the search has scanned ``relativeBudget`` times the pixels of its first look, or at
/// ``timeBudget``, whichever comes first: a hopeless image gives up in about ten times the time a clean one of its
/// size takes, and the effort, counted in pixels, does not depend on how busy the machine is.
///
/// The ladder: on photo-sized images the likeliest region first (trimmed to the rows and columns that hold edges)
/// and a sparse scan (every other line); half size (modules of four pixels and more survive it, and zbar scans a
/// quarter of the pixels); the image as decoded; full resolution (when the decoder reduced a JPEG); Otsu's global
/// threshold; an adaptive (local mean) threshold, alone
/// and after a median filter (noise); unsharp masks for defocus and for motion along the rows or columns; a contrast
/// stretch; quarter size (blur and noise average out); double size (small modules); crops around the regions
/// likeliest to hold a QR, enlarged; turns of 45° and 22.5° (zbar's scan lines are horizontal and vertical). The
/// step that succeeded is reported in ``CardQRReading/step``.
public struct CardQRReader: Sendable {
    /// The search never runs longer than this, between two passes.
    public var timeBudget: Duration
    /// The search stops once it has scanned this many times the pixels of its first look (a transformed image counts
    /// twice, a sparse scan half): a hopeless image costs about this many clean reads of its size.
    public var relativeBudget: Int
    /// A JPEG is first decoded shrunk (by 2, 4 or 8 in the IDCT) while its longer side stays at least this long;
    /// a PNG is box-filtered down to about this size for the first passes. 12 MP photos are read in a fraction
    /// of the time, and the full size is tried later in the ladder.
    public var workingSide: Int

    /// The first look is at a size whose longer side is at least this (half size for a scan or photo of 1,120
    /// pixels and more: a card's modules are five pixels and more there, and zbar reads two and a half).
    public var firstLookSide: Int

    /// A reader with the given budgets (1.5 s at most, ten first looks: long enough for the ladder on hard images,
    /// short enough that a photo without a QR is refused at once).
    public init(timeBudget: Duration = .milliseconds(1500), relativeBudget: Int = 10, workingSide: Int = 1600,
                firstLookSide: Int = 560) {
        self.timeBudget = timeBudget
        self.relativeBudget = relativeBudget
        self.workingSide = workingSide
        self.firstLookSide = firstLookSide
    }

    /// Reads the image file at `path` (PNG, JPEG or JPEG 2000).
    public func read(path: String) throws(CardQRReadError) -> CardQRReading {
        let clock = ContinuousClock()
        let start = clock.now
        let data: [UInt8]
        do { data = try QRImageLoader.readFile(path) } catch { throw .image(error) }
        return try read(data: data, clock: clock, start: start)
    }

    /// Reads PNG, JPEG or JPEG 2000 bytes.
    public func read(data: [UInt8]) throws(CardQRReadError) -> CardQRReading {
        let clock = ContinuousClock()
        return try read(data: data, clock: clock, start: clock.now)
    }

    /// Reads grey pixels already in memory.
    public func read(image: GreyImage) throws(CardQRReadError) -> CardQRReading {
        let clock = ContinuousClock()
        return try search(Views(image, reader: self), clock: clock, start: clock.now)
    }

    /// A photo of a whole desk (3,000 pixels and more) holds the card in a fraction of the frame: its first look is
    /// at the working size.
    /// Never less than half the image: a QR turned 45° or with five-pixel modules is lost at a third.
    func firstLookSide(forLongerSide side: Int) -> Int {
        max(side >= 3000 ? workingSide : firstLookSide, side / 2)
    }

    private func read(data: [UInt8], clock: ContinuousClock,
                      start: ContinuousClock.Instant) throws(CardQRReadError) -> CardQRReading {
        // A QR reads the same at any orientation, so the EXIF turn (a full copy of a 12 MP frame) is skipped here.
        func load(_ side: Int?) throws(ImageError) -> LoadedImage {
            try QRImageLoader.load(data: data, workingSide: side, applyingOrientation: false)
        }
        let views: Views
        do {
            if let (w, h) = JPEGExif.frameSize(in: data), data.starts(with: [0xFF, 0xD8, 0xFF]) {
                // JPEG: each view decoded at its own size by the IDCT's scaling, only when the search gets to it.
                let look = try load(firstLookSide(forLongerSide: max(w, h)))
                let workingReduction = QRImageLoader.jpegReduction(longerSide: max(w, h), workingSide: workingSide)
                views = Views(look: look, workingReduction: workingReduction, reader: self,
                              decode: { side in try? load(side) })
            } else {
                views = Views(try load(nil).image, reader: self)
            }
        } catch {
            throw .image(error)
        }
        return try search(views, clock: clock, start: start)
    }

    /// The image at the sizes the search looks at: the first look, the working size, full size; each made once, and
    /// only when the search gets to it.
    final class Views {
        let look: GreyImage
        private let reader: CardQRReader
        private let decode: ((Int?) -> LoadedImage?)?
        private var lookReduction: Int
        /// The reduction the working image has (or will have once decoded): known before it is decoded.
        private let workingReduction: Int
        private var workingImage: (image: GreyImage, reduction: Int)?
        private var fullImage: GreyImage?
        private var fullDone = false

        /// Pixels at full size: the working size and the first look are box-filtered from them.
        init(_ image: GreyImage, reader: CardQRReader) {
            self.reader = reader
            decode = nil
            let side = max(image.width, image.height)
            let workingFactor = max(1, side / reader.workingSide)
            let working = image.downscaled(by: workingFactor)
            workingImage = (working, workingFactor)
            fullImage = workingFactor > 1 ? image : nil
            fullDone = true
            self.workingReduction = workingFactor
            let lookFactor = max(1, max(working.width, working.height) / reader.firstLookSide(forLongerSide: side))
            look = working.downscaled(by: lookFactor)
            lookReduction = workingFactor * lookFactor
        }

        /// A JPEG decoded at the first look's reduction; the other sizes decoded when asked for.
        init(look: LoadedImage, workingReduction: Int, reader: CardQRReader,
             decode: @escaping (Int?) -> LoadedImage?) {
            self.look = look.image
            lookReduction = look.reduction
            self.workingReduction = min(workingReduction, look.reduction)
            self.reader = reader
            self.decode = decode
        }

        /// At most about the working size.
        var working: GreyImage {
            if let workingImage { return workingImage.image }
            let decoded = decode?(reader.workingSide)
            let image: (image: GreyImage, reduction: Int) = decoded.map {
                $0.reduction < lookReduction ? (image: $0.image, reduction: $0.reduction) : (image: look, reduction: lookReduction)
            } ?? (image: look, reduction: lookReduction)
            workingImage = image
            return image.image
        }

        /// Whether the first look is smaller than the working image (so both are worth a pass); known without
        /// decoding the working image.
        var lookIsReduced: Bool { workingReduction < lookReduction }

        /// Full size, when the working image is smaller; nil otherwise.
        var full: GreyImage? {
            _ = working
            if fullDone { return fullImage }
            fullDone = true
            guard let reduction = workingImage?.reduction, reduction > 1, let decoded = decode?(nil) else { return nil }
            fullImage = decoded.image
            return fullImage
        }
    }

    /// The passes over the image as decoded (or a crop of it), which cost a scan and no transform.
    private static let untransformedSteps: Set<String> = [
        "region-sparse", "region", "look", "look-sparse", "region-working", "plain", "full-size",
    ]

    private func search(_ views: Views, clock: ContinuousClock,
                        start: ContinuousClock.Instant) throws(CardQRReadError) -> CardQRReading {
        let scanner = ZBarScanner()
        var passes = 0
        var lastParseError: CardQRError?
        var timedOut = false
        let deadline = start + timeBudget
        // The effort: pixels scanned (a sparse scan counts its lines), each transformed image counted once more.
        let effortBudget = relativeBudget * views.look.width * views.look.height
        var effort = 0

        func attempt(_ step: String, _ image: @autoclosure () -> GreyImage?, density: Int32 = 1) -> CardQRReading? {
            pass(step, image(), density: density, transformed: !Self.untransformedSteps.contains(step))
        }
        func pass(_ step: String, _ image: @autoclosure () -> GreyImage?, density: Int32,
                  transformed: Bool = true) -> CardQRReading? {
            guard !timedOut else { return nil }
            if passes > 0, clock.now > deadline || effort > effortBudget { timedOut = true; return nil }
            guard let image = image() else { return nil }
            passes += 1
            effort += image.width * image.height / Int(density) + (transformed ? image.width * image.height : 0)
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

        // The ladder, likeliest rungs first: on the first look when it is reduced (a quarter of the pixels, and blur
        // halves with the size), then on the working image.
        func ladder(_ image: GreyImage, _ tag: String, density: Int32 = 1, halfRadii: Bool = false,
                    lightlySharpened: GreyImage? = nil) -> CardQRReading? {
            func attempt(_ step: String, _ image: @autoclosure () -> GreyImage?) -> CardQRReading? {
                pass(step, image(), density: density)
            }
            let minSide = min(image.width, image.height)
            let window = max(15, min(101, minSide / 16)) | 1
            let stretched = image.contrastStretched()
            // Defocus (square boxes), then motion along the rows or the columns (boxes along the motion).
            let sharpenings = [(2, 2, 2.0), (4, 4, 3.0), (5, 0, 3.0), (0, 5, 3.0)].map { rx, ry, amount in
                halfRadii ? (max(rx / 2, rx > 0 ? 1 : 0), max(ry / 2, ry > 0 ? 1 : 0), amount) : (rx, ry, amount)
            }
            var sharpened: [Int: GreyImage] = [:]
            sharpened[0] = lightlySharpened
            func sharp(_ index: Int) -> GreyImage {
                if let image = sharpened[index] { return image }
                let (rx, ry, amount) = sharpenings[index]
                let image = stretched.sharpened(radiusX: rx, radiusY: ry, amount: amount)
                sharpened[index] = image
                return image
            }
            func name(_ index: Int) -> String { "sharpen-\(sharpenings[index].0)x\(sharpenings[index].1)" }
            // Defocus first (the commonest failure), then a global threshold, then motion along either axis.
            func sharpenedRungs(_ index: Int) -> CardQRReading? {
                if let found = attempt(name(index) + "-adaptive" + tag,
                                       sharp(index).adaptiveBinarised(window: window, offset: 6)) {
                    return found
                }
                return attempt(name(index) + tag, sharp(index))
            }
            // The light unsharp mask alone first: it is what most defocused crops need, and it costs one box mean.
            if let found = attempt(name(0) + tag, sharp(0)) { return found }
            if let found = attempt("adaptive" + tag, stretched.adaptiveBinarised(window: window, offset: 6)) {
                return found
            }
            if let found = attempt(name(0) + "-adaptive" + tag,
                                   sharp(0).adaptiveBinarised(window: window, offset: 6)) {
                return found
            }
            if let found = attempt("otsu" + tag, stretched.binarised(threshold: stretched.otsuThreshold())) {
                return found
            }
            if let found = sharpenedRungs(1) { return found }
            if let found = attempt("contrast" + tag, stretched) { return found }
            if let found = attempt("median-adaptive" + tag,
                                   stretched.median3x3().adaptiveBinarised(window: window, offset: 6)) {
                return found
            }
            if let found = sharpenedRungs(2) { return found }
            if let found = sharpenedRungs(3) { return found }
            return nil
        }
        // The first look: the region likeliest to hold a QR, alone (zbar's cost grows with the pixels it scans, and
        // its QR decoder binarises the whole image it is given); then the whole first look.
        let look = views.look
        var region: (x: Int, y: Int, width: Int, height: Int)?
        if look.width * look.height >= 200_000, let found = look.likelyQRRegions(limit: 1, trimmed: true).first,
           found.width * found.height * 2 < look.width * look.height {
            region = found
        }
        // zbar's cost is its scan lines (every row and column at density 1): every other one first, which reads
        // most clean crops in about 60 % of the time, then all of them.
        // Defocus and motion blur are the commonest reason a found region does not read: a crop that looks blurred
        // is first scanned after the ladder's first rung (the light unsharp mask), at every other line; then the
        // crop as it is, at every other line and at all of them.
        let reduced = views.lookIsReduced
        var regionCrop: GreyImage?
        var regionSharpened: GreyImage?
        if let region {
            let crop = look.cropped(x: region.x, y: region.y, width: region.width, height: region.height)
            regionCrop = crop
            if crop.midToneFraction() >= 0.28 {
                let radius = reduced ? 1 : 2
                let sharpened = crop.contrastStretched().sharpened(radiusX: radius, radiusY: radius, amount: 2.0)
                regionSharpened = sharpened
                if let found = attempt("sharpen-\(radius)x\(radius)-region-sparse", sharpened, density: 2) {
                    return found
                }
            }
            if let found = attempt("region-sparse", crop, density: 2) ?? attempt("region", crop) { return found }
        }
        // Blur, noise and dim light leave the region findable but not readable as it is: the ladder on the crop
        // alone (a fifth of the pixels or less) costs less than one more look at the whole image.
        if let crop = regionCrop,
           let found = ladder(crop, "-region", halfRadii: reduced, lightlySharpened: regionSharpened) {
            return found
        }
        let large = look.width * look.height > 1_500_000
        if let found = attempt(large ? "look-sparse" : "look", look, density: large ? 2 : 1) { return found }
        // The region again at the working size (turned and small modules need the pixels), then the whole image.
        if views.lookIsReduced, let region {
            let scale = views.working.width / max(1, look.width)
            if let found = attempt("region-working", views.working.cropped(
                x: region.x * scale, y: region.y * scale, width: region.width * scale, height: region.height * scale)) {
                return found
            }
        }
        if views.lookIsReduced, let found = attempt("plain", views.working, density: 2) { return found }
        if large, let found = attempt("look", look) { return found }

        // Around the region first (a fifth of the pixels or less), at the first look's size and at the working size;
        // then the whole image, where the region was not the QR.
        let working = views.working
        let scale = working.width / max(1, look.width)
        if let region {
            if reduced, let found = ladder(working.cropped(x: region.x * scale, y: region.y * scale,
                                                           width: region.width * scale,
                                                           height: region.height * scale), "-region-working") {
                return found
            }
        }
        if reduced, let found = ladder(look, "-look", halfRadii: true) { return found }
        if let found = views.full.flatMap({ attempt("full-size", $0) }) { return found }
        if let found = ladder(working, "", density: 2) { return found }
        let minSide = min(working.width, working.height)
        let stretched = working.contrastStretched()
        if minSide >= 300, views.lookIsReduced == false, let found = attempt("half", stretched.downscaled(by: 2)) {
            return found
        }
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
