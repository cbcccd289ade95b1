/// A failure parsing or encoding one of the LDS files: which file and why.
///
/// Descriptions name the file, the offset, the tag and the field; they never include field values, so an
/// error can be logged without leaking the holder's data.
public struct LDSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file being parsed or encoded.
    public let file: ElementaryFile
    /// What went wrong.
    public let reason: Reason

    /// An error for a file.
    public init(file: ElementaryFile, reason: Reason) {
        self.file = file
        self.reason = reason
    }

    /// Why a file could not be parsed or encoded.
    public enum Reason: Error, Equatable, Sendable, CustomStringConvertible {
        /// The TLV structure is broken or not the one the file requires.
        case tlv(TLVError)
        /// A value that does not have the form its field requires.
        case invalidField(field: String, offset: Int, expected: String)
        /// An MRZ check digit that does not match its field (ICAO 9303-3 §4.9).
        case checkDigit(field: MRZ.Field, expected: Character, found: Character)
        /// An MRZ whose line layout or characters are not those of TD1, TD2 or TD3.
        case invalidMRZ(field: MRZ.Field?, expected: String)
        /// A value the encoder cannot write (a field too long for the MRZ, a number out of range).
        case unencodable(field: String, expected: String)

        /// One line saying what is wrong and where: the offset, the field, the expected form.
        public var description: String {
            switch self {
            case .tlv(let e): return e.description
            case .invalidField(let f, let o, let e): return "field \(f) at offset \(o): expected \(e)"
            case .checkDigit(let f, let e, let found):
                return "check digit of \(f) is \(found), expected \(e)"
            case .invalidMRZ(let f, let e): return "MRZ\(f.map { " field \($0)" } ?? ""): expected \(e)"
            case .unencodable(let f, let e): return "cannot encode \(f): expected \(e)"
            }
        }
    }

    /// The file, then the reason: `DG1: …`.
    public var description: String { "\(file): \(reason)" }
}
