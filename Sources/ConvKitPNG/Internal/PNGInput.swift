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
    var header = try readHeader(descriptor, size: size, maximumPixels: maximumPixels)
    guard let limit = header.fileLimit else {
      return header.bytes
    }

    header.bytes.reserveCapacity(size ?? 0)
    _ = try fill(&header.bytes, from: descriptor, upTo: limit == Int.max ? limit : limit + 1)
    guard header.bytes.count <= limit else {
      throw tooBig(limit, header.bytes)
    }
    return header.bytes
  }

  /// The first bytes of a file, and the most bytes the file may have.
  struct Header {
    var bytes: [UInt8]
    /// The largest file size the declared image can need, or `nil` when the first bytes
    /// are the whole file or do not start with a valid signature and IHDR chunk.
    var fileLimit: Int?
  }

  /// Reads the first 64 KiB of the file and checks them, as `read` does before reading
  /// on: an image over `maximumPixels`, and a regular file larger than the declared image
  /// can need, are rejected.
  static func readHeader(
    _ descriptor: Int32, size: Int?, maximumPixels: Int
  ) throws(ReadFailure) -> Header {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(min(size ?? headerBlock, headerBlock))
    if try fill(&bytes, from: descriptor, upTo: headerBlock) {
      return Header(bytes: bytes, fileLimit: nil)
    }

    guard let declared = PNGHeader.declaredSize(bytes) else {
      return Header(bytes: bytes, fileLimit: nil)
    }
    guard declared.width * declared.height <= maximumPixels else {
      throw .tooLarge(width: declared.width, height: declared.height)
    }

    let limit = PNGHeader.maximumFileSize(width: declared.width, height: declared.height)
    if let size, size > limit {
      throw tooBig(limit, bytes)
    }
    return Header(bytes: bytes, fileLimit: limit)
  }

  /// Returns the error for a file over `limit` bytes, for the image declared in `bytes`.
  private static func tooBig(_ limit: Int, _ bytes: [UInt8]) -> ReadFailure {
    let declared = PNGHeader.declaredSize(bytes)!
    return .invalid(
      FailureReason(
        "file is larger than \(limit) bytes, the most that a \(declared.width)x"
          + "\(declared.height) PNG can need"))
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
