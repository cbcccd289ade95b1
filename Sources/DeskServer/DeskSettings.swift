import CCCD
import DeskRecord
import Foundation

/// How the desk reads cards and whom it speaks to: what `cccd desk` passes from its options and configuration.
public struct DeskSettings: Sendable {
    /// The reader to read from (`--reader`).
    public var reader: ReaderSelection
    /// The CSCAs to verify against (`--trust`); nil for none (the verdict is then at best `reject` with
    /// `NO_TRUST_ANCHOR`).
    public var trust: TrustStore?
    /// Whether a signer that chains to no trusted CSCA is taken as unverified instead of rejected
    /// (`--allow-unverified`): such a card may go on to the contact step, and its payload says `unverified`.
    public var allowUnverified: Bool
    /// The officer's language (`--lang`).
    public var language: DeskLanguage
    /// The officer's name (`--operator`), shown on the page and the report.
    public var operatorName: String?
    /// The audit log and the card archive: every attempt is logged (command `desk`), each card read is saved in a
    /// private folder of the archive (`rejected/` for one that failed verification) with its level-1 payload
    /// beside it. Nil keeps nothing: no log, no files.
    public var recorder: AttemptRecorder?
    /// How long a read waits for the card after its secret was given.
    public var cardTimeout: Duration
    /// Whether to watch the reader for a card put down before its secret (a PC/SC wait on a thread of its own).
    public var watchReader: Bool
    /// Called with every exchange on the wire (header and lengths only): `--verbose`, and the benchmark's clock.
    public var apduLog: (@Sendable (APDULogEntry) -> Void)?

    /// Settings with the defaults of `cccd desk`.
    public init(reader: ReaderSelection = .firstWithCard, trust: TrustStore? = nil, allowUnverified: Bool = false,
                language: DeskLanguage = .vi, operatorName: String? = nil, recorder: AttemptRecorder?,
                cardTimeout: Duration = .seconds(60), watchReader: Bool = true,
                apduLog: (@Sendable (APDULogEntry) -> Void)? = nil) {
        self.reader = reader
        self.trust = trust
        self.allowUnverified = allowUnverified
        self.language = language
        self.operatorName = operatorName
        self.recorder = recorder
        self.cardTimeout = cardTimeout
        self.watchReader = watchReader
        self.apduLog = apduLog
    }
}
