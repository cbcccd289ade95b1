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
        var files = options.plannedFiles
        // Weights for the progress fraction: opening the chip, each file, the two chip checks, passive authentication.
        var total = Double(3 + files.count + 1)
        var done = 0.0
        func fraction(_ within: Double = 0) -> Double { min(1, (done + within) / total) }

        // 1. EF.CardAccess, PACE (BAC as the fallback), SELECT of the application: always.
        try step(.accessControl, from: fraction(), to: fraction(1)) { () throws(CCCDError) in try openSession() }
        done += 1
        // 2. The files asked for, EF.SOD among them whenever a data group is. A file the chip refuses or lacks is
        //    noted, and the read goes on (a data group EF.SOD lists is a failure then, CardReadResult). EF.SOD,
        //    not the unsigned EF.COM, decides what must be proven: when it lists DG14 (DG15), chip (active)
        //    authentication must run, so that data group is read even when not asked for.
        var index = 0
        while index < files.count {
            let file = files[index]
            let start = done
            reader?.progress = { [unowned self] file, bytes, length in
                emit(.progress(file, bytes: bytes, total: length),
                     min(1, (start + (length == 0 ? 1 : Double(bytes) / Double(length))) / total))
            }
            try step(.readFile(file), from: fraction(), to: fraction(1)) { () throws(CCCDError) in try readFile(file) }
            done += 1
            index += 1
            if file == .sod {
                let owed = dataGroupsOwedToChipChecks().filter { !files.contains($0) }
                files += owed
                total += Double(owed.count)
            }
        }
        // 2b. No downgrade, and no glitch taken for one: a BAC session with a chip whose DG14 (signed) lists PACE is
        //     opened once more from the start. One frame corrupted in the plain read of EF.CardAccess or in PACE's
        //     first command ends in BAC as surely as a man in the middle does; BAC again is BAC_ON_PACE_CHIP.
        try reopenAfterDowngrade()
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

    /// How many times the opening is tried: the link is recovered (the card powered up afresh) between the two.
    /// Repeated: a link failure (SCARD_E_NOT_TRANSACTED, a card reset, a stray 6Fxx) and every failure a frame
    /// corrupted on the way can cause as well as a clone can (a PACE token or BAC cryptogram that does not verify,
    /// a chip key off the curve, a malformed answer, a MAC failure under the new session): a glitch is not a
    /// clone. Only the second attempt's failure is reported, so a proof that fails twice is the chip's failure
    /// (`reject`) and a link that fails the second time is a link problem (`retry`). Never repeated: a wrong key
    /// (the chip said so; a wrong CAN is not tried again), a cancelled read, a replay. "Not supported" is repeated
    /// too: EF.CardAccess is read in plain, and one bit flipped in it names a PACE the chip then refuses.
    static let openingAttempts = 2

    /// Whether a failed opening is worth one more attempt on a card powered up afresh (``openingAttempts``).
    static func isRepeatableOpeningFailure(_ error: SessionError) -> Bool {
        // The chip's own answer that the key is wrong: asking again would only count against the card.
        if case .wrongPassword = error { return false }
        switch error {
        case .entropy: return false
        case .channel(let link, _): return error.isTransientLinkFailure && link != .cancelled
        default: return true
        }
    }

    private func openSession() throws(CCCDError) -> StepOutcome {
        var chip: OpenedChip?
        for attempt in 1...Self.openingAttempts {
            do {
                chip = try ChipAccess.open(over: channel, key: key, entropy: entropy,
                                           tryExtendedLength: options.tryExtendedLength)
                break
            } catch {
                let step = Self.readStep(of: error) ?? .accessControl
                guard attempt < Self.openingAttempts, Self.isRepeatableOpeningFailure(error),
                      options.reopenTimeout > 0, !channel.isCancelled else {
                    throw failure(error, during: step)
                }
                do {
                    try channel.recoverLink(timeout: options.reopenTimeout)
                } catch {
                    throw Self.failure(error, during: step)
                }
                reopenings += 1
                emit(.reopened(during: current), lastFraction)
            }
        }
        guard let chip else { throw .internalFailure("the chip was not opened") }
        opened = chip
        let reader = chip.fileReader()
        if options.reopenTimeout > 0 {
            reader.reopen = { [unowned self] () throws(SessionError) -> CardChannel in try self.reopenSession() }
        }
        self.reader = reader
        return .done("\(chip.access)\(chip.extendedLength ? ", extended length" : "")")
    }

    /// Whether DG14, which EF.SOD signs, lists PACE (a PACEInfo among its SecurityInfos, ICAO 9303-11 §9.2): the
    /// chip runs it.
    private var dg14ListsPACE: Bool {
        parsed.dg14?.securityInfos.infos.contains { if case .pace = $0 { return true } else { return false } } ?? false
    }

    /// Whether the one re-opening after a BAC session on a PACE chip was made.
    private var reopenedAfterDowngrade = false

    /// A BAC session on a chip whose DG14 lists PACE: the card is powered up afresh and opened from the start, once
    /// (EF.CardAccess read again, PACE tried again). Whatever that opening gives is the session from then on: PACE,
    /// or BAC again, which ``result()`` reports as `BAC_ON_PACE_CHIP`.
    private func reopenAfterDowngrade() throws(CCCDError) {
        guard !reopenedAfterDowngrade, options.reopenTimeout > 0, case .bac? = opened?.access, dg14ListsPACE else {
            return
        }
        reopenedAfterDowngrade = true
        current = .accessControl
        do {
            // The same re-opening as after a card lifted mid-read: it replaces the session whole.
            _ = try reopenSession()
        } catch {
            throw failure(error, during: Self.readStep(of: error) ?? .accessControl)
        }
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
        var again = try ChipAccess.open(over: channel, key: key, entropy: entropy,
                                        tryExtendedLength: opened?.extendedLength ?? false)
        // The new session is the session from now on, access protocol included: a re-opening that ends in BAC on
        // a PACE chip is a downgrade like the first opening's (`BAC_ON_PACE_CHIP`), never hidden behind the first
        // session's PACE. What the link carries stays as the file reader learnt it.
        again.extendedLength = opened?.extendedLength ?? again.extendedLength
        opened = again
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

    // MARK: Chip and active authentication: a glitch is not a clone.
    //
    // Each check gets at most `chipCheckAttempts` attempts. An attempt ends in a pass, in a clean negative answer
    // (the chip's own refusal under valid secure messaging, a signature that does not verify: a failed verdict at
    // once), or in a glitch: a secure messaging failure or a link failure, which a corrupted frame causes as well as
    // a clone. After a glitch the session is re-opened and the check repeated; a glitch again is a failed verdict
    // when secure messaging failed (a chip that does not hold the keys), and a link problem when the link did
    // (`retry`, never a verdict about the card).

    /// Attempts per chip check: the first, and one repeat after a glitch.
    static let chipCheckAttempts = 2

    /// How one attempt at a chip check ended.
    private enum Attempt {
        case passed
        /// A clean negative answer: the verdict, with the reason.
        case failed(String)
        /// A secure messaging or link failure.
        case glitch(SessionError)
        /// Chip authentication's keys agreed; the next protected exchange (active authentication's) confirms them.
        case pending
        /// The check cannot run (DG14 names no key or protocol this reader runs), with the reason.
        case notSupported(String)
    }

    private var chipAuthenticationAttempts = 0
    private var activeAuthenticationAttempts = 0
    /// Whether the session must be re-opened before the next command (after a glitch, or a chip authentication
    /// whose keys the chip did not take).
    private var sessionBroken = false

    /// The data groups EF.SOD lists that chip and active authentication need (DG14, DG15), when they are asked for.
    private func dataGroupsOwedToChipChecks() -> [ElementaryFile] {
        let listed = Set(parsed.sod?.securityObject.dataGroupHashes.map(\.dataGroupNumber) ?? [])
        var owed: [ElementaryFile] = []
        if options.chipAuthentication, listed.contains(14) { owed.append(.dataGroup(14)) }
        if options.activeAuthentication, listed.contains(15) { owed.append(.dataGroup(15)) }
        return owed
    }

    /// Whether EF.SOD lists data group `n`.
    private func sodLists(_ n: Int) -> Bool {
        parsed.sod?.securityObject.dataGroupHashes.contains { $0.dataGroupNumber == n } ?? false
    }

    /// Whether an error of a chip check is the chip's own clean answer (a status word under valid secure messaging,
    /// a key DG14 holds that cannot be used) rather than a glitch.
    private static func isCleanAnswer(_ error: SessionError) -> Bool {
        switch error {
        case .cardRefused(_, let status): return !status.isNoPreciseDiagnosis
        case .crypto, .malformedResponse, .invalidChipKey, .chipAuthenticationFailed: return true
        default: return false
        }
    }

    /// Re-opens the session before a repeated chip check; a link that does not come back ends the read (`retry`).
    private func reopenForChipCheck(during step: ReadStep) throws(CCCDError) {
        current = step
        do {
            _ = try reopenSession()
        } catch {
            throw failure(error, during: step)
        }
        pendingChipAuthentication = nil
        sessionBroken = false
    }

    /// The verdict after the last attempt glitched: a link failure ends the read as a link problem, a secure
    /// messaging failure is the chip's failure.
    private func settleGlitch(_ error: SessionError, during step: ReadStep) throws(CCCDError) -> Verdict {
        if error.isTransientLinkFailure { throw failure(error, during: step) }
        if case .channel = error { throw failure(error, during: step) }  // cancelled, a replay that diverged
        return .failed(reason: error.description)
    }

    private func performChipAuthentication() throws(CCCDError) -> StepOutcome {
        guard options.chipAuthentication else {
            chipAuthentication = .notSupported(reason: "not asked for")
            return .skipped("not asked for")
        }
        guard parsed.dg14 != nil, opened != nil else {
            let why = files[.dataGroup(14)] == nil ? "DG14 was not read" : "DG14 is malformed"
            // What EF.SOD lists must be there: not "not supported".
            chipAuthentication = sodLists(14) ? .failed(reason: "EF.SOD lists DG14, but \(why)")
                : .notSupported(reason: why)
            return .skipped(why)
        }
        // Active authentication's protected answer confirms the keys when it runs next; else one READ BINARY does.
        let confirmNow = !(options.activeAuthentication && parsed.dg15 != nil)
        try repeatChipAuthentication(confirmNow: confirmNow)
        if pendingChipAuthentication != nil { return .done("keys agreed; confirmed by the next protected exchange") }
        return .done(chipAuthentication.description)
    }

    /// Chip authentication's attempts, until a verdict (or `pending` with the keys agreed).
    private func repeatChipAuthentication(confirmNow: Bool,
                                          reopeningDuring step: ReadStep = .chipAuthentication) throws(CCCDError) {
        while true {
            if sessionBroken { try reopenForChipCheck(during: step) }
            chipAuthenticationAttempts += 1
            switch try attemptChipAuthentication(confirmNow: confirmNow) {
            case .passed:
                chipAuthentication = .passed
                return
            case .pending:
                return
            case .notSupported(let why):
                chipAuthentication = .notSupported(reason: why)
                return
            case .failed(let why):
                chipAuthentication = .failed(reason: why)
                // The chip may have switched keys before its answer was found wrong: a new session for what follows.
                sessionBroken = true
                return
            case .glitch(let error):
                sessionBroken = true
                if chipAuthenticationAttempts >= Self.chipCheckAttempts {
                    chipAuthentication = try settleGlitch(error, during: .chipAuthentication)
                    return
                }
            }
        }
    }

    private func attemptChipAuthentication(confirmNow: Bool) throws(CCCDError) -> Attempt {
        guard let dg14 = parsed.dg14, let session = opened?.channel else {
            return .failed("the session is not open")
        }
        let result: ChipAuthenticationResult
        do {
            result = try ChipAuthentication.perform(over: session, dg14: dg14, entropy: entropy)
        } catch {
            switch error {
            case .notSupported(let why):
                return .notSupported(why)
            case .entropy:
                throw failure(error, during: .chipAuthentication)
            default:
                return Self.isCleanAnswer(error) ? .failed(error.description) : .glitch(error)
            }
        }
        // Everything after goes under the new keys (ICAO 9303-11 §6.2): the file reader too, after a re-opening.
        opened?.channel = result.channel
        guard confirmNow else {
            pendingChipAuthentication = result
            return .pending
        }
        return confirm(result)
    }

    /// Sends the confirming exchange when none has verified under chip authentication's keys yet.
    private func confirm(_ result: ChipAuthenticationResult) -> Attempt {
        do {
            if try result.confirm() { return .passed }
            sessionBroken = true
            return .glitch(result.channel.lastFailure ?? .secureMessaging(.macMismatch))
        } catch {
            sessionBroken = true
            return .glitch(error)
        }
    }

    private func performActiveAuthentication() throws(CCCDError) -> StepOutcome {
        guard options.activeAuthentication else {
            activeAuthentication = .notSupported(reason: "not asked for")
            return .skipped("not asked for")
        }
        guard let dg15 = parsed.dg15, opened != nil else {
            let why = files[.dataGroup(15)] == nil ? "DG15 was not read" : "DG15 is malformed"
            activeAuthentication = sodLists(15) ? .failed(reason: "EF.SOD lists DG15, but \(why)")
                : .notSupported(reason: why)
            return .skipped(why)
        }
        // ICAO 9303-11 §6.1: an ECDSA chip names its signature algorithm in DG14's ActiveAuthenticationInfo.
        let algorithm = parsed.dg14?.securityInfos.infos.compactMap { info -> OID? in
            if case .activeAuthentication(let a) = info { return a.signatureAlgorithm } else { return nil }
        }.first
        while true {
            if sessionBroken { try reopenForChipCheck(during: .activeAuthentication) }
            activeAuthenticationAttempts += 1
            let pending = pendingChipAuthentication
            let attempt: Attempt
            do {
                // Over chip authentication's channel, its protected answer also confirms chip authentication. The
                // link length is the file reader's, which has stepped down if the chip refused extended length.
                let outcome = try ActiveAuthentication.perform(
                    over: opened?.channel ?? channel, dg15: dg15, signatureAlgorithm: algorithm, entropy: entropy,
                    extendedLength: reader?.extendedLength ?? false)
                switch outcome {
                case .passed: attempt = .passed
                case .failed(let why): attempt = .failed(why.description)
                }
            } catch {
                if case .entropy = error { throw failure(error, during: .activeAuthentication) }
                attempt = Self.isCleanAnswer(error) ? .failed(error.description) : .glitch(error)
            }
            if let pending {
                pendingChipAuthentication = nil
                if pending.isConfirmed {
                    chipAuthentication = .passed
                } else {
                    // Under chip authentication's fresh keys a failure is the chip's (it may not hold DG14's key)
                    // as much as the link's: that chip authentication attempt proved nothing either way and does
                    // not count; chip authentication is repeated on its own, with its confirmation, before active
                    // authentication is. (It is never pending again, so this happens once.)
                    sessionBroken = true
                    chipAuthenticationAttempts -= 1
                    try repeatChipAuthentication(confirmNow: true, reopeningDuring: .activeAuthentication)
                    if case .glitch = attempt {
                        // The attempt ran under keys not proven the chip's: it does not count. (Chip authentication
                        // is settled now, so this happens once.)
                        activeAuthenticationAttempts -= 1
                        continue
                    }
                }
            }
            switch attempt {
            case .passed:
                activeAuthentication = .passed
            case .failed(let why):
                activeAuthentication = .failed(reason: why)
            case .pending, .notSupported:
                activeAuthentication = .failed(reason: "internal: active authentication has no such outcome")
            case .glitch(let error):
                sessionBroken = true
                if activeAuthenticationAttempts < Self.chipCheckAttempts { continue }
                activeAuthentication = try settleGlitch(error, during: .activeAuthentication)
            }
            return .done(activeAuthentication.description)
        }
    }

    private func confirmChipAuthentication() throws(CCCDError) {
        guard let pending = pendingChipAuthentication else { return }
        pendingChipAuthentication = nil
        current = .chipAuthentication
        switch confirm(pending) {
        case .passed:
            chipAuthentication = .passed
        case .glitch(let error):
            if chipAuthenticationAttempts >= Self.chipCheckAttempts {
                chipAuthentication = try settleGlitch(error, during: .chipAuthentication)
            } else {
                try repeatChipAuthentication(confirmNow: true)
            }
        case .failed(let why):
            chipAuthentication = .failed(reason: why)
        case .pending, .notSupported:
            break
        }
    }

    private func passiveAuthentication() -> String {
        let check = PassiveCheck.run(sod: files[.sod], dataGroups: CardReadResult.dataGroups(files), trust: trust,
                                     at: readAt)
        passive = check
        return check.verdict.name
    }

    private func result() -> CardReadResult {
        var problems = fileProblems
        // No downgrade (ICAO 9303-11 §4.2): DG14, which EF.SOD signs, says the chip runs PACE; a BAC session with it
        // is a man in the middle's doing (EF.CardAccess is not signed and can be hidden) or a chip refusing PACE.
        if case .bac(let why)? = opened?.access, dg14ListsPACE {
            problems.append(Problem(code: .bacOnPACEChip, field: "DG14",
                                    detail: "the session was opened with BAC (\(why)) although DG14 lists PACE"))
        }
        var result = CardReadResult(
            files: files, unreadable: unreadable, parsed: parsed, fileProblems: problems,
            passive: passive ?? PassiveCheck.run(sod: nil, dataGroups: [:], trust: trust, at: readAt),
            chipAuthentication: chipAuthentication, activeAuthentication: activeAuthentication, qr: qr,
            readAt: readAt, source: source)
        result.access = opened?.access
        result.link = .init(extendedLength: reader?.extendedLength ?? opened?.extendedLength ?? false,
                            commands: channel.count, reopenings: reopenings)
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
        case .cardRefused(_, let status) where status.isNoPreciseDiagnosis:
            // A stray 6Fxx is what readers answer when the exchange failed on the way: the link's, not the chip's.
            return .linkFailed(.transport("the reader answered \(status) (no precise diagnosis)"), during: step)
        case .secureMessaging(.unprotectedStatus(let status)) where status.isNoPreciseDiagnosis:
            return .linkFailed(.transport("the reader answered \(status) (no precise diagnosis) in the chip's place"),
                               during: step)
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
