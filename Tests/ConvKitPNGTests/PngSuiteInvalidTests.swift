import ConvKitPNG
import Testing

/// Every invalid PngSuite file is rejected with an error naming it.
@Suite("PngSuite invalid files")
struct PngSuiteInvalidTests {
  /// A word that libpng's message has for each kind of damage, by the first
  /// three letters of the file name.
  static let expectedWords = [
    "xs1": "PNG file", "xs2": "PNG file", "xs4": "PNG file", "xs7": "PNG file",
    "xcr": "PNG file", "xlf": "PNG file",
    "xc1": "IHDR", "xc9": "IHDR", "xd0": "IHDR", "xd3": "IHDR", "xd9": "IHDR",
    "xhd": "IHDR: CRC error", "xcs": "CRC error", "xdt": "IEND",
  ]

  @Test("rejects the file, naming it and the reason", arguments: Fixtures.invalidNames)
  func rejects(name: String) throws {
    let path = Fixtures.invalid(name)
    let error = try #require(throws: PNGError.self) { try PNGImage(contentsOf: path) }

    guard case .cannotRead(let errorPath, let reason) = error else {
      Issue.record("\(name): expected cannotRead, got \(error)")
      return
    }
    #expect(errorPath == path)
    #expect(
      reason.contains(Self.expectedWords[String(name.prefix(3))] ?? "?"), "\(name): \(reason)")
    #expect(error.description == "cannot read '\(path)': \(reason)")
    #expect(!error.description.contains("\n"))
  }

  @Test("also rejects them from memory, naming the given name", arguments: Fixtures.invalidNames)
  func rejectsFromMemory(name: String) throws {
    let bytes = try #require(Fixtures.bytes(of: Fixtures.invalid(name)))
    let error = try #require(throws: PNGError.self) { try PNGImage.decode(bytes, name: name) }
    #expect(error.path == name)
  }
}
