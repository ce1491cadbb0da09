import ConvKit
import ConvKitPNG
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Damaged, crafted and oversized files: each is one `PNGError` naming the file and the
/// reason, found before memory for the declared image is allocated.
@Suite("Hostile files")
struct HostileFileTests {
  // MARK: - Size limits

  @Test("1x1 file declaring 100000 x 100000")
  func declaredSizeOverDefaultLimit() throws {
    var crafted = try CraftedPNG.gray(width: 1, height: 1)
    crafted.declare(width: 100_000, height: 100_000)

    let error = try #require(throws: PNGError.self) {
      try PNGImage.decode(crafted.bytes, name: "huge.png")
    }
    #expect(
      error
        == .tooLarge(
          path: "huge.png", width: 100_000, height: 100_000,
          maximumPixels: PNGImage.defaultMaximumPixels))
    #expect(
      error.description
        == "cannot read 'huge.png': image size 100000x100000 (10000000000 pixels) exceeds the "
        + "limit of 268435456 pixels")
  }

  @Test("default limit is 2^28 pixels")
  func defaultLimit() throws {
    #expect(PNGImage.defaultMaximumPixels == 268_435_456)

    var crafted = try CraftedPNG.gray(width: 1, height: 1)
    crafted.declare(width: 16_385, height: 16_384)
    #expect(throws: PNGError.self) { try PNGImage.decode(crafted.bytes, name: "over") }
  }

  @Test("limit is width x height, inclusive")
  func limitIsInclusive() throws {
    let bytes = try CraftedPNG.gray(width: 4, height: 4).bytes

    #expect(try PNGImage.decode(bytes, name: "a", maximumPixels: 16).width == 4)
    #expect(throws: PNGError.tooLarge(path: "a", width: 4, height: 4, maximumPixels: 15)) {
      try PNGImage.decode(bytes, name: "a", maximumPixels: 15)
    }
  }

  @Test("long, thin image over the limit")
  func longThinImage() throws {
    var crafted = try CraftedPNG.gray(width: 1, height: 1)
    crafted.declare(width: 1, height: 2_000_000)

    #expect(throws: PNGError.tooLarge(path: "thin", width: 1, height: 2_000_000, maximumPixels: 1_000_000)) {
      try PNGImage.decode(crafted.bytes, name: "thin", maximumPixels: 1_000_000)
    }
  }

  @Test("largest PNG size, largest limit")
  func byteCountOverflow() throws {
    var crafted = try CraftedPNG.gray(width: 1, height: 1)
    crafted.declare(width: 2_147_483_647, height: 2_147_483_647)

    let error = try #require(throws: PNGError.self) {
      try PNGImage.decode(crafted.bytes, name: "max", maximumPixels: .max)
    }
    #expect(
      error
        == .tooLarge(
          path: "max", width: 2_147_483_647, height: 2_147_483_647,
          maximumPixels: PNGImage.largestPixelLimit))
    #expect(error.description.contains("4611686014132420609 pixels"))
  }

  @Test(
    "invalid width or height",
    arguments: [(0, 1), (1, 0), (0x8000_0000, 1), (1, 0xFFFF_FFFF)] as [(UInt32, UInt32)])
  func invalidSize(width: UInt32, height: UInt32) throws {
    var crafted = try CraftedPNG.gray(width: 1, height: 1)
    crafted.declare(width: width, height: height)

    let reason = "image size \(width)x\(height) is invalid: width and height must be 1 to 2147483647"
    #expect(throws: PNGError.cannotRead(path: "size.png", reason: reason)) {
      try PNGImage.decode(crafted.bytes, name: "size.png")
    }
  }

  @Test("large file rejected by its header")
  func largeFileRejectedByHeader() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var crafted = try CraftedPNG.gray(width: 1, height: 1)
    crafted.declare(width: 100_000, height: 100_000)
    crafted.trailer = [UInt8](repeating: 0, count: 200_000)
    let path = try folder.create("huge.png", contents: Data(crafted.bytes))

    #expect(
      throws: PNGError.tooLarge(
        path: path, width: 100_000, height: 100_000, maximumPixels: PNGImage.defaultMaximumPixels)
    ) {
      try PNGImage(contentsOf: path)
    }
  }

  @Test("padded file rejected before reading")
  func paddedFileRejected() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = try folder.create("padded.png", contents: Data(CraftedPNG.gray(width: 1, height: 1).bytes))
    // A sparse file: 80 MiB long, but only the PNG at its start takes disk space.
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.truncate(atOffset: 80 << 20)
    try handle.close()

    let error = try #require(throws: PNGError.self) { try PNGImage(contentsOf: path) }
    #expect(error.reason.hasPrefix("file is larger than 67108882 bytes"), "\(error)")
  }

  @Test("endless stream stops at the limit")
  func endlessStream() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = try folder.create("padded.png", contents: Data(CraftedPNG.gray(width: 1, height: 1).bytes))
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.truncate(atOffset: 80 << 20)
    try handle.close()

    // Through a descriptor the size is not known in advance, as for a pipe.
    let descriptor = open(path, O_RDONLY)
    defer { close(descriptor) }
    let error = try #require(throws: PNGError.self) {
      try PNGImage(fileDescriptor: descriptor, name: "<stdin>")
    }
    #expect(error.path == "<stdin>")
    #expect(error.reason.hasPrefix("file is larger than 67108882 bytes"), "\(error)")
  }

  @Test("non-PNG stream stops after 64 KiB")
  func zeroStream() throws {
    let descriptor = open("/dev/zero", O_RDONLY)
    try #require(descriptor >= 0)
    defer { close(descriptor) }

    #expect(throws: PNGError.cannotRead(path: "zeros", reason: "Not a PNG file")) {
      try PNGImage(fileDescriptor: descriptor, name: "zeros")
    }
  }

  // MARK: - Damaged data

  @Test("critical chunk CRC error")
  func criticalCRC() throws {
    var crafted = try CraftedPNG.gray(width: 4, height: 4)
    crafted.damagedCRC = "IDAT"

    #expect(throws: PNGError.cannotRead(path: "crc.png", reason: "IDAT: CRC error")) {
      try PNGImage.decode(crafted.bytes, name: "crc.png")
    }
  }

  @Test("ancillary chunk CRC error")
  func ancillaryCRC() throws {
    var crafted = try CraftedPNG.gray(width: 4, height: 4)
    crafted.insertBeforeIDAT("tEXt", Array("Comment\u{0}damaged".utf8))
    #expect(try PNGImage.decode(crafted.bytes, name: "text.png").width == 4)

    crafted.damagedCRC = "tEXt"
    #expect(throws: PNGError.cannotRead(path: "text.png", reason: "tEXt: CRC error")) {
      try PNGImage.decode(crafted.bytes, name: "text.png")
    }
  }

  @Test("damaged colour-space chunk")
  func damagedColorSpaceChunk() throws {
    var crafted = try CraftedPNG.gray(width: 4, height: 4)
    crafted.insertBeforeIDAT("gAMA", CraftedPNG.bigEndian(45455))
    #expect(try PNGImage.decode(crafted.bytes, name: "g.png").colorSpace.gamma == 45455)

    crafted.damagedCRC = "gAMA"
    #expect(throws: PNGError.cannotRead(path: "g.png", reason: "gAMA: CRC error")) {
      try PNGImage.decode(crafted.bytes, name: "g.png")
    }
  }

  @Test("damaged zlib stream")
  func badZlib() throws {
    var crafted = try CraftedPNG.gray(width: 4, height: 4)
    crafted.replaceImageData(with: [0x78, 0x9C] + Array("this is not deflate".utf8))

    let error = try #require(throws: PNGError.self) {
      try PNGImage.decode(crafted.bytes, name: "zlib.png")
    }
    #expect(error.reason.hasPrefix("IDAT: "), "\(error)")
  }

  @Test("data after IEND", arguments: [1, 7, 70_000])
  func dataAfterIEND(count: Int) throws {
    var crafted = try CraftedPNG.gray(width: 4, height: 4)
    crafted.trailer = [UInt8](repeating: 0x41, count: count)

    #expect(
      throws: PNGError.cannotRead(
        path: "tail.png", reason: "\(count) bytes of extra data after the IEND chunk")
    ) {
      try PNGImage.decode(crafted.bytes, name: "tail.png")
    }
  }

  @Test("truncated file", arguments: [8, 20, 33, 40, 50, 60])
  func truncated(length: Int) throws {
    let bytes = try CraftedPNG.gray(width: 8, height: 8).bytes
    try #require(length < bytes.count)

    #expect(throws: PNGError.self) { try PNGImage.decode(Array(bytes.prefix(length)), name: "cut") }
  }

  /// Found by Fuzz/PNGDecoder: an 88-byte file whose eXIf chunk declares 536870915 bytes,
  /// which libpng allocated before reading them.
  static let longExifChunk: [UInt8] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x06, 0x02, 0x03, 0x00, 0x00, 0x00, 0x9D,
    0xA2, 0x07, 0xDB, 0x00, 0x00, 0x00, 0x04, 0x67, 0x41, 0x4D, 0x41, 0x00, 0x01, 0x86, 0xA0,
    0x31, 0xE8, 0x96, 0x5F, 0x20, 0x00, 0x00, 0x03, 0x65, 0x58, 0x49, 0x66, 0x73, 0x42, 0x49,
    0x54, 0x04, 0x04, 0x04, 0x77, 0xF8, 0xB5, 0xA3, 0x00, 0x00, 0x00, 0x09, 0x50, 0x70, 0xFD,
    0xCA, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
  ]

  @Test("chunk longer than the file")
  func chunkLongerThanFile() throws {
    #expect(throws: PNGError.cannotRead(path: "exif.png", reason: "unexpected end of file")) {
      try PNGImage.decode(Self.longExifChunk, name: "exif.png")
    }

    // The largest length PNG allows, on an ancillary chunk before the image data.
    var bytes = try CraftedPNG.gray(width: 4, height: 4).bytes
    let idat = try #require(ChunkList(bytes).chunks.firstIndex { $0.type == "IDAT" })
    let offset = 8 + ChunkList(bytes).chunks[..<idat].reduce(0) { $0 + 12 + $1.data.count }
    bytes.insert(contentsOf: [0x7F, 0xFF, 0xFF, 0xFF] + Array("tEXtComment".utf8), at: offset)
    #expect(throws: PNGError.cannotRead(path: "text.png", reason: "unexpected end of file")) {
      try PNGImage.decode(bytes, name: "text.png")
    }
  }

  @Test("signature followed by garbage")
  func signatureThenGarbage() throws {
    let bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<200).map { UInt8($0) }

    let error = try #require(throws: PNGError.self) { try PNGImage.decode(bytes, name: "g.png") }
    #expect(error.path == "g.png")
    #expect(!error.description.contains("\n"))
  }

  @Test(
    "other format named .png",
    arguments: [
      ([0xFF, 0xD8, 0xFF, 0xE0], "a JPEG image"), (Array("GIF89a".utf8), "a GIF image"),
      (Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), "a WebP image"),
      (Array("%PDF-1.7".utf8), "a PDF document"),
    ] as [([UInt8], String)])
  func otherFormat(magic: [UInt8], format: String) throws {
    let bytes = magic + [UInt8](repeating: 0, count: 64)

    #expect(
      throws: PNGError.cannotRead(
        path: "photo.png", reason: "Not a PNG file: the data looks like \(format)")
    ) {
      try PNGImage.decode(bytes, name: "photo.png")
    }
  }

  // MARK: - Writing

  @Test("write to a full device")
  func writeToFullDevice() throws {
    let descriptor = open("/dev/full", O_WRONLY)
    try #require(descriptor >= 0)
    defer { close(descriptor) }
    let image = try PNGImage(contentsOf: Fixtures.valid("basn0g08.png"))

    #expect(throws: PNGError.cannotWrite(path: "full", reason: "no space left on device")) {
      try image.write(toFileDescriptor: descriptor, name: "full")
    }
  }

  @Test("write to a file descriptor")
  func writeToDescriptor() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let image = try PNGImage(contentsOf: Fixtures.valid("basn6a16.png"))
    let descriptor = open(folder.file("out.png"), O_WRONLY | O_CREAT, 0o644)
    try #require(descriptor >= 0)

    try image.write(toFileDescriptor: descriptor, name: "out.png")
    close(descriptor)

    #expect(try PNGImage(contentsOf: folder.file("out.png")).pixels == image.pixels)
  }
}
