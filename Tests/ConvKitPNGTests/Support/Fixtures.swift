import Foundation

/// Where the test fixtures are: the `Fixtures` folder copied into the test
/// bundle (`.copy("Fixtures")` in Package.swift).
enum Fixtures {
  /// The `Fixtures` folder in the test bundle.
  static let folder: URL = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

  /// The PngSuite folder, with `valid/` and `invalid/`.
  static let pngSuite = folder.appendingPathComponent("pngsuite")

  /// The path of a valid PngSuite file.
  static func valid(_ name: String) -> String {
    pngSuite.appendingPathComponent("valid").appendingPathComponent(name).path
  }

  /// The path of an invalid PngSuite file.
  static func invalid(_ name: String) -> String {
    pngSuite.appendingPathComponent("invalid").appendingPathComponent(name).path
  }

  /// The bytes of a file, or nil if it cannot be read.
  static func bytes(of path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { [UInt8]($0) }
  }

  /// The names of the PNG files in a PngSuite subfolder, sorted.
  static func names(in subfolder: String) -> [String] {
    let url = pngSuite.appendingPathComponent(subfolder)
    let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    return names.filter { $0.hasSuffix(".png") }.sorted()
  }

  /// The 161 valid PngSuite files.
  static let validNames = names(in: "valid")

  /// The 14 invalid PngSuite files.
  static let invalidNames = names(in: "invalid")
}
