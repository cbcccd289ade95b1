/// An elementary file of the eMRTD (LDS1) application or of the master file: the one file-identifier type of the
/// package, from the parsers up to the command line.
///
/// ICAO 9303-10 §3.11 and §4.6.1 (Tables 37–38): every file has a two-byte file identifier (FID) for SELECT and a
/// short file identifier (SFI, the low five bits of the FID) for READ BINARY; the files of the application wrap
/// their content in an application tag (9303-10 Table 34).
public enum ElementaryFile: Hashable, Sendable, CustomStringConvertible {
    /// EF.CardAccess (FID `011C`, SFI `1C`): the SecurityInfos for PACE, at the master file, readable before any
    /// access control.
    case cardAccess
    /// EF.COM (FID `011E`, SFI `1E`): LDS version and the list of data groups present.
    case com
    /// EF.SOD (FID `011D`, SFI `1D`): the document security object.
    case sod
    /// Data group `n` (FID `0101`…`0110`, SFI `01`…`10`). LDS1 defines DG1 to DG16; for a number outside
    /// 1…16 there is no file, so ``fileIdentifier``, ``shortFileIdentifier`` and ``tag`` are `nil`.
    case dataGroup(Int)

    /// The name used in dumps, traces and messages: `EF.CardAccess`, `EF.COM`, `EF.SOD`, `DG1` … `DG16`.
    public var name: String {
        switch self {
        case .cardAccess: return "EF.CardAccess"
        case .com: return "EF.COM"
        case .sod: return "EF.SOD"
        case .dataGroup(let n): return "DG\(n)"
        }
    }

    /// The file named as ``name`` writes it (`EF.COM`, `DG2`); `nil` for any other text.
    public init?(name: String) {
        switch name {
        case "EF.CardAccess": self = .cardAccess
        case "EF.COM": self = .com
        case "EF.SOD": self = .sod
        default:
            guard name.hasPrefix("DG"), name.count <= 4, let n = Int(name.dropFirst(2)), (1...16).contains(n),
                  "DG\(n)" == name
            else { return nil }
            self = .dataGroup(n)
        }
    }

    /// The short file identifier (9303-10 §4.6.1, Table 38): EF.CardAccess `1C`, EF.SOD `1D`, EF.COM `1E`,
    /// DGn `n`; `nil` for a data group outside 1…16.
    public var shortFileIdentifier: UInt8? {
        switch self {
        case .cardAccess: return 0x1C
        case .sod: return 0x1D
        case .com: return 0x1E
        case .dataGroup(let n): return (1...16).contains(n) ? UInt8(n) : nil
        }
    }

    /// The file identifier for SELECT (9303-10 Table 38): `011C`, `011D`, `011E`, `0101`…`0110`; `nil` for a
    /// data group outside 1…16.
    public var fileIdentifier: UInt16? { shortFileIdentifier.map { 0x0100 | UInt16($0) } }

    /// The application tag that wraps the file's content (9303-10 Table 34): EF.COM `60`, EF.SOD `77`,
    /// DG1 `61`, DG2 `75`, …; `nil` for EF.CardAccess (a bare SET) and for a data group outside 1…16.
    public var tag: BERTag? {
        switch self {
        case .com: return 0x60
        case .sod: return 0x77
        case .cardAccess: return nil
        case .dataGroup(let n):
            return (1...16).contains(n) ? BERTag(rawValue: UInt32(ElementaryFile.dataGroupTags[n - 1])) : nil
        }
    }

    /// 9303-10 Table 34: the tags of DG1 to DG16.
    private static let dataGroupTags: [UInt8] = [0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B,
                                                 0x6C, 0x6D, 0x6E, 0x6F, 0x70]

    /// The data group of a tag as EF.COM lists it (`0x75` is DG2); `nil` for other tags.
    public init?(dataGroupTag: UInt8) {
        guard let i = ElementaryFile.dataGroupTags.firstIndex(of: dataGroupTag) else { return nil }
        self = .dataGroup(i + 1)
    }

    /// The name (``name``).
    public var description: String { name }
}

extension ElementaryFile: Comparable {
    /// Ordered by file identifier (DG1 … DG16, EF.CardAccess, EF.SOD, EF.COM), files without one last by number.
    public static func < (a: ElementaryFile, b: ElementaryFile) -> Bool {
        switch (a.fileIdentifier, b.fileIdentifier) {
        case let (x?, y?): return x < y
        case (_?, nil): return true
        case (nil, _?): return false
        case (nil, nil):
            if case .dataGroup(let m) = a, case .dataGroup(let n) = b { return m < n }
            return false
        }
    }
}
