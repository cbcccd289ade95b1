// cccd-bench: how many APDUs, how many bytes on the wire and how much time a full read of each virtual card takes,
// on an extended-length link, a short-APDU-only link, and with a baseline reader that reads 0xDF chunks without
// probing. Wall time is modelled from the wire: bytes at 106, 424 and 848 kbit/s plus 15 ms per exchange, plus the
// terminal's own CPU time (the emulated chip's time is measured apart and left out).
//
// Usage: swift run -c release cccd-bench [Vectors/cards]
import CardIO
import CCCD
import Foundation
import ICAOSession
import LDS
import VirtualCard

/// Counts what crosses the link and the time spent inside the chip.
final class MeasuredLink: CardChannel {
    let base: CardChannel
    var exchanges = 0
    var bytes = 0
    var chipTime: Duration = .zero
    init(_ base: CardChannel) { self.base = base }
    var capabilities: ChannelCapabilities { base.capabilities }
    func transmit(_ command: CommandAPDU) throws(ChannelError) -> ResponseAPDU {
        let clock = ContinuousClock()
        let start = clock.now
        let response = try base.transmit(command)
        chipTime += clock.now - start
        exchanges += 1
        bytes += ((try? command.encoded().count) ?? 0) + response.data.count + 2
        return response
    }
}

struct Figures {
    var apdus = 0
    var bytes = 0
    var terminalCPU: Double = 0  // seconds
    func modelled(kbps: Double) -> Double {
        Double(bytes * 8) / (kbps * 1000) + 0.015 * Double(apdus) + terminalCPU
    }
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// The full pipeline: PACE, all seven files, chip and active authentication.
func fullRead(_ card: PersonalizedCard, extended: Bool) throws -> Figures {
    var configuration = card.configuration
    configuration.acceptsExtendedLength = extended
    let link = MeasuredLink(InProcessChannel(chip: EMRTDChip(configuration: configuration)))
    let clock = ContinuousClock()
    let start = clock.now
    let readout = try CardReader.read(over: link, key: .can(card.cardAccessNumber), entropy: SystemEntropy())
    let total = clock.now - start
    guard readout.files.count == ReadOptions.allFiles.filter({ card.files[$0.fileIdentifier ?? 0] != nil }).count,
          readout.checks.chipAuthentication == .passed, readout.checks.activeAuthentication == .passed
    else { throw BenchError("the read of \(card.description.title ?? "a card") was incomplete") }
    return Figures(apdus: link.exchanges, bytes: link.bytes, terminalCPU: seconds(total - link.chipTime))
}

/// The baseline: SELECT each file, READ BINARY its 4-byte header, then chunks of 0xDF, on a short link, no probe.
func baselineRead(_ card: PersonalizedCard) throws -> Figures {
    var configuration = card.configuration
    configuration.acceptsExtendedLength = false
    let link = MeasuredLink(InProcessChannel(chip: EMRTDChip(configuration: configuration)))
    let clock = ContinuousClock()
    let start = clock.now
    let opened = try ChipAccess.open(over: link, key: .can(card.cardAccessNumber), entropy: SystemEntropy(),
                                     tryExtendedLength: false)
    let channel = opened.channel
    for file in ReadOptions.allFiles where card.files[file.fileIdentifier ?? 0] != nil {
        guard let fid = file.fileIdentifier else { continue }
        _ = try channel.send(.selectFile(fid))
        let head = try channel.send(.readBinary(offset: 0, expectedLength: 4)).data
        var length = Int(head[1])
        var header = 2
        if head[1] & 0x80 != 0 {
            let n = Int(head[1] & 0x7F)
            length = head[2..<(2 + n)].reduce(0) { $0 << 8 | Int($1) }
            header = 2 + n
        }
        var offset = 4
        let total = header + length
        while offset < total {
            let chunk = min(0xDF, total - offset)
            let data = try channel.send(.readBinary(offset: offset, expectedLength: chunk)).data
            offset += data.count
        }
    }
    // Chip and active authentication as the pipeline does them: two and one exchanges.
    let dg14 = try DataGroup14(bytes: card.files[0x010E]!)
    let ca = try ChipAuthentication.perform(over: channel, dg14: dg14, entropy: SystemEntropy())
    _ = try ActiveAuthentication.perform(over: ca.channel, dg15: try DataGroup15(bytes: card.files[0x010F]!),
                                         signatureAlgorithm: nil, entropy: SystemEntropy())
    let elapsed = clock.now - start
    return Figures(apdus: link.exchanges, bytes: link.bytes, terminalCPU: seconds(elapsed - link.chipTime))
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// The protocol's fixed exchanges: EF.CardAccess, PACE (5), SELECT, chip authentication (2 with AES: MSE:Set AT
/// and GENERAL AUTHENTICATE; 1 with 3DES: MSE:Set KAT), active authentication.
func fixedExchanges(_ card: PersonalizedCard) -> Int {
    1 + 5 + 1 + (card.configuration.pace?.cipher == .tripleDES ? 1 : 2) + 1
}

/// The floor on an extended-length link: one READ BINARY per file.
func extendedFloor(_ card: PersonalizedCard) -> Int {
    ReadOptions.allFiles.filter { card.files[$0.fileIdentifier ?? 0] != nil }.count + fixedExchanges(card)
}

/// The floor the short-APDU limit sets: one READ BINARY per 223 bytes of each file under AES (231 under 3DES).
func shortFloor(_ card: PersonalizedCard) -> Int {
    let limit = card.configuration.pace?.cipher == .tripleDES ? 0xE7 : 0xDF
    let files = ReadOptions.allFiles.compactMap { card.files[$0.fileIdentifier ?? 0]?.count }
    return files.map { ($0 + limit - 1) / limit }.reduce(0, +) + fixedExchanges(card)
}

let folder = CommandLine.arguments.dropFirst().first ?? "Vectors/cards"
let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
guard !names.isEmpty else {
    FileHandle.standardError.write(Data("cccd-bench: no card descriptions in \(folder)\n".utf8))
    exit(6)
}
func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
print("card                           link       APDUs  floor  wire bytes  terminal CPU   @106k    @424k    @848k")
let rounds = 5
for name in names {
    let card = try Personalization.load(URL(fileURLWithPath: folder).appendingPathComponent(name))
    let dg2 = card.files[0x0102]?.count ?? 0
    for (label, run) in [("extended", { try fullRead(card, extended: true) }),
                         ("short", { try fullRead(card, extended: false) }),
                         ("baseline", { try baselineRead(card) })] as [(String, () throws -> Figures)] {
        // The median terminal CPU of a few rounds; APDUs and bytes are the same every round.
        var runs: [Figures] = []
        for _ in 0..<rounds { runs.append(try run()) }
        var f = runs[0]
        f.terminalCPU = runs.map(\.terminalCPU).sorted()[rounds / 2]
        let floor = label == "extended" ? extendedFloor(card) : shortFloor(card)
        print(pad(String(name.dropLast(5)).prefix(30).description, 31) + pad(label, 10)
              + lpad(String(f.apdus), 6) + lpad(String(floor), 7) + lpad(String(f.bytes), 12)
              + lpad(String(format: "%.1f ms", f.terminalCPU * 1000), 14)
              + lpad(String(format: "%.2f s", f.modelled(kbps: 106)), 9)
              + lpad(String(format: "%.2f s", f.modelled(kbps: 424)), 9)
              + lpad(String(format: "%.2f s", f.modelled(kbps: 848)), 9))
    }
    print(pad("", 31) + "(DG2 \(dg2) bytes)")
}
