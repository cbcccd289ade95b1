import CardIO
import Foundation
import ICAOSession
import LDS
import Synchronization
import Verification

/// Where a card is read from.
public enum CardSource: Sendable {
    /// A card on a PC/SC reader; with `waitForCard`, the read waits that long for a card to be put down.
    case reader(ReaderSelection = .firstWithCard, waitForCard: Duration? = nil)
    /// A recorded trace (`cccd-trace/1`): every command must equal the recorded one, and the recorded answer comes
    /// back. The access key and the terminal's randomness come from the trace.
    case trace(Trace)
    /// Any channel: the in-process virtual chip, another transport. `open` runs on the read's own thread.
    case channel(name: String, open: @Sendable () throws(ChannelError) -> any CardChannel)
}

/// One read of one card, running on a thread of its own (PC/SC calls block; they never run on Swift's
/// cooperative pool): its progress as an `AsyncSequence`, its result awaited, cancellable.
///
/// ```swift
/// let session = CardSession(source: .reader("ACR"), key: .can("012345"), trust: store)
/// for await event in session.progress { print(event.fraction) }
/// let result = try await session.result
/// print(result.record.fullName ?? "", result.verdict)
/// ```
///
/// Or in one call: ``read(from:key:trust:qr:options:)``. Cancelling the awaiting task (or calling ``cancel()``)
/// stops the read before its next command, and ends a wait for a card at once (`SCardCancel`).
public final class CardSession: Sendable {
    /// Where the card is read from.
    public let source: CardSource

    private let cancellation = CancellationFlag()
    private let state = Mutex(State())
    private let apduLog: (@Sendable (APDULogEntry) -> Void)?

    private struct State {
        var events: [ReadEvent] = []
        var subscribers: [Int: AsyncStream<ReadEvent>.Continuation] = [:]
        var nextSubscriber = 0
        var outcome: Result<CardReadResult, CCCDError>?
        var waiters: [CheckedContinuation<Result<CardReadResult, CCCDError>, Never>] = []
        var context: PCSCContext?
        var trace: Trace?
    }

    /// Starts reading at once.
    ///
    /// - Parameters:
    ///   - source: a reader, a trace or a channel.
    ///   - key: the CAN or MRZ key; nil for a trace, whose own is used.
    ///   - trust: the CSCAs to check the document signer against; nil for none (the verdict is then at best
    ///     `reject` with `NO_TRUST_ANCHOR`).
    ///   - qr: the card's QR, to cross-check the chip with.
    ///   - options: what to read; for a trace, nil takes what the recorded read asked for.
    ///   - entropy: where the terminal's randomness comes from (the system's by default; a trace's own for a replay).
    ///   - apduLog: called with each exchange on the wire, header and lengths only (`CardIO.APDULogEntry`): the
    ///     `--verbose` log. Never the data, the access key or session keys.
    public init(source: CardSource, key: AccessKey? = nil, trust: TrustStore? = nil, qr: CardQRCode? = nil,
                options: ReadOptions? = nil, entropy: (@Sendable () -> any EntropySource)? = nil,
                apduLog: (@Sendable (APDULogEntry) -> Void)? = nil) {
        self.source = source
        self.apduLog = apduLog
        let thread = Thread { [self] in
            let outcome: Result<CardReadResult, CCCDError>
            do throws(CCCDError) {
                outcome = .success(try self.perform(key: key, trust: trust, qr: qr, options: options,
                                                    entropy: entropy))
            } catch {
                outcome = .failure(error)
            }
            self.finish(outcome)
        }
        thread.name = "cccd read"
        thread.start()
    }

    /// Reads a card and returns the result: the record, the portrait, every check and the verdict.
    ///
    /// A link failure, a refused key or a cancelled read throws (``CCCDError/verdict`` says `retry`); a read that
    /// completes returns, whatever its verdict.
    public static func read(from source: CardSource, key: AccessKey, trust: TrustStore?, qr: CardQRCode? = nil,
                            options: ReadOptions = ReadOptions()) async throws(CCCDError) -> CardReadResult {
        try await CardSession(source: source, key: key, trust: trust, qr: qr, options: options).result
    }

    /// Replays a recorded trace: the same read, with the trace's key, randomness and time of reading.
    public static func replay(_ trace: Trace, trust: TrustStore?, qr: CardQRCode? = nil,
                              options: ReadOptions? = nil) async throws(CCCDError) -> CardReadResult {
        try await CardSession(source: .trace(trace), trust: trust, qr: qr, options: options).result
    }

