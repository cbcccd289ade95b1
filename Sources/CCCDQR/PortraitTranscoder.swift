import CImage
import Foundation

/// The chip's face image (DG2) as a JPEG, whatever the chip stores: a JPEG passes through byte for byte; a JPEG 2000
/// face (a JP2 file or a bare codestream, ISO/IEC 15444-1) is decoded with OpenJPEG and re-encoded with
/// libjpeg-turbo for the level-1 payload, `portrait.jpg` and any display (shared/LEVEL1.md, `portrait`).
///
/// Every header is checked against ``ImageLimits/portrait`` before a pixel buffer is allocated, so a malformed or
/// oversized image is an ``ImageError``, never a crash or an unbounded allocation. Stateless and thread-safe.
public enum PortraitTranscoder {
    /// The media type of a JPEG face (`sourceMediaType` for a face that passed through).
    public static let jpegMediaType = "image/jpeg"
    /// The media type shared/level1.schema.json gives a JPEG 2000 face, JP2 file or bare codestream alike.
    public static let jpeg2000MediaType = "image/jp2"
    /// The JPEG quality of a re-encoded face (libjpeg's scale): high enough that a face loses nothing visible.
    public static let quality = 90

    /// The face as JPEG bytes, and the media type of the bytes it came from (`image/jpeg` or `image/jp2`).
    ///
    /// - Throws: ``ImageError/unsupportedFormat`` for bytes that are neither JPEG nor JPEG 2000; ``ImageError/tooLarge(width:height:)``
    ///   or ``ImageError/extremeAspectRatio(width:height:)`` for a header beyond ``ImageLimits/portrait``; a truncated,
    ///   invalid or unsupported image's own case.
    public static func jpeg(from bytes: [UInt8]) throws(ImageError) -> (jpeg: [UInt8], sourceMediaType: String) {
        try jpeg(from: bytes, limits: .portrait)
    }

    /// As ``jpeg(from:)``, with other limits.
    public static func jpeg(from bytes: [UInt8], limits: ImageLimits) throws(ImageError)
        -> (jpeg: [UInt8], sourceMediaType: String) {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            guard let (width, height) = JPEGExif.frameSize(in: bytes) else {
                throw .invalidJPEG("no frame header before the scan")
            }
            try limits.check(width: width, height: height)
            return (bytes, jpegMediaType)
        }
        guard JPEG2000Header.recognises(bytes) else { throw .unsupportedFormat }
        let decoded = try JPEG2000Decoder.decode(bytes, limits: limits)
        return (try JPEGEncoder.encode(decoded, quality: quality), jpeg2000MediaType)
    }
}

/// libjpeg-turbo's compressor, through the C helper in the CImage shim (libjpeg's error exits are longjmps).
enum JPEGEncoder {
    static func encode(_ pixels: DecodedPixels, quality: Int) throws(ImageError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = pixels.samples.withUnsafeBufferPointer { samples in
            message.withUnsafeMutableBufferPointer { text in
                cccd_jpeg_encode(samples.baseAddress, UInt32(pixels.width), UInt32(pixels.height),
                                 Int32(pixels.components), Int32(quality), &output, &size, text.baseAddress,
                                 text.count)
            }
        }
        guard status == 0, let output else {
            if status == 3 { throw .outOfMemory }
            throw .invalidJPEG(String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                                      as: UTF8.self))
        }
        defer { free(output) }
        return [UInt8](UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
