import CardIO
import CCCD
import Foundation
import ICAOSession
import LDS

/// Runs one read for the commands (`read`, `level1`, `replay`, `watch`): opens the reader or the trace, records
/// when asked, and turns failures into the exit codes of `shared/CLI.md`.
enum CardSession {
    /// What a read produced.
    struct Outcome {
        var readout: CardReadout
        var reader: String?
    }

    /// Finds the reader: the one named (a name, unique part or index), else the first with a card.
    static func connect(_ query: String?) throws -> (PCSCContext, PCSCCard) {
        let context: PCSCContext
        do {
            context = try PCSCContext()
        } catch {
            throw CommandFailure(.noReaderOrCard, error.description)
        }
        do {
            let name: String
            if let query {
                name = try context.resolveReader(query)
            } else {
                let statuses = try context.readerStatuses()
                guard !statuses.isEmpty else { throw PCSCError.noReaders }
                guard let withCard = statuses.first(where: \.cardPresent) else {
                    throw CommandFailure(.noReaderOrCard, "no card on any reader (\(statuses.map(\.name).joined(separator: ", ")))")
                }
                name = withCard.name
            }
            return (context, try context.connect(reader: name))
        } catch let failure as CommandFailure {
            throw failure
        } catch let error as PCSCError {
            switch error {
            case .readerNotFound, .ambiguousReader: throw CommandFailure(.usage, error.description)
            default: throw CommandFailure(.noReaderOrCard, error.description)
            }
        }
    }

    /// Reads the card in a PC/SC reader, recording the session to `record` when given.
    static func readLive(reader query: String?, key: AccessKey, options: ReadOptions, record: String?, progress: ReadProgress?) throws -> Outcome {
        let (_, card) = try connect(query)
        defer { card.disconnect() }
        let atr = (try? card.status().atr) ?? []
        let recorder = record.map { _ in RecordingChannel(wrapping: card) }
        let entropy = record != nil ? RecordingEntropy(wrapping: SystemEntropy()) : nil
        let started = Date()
        func saveTrace() throws {
            guard let record, let recorder, let entropy else { return }
            let trace = recorder.trace(title: "cccd read of a card in \(card.readerName)", origin: "recorded",
                                       reader: .init(name: card.readerName, atr: atr), access: key,
                                       entropy: entropy.draws, recordedAt: ISO8601.string(started),
                                       read: Trace.ReadRequest(files: options.files.map(\.name),
                                                               chipAuthentication: options.chipAuthentication,
                                                               activeAuthentication: options.activeAuthentication,
                                                               extendedLength: options.tryExtendedLength))
            do {
                try trace.write(to: URL(fileURLWithPath: record))
            } catch {
                throw CommandFailure(.badInput, error.description)
            }
        }
        do {
            let readout = try CardReader.read(over: recorder ?? card, key: key, entropy: entropy ?? SystemEntropy(),
                                              options: options, progress: progress, reopen: true,
                                              clock: { started })
            try saveTrace()
            return Outcome(readout: readout, reader: card.readerName)
        } catch let error as CardReadError {
            try? saveTrace()
            throw failure(error)
        }
    }

    /// Replays a trace: the same read, over the recorded exchanges and randomness. Without `options`, the read
    /// the trace says was made (its `read` object), else the full read.
    static func replay(_ path: String, options given: ReadOptions?, progress: ReadProgress?) throws -> Outcome {
        let trace: Trace
        do {
            trace = try Trace(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure(.badInput, "\(path): \(error.description)")
        }
        guard let key = trace.access else {
            throw CommandFailure(.badInput, "\(path): the trace has no \"access\" secret, so it cannot be replayed")
        }
        var options = given ?? ReadOptions()
        if given == nil, let read = trace.read {
            let files = read.files.compactMap(ElementaryFile.init(name:))
            guard files.count == read.files.count else {
                throw CommandFailure(.badInput, "\(path): read.files names a file this reader does not know")
            }
            options = ReadOptions(files: files, chipAuthentication: read.chipAuthentication,
                                  activeAuthentication: read.activeAuthentication,
                                  tryExtendedLength: read.extendedLength)
        }
        let channel = ReplayChannel(trace: trace)
        let recordedAt = trace.recordedAt.flatMap(ISO8601.date) ?? Date()
        do {
            let readout = try CardReader.read(over: channel, key: key, entropy: RecordedEntropy(trace.entropy),
                                              options: options, progress: progress, reopen: true,
                                              clock: { recordedAt })
            guard channel.isFinished else {
                throw CommandFailure(.badInput, "\(path): the read ended at exchange \(channel.position) of "
                                     + "\(trace.exchanges.count): the trace holds exchanges this read never made")
            }
            for (name, expected) in trace.expectedFiles {
                guard let file = readout.files.first(where: { $0.key.name == name }) else { continue }
                if file.value != expected {
                    throw CommandFailure(.verificationFailed, "\(path): \(name) as read differs from the trace's expected content")
                }
            }
            return Outcome(readout: readout, reader: trace.reader?.name)
        } catch let error as CardReadError {
            if case .replayDiverged(let why) = error { throw CommandFailure(.badInput, "\(path): \(why)") }
            throw failure(error)
        }
    }

    static func failure(_ error: CardReadError) -> CommandFailure {
        switch error {
        case .accessDenied: return CommandFailure(.accessDenied, "the chip refused the access key: check the CAN, ID or MRZ")
        case .cardLost(let why): return CommandFailure(.noReaderOrCard, why)
        case .replayDiverged(let why): return CommandFailure(.badInput, why)
        case .failed: return CommandFailure(.verificationFailed, "the card's answers do not verify: \(error)")
        }
    }
}

/// Writes a dump folder atomically: everything goes to a sibling temporary folder, renamed into place at the end.
enum DumpWriter {
    static func write(_ readout: CardReadout, cardJSON: JSONValue, to path: String, force: Bool) throws {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: target.path, isDirectory: &isDirectory) && !force {
            throw CommandFailure(.usage, "\(path) exists; use --force to replace it")
        }
        let parent = target.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())")
        do {
            try? fm.removeItem(at: temporary)
            try fm.createDirectory(at: temporary, withIntermediateDirectories: true)
            for (file, bytes) in readout.files {
                try Data(bytes).write(to: temporary.appendingPathComponent("\(file.name).bin"))
            }
            if let face = readout.dg2?.faces.first {
                let ext = face.imageType == .jpeg ? "jpg" : "jp2"
                try Data(face.image).write(to: temporary.appendingPathComponent("portrait.\(ext)"))
            }
            try Data((cardJSON.serialized(pretty: true) + "\n").utf8).write(to: temporary.appendingPathComponent("card.json"))
            if fm.fileExists(atPath: target.path) {
                let old = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(getpid())")
                try fm.moveItem(at: target, to: old)
                try fm.moveItem(at: temporary, to: target)
                try? fm.removeItem(at: old)
            } else {
                try fm.moveItem(at: temporary, to: target)
            }
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            try? fm.removeItem(at: temporary)
            throw CommandFailure(.badInput, "cannot write \(path): \((error as NSError).localizedDescription)")
        }
    }
}