    /// The read's events, from the first (each subscriber gets them all), ending when the read ends.
    public var progress: AsyncStream<ReadEvent> {
        AsyncStream { continuation in
            let finished: Bool = state.withLock { state in
                for event in state.events { continuation.yield(event) }
                if state.outcome != nil { return true }
                state.subscribers[state.nextSubscriber] = continuation
                state.nextSubscriber += 1
                return false
            }
            if finished { continuation.finish() }
        }
    }

    /// The result, once the read ends. Cancelling the awaiting task cancels the read.
    public var result: CardReadResult {
        get async throws(CCCDError) {
            let outcome = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Result<CardReadResult, CCCDError>, Never>) in
                    state.withLock { state in
                        if let outcome = state.outcome {
                            continuation.resume(returning: outcome)
                        } else {
                            state.waiters.append(continuation)
                        }
                    }
                }
            } onCancel: {
                self.cancel()
            }
            return try outcome.get()
        }
    }

    /// The verdict of this attempt, however it ended: the result's, or the failure's; a failure that is not about
    /// the card (a malformed input, a bug) is `retry` too, since nothing was concluded about the card. What a desk
    /// shows.
    public var verdict: CardVerdict {
        get async {
            do {
                return try await result.verdict
            } catch {
                return error.verdict ?? .retry([Problem(code: Problem.Code(rawValue: error.code), detail: error.description)])
            }
        }
    }

    /// The session as recorded, once the read ended (also after a failure), when ``ReadOptions/record`` was set.
    /// It holds the access secret.
    public var recordedTrace: Trace? { state.withLock { $0.trace } }

    /// Stops the read before its next command, or ends its wait for a card now.
    public func cancel() {
        cancellation.set()
        let context = state.withLock { $0.context }
        context?.cancel()
    }

    // MARK: The read's thread.

    private func emit(_ kind: ReadEvent.Kind, fraction: Double) {
        let event = ReadEvent(kind, fraction: fraction)
        let subscribers = state.withLock { state in
            state.events.append(event)
            return state.subscribers
        }
        for (id, subscriber) in subscribers {
            if case .terminated = subscriber.yield(event) {
                state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
            }
        }
    }

    private func finish(_ outcome: Result<CardReadResult, CCCDError>) {
        let (subscribers, waiters) = state.withLock { state in
            state.outcome = outcome
            defer {
                state.subscribers = [:]
                state.waiters = []
            }
            return (Array(state.subscribers.values), state.waiters)
        }
        for subscriber in subscribers { subscriber.finish() }
        for waiter in waiters { waiter.resume(returning: outcome) }
    }

    private func perform(key: AccessKey?, trust: TrustStore?, qr: CardQRCode?, options: ReadOptions?,
                         entropy makeEntropy: (@Sendable () -> any EntropySource)?) throws(CCCDError) -> CardReadResult {
        switch source {
        case .reader(let selection, let wait):
            guard let key else { throw .accessKeyMissing }
            let (card, name) = try connect(selection, waitingUpTo: wait)
            defer { card.disconnect() }
            emit(.cardFound(reader: name), fraction: 0)
            let atr = (try? card.status().atr) ?? []
            return try read(over: card, key: key, trust: trust, qr: qr, options: options ?? ReadOptions(),
                            entropy: makeEntropy?() ?? SystemEntropy(), readAt: Date(), source: .live,
                            reader: Trace.ReaderInfo(name: name, atr: atr))
        case .channel(let name, let open):
            guard let key else { throw .accessKeyMissing }
            let channel: any CardChannel
            do throws(ChannelError) {
                channel = try open()
            } catch {
                throw ReadPipeline.failure(error, during: .connect)
            }
            emit(.cardFound(reader: name), fraction: 0)
            return try read(over: channel, key: key, trust: trust, qr: qr, options: options ?? ReadOptions(),
                            entropy: makeEntropy?() ?? SystemEntropy(), readAt: Date(), source: .live,
                            reader: Trace.ReaderInfo(name: name, atr: []))
        case .trace(let trace):
            return try replay(trace, key: key, trust: trust, qr: qr, options: options)
        }
    }

    private func replay(_ trace: Trace, key: AccessKey?, trust: TrustStore?, qr: CardQRCode?,
                        options: ReadOptions?) throws(CCCDError) -> CardReadResult {
        let key = if let key { key } else { try Self.accessKey(of: trace) }
        let channel = ReplayChannel(trace: trace)
        let readAt = trace.recordedAt.flatMap(ISO8601.date) ?? Date()
        emit(.cardFound(reader: trace.reader?.name ?? "trace"), fraction: 0)
        let recorded = try trace.read.map { (request) throws(CCCDError) -> ReadOptions in try ReadOptions(request) }
        var result = try read(over: channel, key: key, trust: trust, qr: qr,
                              options: options ?? recorded ?? ReadOptions(),
                              entropy: RecordedEntropy(trace.entropy), readAt: readAt, source: .replay,
                              reader: trace.reader)
        guard channel.isFinished else {
            throw .replayUnfinished(used: channel.position, recorded: trace.exchanges.count)
        }
        for (name, expected) in trace.expectedFiles.sorted(by: { $0.key < $1.key }) {
            guard let file = result.files.first(where: { $0.key.name == name }) else { continue }
            if file.value != expected { throw .replayExpectation(file: name) }
        }
        result.reader = trace.reader?.name
        return result
    }

    /// The trace's access secret.
    static func accessKey(of trace: Trace) throws(CCCDError) -> AccessKey {
        guard let key = trace.access else { throw .traceWithoutAccess }
        return key
    }

    private func read(over base: any CardChannel, key: AccessKey, trust: TrustStore?, qr: CardQRCode?,
                      options: ReadOptions, entropy: any EntropySource, readAt: Date, source: ReadSource,
                      reader: Trace.ReaderInfo?) throws(CCCDError) -> CardReadResult {
        try CardReader.read(
            over: base, key: key, trust: trust, qr: qr, options: options, entropy: entropy, readAt: readAt,
            source: source, reader: reader, cancellation: cancellation, apduLog: apduLog,
            recorded: { [self] trace in state.withLock { $0.trace = trace } },
            progress: { [self] event in emit(event.kind, fraction: event.fraction) })
    }

    /// Finds the reader and connects to its card, waiting up to `wait` for a card (or a reader) to appear.
    private func connect(_ selection: ReaderSelection,
                         waitingUpTo wait: Duration?) throws(CCCDError) -> (PCSCCard, String) {
        let context: PCSCContext
        do {
            context = try PCSCContext()
        } catch {
            throw CCCDError(error)
        }
        state.withLock { $0.context = context }
        defer { state.withLock { $0.context = nil } }
        let deadline = wait.map { ContinuousClock.now + $0 }
        var snapshot: PCSCContext.Snapshot?
        var announced = false
        while true {
            if cancellation.isSet { throw .cancelled }
            let readers: [ReaderStatus]
            do {
                readers = try context.readerStatuses()
            } catch {
                throw CCCDError(error)
            }
            let status: ReaderStatus
            do {
                status = try selection.resolve(in: readers)
            } catch {
                switch error {
                case .noCard, .noReader:
                    guard let deadline, ContinuousClock.now < deadline else { throw error }
                    if !announced {
                        if case .named(let query) = selection {
                            emit(.waitingForCard(reader: (try? Self.name(query, readers)) ?? query), fraction: 0)
                        } else {
                            emit(.waitingForCard(reader: nil), fraction: 0)
                        }
                        announced = true
                    }
                    let left = deadline - ContinuousClock.now
                    let milliseconds = Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
                    do throws(PCSCError) {
                        let previous = if let snapshot { snapshot } else { try context.waitForChange(after: nil) }
                        snapshot = try context.waitForChange(after: previous, timeout: max(1, min(milliseconds, 1000)))
                    } catch {
                        switch error {
                        case .timeout: continue
                        case .cancelled: throw .cancelled
                        default: throw CCCDError(error)
                        }
                    }
                    continue
                default:
                    throw error
                }
            }
            do {
                return (try context.connect(reader: status.name), status.name)
            } catch {
                throw CCCDError(error, reader: status.name)
            }
        }
    }

    private static func name(_ query: String, _ readers: [ReaderStatus]) throws -> String {
        try ReaderSelection.named(query).resolve(in: readers.map {
            ReaderStatus(name: $0.name, cardPresent: true)
        }).name
    }

}

