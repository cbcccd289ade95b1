// The trust store and passive authentication over real documents: loading Germany's ICAO master list (588 CSCAs)
// and checking a real EF.SOD against the store it fills. Sample files: Vectors/real (see its README).
import Benchmark
import Foundation
import LDS
import Verification

private func load(_ name: String) -> [UInt8] {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Benchmarks/VerificationBenchmarks/VerificationBenchmarks.swift
    let path = parts.joined(separator: "/") + "/Vectors/real/" + name
    guard let data = FileManager.default.contents(atPath: path) else { fatalError("missing sample file \(path)") }
    return [UInt8](data)
}

let benchmarks: @Sendable () -> Void = {
    let masterList = load("masterlist/DE_ML_2026-05-28-08-28-45.ml")
    let root = try! Certificate(der: load("masterlist/DE_ROOT_CA_CSCA07.cer"))
    // Inside the master list signer's validity (2024-10-17 to 2028-10-17).
    let loadedAt = Date(timeIntervalSince1970: 1_780_272_000)  // 2026-06-01
    var store = TrustStore(certificates: [root])
    try! store.addMasterList(der: masterList, source: "DE", at: loadedAt)
    let trust = store
    let sod = load("sod/FR/EF.SOD.bin")
    let readAt = Date(timeIntervalSince1970: 1_662_126_971)  // 2022-09-02T13:56:11Z, Vectors/real/sod/FR/expected.json
    let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident]

    Benchmark("Load the German master list (588 CSCAs): parse, verify, index",
              configuration: .init(metrics: metrics, maxDuration: .seconds(5), maxIterations: 50)) { benchmark in
        for _ in benchmark.scaledIterations {
            var store = TrustStore(certificates: [root])
            blackHole(try store.addMasterList(der: masterList, source: "DE", at: loadedAt))
            blackHole(store)
        }
    }
    Benchmark("Parse the German master list (CscaMasterList, 588 certificates)",
              configuration: .init(metrics: metrics, maxDuration: .seconds(5), maxIterations: 50)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try CscaMasterList(der: masterList)) }
    }
    Benchmark("Passive authentication of a real SOD (FR) against the German master list's store",
              configuration: .init(metrics: metrics, maxDuration: .seconds(5), maxIterations: 200)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(PassiveAuthentication.verify(sod: sod, dataGroups: [:], issuingState: "FRA", trust: trust,
                                                   at: readAt))
        }
    }
}
