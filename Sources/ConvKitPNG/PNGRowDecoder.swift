import ConvKit

/// Decodes a non-interlaced PNG file a band of rows at a time.
///
/// A filter can then work on the first rows while the rest of the image is still
/// compressed, and the image never has to be in memory whole, as samples, as floats or
/// compressed: a regular file is read as the rows are decoded. Other files, such as pipes,
/// are read into memory first. The samples, expansions, checks and errors are those of
/// `PNGImage(contentsOf:maximumPixels:)`, so the rows of a file decoded this way equal the
/// rows of the whole image.
///
///     guard let decoder = try PNGRowDecoder(contentsOf: "photo.png") else {
///       return try PNGImage(contentsOf: "photo.png")  // interlaced: decode it whole
///     }
///     while decoder.rowsRead < decoder.height {
///       let band = try decoder.readRows(min(64, decoder.height - decoder.rowsRead))
///       ...
///     }
///
/// A decoder is used from one thread at a time.
public final class PNGRowDecoder {
  /// The width in pixels.
  public let width: Int

  /// The height in pixels.
  public let height: Int

  /// The channels of the decoded rows.
  public let layout: PNGColorLayout

  /// The sample depth of the decoded rows: 8 or 16.
  public let bitDepth: Int

  /// The colour-space chunks before the image data.
  public let colorSpace: PNGColorSpace

  /// The colour type, bit depth and interlacing stored in the file.
  public let source: PNGSourceFormat

  /// The number of rows read so far.
  public private(set) var rowsRead = 0

  private let reader: LibPNG.RowReader
  private let name: String

  /// Opens the PNG file at `path` and decodes the chunks before its image data.
  ///
  /// Returns `nil` for an interlaced file, whose rows cannot be decoded one band at a
  /// time. Decode it whole with `PNGImage(contentsOf:maximumPixels:)`.
  ///
  /// - Throws: the errors of `PNGImage(contentsOf:maximumPixels:)` for a file that cannot
  ///   be read, is over the pixel limit, or whose header is invalid.
  public init?(
    contentsOf path: String, maximumPixels: Int = PNGImage.defaultMaximumPixels
  ) throws(PNGError) {
    let limit = PNGImage.pixelLimit(maximumPixels)
    let reader = try Self.openReader(path, maximumPixels: limit)
    let header = reader.header
    guard !header.source.interlaced else { return nil }

    self.reader = reader
    self.name = path
    self.width = header.width
    self.height = header.height
    self.layout = PNGColorLayout(channelCount: header.channels) ?? .rgba
    self.bitDepth = header.bitDepth
    self.colorSpace = header.colorSpace
    self.source = header.source
  }

  /// Decodes the next `count` rows as a `[channels, count, width]` tensor of values in
  /// [0, 1], converted as `PNGImage` converts them. After the last row it also checks the
  /// chunks after the image data.
  ///
  /// - Precondition: `count` is at most `height - rowsRead`.
  /// - Throws: `PNGError.cannotRead` naming the file, with libpng's message, for damaged
  ///   image data, a CRC error or data after the IEND chunk. Every later call fails too.
  public func readRows(_ count: Int) throws(PNGError) -> Tensor {
    precondition(
      count >= 0 && count <= height - rowsRead,
      "asked for \(count) rows with \(height - rowsRead) left")
    let samples: [UInt8]
    do {
      samples = try reader.read(rows: count)
    } catch {
      throw .cannotRead(path: name, reason: error.text)
    }
    rowsRead += count
    return PNGSamples.tensor(
      interleaved: samples, width: width, height: count, channels: layout.channelCount,
      bitDepth: bitDepth)
  }

  /// Opens the reader: on the open file for a regular file whose first 64 KiB pass
  /// `PNGInput`'s checks, else on its bytes in memory, read as `PNGImage` reads them.
  private static func openReader(_ path: String, maximumPixels: Int) throws(PNGError) -> LibPNG.RowReader {
    let file: (descriptor: Int32, size: Int?)
    do {
      file = try POSIXFile.openForReading(path)
    } catch {
      throw .cannotRead(path: path, reason: error.text)
    }
    guard let size = file.size else {
      POSIXFile.closeDescriptor(file.descriptor)
      return try memoryReader(readFile(path, maximumPixels: maximumPixels), path, maximumPixels)
    }

    let header: PNGInput.Header
    do {
      header = try PNGInput.readHeader(file.descriptor, size: size, maximumPixels: maximumPixels)
    } catch {
      POSIXFile.closeDescriptor(file.descriptor)
      throw PNGImage.error(error, name: path, maximumPixels: maximumPixels, bytes: [])
    }
    // A file of 64 KiB or less is already in memory, and a file without a valid header
    // gets libpng's message from its first bytes.
    guard header.fileLimit != nil, POSIXFile.rewind(file.descriptor) else {
      POSIXFile.closeDescriptor(file.descriptor)
      guard !header.bytes.isEmpty else {
        throw .cannotRead(path: path, reason: "file is empty")
      }
      return try memoryReader(header.bytes, path, maximumPixels)
    }
    do {
      return try LibPNG.RowReader(file: file.descriptor, size: size, maximumPixels: maximumPixels)
    } catch {
      throw PNGImage.error(error, name: path, maximumPixels: maximumPixels, bytes: header.bytes)
    }
  }

  /// Opens a reader on the bytes of a whole file.
  private static func memoryReader(
    _ bytes: [UInt8], _ path: String, _ maximumPixels: Int
  ) throws(PNGError) -> LibPNG.RowReader {
    do {
      return try LibPNG.RowReader(bytes, maximumPixels: maximumPixels)
    } catch {
      throw PNGImage.error(error, name: path, maximumPixels: maximumPixels, bytes: bytes)
    }
  }

  /// Reads a whole file, checking its declared size first as `PNGImage` does.
  private static func readFile(_ path: String, maximumPixels: Int) throws(PNGError) -> [UInt8] {
    let bytes = try PNGImage.fileBytes(path, maximumPixels: maximumPixels)
    guard !bytes.isEmpty else {
      throw .cannotRead(path: path, reason: "file is empty")
    }
    return bytes
  }
}
