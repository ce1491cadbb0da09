/// The facts that the first bytes of a file give before libpng reads it: the
/// declared image size, or the format of a file that is not a PNG.
enum PNGHeader {
  /// The eight bytes that start every PNG file.
  static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// The number of bytes that `declaredSize` needs: the signature and a whole
  /// IHDR chunk.
  static let length = 33

  /// Returns the width and height in the IHDR chunk that starts `bytes`.
  ///
  /// Returns nil unless `bytes` starts with the PNG signature and an IHDR
  /// chunk of 13 bytes whose CRC matches and whose width and height are
  /// 1...2^31-1. libpng rejects every such file in its first 33 bytes.
  static func declaredSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
    guard let fields = sizeFields(bytes) else { return nil }
    let sizes = 1...Int(Int32.max)
    guard sizes.contains(Int(fields.width)), sizes.contains(Int(fields.height)) else {
      return nil
    }
    return (Int(fields.width), Int(fields.height))
  }

  /// Returns the width and height fields of the IHDR chunk that starts
  /// `bytes`, whatever their values, if the signature and the chunk's length,
  /// type and CRC are right.
  static func sizeFields(_ bytes: [UInt8]) -> (width: UInt32, height: UInt32)? {
    guard bytes.count >= length, Array(bytes[0..<8]) == signature else { return nil }
    guard bigEndian(bytes, at: 8) == 13, Array(bytes[12..<16]) == Array("IHDR".utf8) else {
      return nil
    }
    guard crc32(bytes[12..<29]) == bigEndian(bytes, at: 29) else { return nil }
    return (bigEndian(bytes, at: 16), bigEndian(bytes, at: 20))
  }

  /// Returns the largest file accepted for an image of the declared size.
  ///
  /// That is twice the uncompressed image at 64 bits per pixel (16-bit RGBA)
  /// with one filter byte per row, plus 64 MiB for other chunks. The factor 2
  /// covers deflate's stored blocks and IDAT chunks as small as 12 bytes; no
  /// encoder in common use writes smaller ones. The limit only stops an endless
  /// or padded stream: a valid file is always far smaller.
  static func maximumFileSize(width: Int, height: Int) -> Int {
    let rowBytes = width.multipliedReportingOverflow(by: 8).partialValue + 1
    let (image, overflow) = rowBytes.multipliedReportingOverflow(by: height)
    let (doubled, doubleOverflow) = image.multipliedReportingOverflow(by: 2)
    guard !overflow, !doubleOverflow, doubled <= Int.max - (64 << 20) else { return Int.max }
    return doubled + (64 << 20)
  }

  /// Returns a name for the format that `bytes` starts with, when it is a
  /// common image or document format other than PNG, else nil.
  static func otherFormat(_ bytes: [UInt8]) -> String? {
    let magic: [(prefix: [UInt8], name: String)] = [
      ([0xFF, 0xD8, 0xFF], "a JPEG image"),
      (Array("GIF87a".utf8), "a GIF image"),
      (Array("GIF89a".utf8), "a GIF image"),
      ([0x49, 0x49, 0x2A, 0x00], "a TIFF image"),
      ([0x4D, 0x4D, 0x00, 0x2A], "a TIFF image"),
      (Array("BM".utf8), "a BMP image"),
      (Array("%PDF".utf8), "a PDF document"),
    ]
    if let match = magic.first(where: { bytes.starts(with: $0.prefix) }) {
      return match.name
    }
    if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)),
      Array(bytes[8..<12]) == Array("WEBP".utf8)
    {
      return "a WebP image"
    }
    return nil
  }

  /// Reads a big-endian 32-bit value.
  private static func bigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
  }

  /// Returns the CRC-32 of `bytes` as PNG chunks use it (ISO 3309, as zlib
  /// computes it). It works bit by bit, which is fast enough for the 17 bytes
  /// of an IHDR chunk.
  static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 {
        crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
      }
    }
    return ~crc
  }
}
