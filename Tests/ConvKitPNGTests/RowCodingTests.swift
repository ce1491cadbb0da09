import ConvKit
import ConvKitPNG
import Foundation
import Testing

/// Decoding and encoding a band of rows at a time gives what whole-image decoding and
/// encoding give.
@Suite("Row by row decoding and encoding")
struct RowCodingTests {
  @Test("decoded bands equal whole image", arguments: Fixtures.validNames)
  func decodedRowsEqualWholeImage(name: String) throws {
    let path = Fixtures.valid(name)
    let image = try PNGImage(contentsOf: path)
    guard let decoder = try PNGRowDecoder(contentsOf: path) else {
      #expect(image.source?.interlaced == true, "only interlaced files decode whole only")
      return
    }

    #expect(image.source?.interlaced == false)
    #expect(decoder.layout == image.layout)
    #expect(decoder.bitDepth == image.bitDepth)
    #expect(decoder.colorSpace == image.colorSpace)
    #expect(decoder.source == image.source)
    var rows: [Tensor] = []
    while decoder.rowsRead < decoder.height {
      // 7 rows a band, so bands end at rows that are not multiples of 8 or of the height.
      rows.append(try decoder.readRows(min(7, decoder.height - decoder.rowsRead)))
    }
    #expect(Tensor(joiningRows: rows) == image.pixels)
  }

  @Test("encoded bands equal whole encoding", arguments: [
    ("basn0g16.png", PNGCompression.small), ("basn2c08.png", .fast), ("basn6a16.png", .fast),
    ("basn4a08.png", .small), ("ccwn2c08.png", PNGCompression(level: 0)),
  ])
  func encodedRowsEqualWholeImage(name: String, compression: PNGCompression) throws {
    let image = try PNGImage(contentsOf: Fixtures.valid(name))
    let encoder = try PNGRowEncoder(
      width: image.width, height: image.height, layout: image.layout, bitDepth: image.bitDepth,
      colorSpace: image.colorSpace, compression: compression)
    for first in stride(from: 0, to: image.height, by: 5) {
      try encoder.writeRows(image.pixels.rows(first..<min(first + 5, image.height)))
    }

    #expect(try encoder.finish() == image.encoded(compression: compression))
  }

  @Test("file encoder matches whole encoding")
  func encoderWritingToFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let image = try PNGImage(contentsOf: Fixtures.valid("basn2c08.png"))
    let path = folder.file("out.png")
    let encoder = try PNGRowEncoder(
      writingTo: path, width: image.width, height: image.height, layout: image.layout,
      bitDepth: image.bitDepth, colorSpace: image.colorSpace, compression: .fast)

    for first in stride(from: 0, to: image.height, by: 5) {
      try encoder.writeRows(image.pixels.rows(first..<min(first + 5, image.height)))
      // Rows so far are in a temporary file beside the target, which does not exist yet.
      let entries = folder.contents()
      #expect(entries.count == 1)
      #expect(entries.allSatisfy { $0.hasSuffix(".tmp") })
    }
    try encoder.finish(writingTo: path)

