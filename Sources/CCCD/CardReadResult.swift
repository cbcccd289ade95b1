import CardIO
import Foundation
import ICAOCrypto
import ICAOSession
import LDS
import Verification

/// Where a read's bytes came from.
public enum ReadSource: String, Sendable, Hashable {
    /// A card on a reader (or an in-process chip), now.
    case live
    /// A recorded trace: nothing proves the card was there, or when.
    case replay
}

/// The face image from DG2, as the chip stores it.
public struct Portrait: Sendable, Hashable {
    /// `image/jpeg`, `image/jp2` (a JP2 file or a bare JPEG 2000 codestream) or `application/octet-stream`.
    public var mediaType: String
    /// The image bytes.
    public var bytes: [UInt8]
    /// The width in pixels, as DG2 states it.
    public var width: Int?
    /// The height in pixels, as DG2 states it.
    public var height: Int?

    /// A portrait.
    public init(mediaType: String, bytes: [UInt8], width: Int? = nil, height: Int? = nil) {
        self.mediaType = mediaType
        self.bytes = bytes
        self.width = width
        self.height = height
    }

    /// The first face of DG2: JPEG, JPEG 2000 (a JP2 file or a bare codestream) or, for anything else,
    /// `application/octet-stream`.
    public init?(_ dg2: DataGroup2?) {
        guard let face = dg2?.faces.first else { return nil }
        let mediaType: String
        switch face.imageType {
        case .jpeg: mediaType = "image/jpeg"
        case .jpeg2000, .jpeg2000Codestream: mediaType = "image/jp2"
        case .unknown: mediaType = "application/octet-stream"
        }
        self.init(mediaType: mediaType, bytes: Array(face.image), width: face.width, height: face.height)
    }

    /// The bytes when the chip stores a JPEG; nil for JPEG 2000 (the `CCCDQR` module transcodes it).
    public var jpeg: [UInt8]? { mediaType == "image/jpeg" ? bytes : nil }

    /// The file extension a dump writes it with: `jpg`, `jp2`, or `bin` for an image of unknown kind.
    public var fileExtension: String {
        switch mediaType {
        case "image/jpeg": return "jpg"
        case "image/jp2": return "jp2"
        default: return "bin"
        }
    }

    /// SHA-256 of the bytes, lower-case hex.
    public var sha256: String { HashAlgorithm.sha256.hash(bytes).hexLower }
}

/// The files of a read, parsed (nil where a file was not read or does not parse; the parse failures are
/// `FILE_MALFORMED` problems).
public struct ParsedFiles: Sendable, Equatable {
    /// EF.COM: the LDS version and the data groups present.
    public var com: EFCOM?
    /// EF.SOD: the data groups' hashes and the document signer's signature.
    public var sod: EFSOD?
    /// DG1: the MRZ.
    public var dg1: DataGroup1?
    /// DG2: the face.
    public var dg2: DataGroup2?
    /// DG13: the holder's details (the CCCD's own data group).
    public var dg13: DataGroup13?
    /// DG14: the chip authentication key and the PACE infos.
    public var dg14: DataGroup14?
    /// DG15: the active authentication key.
    public var dg15: DataGroup15?

    /// Parses every file it knows among `files`; each that does not parse is a problem.
    public static func parse(_ files: [ElementaryFile: [UInt8]]) -> (ParsedFiles, [Problem]) {
        var parsed = ParsedFiles()
        var problems: [Problem] = []
        for (file, bytes) in files.sorted(by: { $0.key < $1.key }) {
            if let problem = parsed.add(file, bytes) { problems.append(problem) }
        }
        return (parsed, problems)
    }

    /// Parses one file as it is read, so the next steps can use it (EF.SOD says which data groups to expect);
    /// a file that does not parse is a `FILE_MALFORMED` problem, a file this type does not keep is ignored.
    public mutating func add(_ file: ElementaryFile, _ bytes: [UInt8]) -> Problem? {
        var problem: Problem?
        func attempt<T>(_ make: ([UInt8]) throws -> T) -> T? {
            do {
                return try make(bytes)
            } catch {
                problem = Problem(code: .fileMalformed, field: file.name, detail: "\(error)")
                return nil
            }
        }
        switch file {
        case .com: com = attempt { try EFCOM(bytes: $0) }
        case .sod: sod = attempt { try EFSOD(bytes: $0) }
        case .dataGroup(1): dg1 = attempt { try DataGroup1(bytes: $0) }
        case .dataGroup(2):
            dg2 = attempt { try DataGroup2(bytes: $0) }
            // A face found despite its record's lengths: a notice, the hash still decides.
            if let warning = dg2?.warnings.first {
                problem = problem ?? Problem(code: .dg2RecordInconsistent, field: "DG2", detail: warning.description)
            }
        case .dataGroup(13): dg13 = attempt { try DataGroup13(bytes: $0) }
        case .dataGroup(14): dg14 = attempt { try DataGroup14(bytes: $0) }
        case .dataGroup(15): dg15 = attempt { try DataGroup15(bytes: $0) }
        default: break
        }
        return problem
    }
}

