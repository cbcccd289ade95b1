import CardIO
import Foundation
import ICAOCrypto
import ICAOSession
import LDS
import Verification

/// One step of reading a card, in the order they run.
public enum ReadStep: Sendable, Equatable, CustomStringConvertible {
    /// Reading EF.CardAccess and opening the chip with PACE (or BAC), then selecting the application.
    case access
    /// Reading one file.
    case file(ElementaryFile)
    /// Chip authentication with DG14's key.
    case chipAuthentication
    /// Active authentication with DG15's key.
    case activeAuthentication
    /// Passive authentication: hashes, SOD signature, certificate chain.
    case passiveAuthentication

    public var description: String {
        switch self {
        case .access: return "access"
        case .file(let f): return f.name
        case .chipAuthentication: return "chip authentication"
        case .activeAuthentication: return "active authentication"
        case .passiveAuthentication: return "passive authentication"
        }
    }
}

/// What a reader reports as it goes: a progress bar, a log, nothing.
public protocol ReadProgress: AnyObject {
    /// A step begins.
    func started(_ step: ReadStep)
    /// Bytes of a file read so far, of its total.
    func read(_ file: ElementaryFile, bytes: Int, of total: Int)
    /// A step ended, with a one-line outcome.
    func finished(_ step: ReadStep, outcome: String)
}

/// Why a read stopped.
public enum CardReadError: Error, Equatable, CustomStringConvertible {
    /// The chip refused the CAN or MRZ (exit 4).
    case accessDenied(String)
    /// The card left, or no card or reader (exit 3).
    case cardLost(String)
    /// A recorded session did not match (exit 6): the index and bytes are in the message.
    case replayDiverged(String)
    /// The chip could not be opened or read for another reason.
    case failed(step: String, reason: String)

    public var description: String {
        switch self {
        case .accessDenied(let why): return "the chip refused the access key (\(why))"
        case .cardLost(let why): return why
        case .replayDiverged(let why): return why
        case .failed(let step, let why): return "\(step): \(why)"
        }
    }
}

/// What to read and check.
public struct ReadOptions: Sendable {
    /// The files to read, in order. EF.SOD is read whenever a data group is.
    public var files: [ElementaryFile]
    /// Whether to run chip authentication when DG14 offers it.
    public var chipAuthentication: Bool
    /// Whether to run active authentication when DG15 is present.
    public var activeAuthentication: Bool
    /// Whether to try extended-length APDUs (probed with EF.CardAccess).
    public var tryExtendedLength: Bool

    /// Every file of the CCCD: EF.COM, EF.SOD, DG1, DG2, DG13, DG14, DG15.
    public static let allFiles: [ElementaryFile] = [.com, .sod, .dataGroup(1), .dataGroup(2), .dataGroup(13),
                                                    .dataGroup(14), .dataGroup(15)]

    /// Everything, with both chip checks.
    public init(files: [ElementaryFile] = ReadOptions.allFiles, chipAuthentication: Bool = true,
                activeAuthentication: Bool = true, tryExtendedLength: Bool = true) {
        self.files = files
        self.chipAuthentication = chipAuthentication
        self.activeAuthentication = activeAuthentication
        self.tryExtendedLength = tryExtendedLength
    }

    /// Parses `--files`: a comma list of `com`, `sod`, `dg1` … `dg16`, `cardaccess`.
    public static func files(from list: String) -> [ElementaryFile]? {
        var out: [ElementaryFile] = []
        for raw in list.split(separator: ",") {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            switch name {
            case "com", "ef.com": out.append(.com)
            case "sod", "ef.sod": out.append(.sod)
            default:
                guard name.hasPrefix("dg"), let n = Int(name.dropFirst(2)), (1...16).contains(n) else { return nil }
                out.append(.dataGroup(n))
            }
        }
        return out.isEmpty ? nil : out
    }
}

/// Everything read from one card, raw and parsed, with the chip checks.
public struct CardReadout {
    /// Each file's bytes as read, by file.
    public var files: [ElementaryFile: [UInt8]]
    /// Files the chip refused or does not have, with the reason.
    public var unreadable: [ElementaryFile: String]
    /// How the chip was opened.
    public var access: AccessProtocol
    /// Whether extended-length APDUs were used.
    public var extendedLength: Bool
    /// Parsed files (nil when not read or not parseable; parse failures are in ``problems``).
    public var com: EFCOM?
    public var dg1: DataGroup1?
    public var dg2: DataGroup2?
    public var dg13: DataGroup13?
    public var dg14: DataGroup14?
    public var dg15: DataGroup15?
    public var sod: EFSOD?
    /// Chip authentication's verdict.
    public var chipAuthentication: Verdict
    /// Active authentication's verdict.
    public var activeAuthentication: Verdict
    /// Problems found while reading and parsing: stable codes (upper snake case) and details.
    public var problems: [Problem]
    /// When the card was read.
    public var readAt: Date
    /// Command APDUs exchanged.
    public var commandCount: Int

