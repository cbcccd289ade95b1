import LDS

/// Why a certificate, CRL, master list or signed structure could not be read. The Verification layer's parsing
/// throws nothing else; the trust store adds the file (``TrustStoreError``).
public enum VerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The structure's TLV encoding is broken or not the one it must be.
    case malformed(structure: String, TLVError)
    /// A field has a value its type does not allow (a time that is no date, a version out of range…).
    case invalidField(structure: String, field: String, expected: String)

    public var description: String {
        switch self {
        case .malformed(let structure, let error): return "\(structure): \(error)"
        case .invalidField(let structure, let field, let expected): return "\(structure): \(field): expected \(expected)"
        }
    }

    /// Runs a parse over TLV, tagging a ``TLVError`` with the structure it was found in.
    static func parsing<T>(_ structure: String, _ body: () throws(TLVError) -> T) throws(VerificationError) -> T {
        do throws(TLVError) { return try body() } catch { throw .malformed(structure: structure, error) }
    }
}
