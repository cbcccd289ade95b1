import CardIO
import Foundation
import ICAOSession
import LDS
import Synchronization
import Verification

/// The read of one card as named steps, in one place: what runs, in what order, and why a step is skipped
/// (after gmrtd's `reader.ReadDocument`). ``run()`` is the list; each step is a method below it.
///
/// The pipeline is blocking and single-threaded: ``CardSession`` runs it on a thread of its own, off the
/// cooperative pool. Every command goes through one ``GuardedChannel``, which counts it and stops the read when it
/// is cancelled. Errors keep their type from the channel up to the exit code (``failure(_:during:)``).
final class ReadPipeline {
    private let channel: GuardedChannel
    private let key: AccessKey
    private let entropy: EntropySource
    private let options: ReadOptions
    private let trust: TrustStore?
    private let qr: CardQRCode?
    private let readAt: Date
    private let source: ReadSource
    private let sink: (ReadEvent.Kind, Double) -> Void
    private var lastFraction = 0.0

    // What the steps found so far.
    private var opened: OpenedChip?
    private var reader: FileReader?
    private var files: [ElementaryFile: [UInt8]] = [:]
    private var unreadable: [ElementaryFile: String] = [:]
    private var fileProblems: [Problem] = []
    private var parsed = ParsedFiles()
    private var chipAuthentication = Verdict.notSupported(reason: "not run")
    private var activeAuthentication = Verdict.notSupported(reason: "not run")
    private var pendingChipAuthentication: ChipAuthenticationResult?
    private var passive: PassiveCheck?
    private var current: ReadStep = .connect
    private var reopenings = 0

    init(channel: GuardedChannel, key: AccessKey, entropy: EntropySource, options: ReadOptions, trust: TrustStore?,
         qr: CardQRCode?, readAt: Date, source: ReadSource, emit: @escaping (ReadEvent.Kind, Double) -> Void) {
        self.channel = channel
        self.key = key
        self.entropy = entropy
        self.options = options
        self.trust = trust
        self.qr = qr
        self.readAt = readAt
        self.source = source
        self.sink = emit
    }

    /// The outcome of one step.
    enum StepOutcome {
        /// The step ran; a one-line outcome.
        case done(String)
        /// The step did not run, and why.
        case skipped(String)
    }

    /// The read, in order (ICAO 9303-11 §4.2 and §6; 9303-10 §3.6).
    func run() throws(CCCDError) -> CardReadResult {
        let files = options.plannedFiles
        // Weights for the progress fraction: opening the chip, each file, the two chip checks, passive authentication.
        let total = Double(3 + files.count + 1)
        var done = 0.0
        func fraction(_ within: Double = 0) -> Double { min(1, (done + within) / total) }

        // 1. EF.CardAccess, PACE (BAC as the fallback), SELECT of the application: always.
        try step(.accessControl, from: fraction(), to: fraction(1)) { () throws(CCCDError) in try openSession() }
        done += 1
        // 2. The files asked for, EF.SOD among them whenever a data group is. A file the chip refuses or lacks is
        //    noted, and the read goes on.
        for file in files {
            let start = done
            reader?.progress = { [unowned self] file, bytes, length in
                emit(.progress(file, bytes: bytes, total: length),
                     min(1, (start + (length == 0 ? 1 : Double(bytes) / Double(length))) / total))
            }
            try step(.readFile(file), from: fraction(), to: fraction(1)) { () throws(CCCDError) in try readFile(file) }
            done += 1
        }
        // 3. Chip authentication: skipped when not asked for, or when DG14 was not read or does not parse.
        try step(.chipAuthentication, from: fraction(), to: fraction(1)) { () throws(CCCDError) in
            try performChipAuthentication()
        }
        done += 1
        // 4. Active authentication: skipped when not asked for, or when DG15 was not read or does not parse. Its
        //    protected exchange is also the first under chip authentication's keys, which confirms them.
        try step(.activeAuthentication, from: fraction(), to: fraction(1)) { () throws(CCCDError) in
            try performActiveAuthentication()
        }
        done += 1
        // 5. Chip authentication counts only once an exchange under its keys succeeded (9303-11 §6.2).
        try confirmChipAuthentication()
        // 6. Passive authentication, at the time of reading: always (without EF.SOD it fails, SOD_MISSING).
        try step(.passiveAuthentication, from: fraction(), to: 1) { () throws(CCCDError) in .done(passiveAuthentication()) }
        return result()
    }

    /// Reports an event; the fraction never goes back.
    private func emit(_ kind: ReadEvent.Kind, _ fraction: Double) {
        lastFraction = max(lastFraction, fraction)
        sink(kind, lastFraction)
    }

