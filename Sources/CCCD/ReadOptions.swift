import Foundation
import LDS

/// One step of reading a card, in the order they run.
public enum ReadStep: Sendable, Hashable, CustomStringConvertible {
    /// Finding the reader and the card on it (PC/SC), or opening the trace or in-process channel.
    case connect
    /// Reading EF.CardAccess in plain (the one file readable before access control).
    case readCardAccess
    /// PACE with the CAN or MRZ (BAC with the MRZ as the fallback), then SELECT of the eMRTD application.
    case accessControl
    /// Reading one file under secure messaging.
    case readFile(ElementaryFile)
    /// Chip authentication with DG14's key (ICAO 9303-11 §6.2).
    case chipAuthentication
    /// Active authentication with DG15's key (ICAO 9303-11 §6.1).
    case activeAuthentication
    /// Passive authentication: the data groups against EF.SOD, its signature, its signer's chain (9303-11 §5.1).
    case passiveAuthentication

    /// The JSON name: `connect`, `EF.CardAccess`, `access control`, the file's name, `chip authentication`, …
    public var description: String {
        switch self {
        case .connect: return "connect"
        case .readCardAccess: return "EF.CardAccess"
        case .accessControl: return "access control"
        case .readFile(let file): return file.name
        case .chipAuthentication: return "chip authentication"
        case .activeAuthentication: return "active authentication"
        case .passiveAuthentication: return "passive authentication"
        }
    }
}

/// What to read and check.
public struct ReadOptions: Sendable, Hashable {
    /// The files to read, in order. EF.SOD is read whenever a data group is.
    public var files: [ElementaryFile]
    /// Whether to run chip authentication when DG14 was read.
    public var chipAuthentication: Bool
    /// Whether to run active authentication when DG15 was read.
    public var activeAuthentication: Bool
    /// Whether to try extended-length APDUs (probed with EF.CardAccess).
    public var tryExtendedLength: Bool
    /// Seconds to wait for a card that slipped off the reader to come back, so the session is re-opened and the
    /// file resumed; 0 gives up at the first break.
    public var reopenTimeout: Double
    /// Whether to record the session as a trace (``CardReadResult/trace``). A trace holds the access secret.
    public var record: Bool

    /// Every file of the CCCD: EF.COM, EF.SOD, DG1, DG2, DG13, DG14, DG15.
    public static let allFiles: [ElementaryFile] = [.com, .sod, .dataGroup(1), .dataGroup(2), .dataGroup(13),
                                                    .dataGroup(14), .dataGroup(15)]

    /// Everything, with both chip checks.
    public init(files: [ElementaryFile] = ReadOptions.allFiles, chipAuthentication: Bool = true,
                activeAuthentication: Bool = true, tryExtendedLength: Bool = true, reopenTimeout: Double = 10,
                record: Bool = false) {
        self.files = files
        self.chipAuthentication = chipAuthentication
        self.activeAuthentication = activeAuthentication
        self.tryExtendedLength = tryExtendedLength
        self.reopenTimeout = reopenTimeout
        self.record = record
    }

    /// Parses a `--files` list: `com`, `sod`, `dg1` … `dg16`, comma-separated, case and spaces ignored.
    public static func files(from list: String) throws(CCCDError) -> [ElementaryFile] {
        var out: [ElementaryFile] = []
        for raw in list.split(separator: ",", omittingEmptySubsequences: false) {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            switch name {
            case "com", "ef.com": out.append(.com)
            case "sod", "ef.sod": out.append(.sod)
            default:
                guard name.hasPrefix("dg"), name.count <= 4, let n = Int(name.dropFirst(2)), (1...16).contains(n)
                else { throw .invalidFileList(String(raw)) }
                out.append(.dataGroup(n))
            }
        }
        return out
    }

    /// What a recorded trace says the read asked for (its `read` object), so a bare replay makes the same read.
    public var request: Trace.ReadRequest {
        Trace.ReadRequest(files: files.map(\.name), chipAuthentication: chipAuthentication,
                          activeAuthentication: activeAuthentication, extendedLength: tryExtendedLength)
    }

    /// The options of a recorded read (a trace's `read` object).
    ///
    /// - Throws: ``CCCDError/trace(_:)`` for a file name that is not one of the card's.
    public init(_ request: Trace.ReadRequest) throws(CCCDError) {
        var files: [ElementaryFile] = []
        for (index, name) in request.files.enumerated() {
            guard let file = ElementaryFile(name: name) else {
                throw .trace(.invalidField(path: "read.files[\(index)]", reason: "\"\(name)\" is not a file of the card"))
            }
            files.append(file)
        }
        self.init(files: files, chipAuthentication: request.chipAuthentication,
                  activeAuthentication: request.activeAuthentication, tryExtendedLength: request.extendedLength)
    }

    /// The files in the order they are read: as asked, duplicates dropped, EF.SOD added before the first data
    /// group when a data group is asked for without it (passive authentication needs it).
    var plannedFiles: [ElementaryFile] {
        var planned: [ElementaryFile] = []
        for file in files where !planned.contains(file) { planned.append(file) }
        if planned.contains(where: { $0 != .com && $0 != .sod }) && !planned.contains(.sod) {
            planned.insert(.sod, at: planned.firstIndex { $0 != .com } ?? 0)
        }
        return planned
    }
}

/// What a read reports as it goes (``CardSession/progress``).
public struct ReadEvent: Sendable, Hashable {
    /// What happened.
    public var kind: Kind
    /// How far the read is, 0 to 1 (the desk's progress bar).
    public var fraction: Double

    /// What happened.
    public enum Kind: Sendable, Hashable {
        /// Waiting for a card on the reader (or any reader).
        case waitingForCard(reader: String?)
        /// The card is on this reader; the read starts.
        case cardFound(reader: String)
        /// A step begins.
        case started(ReadStep)
        /// Bytes of a file read so far, of its total.
        case progress(ElementaryFile, bytes: Int, total: Int)
        /// A step ended, with a one-line outcome.
        case finished(ReadStep, outcome: String)
        /// A step did not run, and why.
        case skipped(ReadStep, reason: String)
        /// The card slipped off or the session broke: it was re-opened, and the read goes on.
        case reopened(during: ReadStep)
    }

    /// An event.
    public init(_ kind: Kind, fraction: Double) {
        self.kind = kind
        self.fraction = fraction
    }
}
