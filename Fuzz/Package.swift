// swift-tools-version: 6.1
// libFuzzer harnesses for the LDS parsers, the PKI (X.509, CRL, CMS, master lists, passive authentication) and the
// session layer (secure messaging, the file reader, PACE, active authentication), kept out of the main package so
// its build is unaffected.
// Build and run through scripts/fuzz.sh; see README.md.
import PackageDescription

let package = Package(
    name: "cccd-fuzz",
    dependencies: [
        .package(name: "cccd", path: ".."),
    ],
    targets: [
        .target(name: "CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver"]),
        .executableTarget(
            name: "LDSFuzzer",
            dependencies: [.product(name: "LDS", package: "cccd"), "FuzzSupport"]
        ),
        .executableTarget(
            name: "PKIFuzzer",
            dependencies: [.product(name: "LDS", package: "cccd"), .product(name: "Verification", package: "cccd"),
                           "FuzzSupport"]
        ),
        // The session layer: secure messaging unwrapping, the file reader, PACE, active authentication.
        .executableTarget(
            name: "SMFuzzer",
            dependencies: [
                .product(name: "CardIO", package: "cccd"), .product(name: "ICAOCrypto", package: "cccd"),
                .product(name: "LDS", package: "cccd"), .product(name: "ICAOSession", package: "cccd"), "FuzzSupport",
            ]
        ),
    ]
)