    /// A data group's bytes by number.
    public var dataGroups: [Int: [UInt8]] {
        var out: [Int: [UInt8]] = [:]
        for (file, bytes) in files {
            if case .dataGroup(let n) = file { out[n] = bytes }
        }
        return out
    }
}

/// A problem found on a card, with a stable code (documented in the README).
public struct Problem: Sendable, Equatable {
    /// Upper snake case, stable across versions.
    public var code: String
    /// The field, file or step it concerns.
    public var field: String?
    /// Free detail.
    public var detail: String?
    /// The chip's value, for mismatches.
    public var chip: String?
    /// The QR's value, for mismatches.
    public var qr: String?

    /// A problem.
    public init(code: String, field: String? = nil, detail: String? = nil, chip: String? = nil, qr: String? = nil) {
        self.code = code
        self.field = field
        self.detail = detail
        self.chip = chip
        self.qr = qr
    }

    /// As a JSON object, keys in a fixed order, absent ones left out.
    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("code", .string(code))]
        if let field { members.append(("field", .string(field))) }
        if let chip { members.append(("chip", .string(chip))) }
        if let qr { members.append(("qr", .string(qr))) }
        if let detail { members.append(("detail", .string(detail))) }
        return .object(members)
    }
}

/// The read as ordered steps: EF.CardAccess → PACE or BAC → application → EF.COM → EF.SOD → data groups →
/// chip authentication → active authentication. One place decides what is read and in what order; passive
/// authentication runs on the result (``PassiveCheck``), so it is the same for a live read, a replay and a dump.
public enum CardReader {
    /// Reads the card behind `channel`.
    ///
    /// - Parameters:
    ///   - reopen: whether a broken session may be re-opened with the same key to resume a file (live reads).
    ///   - clock: the time of reading (injected so replays and tests are repeatable).
    public static func read(over channel: CardChannel, key: AccessKey, entropy: EntropySource,
                            options: ReadOptions = ReadOptions(), progress: ReadProgress? = nil,
                            reopen: Bool = true, clock: () -> Date = Date.init) throws(CardReadError) -> CardReadout {
        let readAt = clock()
        // Every command goes through this counter, re-openings included: the count is measured, not estimated.
        let channel = CountingChannel(channel)
        progress?.started(.access)
        var opened: OpenedChip
        do {
            opened = try ChipAccess.open(over: channel, key: key, entropy: entropy,
                                         tryExtendedLength: options.tryExtendedLength)
        } catch {
            throw classify(error, step: "opening the chip")
        }
        progress?.finished(.access, outcome: "\(opened.access)\(opened.extendedLength ? ", extended length" : "")")

        let reader = opened.fileReader()
        if reopen {
            reader.reopen = { () throws(SessionError) -> CardChannel in
                // The card may have slipped off the reader: wait for it to come back and power it up.
                do throws(ChannelError) {
                    try channel.recoverLink(timeout: 10)
                } catch {
                    throw .channel(error, step: .reopen)
                }
                let again = try ChipAccess.open(over: channel, key: key, entropy: entropy,
                                                tryExtendedLength: opened.extendedLength)
                opened.channel = again.channel
                return again.channel
            }
        }
        reader.progress = { file, bytes, total in progress?.read(file, bytes: bytes, of: total) }

        var readout = CardReadout(files: [:], unreadable: [:], access: opened.access,
                                  extendedLength: opened.extendedLength, chipAuthentication: .notSupported(reason: "not run"),
                                  activeAuthentication: .notSupported(reason: "not run"), problems: [], readAt: readAt,
                                  commandCount: 0)
        var wanted = options.files
        if wanted.contains(where: { $0 != .com && $0 != .sod }) && !wanted.contains(.sod) {
            wanted.insert(.sod, at: wanted.firstIndex { $0 != .com } ?? 0)
        }
        for file in wanted {
            progress?.started(.file(file))
            do {
                let bytes = try reader.read(file)
                readout.files[file] = bytes
                progress?.finished(.file(file), outcome: "\(bytes.count) bytes")
            } catch {
                switch error {
                case .fileNotFound, .accessDenied:
                    readout.unreadable[file] = error.description
                    progress?.finished(.file(file), outcome: error.description)
                case .linkLost(_, _, let cause):
                    throw classify(cause, step: file.name, context: error.description)
                default:
                    throw .failed(step: file.name, reason: error.description)
                }
            }
        }
        parse(&readout)

        // Chip authentication, confirmed by the next protected exchange (active authentication, or a re-read).
        var channelForAA: SecureMessagingChannel = opened.channel
        var pendingCA: ChipAuthenticationResult?
        if options.chipAuthentication {
            progress?.started(.chipAuthentication)
            if let dg14 = readout.dg14 {
                do {
                    let result = try ChipAuthentication.perform(over: opened.channel, dg14: dg14, entropy: entropy)
                    pendingCA = result
                    channelForAA = result.channel
                } catch {
                    if case .notSupported(let why) = error {
                        readout.chipAuthentication = .notSupported(reason: why)
                    } else if case .channel(let e, _) = error, e.isLinkLost {
                        throw .cardLost("the card was removed during chip authentication")
                    } else {
                        readout.chipAuthentication = .failed(reason: error.description)
                    }
                }
            } else {
                readout.chipAuthentication = .notSupported(reason: readout.files[.dataGroup(14)] == nil
                                                           ? "DG14 was not read" : "DG14 is malformed")
            }
        }

        if options.activeAuthentication {
            progress?.started(.activeAuthentication)
            if let dg15 = readout.dg15 {
                let algorithm = readout.dg14?.securityInfos.infos.compactMap { info -> OID? in
                    if case .activeAuthentication(let a) = info { return a.signatureAlgorithm } else { return nil }
                }.first
                do {
                    let outcome = try ActiveAuthentication.perform(
                        over: channelForAA, dg15: dg15, signatureAlgorithm: algorithm, entropy: entropy,
                        extendedLength: reader.extendedLength)
                    switch outcome {
                    case .passed: readout.activeAuthentication = .passed
                    case .failed(let why): readout.activeAuthentication = .failed(reason: why.description)
                    }
                } catch {
                    if case .channel(let e, _) = error, e.isLinkLost {
                        throw .cardLost("the card was removed during active authentication")
                    }
                    readout.activeAuthentication = .failed(reason: error.description)
                }
                progress?.finished(.activeAuthentication, outcome: readout.activeAuthentication.description)
            } else {
                readout.activeAuthentication = .notSupported(reason: "the chip has no DG15")
            }
        }
        if let ca = pendingCA {
            do {
                try ca.confirm()
            } catch {
                if case .channel(let e, _) = error, e.isLinkLost {
                    throw .cardLost("the card was removed during chip authentication")
                }
            }
            readout.chipAuthentication = ca.isConfirmed ? .passed
                : .failed(reason: "the chip does not answer under the keys agreed with DG14's public key")
        }
        if options.chipAuthentication {
            progress?.finished(.chipAuthentication, outcome: readout.chipAuthentication.description)
        }
        if case .failed(let why) = readout.chipAuthentication {
            readout.problems.append(Problem(code: "CHIP_AUTHENTICATION_FAILED", field: "DG14", detail: why))
        }
        if case .failed(let why) = readout.activeAuthentication {
            readout.problems.append(Problem(code: "ACTIVE_AUTHENTICATION_FAILED", field: "DG15", detail: why))
        }
        readout.commandCount = channel.count
        return readout
    }

