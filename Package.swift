// swift-tools-version:6.0
import PackageDescription

// Kawan has no SwiftPM package dependencies (a hard requirement): only the
// toolchain, Glibc and system C libraries through module maps.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Kawan",
    products: [
        .executable(name: "kawan", targets: ["kawan"]),
    ],
    targets: [
        // System C libraries (module maps only; no vendored C code).
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),

        // Libraries, each with one job. Dependencies point one way:
        // KawanCore <- KawanCrypto, KawanHTTP, KawanConfig, KawanStore, KawanNLU
        //          <- KawanChannels <- KawanConversation <- KawanDaemon <- kawan
        .target(name: "KawanCore", swiftSettings: strictSettings),
        .target(name: "KawanCrypto", dependencies: ["CCrypto"], swiftSettings: strictSettings),
        .target(name: "KawanHTTP", dependencies: ["KawanCore", "CLinux"], swiftSettings: strictSettings),
        .target(name: "KawanConfig", dependencies: ["KawanCore", "KawanCrypto"], swiftSettings: strictSettings),
        .target(name: "KawanStore", dependencies: ["KawanCore", "CSQLite"], swiftSettings: strictSettings),
        // Optimised in debug builds too: the model is trained at start-up, which
        // takes about 1 s optimised and 20 s without (every daemon test starts it).
        .target(name: "KawanNLU", dependencies: ["KawanCore"],
                swiftSettings: strictSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "KawanChannels",
                dependencies: ["KawanCore", "KawanCrypto", "KawanHTTP", "KawanConfig", "KawanStore", "CCurl"],
                swiftSettings: strictSettings),
        .target(name: "KawanConversation",
                dependencies: ["KawanCore", "KawanConfig", "KawanStore", "KawanChannels", "KawanNLU"],
                swiftSettings: strictSettings),
        // The caseworker API (JSON over HTTP): the escalation queue, replies, notes, stats.
        .target(name: "KawanAPI",
                dependencies: ["KawanCore", "KawanConfig", "KawanStore", "KawanHTTP", "KawanChannels", "KawanCrypto"],
                resources: [.copy("openapi.json")], swiftSettings: strictSettings),
        .target(name: "KawanDaemon",
                dependencies: ["KawanCore", "KawanCrypto", "KawanHTTP", "KawanConfig", "KawanStore", "KawanNLU",
                               "KawanChannels", "KawanConversation", "KawanAPI", "CLinux"],
                swiftSettings: strictSettings),
        .executableTarget(name: "kawan", dependencies: ["KawanDaemon"], swiftSettings: strictSettings),

        // A child process for the store's kill -9 durability test.
        .executableTarget(name: "StoreCrashProbe", dependencies: ["KawanStore"],
                          path: "Tests/StoreCrashProbe", swiftSettings: strictSettings),

        // Real-socket HTTP client and process helpers shared by the test targets.
        .target(name: "KawanTestSupport", dependencies: ["CLinux"], path: "Tests/KawanTestSupport"),

        // Benchmarks (run with release builds through Benchmarks/*.sh).
        .executableTarget(name: "kawan-store-bench", dependencies: ["KawanStore", "KawanCore"],
                          path: "Benchmarks/StoreBenchmark", swiftSettings: strictSettings),
        .executableTarget(name: "kawan-nlu-bench", dependencies: ["KawanNLU"],
                          path: "Benchmarks/NLUBenchmark", swiftSettings: strictSettings),

        .testTarget(name: "KawanCoreTests", dependencies: ["KawanCore"]),
        .testTarget(name: "KawanCryptoTests", dependencies: ["KawanCrypto"]),
        .testTarget(name: "KawanHTTPTests", dependencies: ["KawanHTTP", "KawanCore", "KawanTestSupport"]),
        .testTarget(name: "KawanConfigTests", dependencies: ["KawanConfig", "KawanCore", "KawanCrypto"]),
        .testTarget(name: "KawanNLUTests", dependencies: ["KawanNLU", "KawanCore"]),
        .testTarget(name: "KawanChannelsTests",
                    dependencies: ["KawanChannels", "KawanCore", "KawanCrypto", "KawanConfig", "KawanStore", "KawanHTTP",
                                   "KawanTestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "KawanConversationTests",
                    dependencies: ["KawanConversation", "KawanChannels", "KawanConfig", "KawanStore", "KawanCore",
                                   "KawanNLU", "KawanHTTP", "KawanCrypto", "KawanTestSupport"]),
        .testTarget(name: "KawanStoreTests", dependencies: ["KawanStore", "KawanCore", "KawanTestSupport", "StoreCrashProbe"]),
        .testTarget(name: "KawanAPITests",
                    dependencies: ["KawanAPI", "KawanChannels", "KawanConfig", "KawanStore", "KawanCore", "KawanHTTP",
                                   "KawanCrypto", "KawanTestSupport", "kawan"]),
        .testTarget(name: "KawanDaemonTests",
                    dependencies: ["KawanDaemon", "KawanHTTP", "KawanCore", "KawanCrypto", "KawanConfig", "KawanStore",
                                   "KawanTestSupport", "kawan"]),
    ]
)
