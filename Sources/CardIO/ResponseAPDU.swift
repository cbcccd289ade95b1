/// An ISO/IEC 7816-4 response APDU: response data followed by the two status bytes.
public struct ResponseAPDU: Hashable, Sendable {
    /// The response data, without the status word.
    public var data: [UInt8]
    /// The status word SW1-SW2.
    public var statusWord: StatusWord

    /// Creates a response from its data and status word.
    public init(data: [UInt8] = [], statusWord: StatusWord) {
        self.data = data
        self.statusWord = statusWord
    }

    /// Parses a response as it arrives on the wire: data ‖ SW1 ‖ SW2.
    public init(encoded bytes: some Collection<UInt8>) throws(APDUError) {
        let count = bytes.count
        guard count >= 2 else { throw .truncatedResponse(count) }
        let b = Array(bytes)
        self.data = Array(b[0..<(count - 2)])
        self.statusWord = StatusWord(sw1: b[count - 2], sw2: b[count - 1])
    }

    /// The response as it travels on the wire.
    public var encoded: [UInt8] {
        var out = data
        out.append(statusWord.sw1)
        out.append(statusWord.sw2)
        return out
    }

    /// Whether the status word is `9000`.
    public var isSuccess: Bool { statusWord == .success }
}

extension ResponseAPDU: CustomStringConvertible {
    /// The length of the data and the status word, never the data itself.
    public var description: String { "\(data.count) bytes, SW \(statusWord)" }
}
