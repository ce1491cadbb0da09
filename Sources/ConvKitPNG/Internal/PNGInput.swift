/// Reads a PNG file into memory, no more of it than its header allows.
enum PNGInput {
  /// The bytes read before the header is checked: 64 KiB.
  static let headerBlock = 1 << 16

  /// Returns the bytes of the PNG that `descriptor` reads.
  ///
  /// Reads 64 KiB first. If they do not start with a valid signature and IHDR
  /// chunk, returns them without reading on, and libpng's decoding reports
  /// the problem. Otherwise rejects an image of more than `maximumPixels`
  /// pixels, then reads the rest up to `PNGHeader.maximumFileSize`.
  ///
  /// - Parameters:
  ///   - size: the size of a regular file, checked before reading on.
  /// - Throws: `ReadFailure.tooLarge` with the declared size, or
  ///   `ReadFailure.invalid` for a failed `read` or a file over the size
  ///   limit.
  static func read(
    _ descriptor: Int32, size: Int?, maximumPixels: Int
  ) throws(ReadFailure) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(min(size ?? headerBlock, headerBlock))
    if try fill(&bytes, from: descriptor, upTo: headerBlock) {
      return bytes
    }

    guard let declared = PNGHeader.declaredSize(bytes) else {
      return bytes
    }
    guard declared.width * declared.height <= maximumPixels else {
      throw .tooLarge(width: declared.width, height: declared.height)
    }

    let limit = PNGHeader.maximumFileSize(width: declared.width, height: declared.height)
    let tooBig = ReadFailure.invalid(
      FailureReason(
        "file is larger than \(limit) bytes, the most that a \(declared.width)x"
          + "\(declared.height) PNG can need"))
    if let size, size > limit {
      throw tooBig
    }

    bytes.reserveCapacity(size ?? 0)
    _ = try fill(&bytes, from: descriptor, upTo: limit == Int.max ? limit : limit + 1)
    guard bytes.count <= limit else {
      throw tooBig
    }
    return bytes
  }

  /// Calls `POSIXFile.fill`, wrapping its error.
  private static func fill(
    _ bytes: inout [UInt8], from descriptor: Int32, upTo limit: Int
  ) throws(ReadFailure) -> Bool {
    do {
      return try POSIXFile.fill(&bytes, from: descriptor, upTo: limit)
    } catch {
      throw .invalid(error)
    }
  }
}