/// Everything one read gave: the person, the portrait, every check, the verdict, and the raw files.
///
/// The same for a live read, a replay and a dump:
/// ``init(files:unreadable:chipAuthentication:activeAuthentication:trust:qr:readAt:source:passive:)`` decides
/// everything from the files and the chip checks.
public struct CardReadResult: Sendable {
    /// Live or replayed.
    public var source: ReadSource
    /// When the card was read (a replay: when the trace was recorded).
    public var readAt: Date
    /// The reader's name, where known.
    public var reader: String?
    /// How the chip was opened (PACE with its protocol, or BAC).
    public var access: AccessProtocol?
    /// The holder, from DG13 checked against DG1.
    public var record: CitizenRecord
    /// The face image from DG2.
    public var portrait: Portrait?
    /// Every check.
    public var checks: CardChecks
    /// Every problem: the checks' and the files', notices included.
    public var problems: [Problem]
    /// The verdict.
    public var verdict: CardVerdict
    /// Each file's bytes as read.
    public var files: [ElementaryFile: [UInt8]]
    /// Files asked for that the chip refused or does not have, with the reason.
    public var unreadable: [ElementaryFile: String]
    /// The files parsed.
    public var parsed: ParsedFiles
    /// The link: whether extended-length APDUs were used, and the commands sent (re-openings included).
    public var link: LinkFacts
    /// The recorded session, when recording was asked for (``ReadOptions/record``).
    public var trace: Trace?

    /// What the link carried.
    public struct LinkFacts: Sendable, Hashable {
        /// Whether extended-length APDUs were used.
        public var extendedLength: Bool
        /// Command APDUs sent, re-openings included.
        public var commands: Int
        /// How many times the session was re-opened after the card slipped off or the session broke.
        public var reopenings: Int

        /// Link facts.
        public init(extendedLength: Bool = false, commands: Int = 0, reopenings: Int = 0) {
            self.extendedLength = extendedLength
            self.commands = commands
            self.reopenings = reopenings
        }
    }

    /// Decides everything from what was read: parses the files, runs passive authentication at `readAt`,
    /// builds the record, compares it with the QR, checks the validity and the identity, and gives the verdict.
    public init(files: [ElementaryFile: [UInt8]], unreadable: [ElementaryFile: String] = [:],
                chipAuthentication: Verdict, activeAuthentication: Verdict, trust: TrustStore?,
                qr: CardQRCode? = nil, readAt: Date, source: ReadSource, passive: PassiveCheck? = nil) {
        let (parsed, fileProblems) = ParsedFiles.parse(files)
        let passive = passive ?? PassiveCheck.run(sod: files[.sod], dataGroups: Self.dataGroups(files), trust: trust,
                                                  at: readAt)
        self.init(files: files, unreadable: unreadable, parsed: parsed, fileProblems: fileProblems, passive: passive,
                  chipAuthentication: chipAuthentication, activeAuthentication: activeAuthentication, qr: qr,
                  readAt: readAt, source: source)
    }

