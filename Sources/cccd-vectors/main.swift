// cccd-vectors: writes Vectors/traces/<card>.json, a recorded read of each virtual card of Vectors/cards, and
// Vectors/dumps/<card>/, the dump of its replay. The read runs through the in-process virtual chip with seeded
// randomness on both sides (the terminal's draws are recorded in the trace), at a fixed time of reading, so the
// terminal's side of every trace is the same on every run. The chip's ECDSA signatures (the SOD's, made when the
// card is personalised, and active authentication's) take OpenSSL's own nonce, so those bytes change from run to
// run; every trace replays exactly whatever run made it. Run by scripts/make-traces.sh.
import CCCD
import Foundation
import ICAOCrypto
import VirtualCard

/// Deterministic bytes: SHA-256(seed ‖ counter) blocks, for reproducible vectors only (never for a real session).
final class SeededEntropy: EntropySource {
    private let seed: [UInt8]
    private var counter: UInt32 = 0
    private var pool: [UInt8] = []

    init(_ seed: String) { self.seed = Array(seed.utf8) }

    func draw(_ count: Int) throws(EntropyError) -> [UInt8] {
        while pool.count < count {
            let block = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
            pool += HashAlgorithm.sha256.hash(seed + block)
            counter += 1
        }
        defer { pool.removeFirst(count) }
        return Array(pool.prefix(count))
    }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
}

/// The fixed time of reading: every test certificate and every virtual card is valid then.
let readAt = ISO8601.date("2025-06-02T09:00:00Z")!

func makeVectors(root: URL) async throws {
    let cards = root.appendingPathComponent("Vectors/cards")
    let traces = root.appendingPathComponent("Vectors/traces")
    let dumps = root.appendingPathComponent("Vectors/dumps")
    try FileManager.default.createDirectory(at: traces, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: dumps, withIntermediateDirectories: true)
    let names = try FileManager.default.contentsOfDirectory(atPath: cards.path).filter { $0.hasSuffix(".json") }.sorted()
    for file in names {
        let name = String(file.dropLast(5))
        let card = try Personalization.load(cards.appendingPathComponent(file))
        let chip = card.makeChip(entropy: SeededEntropy("cccd-vectors chip \(name)"))
        var recorded: Trace?
        do {
            // The key a desk would use: the CAN for a PACE chip, the MRZ for a BAC-only one (which also refuses
            // extended length under secure messaging: its read asks for short APDUs).
            let key: AccessKey = card.configuration.pace == nil ? .mrz(try MRZKey(mrz: card.mrz)) : .can(card.cardAccessNumber)
            _ = try CardReader.read(over: InProcessChannel(chip: chip), key: key, trust: nil,
                                    options: ReadOptions(tryExtendedLength: card.configuration.acceptsExtendedLength,
                                                         record: true),
                                    entropy: SeededEntropy("cccd-vectors terminal \(name)"), readAt: readAt,
                                    reader: Trace.ReaderInfo(name: "cccd in-process virtual chip", atr: chip.atr),
                                    recorded: { recorded = $0 })
        } catch {
            throw Failure(description: "\(name): \(error)")
        }
        guard var trace = recorded else { throw Failure(description: "\(name): no trace was recorded") }
        trace.title = "The virtual card \(name) (\(card.description.title ?? "")), read in process: "
            + (card.configuration.pace == nil ? "BAC with the MRZ" : "PACE with the CAN")
            + ", every file, chip and active authentication"
        trace.origin = "synthetic"
        // In process, the time on the wire says nothing: leave it out, so the file depends on the bytes only.
        for index in trace.exchanges.indices { trace.exchanges[index].micros = nil }
        for (fid, bytes) in card.files where fid != Personalization.cardAccessFID {
            let file: ElementaryFile = fid == Personalization.comFID ? .com
                : fid == Personalization.sodFID ? .sod : .dataGroup(Int(fid & 0xFF))
            trace.expectedFiles[file.name] = bytes
        }
        let traceURL = traces.appendingPathComponent("\(name).json")
        do {
            try trace.write(to: traceURL)
        } catch {
            throw Failure(description: "\(name): \(error)")
        }
        // The dump of the trace's replay, as `cccd replay --out` writes it.
        let result: CardReadResult
        do {
            result = try await CardSession.replay(trace, trust: nil)
            try CardDump(result).write(to: dumps.appendingPathComponent(name).path, replacing: true)
        } catch {
            throw Failure(description: "\(name): \(error)")
        }
        print("\(name): \(trace.exchanges.count) exchanges, \(result.files.count) files")
    }
}

let root = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : FileManager.default.currentDirectoryPath)
do {
    try await makeVectors(root: root)
} catch {
    FileHandle.standardError.write(Data("cccd-vectors: \(error)\n".utf8))
    exit(1)
}
