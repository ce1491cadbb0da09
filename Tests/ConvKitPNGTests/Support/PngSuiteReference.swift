import Foundation

/// The samples that pypng decoded from each valid PngSuite file.
///
/// Written by `Scripts/fixtures/make_pngsuite_reference.py` into
/// `Fixtures/pngsuite-reference`: `manifest.tsv` (one line per file) and
/// `samples.bin` (interleaved samples, one byte each at depth <= 8, else two
/// bytes big-endian).
struct PngSuiteReference: Sendable {
  /// One file's reference.
  struct Entry: Sendable {
    var name: String
    var width: Int
    var height: Int
    var channels: Int
    /// The depth of `samples`: 1, 2, 4, 8 or 16 (palette entries are 8).
    var depth: Int
    var colorType: Int
    var bitDepth: Int
    var interlaced: Bool
    /// Interleaved `[height, width, channels]` samples.
    var samples: [Int]

    /// The sample at a channel, row and column.
    func sample(channel: Int, y: Int, x: Int) -> Int {
      samples[(y * width + x) * channels + channel]
    }
  }

  /// The entries by file name.
  var entries: [String: Entry]

  /// The reference loaded from the test bundle.
  static let shared: PngSuiteReference = load()

  /// Reads the manifest and samples.
  static func load() -> PngSuiteReference {
    let folder = Fixtures.folder.appendingPathComponent("pngsuite-reference")
    let manifest =
      (try? String(contentsOf: folder.appendingPathComponent("manifest.tsv"), encoding: .utf8))
      ?? ""
    let blob = [UInt8](
      (try? Data(contentsOf: folder.appendingPathComponent("samples.bin"))) ?? Data())

    var entries: [String: Entry] = [:]
    for line in manifest.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: "\t").map(String.init)
      guard fields.count == 9, let entry = entry(fields, blob: blob) else { continue }
      entries[entry.name] = entry
    }
    return PngSuiteReference(entries: entries)
  }

  /// Parses one manifest line and slices its samples.
  private static func entry(_ fields: [String], blob: [UInt8]) -> Entry? {
    let numbers = fields.dropFirst().compactMap { Int($0) }
    guard numbers.count == 8 else { return nil }
    let (width, height, channels, depth) = (numbers[0], numbers[1], numbers[2], numbers[3])
    let offset = numbers[7]
    let count = width * height * channels
    let bytesPerSample = depth > 8 ? 2 : 1
    guard offset + count * bytesPerSample <= blob.count else { return nil }

    let samples = (0..<count).map { index in
      let at = offset + index * bytesPerSample
      return bytesPerSample == 2 ? Int(blob[at]) << 8 | Int(blob[at + 1]) : Int(blob[at])
    }
    return Entry(
      name: fields[0], width: width, height: height, channels: channels, depth: depth,
      colorType: numbers[4], bitDepth: numbers[5], interlaced: numbers[6] != 0, samples: samples)
  }
}