    /// Parses every file read, recording a problem for each that does not parse.
    static func parse(_ readout: inout CardReadout) {
        func attempt<T>(_ file: ElementaryFile, _ make: ([UInt8]) throws -> T) -> T? {
            guard let bytes = readout.files[file] else { return nil }
            do {
                return try make(bytes)
            } catch {
                readout.problems.append(Problem(code: "FILE_MALFORMED", field: file.name, detail: "\(error)"))
                return nil
            }
        }
        readout.com = attempt(.com) { try EFCOM(bytes: $0) }
        readout.sod = attempt(.sod) { try EFSOD(bytes: $0) }
        readout.dg1 = attempt(.dataGroup(1)) { try DataGroup1(bytes: $0) }
        readout.dg2 = attempt(.dataGroup(2)) { try DataGroup2(bytes: $0) }
        // A face found despite its record's lengths: a warning (see Problem.isWarning), the hash still decides.
        for w in readout.dg2?.warnings ?? [] {
            readout.problems.append(Problem(code: "DG2_RECORD_INCONSISTENT", field: "DG2", detail: w.description))
        }
        readout.dg13 = attempt(.dataGroup(13)) { try DataGroup13(bytes: $0) }
        readout.dg14 = attempt(.dataGroup(14)) { try DataGroup14(bytes: $0) }
        readout.dg15 = attempt(.dataGroup(15)) { try DataGroup15(bytes: $0) }
    }

    /// A session failure as a read failure, by its type: a rejected key, a link that is gone, a replay that
    /// no longer matches, or anything else at `step`. `context` is the message to show, when it says more than
    /// the error alone (the file and offset).
    static func classify(_ error: SessionError, step: String, context: String? = nil) -> CardReadError {
        switch error {
        case .wrongPassword: return .accessDenied("wrong CAN or MRZ")
        case .channel(let e, _): return classifyChannel(e, context: context)
        default: return .failed(step: step, reason: context ?? error.description)
        }
    }

    static func classifyChannel(_ error: ChannelError, context: String? = nil) -> CardReadError {
        if error.isLinkLost { return .cardLost(context ?? error.description) }
        if error.isReplayMismatch { return .replayDiverged(error.description) }
        return .failed(step: "exchange", reason: context ?? error.description)
    }
}

/// Passes commands through and counts them.
private final class CountingChannel: CardChannel {
    let base: CardChannel
    private(set) var count = 0

    init(_ base: CardChannel) { self.base = base }

    var capabilities: ChannelCapabilities { base.capabilities }

    func recoverLink(timeout: Double) throws(ChannelError) { try base.recoverLink(timeout: timeout) }

    func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU {
        count += 1
        return try base.transmit(command)
    }
}