    init(files: [ElementaryFile: [UInt8]], unreadable: [ElementaryFile: String], parsed: ParsedFiles,
         fileProblems: [Problem], passive: PassiveCheck, chipAuthentication: Verdict, activeAuthentication: Verdict,
         qr: CardQRCode?, readAt: Date, source: ReadSource) {
        self.source = source
        self.readAt = readAt
        self.files = files
        self.unreadable = unreadable
        self.parsed = parsed
        self.link = LinkFacts()
        let record = CitizenRecord(dg13: parsed.dg13, dg1: parsed.dg1)
        self.record = record
        portrait = Portrait(parsed.dg2)
        var missing: [String] = []
        if record.personalIdNumber == nil { missing.append("personalIdNumber") }
        if record.fullName == nil { missing.append("fullName") }
        if record.dateOfBirth == nil { missing.append("dateOfBirth") }
        if portrait == nil { missing.append("portrait") }
        checks = CardChecks(
            passive: passive, chipAuthentication: Self.bound(chipAuthentication, to: 14, passive),
            activeAuthentication: Self.bound(activeAuthentication, to: 15, passive),
            dataGroupsInSOD: parsed.sod?.securityObject.dataGroupHashes.map(\.dataGroupNumber).sorted() ?? [],
            qr: QRCheck(record: record, qr: qr),
            validity: Validity(record: record, mrzExpiry: parsed.dg1?.mrz.dateOfExpiry, on: readAt),
            identityMissing: missing)
        var problems = fileProblems + record.problems + checks.problems
        // What the signed EF.SOD lists must be there: a listed data group the chip lacks, refuses or answers with an
        // error is a failure. DG3 and DG4 need terminal authentication (ICAO 9303-11 §7), which this reader does not
        // run: they are refused to it on every genuine card (DG3 on every CCCD, shared/CCCD.md), and DG3 is not
        // even worth a line.
        let listed = Set(checks.dataGroupsInSOD)
        for (file, why) in unreadable.sorted(by: { $0.key < $1.key }) where file != .dataGroup(3) {
            if case .dataGroup(let n) = file, listed.contains(n), n != 3, n != 4 {
                problems.append(Problem(code: .dataGroupListedUnreadable, field: file.name,
                                        detail: "EF.SOD lists \(file.name), but \(why)"))
            } else {
                problems.append(Problem(code: .fileUnreadable, field: file.name, detail: why))
            }
        }
        if source == .replay {
            problems.append(Problem(code: .replayed, detail: "read from a recorded trace: nothing proves the card "
                                    + "was there, or when"))
        }
        if CardVerdict.deciding(problems) == .accept, let unearned = Self.unearnedAcceptance(checks) {
            problems.append(unearned)
        }
        self.problems = problems
        verdict = CardVerdict.deciding(problems)
    }

    /// Defence in depth: `accept` is decided from the problems, and a problem missing by mistake must never turn
    /// into "genuine". An acceptance stands only when each check itself says so: EF.SOD's signature and the
    /// signer's chain passed, every data group read matched its hash (and there was at least one), and chip and
    /// active authentication passed wherever EF.SOD lists DG14 and DG15. Otherwise this names what was not earned.
    static func unearnedAcceptance(_ checks: CardChecks) -> Problem? {
        var missing: [String] = []
        let passive = checks.passive
        if passive.verdict != .passed { missing.append("passive authentication is \(passive.verdict.name)") }
        if passive.signature != .passed { missing.append("the SOD signature is \(passive.signature.name)") }
        if passive.chain != .passed { missing.append("the signer's chain is \(passive.chain.name)") }
        if passive.dataGroups.isEmpty { missing.append("no data group was hash-checked") }
        for (number, verdict) in passive.dataGroups.sorted(by: { $0.key < $1.key }) where verdict != .passed {
            missing.append("DG\(number)'s hash is \(verdict.name)")
        }
        let listed = Set(checks.dataGroupsInSOD)
        if listed.isEmpty { missing.append("EF.SOD lists no data group") }
        if listed.contains(14) && checks.chipAuthentication != .passed { missing.append("chip authentication did not pass") }
        if listed.contains(15) && checks.activeAuthentication != .passed {
            missing.append("active authentication did not pass")
        }
        guard !missing.isEmpty else { return nil }
        return Problem(code: .acceptanceUnearned, detail: missing.joined(separator: "; "))
    }

    /// Chip and active authentication count only when the data group holding the key (DG14, DG15) verifies
    /// against EF.SOD: a chip proving it holds a key EF.SOD does not vouch for proves nothing about the document.
    static func bound(_ verdict: Verdict, to dataGroup: Int, _ passive: PassiveCheck) -> Verdict {
        guard verdict == .passed, passive.dataGroups[dataGroup] != .passed else { return verdict }
        return .failed(reason: "DG\(dataGroup) does not verify against EF.SOD: the key the chip proved it holds is "
                       + "not vouched for by the document signer")
    }

    /// The data groups among `files`, by number.
    static func dataGroups(_ files: [ElementaryFile: [UInt8]]) -> [Int: [UInt8]] {
        var out: [Int: [UInt8]] = [:]
        for (file, bytes) in files {
            if case .dataGroup(let number) = file { out[number] = bytes }
        }
        return out
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hex, as LEVEL1.md's `sha256` pattern wants.
    var hexLower: String {
        hexString.lowercased()
    }
}
