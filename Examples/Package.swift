// swift-tools-version: 6.1
// Examples of the cccd library, each a few lines: read a card, replay a recorded trace, check a dump offline.
// They depend on the library by path, as a program of yours would by URL; scripts/test.sh builds them and runs the
// two that need no reader against Vectors/.
import PackageDescription

let package = Package(
    name: "cccd-examples",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "cccd", path: "..")],
    targets: [
        .executableTarget(name: "read-a-card", dependencies: [.product(name: "CCCD", package: "cccd")]),
        .executableTarget(name: "replay-a-trace", dependencies: [.product(name: "CCCD", package: "cccd")]),
        .executableTarget(name: "check-a-dump", dependencies: [.product(name: "CCCD", package: "cccd")]),
    ],
    swiftLanguageModes: [.v6]
)