extension CCCDError {
    /// A PC/SC failure in the domain's terms (``ReadStep/connect``).
    public init(_ error: PCSCError, reader: String? = nil) {
        switch error {
        case .serviceUnavailable: self = .pcscUnavailable
        case .noReaders: self = .noReader
        case .noCard: self = .noCard(reader: reader)
        case .cancelled: self = .cancelled
        case .readerNotFound(let name): self = .readerNotFound(name.isEmpty ? (reader ?? "") : name, available: [])
        case .ambiguousReader(let name, let matches): self = .ambiguousReader(name, matches: matches)
        case .cardRemoved, .cardReset: self = .cardRemoved(during: .connect)
        default: self = .linkFailed(error.channelError, during: .connect)
        }
    }
}

/// The read on the calling thread, blocking until it ends: for callers with a thread of their own (a benchmark, a
/// test, a server's worker). ``CardSession`` runs the same read on a thread it owns.
public enum CardReader {
    /// Reads the card behind `channel` through every step of ``ReadStep``, and decides the verdict.
    ///
    /// - Parameters:
    ///   - channel: the link to the card: a PC/SC card, a replay, the in-process virtual chip.
    ///   - key: the CAN or MRZ key.
    ///   - trust: the CSCAs to check the document signer against; nil for none (the verdict is then at best
    ///     `reject` with `NO_TRUST_ANCHOR`).
    ///   - qr: the card's QR, to cross-check the chip with.
    ///   - options: what to read.
    ///   - entropy: where the terminal's randomness comes from (a trace's recorded draws for a replay).
    ///   - readAt: the time of reading, against which certificates and the card's expiry are judged.
    ///   - source: `live`, or `replay` for a recorded session (whose verdict is never `accept`).
    ///   - reader: the reader's name and the card's ATR, for the result and a recorded trace.
    ///   - apduLog: called with each exchange on the wire, header and lengths only.
    ///   - recorded: called with the session as a trace when ``ReadOptions/record`` is set, also after a failure.
    ///   - progress: called with each event, on the calling thread.
    public static func read(over channel: any CardChannel, key: AccessKey, trust: TrustStore? = nil, qr: CardQRCode? = nil,
                            options: ReadOptions = ReadOptions(), entropy: any EntropySource = SystemEntropy(),
                            readAt: Date = Date(), source: ReadSource = .live, reader: Trace.ReaderInfo? = nil,
                            apduLog: ((APDULogEntry) -> Void)? = nil, recorded: ((Trace) -> Void)? = nil,
                            progress: ((ReadEvent) -> Void)? = nil) throws(CCCDError) -> CardReadResult {
        try read(over: channel, key: key, trust: trust, qr: qr, options: options, entropy: entropy, readAt: readAt,
                 source: source, reader: reader, cancellation: CancellationFlag(), apduLog: apduLog,
                 recorded: recorded, progress: progress)
    }

