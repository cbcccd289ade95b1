import CardIO
import Foundation
import ICAOSession
import LDS
import Verification

/// What kind of failure ended a command, and so its exit code (`shared/CLI.md`). The one table from failures to
/// exit codes: every error of this library and of the command line has a kind.
public enum FailureKind: String, Sendable, Hashable, CaseIterable {
    /// An unexpected failure: a bug (exit 1).
    case bug
    /// Bad usage: an unknown option, a malformed CAN, ID, MRZ, phone or e-mail (exit 2).
    case usage
    /// No reader, no card, the card was removed, pcscd is not running, or the link failed (exit 3).
    case link
    /// The chip refused the access key: wrong CAN or MRZ (exit 4).
    case accessDenied
    /// Read, but verification failed (exit 5).
    case verification
    /// An input file is unreadable or malformed: trace (and a replay that diverges from it), image, dump,
    /// certificate, card description (exit 6).
    case input

    /// The process exit code of `shared/CLI.md`.
    public var exitCode: Int32 {
        switch self {
        case .bug: return 1
        case .usage: return 2
        case .link: return 3
        case .accessDenied: return 4
        case .verification: return 5
        case .input: return 6
        }
    }
}

/// An error that knows its stable code and its kind: what `cccd-error/1` prints and the exit code follows.
public protocol ClassifiedError: Error, CustomStringConvertible {
    /// Stable, upper snake case (`CARD_REMOVED`).
    var code: String { get }
    /// Its kind, and so the exit code.
    var kind: FailureKind { get }
}

/// The failures of the CCCD layer: each keeps the lower layer's typed error, with the step it happened in.
///
/// Descriptions are one line for people and never hold the access secret.
public enum CCCDError: ClassifiedError, Equatable, Sendable {
    // MARK: The reader and the link: nothing is concluded about the card (exit 3, verdict `retry`).

    /// The PC/SC service (`pcscd`) is not running.
    case pcscUnavailable
    /// PC/SC runs, but no reader is attached.
    case noReader
    /// No card on the reader (or on any reader, when none was named).
    case noCard(reader: String?)
    /// The card left the field during a step and did not come back.
    case cardRemoved(during: ReadStep)
    /// The link failed during a step for another reason: reader unplugged, time-out, another program holding the
    /// card, a transport error.
    case linkFailed(ChannelError, during: ReadStep)
    /// The read was cancelled (the task, or ``CardSession/cancel()``).
    case cancelled

    // MARK: Usage (exit 2).

    /// No reader matches the name, part of a name or index given.
    case readerNotFound(String, available: [String])
    /// A part of a name matches several readers.
    case ambiguousReader(String, matches: [String])
    /// The access key has not the form the chip needs (the field named, never the value).
    case invalidAccessKey(AccessKeyError)
    /// A read from a reader or a channel was started without the CAN or the MRZ key.
    case accessKeyMissing
    /// An MRZ key given as other than three comma-separated fields.
    case mrzKeyForm
    /// A text given as the card's secret is neither a QR text, an ID, a CAN nor an MRZ key.
    case unrecognizedInput
    /// The QR text given is not a CCCD QR.
    case invalidQRText(CardQRError)
    /// A dump folder exists and was not to be replaced.
    case dumpExists(path: String)
    /// `--force` was given, but what is there is not a dump this program wrote: it is never replaced.
    case notADump(path: String)
    /// A `--files` entry is not `com`, `sod` or `dg1` … `dg16`.
    case invalidFileList(String)

    // MARK: The chip refused the key (exit 4, verdict `retry`).

    /// The chip rejected the CAN or MRZ key; it is never retried, which would only count against the chip.
    case accessDenied

    // MARK: The chip does not behave as an eMRTD (exit 5, verdict `reject`).

    /// The chip answered a step in a way the protocol does not allow (a response that does not verify under
    /// secure messaging, a refused command, a malformed answer).
    case chipProtocol(SessionError, during: ReadStep)
    /// The chip uses a protocol this library does not implement.
    case notSupported(String)
    /// The chip lacks what a level-1 payload cannot be written without (the fields named).
    case payloadIncomplete(missing: [String])

