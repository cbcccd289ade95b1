import CZBar

/// zbar's image scanner, set up for QR codes only and raw bytes.
///
/// `ZBAR_CFG_BINARY` stops zbar from guessing a charset: its guess reads Vietnamese UTF-8 as Shift-JIS or Big5
/// and returns CJK mojibake. The project decodes the bytes as UTF-8 itself (``CardQRCode/init(bytes:)``).
/// Not thread-safe: one scanner per reading.
final class ZBarScanner {
    private let scanner: OpaquePointer

    init() {
        scanner = zbar_image_scanner_create()
        zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0)
        zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1)
        zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1)
    }

    deinit { zbar_image_scanner_destroy(scanner) }

    /// Scan every `density`-th row and column (1 = all of them; zbar's finder works on these scan lines).
    func setDensity(_ density: Int32) {
        zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_X_DENSITY, density)
        zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_Y_DENSITY, density)
    }

    /// The payloads of the QR codes zbar finds in the image, as raw bytes.
    func scan(_ image: GreyImage) -> [[UInt8]] {
        guard let zimage = zbar_image_create() else { return [] }
        defer { zbar_image_destroy(zimage) }
        zbar_image_set_format(zimage, cccd_zbar_fourcc_y800())
        zbar_image_set_size(zimage, UInt32(image.width), UInt32(image.height))
        return image.pixels.withUnsafeBufferPointer { buffer -> [[UInt8]] in
            // No cleanup handler: zbar borrows the buffer for the length of this scope only.
            zbar_image_set_data(zimage, buffer.baseAddress, UInt(buffer.count), nil)
            guard zbar_scan_image(scanner, zimage) > 0 else {
                zbar_image_set_data(zimage, nil, 0, nil)
                return []
            }
            var payloads: [[UInt8]] = []
            var symbol = zbar_image_first_symbol(zimage)
            while let current = symbol {
                if zbar_symbol_get_type(current) == ZBAR_QRCODE, let data = zbar_symbol_get_data(current) {
                    let length = Int(zbar_symbol_get_data_length(current))
                    payloads.append(data.withMemoryRebound(to: UInt8.self, capacity: length) {
                        Array(UnsafeBufferPointer(start: $0, count: length))
                    })
                }
                symbol = zbar_symbol_next(current)
            }
            zbar_image_set_data(zimage, nil, 0, nil)
            return payloads
        }
    }
}
