// The LDS parsing core: TLV walk throughput and the cost of parsing a card's files.
// Sample files: Vectors/lds/cccd (synthetic, see Vectors/lds/make_fixtures.sh).
import Benchmark
import LDS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func load(_ name: String) -> [UInt8] {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Benchmarks/LDSBenchmarks/LDSBenchmarks.swift
    let path = parts.joined(separator: "/") + "/Vectors/lds/cccd/" + name
    guard let f = fopen(path, "rb") else { fatalError("missing sample file \(path)") }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, f)
        if n <= 0 { break }
        out.append(contentsOf: buffer[0..<n])
    }
    return out
}

private struct Card {
    let com = load("EF.COM.bin"), cardAccess = load("EF.CardAccess.bin"), sod = load("EF.SOD.bin")
    let dg1 = load("DG1.bin"), dg2 = load("DG2.bin"), dg13 = load("DG13.bin"), dg14 = load("DG14.bin")
    let dg15 = load("DG15.bin")

    func parseAll() throws {
        blackHole(try EFCOM(bytes: com))
        blackHole(try SecurityInfos(cardAccess: cardAccess))
        blackHole(try EFSOD(bytes: sod))
        blackHole(try DataGroup1(bytes: dg1))
        blackHole(try DataGroup2(bytes: dg2))
        blackHole(try DataGroup13(bytes: dg13))
        blackHole(try DataGroup14(bytes: dg14))
        blackHole(try DataGroup15(bytes: dg15))
    }
}

let benchmarks: @Sendable () -> Void = {
    let card = Card()
    let walkMetrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]
    let parseMetrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal]

    // Throughput in GB/s = bytes per walk × walks per second; the bytes are in the benchmark's name.
    Benchmark("TLV walk DG2 (\(card.dg2.count) bytes)",
              configuration: .init(metrics: walkMetrics, scalingFactor: .kilo)) { benchmark in
        let reader = BERReader(card.dg2)
        for _ in benchmark.scaledIterations { blackHole(try reader.validate()) }
    }
    Benchmark("TLV walk DG13 (\(card.dg13.count) bytes)",
              configuration: .init(metrics: walkMetrics, scalingFactor: .kilo)) { benchmark in
        let reader = BERReader(card.dg13)
        for _ in benchmark.scaledIterations { blackHole(try reader.validate()) }
    }
    Benchmark("TLV walk EF.SOD (\(card.sod.count) bytes)",
              configuration: .init(metrics: walkMetrics, scalingFactor: .kilo)) { benchmark in
        let reader = BERReader(card.sod, options: .cms)
        for _ in benchmark.scaledIterations { blackHole(try reader.validate()) }
    }
    Benchmark("Parse all files of a card (COM, CardAccess, SOD, DG1, DG2, DG13, DG14, DG15)",
              configuration: .init(metrics: parseMetrics)) { _ in
        try card.parseAll()
    }
    Benchmark("Parse DG13", configuration: .init(metrics: parseMetrics)) { _ in
        blackHole(try DataGroup13(bytes: card.dg13))
    }
    let nested = load("DG13-nested.bin"), sloppy = load("DG2-sloppy.bin")
    Benchmark("Parse DG13 (older nested layout)", configuration: .init(metrics: parseMetrics)) { _ in
        blackHole(try DataGroup13(bytes: nested))
    }
    Benchmark("Parse DG2 (19794-5 record with wrong lengths)", configuration: .init(metrics: parseMetrics)) { _ in
        blackHole(try DataGroup2(bytes: sloppy))
    }
    Benchmark("Parse EF.SOD", configuration: .init(metrics: parseMetrics)) { _ in
        blackHole(try EFSOD(bytes: card.sod))
    }
    Benchmark("Parse EF.COM", configuration: .init(metrics: parseMetrics)) { _ in
        blackHole(try EFCOM(bytes: card.com))
    }
    Benchmark("Parse EF.CardAccess", configuration: .init(metrics: parseMetrics)) { _ in
        blackHole(try SecurityInfos(cardAccess: card.cardAccess))
    }
    Benchmark("Parse DG1", configuration: .init(metrics: parseMetrics)) { _ in
        blackHole(try DataGroup1(bytes: card.dg1))
    }
    Benchmark("Parse DG2", configuration: .init(metrics: parseMetrics)) { _ in
        blackHole(try DataGroup2(bytes: card.dg2))
    }
    Benchmark("Parse DG14", configuration: .init(metrics: parseMetrics)) { _ in
        blackHole(try DataGroup14(bytes: card.dg14))
    }
    Benchmark("Parse DG15", configuration: .init(metrics: parseMetrics)) { _ in
        blackHole(try DataGroup15(bytes: card.dg15))
    }
}
