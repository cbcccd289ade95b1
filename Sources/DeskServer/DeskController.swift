import CCCD
import CCCDQR
import DeskRecord
import Foundation

/// Where the desk is in an attempt: the `state` of `cccd-desk/1` (`shared/CLI.md`).
public enum DeskPhase: String, Sendable, Hashable, CaseIterable {
    /// Nothing to do until the QR (or the ID, CAN, MRZ) is given; a card put down first waits here.
    case waitingForSecret = "waiting-for-secret"
    /// The secret is in; the read waits for the card.
    case waitingForCard = "waiting-for-card"
    /// The card is being read.
    case reading
    /// The card was accepted; the phone (and e-mail) are asked for.
    case awaitingContact = "awaiting-contact"
    /// The attempt is over: a card was read and judged (and, for an accepted one, its payload saved).
    case done
    /// The attempt failed before a card was judged (the link, the key, the reader): the verdict is `retry`.
    case error
}

/// Why the desk did not take a request.
public enum DeskRefusal: Error, Sendable, Equatable {
    /// A card is being read (or awaited): wait for it, or reset.
    case busy
    /// The input is not a QR, ID, CAN or MRZ key (the library's error, with its code).
    case input(CCCDError)
    /// No accepted card awaits contact details.
    case notAwaitingContact
    /// The phone or the e-mail is malformed.
    case contact(ContactCheck.Refusal)
    /// The accepted card lacks what the level-1 payload needs, or the payload could not be saved.
    case payload(CCCDError)

    /// The stable code the page shows (and the JSON error carries).
    public var code: String {
        switch self {
        case .busy: return "DESK_BUSY"
        case .input(let error), .payload(let error): return error.code
        case .notAwaitingContact: return "DESK_NOT_AWAITING_CONTACT"
        case .contact(.phone): return "PHONE_INVALID"
        case .contact(.email): return "EMAIL_INVALID"
        }
    }

    /// One line for the officer, in `language`.
    public func message(_ language: DeskLanguage) -> String {
        switch self {
        case .busy: return DeskMessages.text("status.busy", language)
        case .input(let error), .payload(let error):
            let explained = DeskMessages.explain(code: error.code, language: language)
            return explained.message + " " + explained.action
        case .notAwaitingContact: return DeskMessages.text("status.done", language)
        case .contact(.phone): return DeskMessages.text("contact.phoneInvalid", language)
        case .contact(.email): return DeskMessages.text("contact.emailInvalid", language)
        }
    }
}

