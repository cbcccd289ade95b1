/// Why an image (a photo or scan of a card, or a portrait) could not be turned into pixels.
public enum ImageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read (missing, a folder, no permission).
    case unreadableFile(path: String, reason: String)
    /// The bytes start like none of the formats read here (PNG, JPEG, JPEG 2000).
    case unsupportedFormat
    /// libpng rejected the data; its message.
    case invalidPNG(String)
    /// libjpeg rejected the data; its message.
    case invalidJPEG(String)
    /// The JPEG 2000 file or codestream is malformed; what is wrong.
    case invalidJPEG2000(String)
    /// A well-formed JPEG 2000 image of a kind not decoded here (more than four components, more than 16 bits a
    /// sample, chroma subsampled by more than 2).
    case unsupportedJPEG2000(String)
    /// The data ends before the image does.
    case truncated(format: String)
    /// A side or the pixel count is beyond the ``ImageLimits`` in force: refused before any pixel is allocated.
    case tooLarge(width: Int, height: Int)
    /// One side is more than ``ImageLimits/maximumAspectRatio`` times the other (a 1,000,000 × 1 strip): refused
    /// before any pixel is allocated.
    case extremeAspectRatio(width: Int, height: Int)
    /// A side is zero.
    case empty
    /// The pixel buffer could not be allocated.
    case outOfMemory
    /// The file is larger than ``QRImageLoader/maximumFileBytes``: no photo of a card is.
    case fileTooLarge(bytes: Int)

    /// One line naming what is wrong.
    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .unsupportedFormat: "not a PNG, JPEG or JPEG 2000 image"
        case .invalidPNG(let message): "not a valid PNG image: \(message)"
        case .invalidJPEG(let message): "not a valid JPEG image: \(message)"
        case .invalidJPEG2000(let message): "not a valid JPEG 2000 image: \(message)"
        case .unsupportedJPEG2000(let message): "a JPEG 2000 image of a kind not supported: \(message)"
        case .truncated(let format): "the \(format) image is cut short (the file ends before the image does)"
        case .tooLarge(let width, let height): "the image is too large (\(width) × \(height) pixels)"
        case .extremeAspectRatio(let width, let height):
            "the image's shape is not that of a card, a QR or a face (\(width) × \(height) pixels)"
        case .empty: "the image has no pixels"
        case .outOfMemory: "out of memory decoding the image"
        case .fileTooLarge(let bytes): "the file is too large for an image of a card (\(bytes) bytes)"
        }
    }
}

/// Bounds an image's header must meet before any pixel buffer is allocated for it, so that a crafted header (a
/// 1,000,000 × 1 strip, a decompression bomb of 60,000 × 60,000 blank pixels) costs nothing but the header's bytes.
public struct ImageLimits: Sendable, Hashable {
    /// The longest width or height accepted, in pixels.
    public var maximumSide: Int
    /// The most pixels accepted (width × height).
    public var maximumPixels: Int
    /// The longer side may be at most this many times the shorter.
    public var maximumAspectRatio: Int

    /// Limits from their parts.
    public init(maximumSide: Int, maximumPixels: Int, maximumAspectRatio: Int) {
        self.maximumSide = maximumSide
        self.maximumPixels = maximumPixels
        self.maximumAspectRatio = maximumAspectRatio
    }

    /// Photos and scans of a card: up to a 64 MP camera's frame (9,248 × 6,936 = 64.1 million), sides up to 16,384, shapes up to
    /// 10:1 (a card is 1.59:1, a QR 1:1; a phone's panorama is not a card).
    public static let photo = ImageLimits(maximumSide: 16_384, maximumPixels: 65_000_000, maximumAspectRatio: 10)

    /// A chip's portrait (ISO/IEC 19794-5 faces are a few hundred pixels a side; a generous 4 MP bound keeps
    /// OpenJPEG's 32-bit sample planes within 64 MB), shapes up to 4:1.
    public static let portrait = ImageLimits(maximumSide: 4096, maximumPixels: 4_194_304, maximumAspectRatio: 4)

    /// Throws unless a `width × height` image is within the limits.
    public func check(width: Int, height: Int) throws(ImageError) {
        guard width > 0, height > 0 else { throw .empty }
        guard width <= maximumSide, height <= maximumSide,
              width.multipliedReportingOverflow(by: height).partialValue <= maximumPixels else {
            throw .tooLarge(width: width, height: height)
        }
        guard max(width, height) <= maximumAspectRatio * min(width, height) else {
            throw .extremeAspectRatio(width: width, height: height)
        }
    }
}
