/// A failure parsing an X.509 or CMS structure that is not itself a file of the card: a certificate, a Name, a
/// CRL, a CMS SignedData or an ICAO CSCA master list, read from a trust file or handed over by a caller.
///
/// The ``reason`` is the same as for the card's files (``LDSError/Reason``): the TLV failure with its offset and
/// tag, or the field that does not have the form its type requires, with the offset (from the start of the bytes
/// given to the parser). Inside EF.SOD the same parsers report an ``LDSError`` for `.sod` instead.
public struct PKIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The structures this module parses outside the card's files.
    public enum Structure: String, Sendable, Hashable, CustomStringConvertible {
        /// An X.509 certificate (RFC 5280 §4.1).
        case certificate = "certificate"
        /// An X.501 Name (RFC 5280 §4.1.2.4).
        case name = "Name"
        /// An AlgorithmIdentifier (RFC 5280 §4.1.1.2).
        case algorithmIdentifier = "AlgorithmIdentifier"
        /// An X.509 certificate revocation list (RFC 5280 §5.1).
        case revocationList = "CRL"
        /// A CMS ContentInfo holding a SignedData (RFC 5652 §3, §5).
        case signedData = "CMS SignedData"
        /// An ICAO CSCA master list (ICAO 9303-12 §9).
        case masterList = "CSCA master list"

        /// The structure's name, e.g. `CMS SignedData`.
        public var description: String { rawValue }
    }

    /// The structure being parsed.
    public let structure: Structure
    /// What is wrong, and where.
    public let reason: LDSError.Reason

    /// An error for a structure.
    public init(structure: Structure, reason: LDSError.Reason) {
        self.structure = structure
        self.reason = reason
    }

    /// The structure, then the reason.
    public var description: String { "\(structure): \(reason)" }

    /// Runs a parser, attaching the structure to its failure.
    static func parsing<T>(_ structure: Structure, _ body: () throws(LDSError.Reason) -> T) throws(PKIError) -> T {
        do { return try body() } catch { throw PKIError(structure: structure, reason: error) }
    }
}
