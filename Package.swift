// swift-tools-version: 6.1
// cccd: read Vietnam's chip identity card (CCCD / Căn cước) on PC/SC readers under Linux.
//
// Modules, one per layer, each importing only those listed before it:
//   CPCSC, COpenSSL, CZBar, CImage   system libraries (module map + a tiny shim header)
//   CardIO        APDUs, status words, the channel protocol, PC/SC, trace replay and recording, entropy
//   ICAOCrypto    OpenSSL calls: 3DES, AES, CMAC, retail MAC, KDF, EC and ECDH, signatures, hashes
//   LDS           zero-copy BER-TLV, every file of the card (EF.COM, DG1, DG2, DG13, DG14, DG15, SOD), and the one
//                 parser of X.509 certificates, Names, CRLs, CMS SignedData and CSCA master lists
//   ICAOSession   secure messaging, BAC, PACE, chip and active authentication, the file reader
//   Verification  passive authentication, the trust store, certificate paths, master lists, CRLs, algorithm policy
//   CCCD          the card's domain: the QR text, cross-check, the read pipeline, the level-1 payload
//   CCCDQR        QR images (PNG/JPEG, zbar, the recovery ladder) and the portrait transcoder (JPEG 2000 → JPEG)
//   CCCDConfiguration  cccd.toml: the defaults, the system and user files, the command line, each value's source
//   DeskRecord    the audit log (SQLite through GRDB), history, retention, the saved-cards archive
//   DeskServer    the desk page (Hummingbird): routes, server-sent events, the page's HTML/CSS/JS as resources
//   VirtualCard   the chip emulator: in-process channel and vpcd server
//   cccd          the command line
import PackageDescription

let package = Package(
    name: "cccd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cccd", targets: ["cccd"]),
        .library(name: "CardIO", targets: ["CardIO"]),
        .library(name: "ICAOCrypto", targets: ["ICAOCrypto"]),
        .library(name: "LDS", targets: ["LDS"]),
        .library(name: "ICAOSession", targets: ["ICAOSession"]),
        .library(name: "Verification", targets: ["Verification"]),
        .library(name: "CCCD", targets: ["CCCD"]),
        .library(name: "CCCDQR", targets: ["CCCDQR"]),
        .library(name: "CCCDConfiguration", targets: ["CCCDConfiguration"]),
        .library(name: "DeskRecord", targets: ["DeskRecord"]),
        .library(name: "VirtualCard", targets: ["VirtualCard"]),
        .library(name: "DeskServer", targets: ["DeskServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // The desk page's HTTP server; without its default traits (swift-configuration, which cccd does not use).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        // `swift package generate-documentation` (scripts/docs.sh): the DocC catalogs of every library module.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", exact: "1.5.0"),
    ],
    targets: [
        // System libraries, found through pkg-config.
        .systemLibrary(name: "CPCSC", pkgConfig: "libpcsclite",
                       providers: [.apt(["libpcsclite-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZBar", pkgConfig: "zbar",
                       providers: [.apt(["libzbar-dev"])]),
        .systemLibrary(name: "CImage", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev", "libjpeg62-turbo-dev", "libopenjp2-7-dev"])]),

        // Layers.
        .target(name: "CardIO", dependencies: ["CPCSC"]),
        .target(name: "ICAOCrypto", dependencies: ["COpenSSL"]),
        .target(name: "LDS"),
        .target(name: "ICAOSession", dependencies: ["CardIO", "ICAOCrypto", "LDS"]),
        .target(name: "Verification", dependencies: ["ICAOCrypto", "LDS"]),
        .target(name: "CCCD", dependencies: ["CardIO", "ICAOCrypto", "LDS", "ICAOSession", "Verification"]),
        .target(name: "CCCDQR", dependencies: ["CCCD", "CZBar", "CImage"]),
        .target(name: "CCCDConfiguration", dependencies: ["CCCD", .product(name: "TOMLKit", package: "TOMLKit")]),
        .target(name: "DeskRecord", dependencies: ["CCCD", "CCCDConfiguration", "ICAOCrypto",
                                                   .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "VirtualCard", dependencies: ["CardIO", "ICAOCrypto", "LDS"]),
        .target(name: "DeskServer", dependencies: [
            "CCCD", "CCCDQR", "CCCDConfiguration", "DeskRecord", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"), .product(name: "HTTPTypes", package: "swift-http-types"),
        ], resources: [.copy("Page")]),
        .executableTarget(name: "cccd-bench", dependencies: ["CardIO", "CCCD", "ICAOSession", "LDS", "VirtualCard"]),
        .executableTarget(name: "cccd-desk-bench", dependencies: ["CCCD", "CCCDConfiguration", "DeskRecord", "DeskServer", "VirtualCard"]),
        .executableTarget(name: "cccd-vectors", dependencies: ["CCCD", "ICAOCrypto", "VirtualCard"]),
        .executableTarget(name: "cccd", dependencies: [
            "CardIO", "ICAOSession", "LDS", "Verification", "CCCD", "CCCDQR", "CCCDConfiguration", "DeskRecord",
            "VirtualCard", "DeskServer", "COpenSSL", "CPCSC", "CZBar",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Tests, one target per module, plus the ones that need the real pcscd.
        .testTarget(name: "CardIOTests", dependencies: ["CardIO"], resources: []),
        .testTarget(name: "ICAOCryptoTests", dependencies: ["ICAOCrypto"]),
        .testTarget(name: "LDSTests", dependencies: [
            "LDS", "CardIO", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "ICAOSessionTests", dependencies: ["ICAOSession", "CardIO", "ICAOCrypto", "LDS", "VirtualCard"]),
        .testTarget(name: "VerificationTests", dependencies: ["Verification", "LDS", "ICAOCrypto", "VirtualCard", "CardIO"]),
        .testTarget(name: "CCCDTests", dependencies: ["CCCD", "CardIO", "VirtualCard"]),
        .testTarget(name: "CCCDQRTests", dependencies: ["CCCDQR", "CCCD"]),
        .testTarget(name: "CCCDConfigurationTests", dependencies: ["CCCDConfiguration", "CCCD"]),
        .testTarget(name: "DeskRecordTests", dependencies: ["DeskRecord", "CCCDConfiguration", "CCCD"]),
        .testTarget(name: "VirtualCardTests", dependencies: ["VirtualCard", "CardIO"]),
        .testTarget(name: "IntegrationTests", dependencies: ["CardIO", "ICAOCrypto", "LDS", "ICAOSession", "Verification", "CCCD", "CCCDQR", "CCCDConfiguration", "DeskRecord", "VirtualCard"]),
    ],
    swiftLanguageModes: [.v6]
)
