import CCCD
import CCCDConfiguration
import DeskRecord
import Foundation

/// The audit log and the archive as the commands use them: opened from the configuration before a card is read
/// (a log that cannot be written stops the command before the card is touched), one entry per attempt.
enum AuditTrail {
    /// The recorder of the configuration, with `out` overridden when given (`watch --out`).
    static func open(out: String? = nil) throws -> AttemptRecorder {
        try AttemptRecorder(configuration: CCCDConfiguration.load(overrides: .init(out: out)))
    }

    /// The reader asked for, as the log names it when the read never reached one: the name given, or nil.
    static func readerName(_ selection: ReaderSelection) -> String? {
        if case .named(let query) = selection { return query }
        return nil
    }

    /// Logs a failed attempt, then gives the error back to be reported. A log that fails too is said on stderr.
    static func failed(_ error: any Error, recorder: AttemptRecorder, command: AttemptCommand, reader: String?,
                       input: CardInput?) -> any Error {
        do {
            try recorder.record(.failed(error), command: command, reader: reader, input: input)
        } catch {
            Standard.error("cccd: the attempt was not logged: \(error)")
        }
        return error
    }
}