    #expect(folder.contents() == ["out.png"])
    #expect(try Array(Data(contentsOf: URL(fileURLWithPath: path))) == image.encoded(compression: .fast))
  }

  @Test("abandoned encoder keeps target")
  func abandonedFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = try folder.create("out.png", contents: Data("old".utf8))
    let encoder = try PNGRowEncoder(writingTo: path, width: 4, height: 3, layout: .gray)
    try encoder.writeRows(Tensor(shape: [1, 2, 4], repeating: 0.5))
    #expect(folder.contents().count == 2)

    encoder.abandon()

    #expect(folder.contents() == ["out.png"])
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("old".utf8))

    // The file's first bytes are gone, so the encoder cannot go on.
    #expect(throws: PNGError.self) { try encoder.writeRows(Tensor(shape: [1, 1, 4], repeating: 0.5)) }
    #expect(throws: PNGError.self) { try encoder.finish(writingTo: path) }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("old".utf8))
  }

  @Test("missing rows fail finish")
  func missingRowsFail() throws {
    let encoder = try PNGRowEncoder(width: 4, height: 3, layout: .gray)
    try encoder.writeRows(Tensor(shape: [1, 2, 4], repeating: 0.5))

    #expect(throws: PNGError.self) { try encoder.finish() }
  }

  @Test("invalid encoder settings rejected")
  func invalidEncoderSettings() {
    #expect(throws: PNGError.self) { try PNGRowEncoder(width: 0, height: 3, layout: .gray) }
    #expect(throws: PNGError.self) { try PNGRowEncoder(width: 4, height: 3, layout: .rgb, bitDepth: 12) }
    #expect(throws: PNGError.self) {
      try PNGRowEncoder(width: 4, height: 3, layout: .rgb, compression: PNGCompression(level: 10))
    }
  }

  @Test("damaged data fails midway")
  func damagedDataFailsMidway() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let image = PNGImage(
      pixels: Tensor(shape: [1, 64, 64], scalars: (0..<4096).map { Float($0 % 251) / 255 }),
      layout: .gray)
    var bytes = try image.encoded(compressionLevel: 0)
    bytes[bytes.count - 200] ^= 0xFF
    let path = try folder.create("damaged.png", contents: Data(bytes))

    let decoder = try #require(try PNGRowDecoder(contentsOf: path))
    _ = try decoder.readRows(8)
    let error = #expect(throws: PNGError.self) {
      while decoder.rowsRead < decoder.height {
        _ = try decoder.readRows(8)
      }
    }
    #expect(String(describing: error).contains(path))
  }

  // MARK: - Files over 64 KiB, read as their rows are decoded

  /// Returns a 256 x 256 RGB image that, stored without compression, takes 197 KB: more
  /// than the 64 KiB that the decoder reads before it reads the rest from the file.
  static func largeImage(bitDepth: Int = 8) -> PNGImage {
    let count = 3 * 256 * 256
    return PNGImage(
      pixels: Tensor(shape: [3, 256, 256], scalars: (0..<count).map { Float($0 * 7 % 251) / 250 }),
      layout: .rgb, bitDepth: bitDepth)
  }

  /// Returns every row of the file at `path`, decoded 37 at a time, or the whole image
  /// for an interlaced file.
  static func decodeAll(
    _ path: String, maximumPixels: Int = PNGImage.defaultMaximumPixels
  ) throws -> Tensor {
    guard let decoder = try PNGRowDecoder(contentsOf: path, maximumPixels: maximumPixels) else {
      return try PNGImage(contentsOf: path, maximumPixels: maximumPixels).pixels
    }
    var rows: [Tensor] = []
    while decoder.rowsRead < decoder.height {
      rows.append(try decoder.readRows(min(37, decoder.height - decoder.rowsRead)))
    }
    return Tensor(joiningRows: rows)
  }

  @Test("large file decodes from disk", arguments: [8, 16])
  func largeFile(bitDepth: Int) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let image = Self.largeImage(bitDepth: bitDepth)
    let path = try folder.create("large.png", contents: Data(try image.encoded(compressionLevel: 0)))

    #expect(try Self.decodeAll(path) == PNGImage(contentsOf: path).pixels)
  }

  @Test("large file with a chunk longer than the file")
  func largeFileLongChunk() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var crafted = CraftedPNG(try Self.largeImage().encoded(compressionLevel: 0))
    // An eXIf chunk after the image data that declares 512 MiB: libpng would allocate
    // the declared length before reading it.
    let end = crafted.chunks.count - 1
    crafted.chunks.insert(CraftedPNG.Chunk(type: "eXIf", data: [1, 2, 3]), at: end)
    var bytes = crafted.bytes
    let iend = bytes.count - 12
    let exif = iend - 15
    bytes.replaceSubrange(exif..<(exif + 4), with: CraftedPNG.bigEndian(1 << 29))
    let path = try folder.create("exif.png", contents: Data(bytes))

    #expect(throws: PNGError.cannotRead(path: path, reason: "unexpected end of file")) {
      try PNGRowDecoder(contentsOf: path)
    }
  }

  @Test("large file cut short")
  func largeFileTruncated() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let bytes = try Self.largeImage().encoded(compressionLevel: 0)
    let path = try folder.create("cut.png", contents: Data(bytes.prefix(150_000)))

    #expect(throws: PNGError.self) { try Self.decodeAll(path) }
    #expect(throws: PNGError.cannotRead(path: path, reason: "unexpected end of file")) {
      try PNGImage(contentsOf: path)
    }
  }

  @Test("large file with data after IEND")
  func largeFileTrailingData() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let bytes = try Self.largeImage().encoded(compressionLevel: 0) + Array("extra".utf8)
    let path = try folder.create("trailer.png", contents: Data(bytes))

    #expect(
      throws: PNGError.cannotRead(path: path, reason: "5 bytes of extra data after the IEND chunk")
    ) {
      try Self.decodeAll(path)
    }
  }
}
