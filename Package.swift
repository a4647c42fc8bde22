// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "ntm",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SyncCore", targets: ["SyncCore"]),
        .library(name: "Replica", targets: ["Replica"]),
        .library(name: "NTM", targets: ["NTM"]),
        .library(name: "SyncWire", targets: ["SyncWire"]),
        .library(name: "SyncHub", targets: ["SyncHub"]),
        .library(name: "NTMHub", targets: ["NTMHub"]),
        .library(name: "NTMDocuments", targets: ["NTMDocuments"]),
        .executable(name: "ntm", targets: ["ntm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // The system zlib (`/usr/include/zlib.h`, linked as `z`).
        .systemLibrary(name: "CNTMZlib", path: "Sources/CNTMZlib"),
        // Streaming deflate and gzip over zlib: compressed sync sessions and `.ndjson.gz` bundles.
        .target(name: "Deflate", dependencies: ["CNTMZlib"], swiftSettings: strict),
        // Pure values: dots, version vectors, operations, the merge rule, JSON, operation hashes. No I/O, no
        // clock reads.
        .target(
            name: "SyncCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // A SQLite replica: migrations, operation log, row state, projections, conflicts, bundles, integrity, the read
        // API the domain uses, roles (a kind and an argument) and write policies; its errors worded in Messages/.
        .target(
            name: "Replica",
            dependencies: [
                "SyncCore", "Deflate",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        // The sync protocol's messages and limits: values only, no sockets.
        .target(name: "SyncWire", dependencies: ["SyncCore"], swiftSettings: strict),
        // The hub: the session state machine, the TCP server (SwiftNIO), stdio, and the client. It knows no
        // roles: the domain gives it a write policy and a scope rule.
        .target(
            name: "SyncHub",
            dependencies: [
                "SyncWire", "Replica", "SyncCore", "Deflate", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: strict),
        // The NTM domain: criteria sets, communes, targets, assessments, evidence, dossiers, verification,
        // appraisals, deadlines, notes, the roles and who may write what, conflict review, and the reports.
        .target(
            name: "NTM",
            dependencies: [
                "Replica", "SyncCore", .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [
                .copy("Resources/criteria-qd1980-2016.json"), .copy("Resources/criteria-qd318-2022.json"),
                .copy("Resources/criteria-qd558-2016.json"),
            ],
            swiftSettings: strict),
        // The glue between the NTM domain and the sync hub: the hub's identity and scope rule, enrolment
        // and credentials, restoring a hub from a backup.
        .target(
            name: "NTMHub", dependencies: ["NTM", "Replica", "SyncCore", "SyncHub", "SyncWire"], swiftSettings: strict),
        // The documents people file and look at, made from the report figures: the official report as a Word
        // document (WordprocessingML in a ZIP container) and the dashboard page (one self-contained HTML file).
        .target(
            name: "NTMDocuments",
            dependencies: ["NTM", "SyncCore", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            swiftSettings: strict),
        // The command-line tool: argument parsing and printing only.
        .executableTarget(
            name: "ntm",
            dependencies: [
                "NTM", "NTMHub", "NTMDocuments", "Replica", "SyncCore", "SyncWire", "SyncHub",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        // Benchmark driver used by scripts/bench.sh (release build).
        .executableTarget(
            name: "ntm-bench",
            dependencies: [
                "NTM", "Replica", "SyncCore", "SyncHub", "SyncWire", .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            path: "Sources/NTMBench",
            swiftSettings: strict),
        // Helpers shared by the test targets: temporary folders, seeded random numbers, running the binary,
        // hub fixtures, raw sockets and pseudo-terminals.
        .target(
            name: "TestSupport",
            dependencies: [
                "SyncCore", "SyncWire", "Replica", "SyncHub", "NTM", "NTMHub",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "SyncCoreTests", dependencies: ["SyncCore", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ReplicaTests",
            dependencies: ["Replica", "SyncCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(name: "NTMTests", dependencies: ["NTM", "Replica", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "SyncHubTests",
            dependencies: [
                "SyncHub", "SyncWire", "SyncCore", "Replica", "NTM", "NTMHub", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOTestUtils", package: "swift-nio"),
            ], swiftSettings: strict),
        .testTarget(
            name: "NTMHubTests", dependencies: ["NTMHub", "NTM", "Replica", "SyncHub", "SyncCore", "TestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "NTMDocumentsTests",
            dependencies: [
                "NTMDocuments", "NTM", "Replica", "SyncCore", "TestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ], swiftSettings: strict),
        .testTarget(
            name: "CLITests",
            dependencies: [
                "TestSupport", "SyncCore", "Replica", "NTM", "NTMHub", "SyncHub", "ntm",
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
