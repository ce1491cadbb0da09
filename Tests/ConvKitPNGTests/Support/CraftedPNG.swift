import ConvKit
import ConvKitPNG

/// A PNG file as a list of chunks, to damage one part of a valid file on purpose.
///
/// `bytes` writes every chunk with a correct CRC unless `damagedCRC` names it, so a test
/// changes exactly one thing: a crafted IHDR passes libpng's CRC check and reaches the
/// size checks.
struct CraftedPNG {
  struct Chunk {
    var type: String
    var data: [UInt8]
  }

  var chunks: [Chunk]

  /// The type of the chunk whose CRC is written wrong, if any.
  var damagedCRC: String?

  /// Bytes written after the IEND chunk.
  var trailer: [UInt8] = []

  /// Splits an encoded PNG into its chunks.
  init(_ bytes: [UInt8]) {
    chunks = ChunkList(bytes).chunks.map { Chunk(type: $0.type, data: $0.data) }
  }

  /// Returns a valid 8-bit gray image of the given size, with samples 0, 1, 2...
  static func gray(width: Int, height: Int) throws -> CraftedPNG {
    let scalars = (0..<width * height).map { Float($0 % 256) / 255 }
    let image = PNGImage(
      pixels: Tensor(shape: [1, height, width], scalars: scalars), layout: .gray)
    return CraftedPNG(try image.encoded())
  }

  /// The file's bytes.
  var bytes: [UInt8] {
    var result: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    for chunk in chunks {
      let typeAndData = Array(chunk.type.utf8) + chunk.data
      var crc = CRC32.checksum(typeAndData)
      if chunk.type == damagedCRC {
        crc ^= 0xFFFF_FFFF
      }
      result += Self.bigEndian(UInt32(chunk.data.count)) + typeAndData + Self.bigEndian(crc)
    }
    return result + trailer
  }

  /// Sets the width and height in the IHDR chunk.
  mutating func declare(width: UInt32, height: UInt32) {
    let index = chunks.firstIndex { $0.type == "IHDR" }!
    chunks[index].data.replaceSubrange(0..<8, with: Self.bigEndian(width) + Self.bigEndian(height))
  }

  /// Inserts a chunk before the first IDAT.
  mutating func insertBeforeIDAT(_ type: String, _ data: [UInt8]) {
    let index = chunks.firstIndex { $0.type == "IDAT" }!
    chunks.insert(Chunk(type: type, data: data), at: index)
  }

  /// Replaces the data of every IDAT chunk with one chunk of `data`.
  mutating func replaceImageData(with data: [UInt8]) {
    let index = chunks.firstIndex { $0.type == "IDAT" }!
    chunks.removeAll { $0.type == "IDAT" }
    chunks.insert(Chunk(type: "IDAT", data: data), at: index)
  }

  static func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
  }
}

/// The CRC-32 of PNG chunks (ISO 3309, as zlib computes it), written here so that the
/// tests do not use the code they check.
enum CRC32 {
  static let table: [UInt32] = (0..<256).map { index in
    (0..<8).reduce(UInt32(index)) { crc, _ in crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
  }

  static func checksum(_ bytes: [UInt8]) -> UInt32 {
    ~bytes.reduce(0xFFFF_FFFF) { crc, byte in table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
  }
}