    // MARK: Input files (exit 6).

    /// A trace file does not read or parse.
    case trace(TraceError)
    /// A trace holds no access secret, so it cannot be replayed.
    case traceWithoutAccess
    /// A replay sent another command than the recorded one.
    case replayDiverged(index: Int, expected: [UInt8], actual: [UInt8])
    /// A replay asked for more exchanges than the trace holds.
    case replayExhausted(exchanges: Int)
    /// A replay ended before the last recorded exchange.
    case replayUnfinished(used: Int, recorded: Int)
    /// A replay drew other randomness than the trace recorded.
    case replayEntropy(EntropyError)
    /// A file read in a replay differs from the trace's `expect`.
    case replayExpectation(file: String)
    /// A dump folder is missing, incomplete or malformed.
    case dumpUnreadable(path: String, reason: String)
    /// A trust file (certificate, master list, CRL) does not read or parse.
    case trust(TrustStoreError)
    /// A file could not be written.
    case cannotWrite(path: String, reason: String)

    // MARK: Bugs (exit 1).

    /// Something that should not happen; the message says what to report.
    case internalFailure(String)

    public var kind: FailureKind {
        switch self {
        case .pcscUnavailable, .noReader, .noCard, .cardRemoved, .linkFailed, .cancelled: return .link
        case .readerNotFound, .ambiguousReader, .invalidAccessKey, .accessKeyMissing, .mrzKeyForm, .unrecognizedInput,
             .invalidQRText, .dumpExists, .notADump, .invalidFileList:
            return .usage
        case .accessDenied: return .accessDenied
        case .chipProtocol, .notSupported, .payloadIncomplete: return .verification
        case .trace, .traceWithoutAccess, .replayDiverged, .replayExhausted, .replayUnfinished, .replayEntropy,
             .replayExpectation, .dumpUnreadable, .trust, .cannotWrite:
            return .input
        case .internalFailure: return .bug
        }
    }

    public var code: String {
        switch self {
        case .pcscUnavailable: return "PCSC_UNAVAILABLE"
        case .noReader: return "NO_READER"
        case .noCard: return "NO_CARD"
        case .cardRemoved: return "CARD_REMOVED"
        case .linkFailed(let error, _): return error == .timeout ? "LINK_TIMEOUT" : "LINK_FAILED"
        case .cancelled: return "CANCELLED"
        case .readerNotFound: return "READER_NOT_FOUND"
        case .ambiguousReader: return "READER_AMBIGUOUS"
        case .invalidAccessKey: return "ACCESS_KEY_INVALID"
        case .accessKeyMissing: return "ACCESS_KEY_MISSING"
        case .mrzKeyForm: return "MRZ_KEY_FORM"
        case .unrecognizedInput: return "INPUT_UNRECOGNIZED"
        case .invalidQRText: return "QR_TEXT_INVALID"
        case .dumpExists: return "DUMP_EXISTS"
        case .notADump: return "DUMP_REPLACE_REFUSED"
        case .invalidFileList: return "FILE_LIST_INVALID"
        case .accessDenied: return "ACCESS_DENIED"
        case .chipProtocol: return "CHIP_PROTOCOL_FAILED"
        case .notSupported: return "CHIP_NOT_SUPPORTED"
        case .payloadIncomplete: return "LEVEL1_INCOMPLETE"
        case .trace: return "TRACE_MALFORMED"
        case .traceWithoutAccess: return "TRACE_ACCESS_MISSING"
        case .replayDiverged: return "REPLAY_DIVERGED"
        case .replayExhausted: return "REPLAY_EXHAUSTED"
        case .replayUnfinished: return "REPLAY_UNFINISHED"
        case .replayEntropy: return "REPLAY_ENTROPY_MISMATCH"
        case .replayExpectation: return "REPLAY_EXPECTATION_FAILED"
        case .dumpUnreadable: return "DUMP_UNREADABLE"
        case .trust: return "TRUST_UNREADABLE"
        case .cannotWrite: return "WRITE_FAILED"
        case .internalFailure: return "INTERNAL"
        }
    }

