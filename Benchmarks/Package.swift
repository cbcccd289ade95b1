// swift-tools-version: 6.1
// Benchmarks for cccd, kept out of the main package so its build stays free of the benchmark dependencies.
// Run: cd Benchmarks && swift package --disable-sandbox benchmark
import PackageDescription

let package = Package(
    name: "cccd-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "cccd", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "LDSBenchmarks",
            dependencies: [
                .product(name: "LDS", package: "cccd"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "LDSBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "VerificationBenchmarks",
            dependencies: [
                .product(name: "LDS", package: "cccd"),
                .product(name: "Verification", package: "cccd"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "VerificationBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