/// The desk's state machine: one attempt at a time, from the secret to the verdict to the level-1 payload, with
/// every change published to the page (server-sent events) as a `cccd-desk/1` document.
///
/// The verdict is always the library's (`CCCD.CardReadResult.verdict`, or `CCCD.CardSession.verdict` for a
/// failed attempt); the controller only decides where the officer goes next.
public actor DeskController {
    /// The settings it was started with.
    public nonisolated let settings: DeskSettings

    private var phase: DeskPhase = .waitingForSecret
    private var progress: Double = 0
    private var readerName: String?
    private var cardPresent = false
    private var cardLifted = false
    private var attemptNumber = 0
    private var current: Attempt?
    private var refusal: DeskRefusal?
    private var subscribers: [UUID: AsyncStream<String>.Continuation] = [:]
    private var lastPublished: String?
    private var monitor: ReaderMonitor?

    /// One attempt: its session, what was given, and what came of it.
    struct Attempt {
        let number: Int
        let session: CardSession
        let input: CardInput
        var result: CardReadResult?
        var failure: CCCDError?
        var verdict: CardVerdict?
        var recorded: AttemptRecorder.RecordedAttempt?
        var saved: String? { recorded?.saved }
        var saveError: String?
        var portraitJPEG: [UInt8]?
        var level1: Level1Payload?
        var level1Saved: String?
        var endedAt: Date?
    }

    /// A desk with these settings; ``start()`` begins watching the reader.
    public init(settings: DeskSettings) {
        self.settings = settings
        if case .named(let query) = settings.reader { readerName = query }
    }

    /// Starts watching the reader for cards put down before their secret.
    public func start() {
        guard settings.watchReader, monitor == nil else { return }
        let monitor = ReaderMonitor(selection: settings.reader) { [weak self] present, name in
            Task { await self?.cardPresence(present, reader: name) }
        }
        self.monitor = monitor
        monitor.start()
    }

    /// Stops the reader watch and any read in progress, and ends every event stream.
    public func stop() {
        monitor?.stop()
        monitor = nil
        current?.session.cancel()
        for subscriber in subscribers.values { subscriber.finish() }
        subscribers = [:]
    }

    // MARK: Requests.

    /// The officer's input (the wedge scanner's QR text, an ID, a CAN or an MRZ key): starts reading the card.
    ///
    /// Taken in any state but a read in progress; a pending contact step is abandoned (the next person).
    public func submit(_ text: String) throws(DeskRefusal) {
        if phase == .waitingForCard || phase == .reading { throw .busy }
        let input: CardInput
        do {
            input = try CardInput(parsing: text)
        } catch {
            refusal = .input(error)
            publish()
            throw .input(error)
        }
        refusal = nil
        attemptNumber += 1
        let number = attemptNumber
        let session = CardSession(source: .reader(settings.reader, waitForCard: settings.cardTimeout), key: input.key,
                                  trust: settings.trust, qr: input.qr, apduLog: settings.apduLog)
        current = Attempt(number: number, session: session, input: input)
        phase = .waitingForCard
        progress = 0
        cardLifted = false
        publish()
        Task { [weak self] in
            for await event in session.progress { await self?.observe(event, attempt: number) }
            let outcome: Result<CardReadResult, CCCDError>
            do throws(CCCDError) {
                outcome = .success(try await session.result)
            } catch {
                outcome = .failure(error)
            }
            let verdict = await session.verdict
            await self?.finish(outcome, verdict: verdict, attempt: number)
        }
    }

    /// Checks the contact details as the officer types (`check`), or saves the level-1 payload with them.
    ///
    /// - Returns: each field's outcome (`{"phone": {"valid": true, "value": "+84…"}, "email": …}`).
    public func contact(phone: String, email: String?, check: Bool) throws(DeskRefusal) -> JSONValue {
        let email = email.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let phoneCheck: JSONValue
        do {
            let value = try ContactCheck.e164(phone)
            phoneCheck = .object([("valid", .bool(true)), ("value", .string(value)),
                                  ("message", .string(DeskMessages.text("contact.phoneOK", settings.language,
                                                                        ["value": value])))])
        } catch {
            phoneCheck = .object([("valid", .bool(false)), ("code", .string(DeskRefusal.contact(error).code)),
                                  ("message", .string(DeskRefusal.contact(error).message(settings.language)))])
        }
        var emailCheck: JSONValue = .null
        if let email {
            do {
                let value = try ContactCheck.email(email)
                emailCheck = .object([("valid", .bool(true)), ("value", .string(value)),
                                      ("message", .string(DeskMessages.text("contact.emailOK", settings.language)))])
            } catch {
                emailCheck = .object([("valid", .bool(false)), ("code", .string(DeskRefusal.contact(error).code)),
                                      ("message", .string(DeskRefusal.contact(error).message(settings.language)))])
            }
        }
        let checked = JSONValue.object([("phone", phoneCheck), ("email", emailCheck)])
        if check { return checked }
        guard phase == .awaitingContact, var attempt = current, let result = attempt.result else {
            throw .notAwaitingContact
        }
        let contact: Level1Payload.Contact
        do {
            contact = try Level1Payload.Contact(phone: phone, email: email)
        } catch {
            throw .contact(error)
        }
        let payload: Level1Payload
        do {
            payload = try Level1Payload(result: result, contact: contact, allowUnverified: settings.allowUnverified) {
                portrait throws in try PortraitTranscoder.jpeg(from: portrait.bytes).jpeg
            }
        } catch {
            throw .payload(error)
        }
        attempt.level1 = payload
        if let recorder = settings.recorder, let recorded = attempt.recorded, let folder = recorded.saved {
            do {
                try recorder.savePayload(payload.json, for: recorded)
                attempt.level1Saved = folder + "/level1.json"
            } catch {
                attempt.saveError = error.description
            }
        }
        current = attempt
        phase = .done
        publish()
        return checked
    }

    /// Back to waiting for the next secret: a read in progress is cancelled, the result cleared.
    public func reset() {
        current?.session.cancel()
        current = nil
        refusal = nil
        phase = .waitingForSecret
        progress = 0
        cardLifted = false
        publish()
    }

    // MARK: What the page reads.

    /// The state as `cccd-desk/1`.
    public func state() -> JSONValue {
        DeskState.json(phase: phase, progress: progress, reader: readerName, cardPresent: cardPresent,
                       cardLifted: cardLifted, settings: settings, attemptNumber: attemptNumber, attempt: current,
                       refusal: refusal)
    }

    /// The current card's face as JPEG (a JPEG 2000 face transcoded once), with the attempt it belongs to.
    public func portrait() -> (jpeg: [UInt8], attempt: Int)? {
        guard let current, let jpeg = current.portraitJPEG else { return nil }
        return (jpeg, current.number)
    }

    /// The printable report of the current card (HTML).
    public func report() -> String {
        DeskReport.html(attempt: current, reader: readerName, settings: settings)
    }

    /// The state now, then every change, as serialized `cccd-desk/1` documents, until the desk stops or the
    /// consumer goes away.
    public func events() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(64))
        let id = UUID()
        subscribers[id] = continuation
        continuation.yield(state().serialized())
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        return stream
    }

    private func unsubscribe(_ id: UUID) {
        subscribers[id] = nil
    }

    // MARK: The read's events.

    private func observe(_ event: ReadEvent, attempt number: Int) {
        guard current?.number == number else { return }
        switch event.kind {
        case .waitingForCard(let reader):
            if let reader { readerName = reader }
            phase = .waitingForCard
        case .cardFound(let reader):
            readerName = reader
            phase = .reading
            cardLifted = false
        case .reopened:
            cardLifted = false
        default:
            if phase == .waitingForCard { phase = .reading }
        }
        // One event per change the page can see: the progress moves by whole percents, never back.
        progress = max(progress, (event.fraction * 100).rounded(.down) / 100)
        publish()
    }

    private func finish(_ outcome: Result<CardReadResult, CCCDError>, verdict: CardVerdict, attempt number: Int) {
        guard var attempt = current, attempt.number == number else { return }
        attempt.endedAt = Date()
        attempt.verdict = verdict
        cardLifted = false
        switch outcome {
        case .success(let result):
            attempt.result = result
            if let name = result.reader { readerName = name }
            attempt.portraitJPEG = result.portrait?.jpeg
            let proceeds = verdict == .accept || verdict.isUnverifiedOnly(allowUnverified: settings.allowUnverified)
            phase = proceeds ? .awaitingContact : .done
            progress = 1
            // The verdict reaches the page first; the disk and a JPEG 2000 face follow in the next event.
            current = attempt
            publish()
            if attempt.portraitJPEG == nil, let face = result.portrait {
                attempt.portraitJPEG = try? PortraitTranscoder.jpeg(from: face.bytes).jpeg
            }
            // Saved in the archive (rejected/ for a card that failed verification) and logged, in one step.
            if let recorder = settings.recorder {
                do {
                    attempt.recorded = try recorder.record(.read(result), command: .desk, reader: result.reader,
                                                           input: attempt.input,
                                                           allowUnverified: settings.allowUnverified)
                } catch {
                    attempt.saveError = error.description
                }
            }
        case .failure(let error):
            attempt.failure = error
            phase = .error
            do {
                try settings.recorder?.record(.failed(error), command: .desk, reader: readerName, input: attempt.input)
            } catch {
                attempt.saveError = error.description
            }
        }
        current = attempt
        publish()
    }

    private func cardPresence(_ present: Bool, reader: String?) {
        if let reader, phase == .waitingForSecret || readerName == nil { readerName = reader }
        let changed = present != cardPresent
        cardPresent = present
        if phase == .reading { cardLifted = !present }
        if changed { publish() }
    }


    /// Sends the state to every subscriber, when it changed.
    private func publish() {
        let text = state().serialized()
        guard text != lastPublished else { return }
        lastPublished = text
        for subscriber in subscribers.values { subscriber.yield(text) }
    }
}
