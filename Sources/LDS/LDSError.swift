/// The files of the LDS1 application this module parses, with their identifiers (ICAO 9303-10 §4.6 and §3.11).
public enum LDSFile: Hashable, Sendable, CustomStringConvertible {
    /// EF.COM: LDS version and the list of data groups present.
    case com
    /// EF.SOD: the document security object.
    case sod
    /// EF.CardAccess: the SecurityInfos for PACE, read before access control.
    case cardAccess
    /// A data group, 1 to 16.
    case dataGroup(Int)

    /// The application tag that wraps the file's content (9303-10 Table 34), nil for EF.CardAccess.
    public var tag: BERTag? {
        switch self {
        case .com: return 0x60
        case .sod: return 0x77
        case .cardAccess: return nil
        case .dataGroup(let n):
            return (1...16).contains(n) ? BERTag(rawValue: UInt32(LDSFile.dataGroupTags[n - 1])) : nil
        }
    }

    /// 9303-10 Table 34: the tags of DG1 to DG16.
    private static let dataGroupTags: [UInt8] = [0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B,
                                                 0x6C, 0x6D, 0x6E, 0x6F, 0x70]

    /// The file from a data-group tag as EF.COM lists it (`0x75` is DG2); nil for other tags.
    public init?(dataGroupTag: UInt8) {
        guard let i = LDSFile.dataGroupTags.firstIndex(of: dataGroupTag) else { return nil }
        self = .dataGroup(i + 1)
    }

    /// The short file identifier (9303-10 §4.6.1): EF.COM 1E, EF.SOD 1D, EF.CardAccess 1C, DGn n.
    public var shortFileIdentifier: UInt8? {
        switch self {
        case .com: return 0x1E
        case .sod: return 0x1D
        case .cardAccess: return 0x1C
        case .dataGroup(let n): return (1...16).contains(n) ? UInt8(n) : nil
        }
    }

    /// The file identifier for SELECT: 011E, 011D, 011C, 0101…0110.
    public var fileIdentifier: UInt16? { shortFileIdentifier.map { 0x0100 | UInt16($0) } }

    public var description: String {
        switch self {
        case .com: return "EF.COM"
        case .sod: return "EF.SOD"
        case .cardAccess: return "EF.CardAccess"
        case .dataGroup(let n): return "DG\(n)"
        }
    }
}

/// A failure parsing or encoding one of the LDS files: which file and why.
///
/// Descriptions name the file, the offset, the tag and the field; they never include field values, so an
/// error can be logged without leaking the holder's data.
public struct LDSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file being parsed or encoded.
    public let file: LDSFile
    /// What went wrong.
    public let reason: Reason

    /// An error for a file.
    public init(file: LDSFile, reason: Reason) {
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

    public var description: String { "\(file): \(reason)" }
}
