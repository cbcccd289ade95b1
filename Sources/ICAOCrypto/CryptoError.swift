import COpenSSL

/// Why a cryptographic operation failed. The ICAOCrypto layer throws nothing else.
///
/// No case carries key material or plaintext, so an error can be logged as it is.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A key of the wrong length for the algorithm.
    case invalidKeyLength(algorithm: String, length: Int)
    /// Input that is not a whole number of cipher blocks (no padding happens at this level).
    case notBlockAligned(length: Int, blockSize: Int)
    /// An initialisation vector of the wrong length.
    case invalidIVLength(expected: Int, actual: Int)
    /// ISO/IEC 9797-1 padding method 2 not found where it must be (no `80` marker, or a non-zero byte after it).
    case invalidPadding
    /// A MAC length outside 1…block size.
    case invalidMACLength(Int)
    /// A curve parameter ID that is not one of ICAO 9303-11 Table 4's elliptic curves (8…18).
    case unsupportedDomainParameterID(Int)
    /// Explicit domain parameters that fail a check (not a prime field, generator not on the curve, …).
    case invalidDomainParameters(DomainParameterDefect)
    /// An encoded point that is malformed, not on the curve, or the point at infinity.
    case invalidPoint(String)
    /// A private scalar outside 1…n−1, or of the wrong length.
    case invalidPrivateKey(String)
    /// An operation whose result is the point at infinity (which has no affine encoding).
    case pointAtInfinity
    /// A SubjectPublicKeyInfo or private key that does not parse, or has an unexpected key type.
    case invalidKey(String)
    /// A signature that cannot even be parsed (a wrong one verifies as `false` instead).
    case malformedSignature(String)
    /// The system random generator failed.
    case randomFailure
    /// An OpenSSL call failed; `function` names it, `reason` is OpenSSL's error queue text.
    case openSSL(function: String, reason: String)

    /// One line saying which operation failed and why; never key material or plaintext.
    public var description: String {
        switch self {
        case .invalidKeyLength(let alg, let n): return "a \(n)-byte key does not fit \(alg)"
        case .notBlockAligned(let n, let bs): return "\(n) bytes is not a multiple of the \(bs)-byte block"
        case .invalidIVLength(let e, let a): return "IV of \(a) bytes, expected \(e)"
        case .invalidPadding: return "ISO/IEC 9797-1 padding method 2 is missing or malformed"
        case .invalidMACLength(let n): return "MAC length \(n) is outside the block size"
        case .unsupportedDomainParameterID(let id):
            return "standardized domain parameter ID \(id) is not an elliptic curve of ICAO 9303-11 Table 4"
        case .invalidDomainParameters(let why): return "invalid elliptic curve domain parameters: \(why)"
        case .invalidPoint(let why): return "invalid elliptic curve point: \(why)"
        case .invalidPrivateKey(let why): return "invalid private key: \(why)"
        case .pointAtInfinity: return "the result is the point at infinity"
        case .invalidKey(let why): return "invalid key: \(why)"
        case .malformedSignature(let why): return "malformed signature: \(why)"
        case .randomFailure: return "the random number generator failed"
        case .openSSL(let f, let reason): return "\(f) failed: \(reason)"
        }
    }

    /// The OpenSSL error queue's oldest entry as text (and the queue cleared), for `openSSL(function:reason:)`.
    static func fromQueue(_ function: String) -> CryptoError {
        let code = ERR_get_error()
        ERR_clear_error()
        guard code != 0 else { return .openSSL(function: function, reason: "no reason given") }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return .openSSL(function: function, reason: text)
    }
}