    /// Runs one step, reporting its start and end with the fraction of the read done at each.
    private func step(_ step: ReadStep, from start: Double, to end: Double,
                      _ body: () throws(CCCDError) -> StepOutcome) throws(CCCDError) {
        current = step
        try checkCancelled()
        emit(.started(step), start)
        switch try body() {
        case .done(let outcome): emit(.finished(step, outcome: outcome), end)
        case .skipped(let reason): emit(.skipped(step, reason: reason), end)
        }
    }

    // MARK: The steps.

    private func openSession() throws(CCCDError) -> StepOutcome {
        let chip: OpenedChip
        do {
            chip = try ChipAccess.open(over: channel, key: key, entropy: entropy,
                                       tryExtendedLength: options.tryExtendedLength)
        } catch {
            throw failure(error, during: Self.readStep(of: error) ?? .accessControl)
        }
        opened = chip
        let reader = chip.fileReader()
        if options.reopenTimeout > 0 {
            reader.reopen = { [unowned self] () throws(SessionError) -> CardChannel in try self.reopenSession() }
        }
        self.reader = reader
        return .done("\(chip.access)\(chip.extendedLength ? ", extended length" : "")")
    }

    /// After the card slipped off the reader or the chip ended secure messaging: waits for the card to come back,
    /// powers it up and opens a new session with the same key. The file reader resumes where it stopped.
    private func reopenSession() throws(SessionError) -> CardChannel {
        if channel.isCancelled { throw .channel(.cancelled, step: .reopen) }
        do {
            try channel.recoverLink(timeout: options.reopenTimeout)
        } catch {
            // The file reader gives up at once on a card that did not come back in time (step `.reopen`).
            throw .channel(error, step: .reopen)
        }
        let again = try ChipAccess.open(over: channel, key: key, entropy: entropy,
                                        tryExtendedLength: opened?.extendedLength ?? false)
        opened?.channel = again.channel
        reopenings += 1
        emit(.reopened(during: current), lastFraction)
        return again.channel
    }

    private func readFile(_ file: ElementaryFile) throws(CCCDError) -> StepOutcome {
        guard let reader else { throw .internalFailure("a file was read before the session was opened") }
        do {
            let bytes = try reader.read(file)
            files[file] = bytes
            // Parsed at once: the steps after it use it (EF.SOD lists the data groups to expect).
            if let problem = parsed.add(file, bytes) { fileProblems.append(problem) }
            return .done("\(bytes.count) bytes")
        } catch {
            switch error {
            case .fileNotFound, .accessDenied, .unexpectedStatus:
                unreadable[file] = error.description
                return .skipped(error.description)
            case .malformedFile, .tooLong:
                unreadable[file] = error.description
                fileProblems.append(Problem(code: .fileMalformed, field: file.name, detail: error.description))
                return .skipped(error.description)
            case .linkLost(_, _, let cause):
                throw failure(cause, during: .readFile(file))
            }
        }
    }

    private func performChipAuthentication() throws(CCCDError) -> StepOutcome {
        guard options.chipAuthentication else {
            chipAuthentication = .notSupported(reason: "not asked for")
            return .skipped("not asked for")
        }
        guard let dg14 = parsed.dg14, let opened else {
            let why = files[.dataGroup(14)] == nil ? "DG14 was not read" : "DG14 is malformed"
            chipAuthentication = .notSupported(reason: why)
            return .skipped(why)
        }
        do {
            pendingChipAuthentication = try ChipAuthentication.perform(over: opened.channel, dg14: dg14,
                                                                       entropy: entropy)
            return .done("keys agreed; confirmed by the next protected exchange")
        } catch {
            switch error {
            case .notSupported(let why):
                chipAuthentication = .notSupported(reason: why)
                return .skipped(why)
            case .channel, .entropy:
                throw failure(error, during: .chipAuthentication)
            default:
                chipAuthentication = .failed(reason: error.description)
                return .done(chipAuthentication.description)
            }
        }
    }

    private func performActiveAuthentication() throws(CCCDError) -> StepOutcome {
        guard options.activeAuthentication else {
            activeAuthentication = .notSupported(reason: "not asked for")
            return .skipped("not asked for")
        }
        guard let dg15 = parsed.dg15, let opened else {
            let why = files[.dataGroup(15)] == nil ? "DG15 was not read" : "DG15 is malformed"
            activeAuthentication = .notSupported(reason: why)
            return .skipped(why)
        }
        // ICAO 9303-11 §6.1: an ECDSA chip names its signature algorithm in DG14's ActiveAuthenticationInfo.
        let algorithm = parsed.dg14?.securityInfos.infos.compactMap { info -> OID? in
            if case .activeAuthentication(let a) = info { return a.signatureAlgorithm } else { return nil }
        }.first
        do {
            // Over chip authentication's channel, its protected answer also confirms chip authentication.
            let outcome = try ActiveAuthentication.perform(
                over: pendingChipAuthentication?.channel ?? opened.channel, dg15: dg15, signatureAlgorithm: algorithm,
                entropy: entropy, extendedLength: opened.extendedLength)
            switch outcome {
            case .passed: activeAuthentication = .passed
            case .failed(let why): activeAuthentication = .failed(reason: why)
            }
        } catch {
            switch error {
            case .channel, .entropy: throw failure(error, during: .activeAuthentication)
            default: activeAuthentication = .failed(reason: error.description)
            }
        }
        return .done(activeAuthentication.description)
    }

