import CImage
import Foundation

/// A decoded image: grey pixels, upright (EXIF orientation applied), possibly reduced in the JPEG decoder.
public struct LoadedImage: Sendable {
    /// The pixels, upright.
    public let image: GreyImage
    /// The factor the decoder reduced each side by (1 = full size).
    public let reduction: Int
    /// The EXIF orientation that was applied (`.up` for PNG or when absent).
    public let orientation: ExifOrientation
}

/// Reads PNG (libpng's simplified API), JPEG (libjpeg-turbo) and JPEG 2000 (OpenJPEG) into 8-bit grey, the form
/// zbar scans. Every header is checked against ``ImageLimits`` (``ImageLimits/photo`` by default) before any pixel
/// buffer is allocated, so a crafted header cannot ask for gigabytes.
public enum QRImageLoader {
    /// Reads the file at `path`.
    public static func load(path: String, workingSide: Int? = nil,
                            limits: ImageLimits = .photo) throws(ImageError) -> LoadedImage {
        try load(data: try readFile(path), workingSide: workingSide, limits: limits)
    }

    /// The largest file read, in bytes (a 100 MP JPEG at the highest quality is well under it).
    public static let maximumFileBytes = 200_000_000

    /// Reads a file's bytes, with the reason in the error.
    public static func readFile(_ path: String) throws(ImageError) -> [UInt8] {
        // open, fstat and read straight into the array (Foundation's attributes dictionary and Data cost more than
        // decoding a small JPEG).
        func failure(_ code: Int32) -> ImageError {
            .unreadableFile(path: path, reason: String(cString: strerror(code)))
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { return try readStream(path) }
        let size = Int(info.st_size)
        guard size <= maximumFileBytes else { throw ImageError.fileTooLarge(bytes: size) }
        var readError: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = read(fd, buffer.baseAddress! + count, size - count)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else {
                    if n < 0 { readError = errno }
                    break
                }
                count += n
            }
        }
        if readError != 0 { throw failure(readError) }
        return bytes
    }

    /// A pipe, a device or a directory: through Foundation, as it comes (a directory is refused there).
    private static func readStream(_ path: String) throws(ImageError) -> [UInt8] {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard data.count <= maximumFileBytes else { throw ImageError.fileTooLarge(bytes: data.count) }
            return [UInt8](data)
        } catch let error as ImageError {
            throw error
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
            throw ImageError.unreadableFile(path: path, reason: reason)
        }
    }

    /// Decodes PNG, JPEG or JPEG 2000 bytes to upright grey pixels.
    ///
    /// - Parameter data: the file's bytes.
    /// - Parameter workingSide: for JPEG, the decoder shrinks the image by 2, 4 or 8 in its IDCT (nearly free)
    ///   while the longer side stays at least this long; nil decodes at full size. PNG is always full size.
    /// - Parameter applyingOrientation: false leaves a JPEG's pixels as stored (``LoadedImage/orientation`` still
    ///   says how to show them), for callers to whom the turn makes no difference.
    /// - Parameter limits: the bounds the header must meet before pixels are allocated.
    public static func load(data: [UInt8], workingSide: Int? = nil, applyingOrientation: Bool = true,
                            limits: ImageLimits = .photo) throws(ImageError) -> LoadedImage {
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            return LoadedImage(image: try decodePNG(data, limits: limits), reduction: 1, orientation: .up)
        }
        if data.starts(with: [0xFF, 0xD8, 0xFF]) {
            let orientation = JPEGExif.orientation(in: data) ?? .up
            let (image, reduction) = try decodeJPEG(data, workingSide: workingSide, limits: limits)
            return LoadedImage(image: applyingOrientation ? image.oriented(orientation) : image, reduction: reduction,
                               orientation: orientation)
        }
        if JPEG2000Header.recognises(data) {
            return LoadedImage(image: try decodeJPEG2000(data, limits: limits), reduction: 1, orientation: .up)
        }
        throw ImageError.unsupportedFormat
    }

    /// JPEG 2000 through OpenJPEG, colour reduced to grey with BT.601 luma weights.
    static func decodeJPEG2000(_ data: [UInt8], limits: ImageLimits) throws(ImageError) -> GreyImage {
        let decoded = try JPEG2000Decoder.decode(data, limits: limits)
        guard decoded.components == 3 else {
            guard let grey = GreyImage(width: decoded.width, height: decoded.height, pixels: decoded.samples) else {
                throw ImageError.empty
            }
            return grey
        }
        return decoded.samples.withUnsafeBufferPointer { rgb in
            GreyImage(width: decoded.width, height: decoded.height) { out in
                for i in 0..<out.count {
                    let r = UInt32(rgb[3 * i]), g = UInt32(rgb[3 * i + 1]), b = UInt32(rgb[3 * i + 2])
                    out[i] = UInt8((77 * r + 150 * g + 29 * b) >> 8)
                }
            }
        }
    }

    /// PNG of any colour type and depth to 8-bit grey; alpha is composited on white (a transparent PNG of a QR
    /// has its light modules transparent: on black they would vanish).
    static func decodePNG(_ data: [UInt8], limits: ImageLimits) throws(ImageError) -> GreyImage {
        if let image = try decodeRGB8PNG(data, limits: limits) { return image }
        var image = png_image()
        image.version = png_uint_32(PNG_IMAGE_VERSION)
        let begun = data.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else {
            let message = pngMessage(&image)
            png_image_free(&image)
            throw Self.pngMessageMeansTruncated(message)
                ? ImageError.truncated(format: "PNG") : ImageError.invalidPNG(message)
        }
        let width = Int(image.width), height = Int(image.height)
        do { try limits.check(width: width, height: height) } catch {
            png_image_free(&image)
            throw error
        }
        // libpng's simplified API takes 16-bit samples as linear light and would gamma-encode them on the way to
        // 8 bits; a 16-bit scan is encoded like an 8-bit one, so its samples are read as they are and scaled.
        let sixteenBit = image.format & png_uint_32(PNG_FORMAT_FLAG_LINEAR) != 0
        var white = png_color(red: 255, green: 255, blue: 255)
        var failure: ImageError?
        func failed() -> ImageError {
            let message = pngMessage(&image)
            return Self.pngMessageMeansTruncated(message) ? .truncated(format: "PNG") : .invalidPNG(message)
        }
        let pixels: [UInt8]
        // An 8-bit RGB PNG (photos and scans): read as stored and reduced to grey here, with integer BT.601 weights
        // on the encoded values. libpng's own grey conversion goes through linear light and costs a third of the
        // decode; the QR's contrast does not need it. Kept to 16 MP so the RGB buffer stays bounded.
        let plainRGB = image.format == png_uint_32(PNG_FORMAT_RGB) && width * height <= 16_000_000
        if sixteenBit {
            image.format = png_uint_32(PNG_FORMAT_LINEAR_Y)
            var wide = [UInt16](repeating: 0xFFFF, count: width * height)
            let ok = wide.withUnsafeMutableBufferPointer {
                png_image_finish_read(&image, &white, $0.baseAddress, png_int_32(width), nil)
            }
            if ok == 0 { failure = failed() }
            pixels = wide.map { UInt8((UInt32($0) + 128) / 257) }
        } else if plainRGB {
            var rgb = [UInt8](repeating: 255, count: width * height * 3)
            let ok = rgb.withUnsafeMutableBufferPointer {
                png_image_finish_read(&image, &white, $0.baseAddress, png_int_32(width * 3), nil)
            }
            if ok == 0 { failure = failed() }
            pixels = rgb.withUnsafeBufferPointer { source in
                [UInt8](unsafeUninitializedCapacity: width * height) { grey, count in
                    // The BT.601 integer weights of the row-wise path (cccd_rgb8_to_grey), so both give one image.
                    cccd_rgb8_to_grey(source.baseAddress, grey.baseAddress, width * height)
                    count = width * height
                }
            }
        } else {
            image.format = png_uint_32(PNG_FORMAT_GRAY)
            pixels = [UInt8](unsafeUninitializedCapacity: width * height) { buffer, count in
                buffer.initialize(repeating: 255)
                count = width * height
                if png_image_finish_read(&image, &white, buffer.baseAddress, png_int_32(width), nil) == 0 {
                    failure = failed()
                }
            }
        }
        png_image_free(&image)
        if let failure { throw failure }
        guard let grey = GreyImage(width: width, height: height, pixels: pixels) else {
            throw ImageError.invalidPNG("inconsistent size")
        }
        return grey
    }

    /// An 8-bit RGB PNG, not interlaced (what scanners and screenshots write), read row by row straight to grey by
    /// the CImage shim: no RGB buffer, no second pass, and the zlib Adler-32 skipped (each IDAT's CRC-32 still
    /// guards the data). The same pixels as the simplified API's path below; nil when the file is of another kind
    /// (decided from its IHDR, PNG specification §11.2.2, and by libpng from the same header, gamma and tRNS).
    static func decodeRGB8PNG(_ data: [UInt8], limits: ImageLimits) throws(ImageError) -> GreyImage? {
        // Signature, then the IHDR chunk first: length 13, "IHDR", width, height, depth, colour type, compression,
        // filter, interlace.
        guard data.count >= 33, data[8..<16].elementsEqual([0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
              data[24] == 8, data[25] == 2, data[28] == 0 else { return nil }
        func u32(_ at: Int) -> Int { data[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        let width = u32(16), height = u32(20)
        guard width > 0, height > 0 else { return nil }
        try limits.check(width: width, height: height)
        var status: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let pixels = [UInt8](unsafeUninitializedCapacity: width * height) { buffer, count in
            status = data.withUnsafeBufferPointer { source in
                message.withUnsafeMutableBufferPointer { text in
                    cccd_png_decode_rgb8_grey(source.baseAddress, source.count, UInt32(width), UInt32(height),
                                              buffer.baseAddress, text.baseAddress, text.count)
                }
            }
            count = status == 0 ? width * height : 0
        }
        switch status {
        case 0: return GreyImage(width: width, height: height, pixels: pixels)
        case 3: throw .outOfMemory
        case 5: return nil
        default:
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw Self.pngMessageMeansTruncated(text) ? .truncated(format: "PNG") : .invalidPNG(text)
        }
    }

    /// libpng's simplified API reports a cut file only through its message text.
    private static func pngMessageMeansTruncated(_ message: String) -> Bool {
        let lower = message.lowercased()
        return lower.contains("end of data") || lower.contains("eof") || lower.contains("truncated")
            || lower.contains("read error")
    }

    private static func pngMessage(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The factor (1, 2, 4 or 8) the JPEG decoder shrinks each side by so the longer side stays at least
    /// `workingSide`: known from the frame header alone, before any pixel is decoded.
    static func jpegReduction(longerSide side: Int, workingSide: Int) -> Int {
        var denominator = 1
        while denominator < 8, side / (denominator * 2) >= workingSide { denominator *= 2 }
        return denominator
    }

    /// JPEG (baseline, progressive, grey, YCbCr, CMYK) to 8-bit grey through the C helper in the CImage shim,
    /// which keeps libjpeg's error exits (longjmp) out of Swift.
    static func decodeJPEG(_ data: [UInt8], workingSide: Int?,
                           limits: ImageLimits) throws(ImageError) -> (GreyImage, Int) {
        var denominator: UInt32 = 1
        let frame = JPEGExif.frameSize(in: data)
        if let (w, h) = frame {
            try limits.check(width: w, height: h)
            if let workingSide { denominator = UInt32(jpegReduction(longerSide: max(w, h), workingSide: workingSide)) }
        }
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: UInt32 = 0, height: UInt32 = 0, fullWidth: UInt32 = 0, fullHeight: UInt32 = 0
        var message = [CChar](repeating: 0, count: 256)
        func decode(into buffer: UnsafeMutableBufferPointer<UInt8>?) -> Int32 {
            data.withUnsafeBufferPointer { source in
                message.withUnsafeMutableBufferPointer { text in
                    cccd_jpeg_decode_grey(source.baseAddress, UInt(source.count), denominator,
                                          UInt(limits.maximumPixels), buffer?.baseAddress, buffer?.count ?? 0,
                                          &pixels, &width, &height, &fullWidth, &fullHeight, text.baseAddress,
                                          text.count)
                }
            }
        }
        // The frame header gives the decoded size (libjpeg rounds each side up after scaling): the pixels go
        // straight into the image's own storage.
        var decoded: [UInt8] = []
        let status: Int32
        if let (w, h) = frame {
            let d = Int(denominator)
            let count = ((w + d - 1) / d) * ((h + d - 1) / d)
            var result: Int32 = 0
            decoded = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                result = decode(into: buffer)
                initialized = result == 0 ? count : 0
            }
            status = result
        } else {
            status = decode(into: nil)
        }
        switch status {
        case 0 where frame != nil:
            guard let image = GreyImage(width: Int(width), height: Int(height), pixels: decoded) else {
                throw ImageError.invalidJPEG("empty image")
            }
            return (image, Int(denominator))
        case 0: break
        case 5: throw ImageError.invalidJPEG("the frame is not the size its header declares")
        case 2:
            // The frame header libjpeg read (the marker walk above may have stopped short of it).
            try limits.check(width: Int(fullWidth), height: Int(fullHeight))
            throw ImageError.tooLarge(width: Int(fullWidth), height: Int(fullHeight))
        case 3: throw ImageError.outOfMemory
        case 4: throw ImageError.truncated(format: "JPEG")
        default:
            let text = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw text.contains("Premature end") ? ImageError.truncated(format: "JPEG")
                : ImageError.invalidJPEG(text)
        }
        guard let pixels else { throw ImageError.outOfMemory }
        defer { free(pixels) }
        let count = Int(width) * Int(height)
        let array = [UInt8](UnsafeBufferPointer(start: pixels, count: count))
        guard let image = GreyImage(width: Int(width), height: Int(height), pixels: array) else {
            throw ImageError.invalidJPEG("empty image")
        }
        return (image, Int(denominator))
    }
}

/// The few facts read from a JPEG's markers before decoding (ITU-T T.81 Annex B; EXIF 2.32 §4.5.4 for APP1).
enum JPEGExif {
    /// The segments before the scan: (marker, payload range). Stops at SOS, at EOI, or at the first malformed
    /// length; never reads past the data.
    static func segments(in data: [UInt8]) -> [(marker: UInt8, payload: Range<Int>)] {
        var result: [(UInt8, Range<Int>)] = []
        guard data.count >= 4, data[0] == 0xFF, data[1] == 0xD8 else { return result }
        var i = 2
        while i + 1 < data.count {
            guard data[i] == 0xFF else { break }
            var j = i + 1
            while j < data.count, data[j] == 0xFF { j += 1 } // fill bytes
            guard j < data.count else { break }
            let marker = data[j]
            i = j + 1
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { continue } // no length
            if marker == 0xD9 || marker == 0xDA { break }
            guard i + 1 < data.count else { break }
            let length = Int(data[i]) << 8 | Int(data[i + 1])
            guard length >= 2, i + length <= data.count else { break }
            result.append((marker, (i + 2)..<(i + length)))
            i += length
        }
        return result
    }

    /// The frame's width and height from the SOF marker (any of SOF0–SOF15 except DHT, JPG and DAC).
    static func frameSize(in data: [UInt8]) -> (Int, Int)? {
        for (marker, payload) in segments(in: data)
        where (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) {
            guard payload.count >= 5 else { return nil }
            let p = payload.lowerBound
            let height = Int(data[p + 1]) << 8 | Int(data[p + 2])
            let width = Int(data[p + 3]) << 8 | Int(data[p + 4])
            return (width, height)
        }
        return nil
    }

    /// The orientation (tag 0x0112 of IFD0) from the APP1 `Exif\0\0` segment, if there is a valid one.
    static func orientation(in data: [UInt8]) -> ExifOrientation? {
        for (marker, payload) in segments(in: data) where marker == 0xE1 {
            let exifHeader: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0]
            guard payload.count > 14, Array(data[payload.prefix(6)]) == exifHeader else { continue }
            let tiff = Array(data[(payload.lowerBound + 6)..<payload.upperBound])
            return orientation(inTIFF: tiff)
        }
        return nil
    }

    /// TIFF 6.0 §2: byte order, 42, the IFD0 offset, then 12-byte entries (tag, type, count, value).
    static func orientation(inTIFF tiff: [UInt8]) -> ExifOrientation? {
        guard tiff.count >= 8 else { return nil }
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[at]) | Int(tiff[at + 1]) << 8 : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard u16(2) == 42, let ifd = u32(4), let count = u16(ifd) else { return nil }
        for entry in 0..<count {
            let at = ifd + 2 + entry * 12
            guard let tag = u16(at), let type = u16(at + 2), let n = u32(at + 4) else { return nil }
            if tag == 0x0112 {
                guard type == 3, n == 1, let value = u16(at + 8) else { return nil }
                return ExifOrientation(rawValue: value)
            }
        }
        return nil
    }
}
