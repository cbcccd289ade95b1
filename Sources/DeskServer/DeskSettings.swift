import CCCD
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
    /// The folder each card's files are saved under (`out`), one folder per card.
    public var saveFolder: String
    /// How long a read waits for the card after its secret was given.
    public var cardTimeout: Duration
    /// Whether to watch the reader for a card put down before its secret (a PC/SC wait on a thread of its own).
    public var watchReader: Bool
    /// Called with every exchange on the wire (header and lengths only): `--verbose`, and the benchmark's clock.
    public var apduLog: (@Sendable (APDULogEntry) -> Void)?
    /// Called once per attempt when it ends (read or failed, and again when its level-1 payload is saved): the
    /// audit log's integration point (issue 15's `DeskRecord`).
    public var onAttempt: (@Sendable (DeskAttempt) -> Void)?

    /// Settings with the defaults of `cccd desk`.
    public init(reader: ReaderSelection = .firstWithCard, trust: TrustStore? = nil, allowUnverified: Bool = false,
                language: DeskLanguage = .vi, operatorName: String? = nil, saveFolder: String,
                cardTimeout: Duration = .seconds(60), watchReader: Bool = true,
                apduLog: (@Sendable (APDULogEntry) -> Void)? = nil,
                onAttempt: (@Sendable (DeskAttempt) -> Void)? = nil) {
        self.reader = reader
        self.trust = trust
        self.allowUnverified = allowUnverified
        self.language = language
        self.operatorName = operatorName
        self.saveFolder = saveFolder
        self.cardTimeout = cardTimeout
        self.watchReader = watchReader
        self.apduLog = apduLog
        self.onAttempt = onAttempt
    }
}

/// One attempt at the desk, as the audit log records it: what was read (or why nothing was), the verdict, and
/// where the card's files went. It holds no portrait and no access secret.
public struct DeskAttempt: Sendable {
    /// The attempt's number since the desk started.
    public var number: Int
    /// When it ended.
    public var endedAt: Date
    /// The reader, where known.
    public var reader: String?
    /// The officer.
    public var operatorName: String?
    /// `can` or `mrz`: how the chip was to be opened (never the secret).
    public var accessMethod: String
    /// The read, when the card was read.
    public var result: CardReadResult?
    /// The failure, when it was not.
    public var failure: CCCDError?
    /// The verdict (the result's, or the failure's).
    public var verdict: CardVerdict
    /// The folder the card's files were saved in.
    public var savedFolder: String?
    /// The level-1 payload saved for this attempt, once the contact step is done.
    public var level1: Level1Payload?
}