    static func read(over wire: any CardChannel, key: AccessKey, trust: TrustStore?, qr: CardQRCode?,
                     options: ReadOptions, entropy: any EntropySource, readAt: Date, source: ReadSource,
                     reader: Trace.ReaderInfo?, cancellation: CancellationFlag, apduLog: ((APDULogEntry) -> Void)?,
                     recorded: ((Trace) -> Void)?, progress: ((ReadEvent) -> Void)?) throws(CCCDError) -> CardReadResult {
        let base: any CardChannel = apduLog.map { APDULogChannel(wrapping: wire, log: $0) } ?? wire
        let recorder = options.record ? RecordingChannel(wrapping: base) : nil
        let recordedEntropy = options.record ? RecordingEntropy(wrapping: entropy) : nil
        let channel = GuardedChannel(recorder ?? base, cancellation: cancellation)
        let pipeline = ReadPipeline(channel: channel, key: key, entropy: recordedEntropy ?? entropy, options: options,
                                    trust: trust, qr: qr, readAt: readAt, source: source) { kind, fraction in
            progress?(ReadEvent(kind, fraction: fraction))
        }
        var trace: Trace?
        defer {
            if let trace { recorded?(trace) }
        }
        func makeTrace() -> Trace? {
            guard let recorder, let recordedEntropy else { return nil }
            return recorder.trace(title: "cccd read of a card in \(reader?.name ?? "a reader")", origin: "recorded",
                                  reader: reader, access: key,
                                  entropy: recordedEntropy.draws, recordedAt: ISO8601.string(readAt),
                                  read: options.request)
        }
        do {
            var result = try pipeline.run()
            trace = makeTrace()
            result.reader = reader?.name
            result.trace = trace
            return result
        } catch {
            trace = makeTrace()
            throw error
        }
    }
}
