import ConvKitPNG
import Foundation

/// Runs the built `convkit` executable and captures what it prints.
struct ConvKitRun {
  let status: Int32
  let standardOutput: Data
  let standardError: String

  /// The executable SwiftPM builds next to this test bundle.
  static var executable: URL {
    Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("convkit")
  }

  /// Runs `convkit` with `arguments`, feeding `input` to its standard input.
  static func run(_ arguments: [String], input: Data = Data()) throws -> ConvKitRun {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = input.isEmpty ? FileHandle.nullDevice : stdin
    process.standardOutput = stdout
    process.standardError = stderr
    // A command that fails early closes its standard input; writing to it must then give
    // an error, not end the test process by SIGPIPE.
    signal(SIGPIPE, SIG_IGN)
    try process.run()

    if !input.isEmpty {
      try? stdin.fileHandleForWriting.write(contentsOf: input)
      try? stdin.fileHandleForWriting.close()
    }
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    let error = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ConvKitRun(
      status: process.terminationStatus, standardOutput: output,
      standardError: String(decoding: error, as: UTF8.self))
  }

  /// The lines written to standard error.
  var errorLines: [Substring] {
    standardError.split(separator: "\n")
  }
}

/// Paths of the repository, found from this file's location.
enum Repository {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func sampleImage(_ name: String) -> String {
    root.appendingPathComponent("SampleImages/\(name)").path
  }

  static func fixture(_ name: String) -> String {
    Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!.path
  }
}

/// A fresh folder under the system temporary folder, removed by `remove()`.
struct TemporaryFolder {
  let path: String

  init() throws {
    path = FileManager.default.temporaryDirectory
      .appendingPathComponent("convkit-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func file(_ name: String) -> String {
    (path as NSString).appendingPathComponent(name)
  }

  var contents: [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
  }

  func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}

/// Returns the largest difference between two 8-bit images' samples, in 8-bit steps.
func maximumDifference(_ a: PNGImage, _ b: PNGImage) -> Int {
  precondition(a.pixels.shape == b.pixels.shape, "shapes \(a.pixels.shape) and \(b.pixels.shape)")
  return zip(a.pixels.scalars, b.pixels.scalars).map {
    abs(Int(($0 * 255).rounded()) - Int(($1 * 255).rounded()))
  }.max() ?? 0
}