    /// What a failed attempt means for the card: `retry` when nothing was concluded about it (the link, the key,
    /// a cancelled read), `reject` when the chip misbehaved; nil for failures that are not about a card at all
    /// (usage, input files, bugs).
    public var verdict: CardVerdict? {
        let reason = Problem(code: Problem.Code(rawValue: code), field: step?.description, detail: description)
        switch kind {
        case .link, .accessDenied: return .retry([reason])
        case .verification: return .reject([reason])
        case .usage, .input, .bug: return nil
        }
    }

    /// The step the failure happened in, where there is one.
    public var step: ReadStep? {
        switch self {
        case .cardRemoved(let step), .linkFailed(_, let step), .chipProtocol(_, let step): return step
        default: return nil
        }
    }

    /// One line for people, with what to do where there is something to do; never a secret.
    public var description: String {
        switch self {
        case .pcscUnavailable:
            return "the PC/SC service (pcscd) is not running; start it with `systemctl start pcscd`"
        case .noReader: return "no smart card reader is attached"
        case .noCard(let reader?): return "no card on \(reader): put the card on the reader"
        case .noCard(nil): return "no card on any reader: put the card on the reader"
        case .cardRemoved(let step): return "the card was removed during \(step): put it back and read again"
        case .linkFailed(let error, let step): return "the link to the card failed during \(step): \(error)"
        case .cancelled: return "the read was cancelled"
        case .readerNotFound(let query, let available):
            return "no reader matches \"\(query)\"" + (available.isEmpty ? " (no reader is attached)"
                : " (readers: \(available.joined(separator: ", ")))")
        case .ambiguousReader(let query, let matches):
            return "\"\(query)\" matches several readers: \(matches.joined(separator: ", ")); name one"
        case .invalidAccessKey(let why): return "invalid access key: \(why)"
        case .accessKeyMissing: return "give the access key: the CAN, the ID number or the MRZ"
        case .mrzKeyForm: return "the MRZ key is DOCNUMBER,YYMMDD,YYMMDD (document number, birth, expiry)"
        case .unrecognizedInput:
            return "the input is not a QR text, a 12-digit ID, a 6-digit CAN or DOC,YYMMDD,YYMMDD"
        case .invalidQRText(let error): return "the QR text is not a CCCD QR: \(error)"
        case .dumpExists(let path): return "\(path) exists; use --force to replace it"
        case .notADump(let path):
            return "\(path) exists and is not a card dump (no card.json of cccd-read/1): it is never replaced; give another --out"
        case .invalidFileList(let entry):
            return "\"\(entry)\" is not a file: give a comma list of com, sod, dg1 … dg16"
        case .accessDenied: return "the chip refused the access key: check the CAN, ID or MRZ"
        case .chipProtocol(let error, let step): return "the chip's answers do not verify during \(step): \(error)"
        case .notSupported(let what): return "the chip uses what this reader does not support: \(what)"
        case .payloadIncomplete(let missing):
            return "no level-1 payload: the chip lacks " + missing.joined(separator: ", ")
        case .trace(let error): return "\(error)"
        case .traceWithoutAccess: return "the trace has no \"access\" secret, so it cannot be replayed"
        case .replayDiverged(let index, let expected, let actual):
            return "replay diverged at exchange \(index): the trace expects \(expected.hexString), the read sent "
                + actual.hexString
        case .replayExhausted(let count):
            return "replay ran past the last of the trace's \(count) exchanges"
        case .replayUnfinished(let used, let recorded):
            return "the read ended at exchange \(used) of \(recorded): the trace holds exchanges this read never made"
        case .replayEntropy(let error): return "replay: \(error)"
        case .replayExpectation(let file): return "\(file) as read differs from the trace's expected content"
        case .dumpUnreadable(let path, let reason): return "\(path): \(reason)"
        case .trust(let error): return "\(error)"
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        case .internalFailure(let what): return "unexpected failure: \(what). Please report it with the command you ran"
        }
    }
}