    private func confirmChipAuthentication() throws(CCCDError) {
        guard let ca = pendingChipAuthentication else { return }
        let confirmed: Bool
        do {
            // No active authentication confirmed the new keys: the session layer sends one protected exchange.
            confirmed = try ca.confirm()
        } catch {
            throw failure(error, during: .chipAuthentication)
        }
        chipAuthentication = confirmed ? .passed
            : .failed(reason: "the chip does not answer under the keys agreed with DG14's public key")
    }

    private func passiveAuthentication() -> String {
        let check = PassiveCheck.run(sod: files[.sod], dataGroups: CardReadResult.dataGroups(files), trust: trust,
                                     at: readAt)
        passive = check
        return check.verdict.name
    }

    private func result() -> CardReadResult {
        var result = CardReadResult(
            files: files, unreadable: unreadable, parsed: parsed, fileProblems: fileProblems,
            passive: passive ?? PassiveCheck.run(sod: nil, dataGroups: [:], trust: trust, at: readAt),
            chipAuthentication: chipAuthentication, activeAuthentication: activeAuthentication, qr: qr,
            readAt: readAt, source: source)
        result.access = opened?.access
        result.link = .init(extendedLength: opened?.extendedLength ?? false, commands: channel.count,
                            reopenings: reopenings)
        return result
    }

    // MARK: Failures, typed end to end.

    private func checkCancelled() throws(CCCDError) {
        if channel.isCancelled { throw .cancelled }
    }

    /// A session-layer failure in the domain's terms: the link, the key, a replay that diverged, or a chip that
    /// broke the protocol, with the step it happened in.
    private func failure(_ error: SessionError, during step: ReadStep) -> CCCDError {
        if channel.isCancelled { return .cancelled }
        switch error {
        case .wrongPassword: return .accessDenied
        case .channel(let link, _): return Self.failure(link, during: step)
        case .entropy(let entropy, _):
            return source == .replay ? .replayEntropy(entropy) : .internalFailure("the entropy source failed: \(entropy)")
        case .notSupported(let what): return .notSupported(what)
        default: return .chipProtocol(error, during: step)
        }
    }

    static func failure(_ error: ChannelError, during step: ReadStep) -> CCCDError {
        switch error {
        case .cardRemoved, .cardReset, .noCard: return .cardRemoved(during: step)
        case .cancelled: return .cancelled
        case .serviceUnavailable: return .pcscUnavailable
        case .replayDiverged(let index, let expected, let actual):
            return .replayDiverged(index: index, expected: expected, actual: actual)
        case .replayExhausted(let count): return .replayExhausted(exchanges: count)
        default: return .linkFailed(error, during: step)
        }
    }

    /// The step of the opening an access-protocol error names.
    static func readStep(of error: SessionError) -> ReadStep? {
        let step: SessionStep
        switch error {
        case .channel(_, let s), .crypto(_, let s), .entropy(_, let s): step = s
        case .cardRefused(let s, _), .wrongPassword(let s), .chipAuthenticationFailed(let s, _),
             .malformedResponse(let s, _):
            step = s
        default: return nil
        }
        return step == .readCardAccess ? .readCardAccess : .accessControl
    }
}

/// Every command of a read passes here: counted, and stopped when the read is cancelled.
final class GuardedChannel: CardChannel {
    private let base: CardChannel
    private let cancellation: CancellationFlag
    /// Commands sent.
    private(set) var count = 0

    init(_ base: CardChannel, cancellation: CancellationFlag) {
        self.base = base
        self.cancellation = cancellation
    }

    var isCancelled: Bool { cancellation.isSet }

    var capabilities: ChannelCapabilities { base.capabilities }

    func recoverLink(timeout: Double) throws(ChannelError) {
        if cancellation.isSet { throw .cancelled }
        try base.recoverLink(timeout: timeout)
    }

    func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU {
        if cancellation.isSet { throw .cancelled }
        count += 1
        return try base.transmit(command)
    }
}

/// A flag set once, from any thread, when a read is cancelled.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Whether the read was cancelled.
    var isSet: Bool { flag.load(ordering: .acquiring) }

    /// Cancels.
    func set() { flag.store(true, ordering: .releasing) }
}
