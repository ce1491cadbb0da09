// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "ConvKit",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "ConvKit", targets: ["ConvKit"]),
    .library(name: "ConvKitPNG", targets: ["ConvKitPNG"]),
    .executable(name: "convkit", targets: ["convkit"]),
  ],
  targets: [
    // MARK: - C interop

    // libpng as installed by the system (Debian libpng-dev, Homebrew libpng).
    .systemLibrary(
      name: "CPNG",
      pkgConfig: "libpng",
      providers: [.apt(["libpng-dev"]), .brew(["libpng"])]
    ),

    // Owns setjmp around the full libpng API, so that libpng's longjmp on error never
    // crosses a Swift frame.
    .target(name: "CPNGBridge", dependencies: ["CPNG"]),

    // Prefetch and cache-bypassing stores for the engine's row loops, which Swift cannot
    // express. Two of its three functions are inlined into the Swift loops.
    .target(name: "CMemoryHints"),

    // The engine's row sum compiled for AVX2 and FMA, which Swift cannot enable for one
    // function without `unsafeFlags`. Chosen at run time, only on processors that have them.
    .target(name: "CFusedRows"),

    // MARK: - Libraries

    // Tensors, convolution, kernels and gradients, in Swift apart from CMemoryHints and
    // CFusedRows, with no libpng.
    .target(name: "ConvKit", dependencies: ["CMemoryHints", "CFusedRows"]),

    // PNG files to ConvKit tensors and back; the only Swift code that calls libpng.
    .target(name: "ConvKitPNG", dependencies: ["ConvKit", "CPNGBridge"]),

    // MARK: - Command line

    .target(name: "ConvKitCLI", dependencies: ["ConvKit", "ConvKitPNG"]),
    .executableTarget(name: "convkit", dependencies: ["ConvKitCLI"]),

    // MARK: - Benchmarks

    // Fixed workloads timed in one process; run with `swift run -c release convkit-bench`.
    .executableTarget(
      name: "convkit-bench", dependencies: ["ConvKit", "ConvKitPNG"],
      path: "Benchmarks/convkit-bench"),

    // MARK: - Tests

    .testTarget(
      name: "ConvKitTests",
      dependencies: ["ConvKit"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "ConvKitPNGTests",
      dependencies: ["ConvKitPNG"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "ConvKitCLITests",
      dependencies: ["ConvKit", "ConvKitPNG", "ConvKitCLI", "convkit"],
      resources: [.copy("Fixtures")]
    ),
  ],
  swiftLanguageModes: [.v6]
)
