/// ISO/IEC 9797-1 padding method 2: a `80` byte, then `00` bytes up to the block boundary.
///
/// ICAO 9303-11 §9.8 pads every secure messaging cryptogram and MAC input this way; a whole block of padding
/// is added when the input is already aligned.
public enum ISO9797Padding {
    /// Pads `data` to a multiple of `blockSize` (always adding at least the `80` byte).
    public static func pad(_ data: [UInt8], blockSize: Int) -> [UInt8] {
        var out = data
        out.reserveCapacity(data.count + blockSize)
        out.append(0x80)
        while out.count % blockSize != 0 { out.append(0x00) }
        return out
    }

    /// Removes the padding: trailing `00` bytes, then the `80` marker.
    ///
    /// - Throws: ``CryptoError/invalidPadding`` when the marker is missing, or more than one block of padding
    ///   would have to go (which no honest sender produces).
    public static func unpad(_ data: [UInt8], blockSize: Int) throws(CryptoError) -> [UInt8] {
        var i = data.count - 1
        while i >= 0 && data[i] == 0x00 { i -= 1 }
        guard i >= 0, data[i] == 0x80, data.count - i <= blockSize else { throw .invalidPadding }
        return Array(data[0..<i])
    }
}
