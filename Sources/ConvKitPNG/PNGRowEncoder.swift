import ConvKit

/// Encodes a non-interlaced PNG a band of rows at a time, so that rows can be compressed
/// while later ones are still being computed, and the image never has to be in memory
/// whole. The compressed file is kept in memory until `finish` returns or writes it, or,
/// with `init(writingTo:...)`, goes to a temporary file beside its target as it grows.
///
/// Values are converted as `PNGImage` converts them, so a file encoded this way has the
/// bytes `PNGImage.encoded(compression:)` gives for the same rows and settings.
///
/// An encoder is used from one thread at a time.
public final class PNGRowEncoder {
  /// The width in pixels.
  public let width: Int

  /// The height in pixels.
  public let height: Int

  /// The channels of the rows.
  public let layout: PNGColorLayout

  /// The sample depth written: 8 or 16.
  public let bitDepth: Int

  /// The number of rows written so far.
  public private(set) var rowsWritten = 0

  private let writer: LibPNG.RowWriter

  /// With `init(writingTo:...)`, the target path and the temporary file that takes the
  /// compressed bytes. It is `nil` for an encoder that keeps its bytes in memory, and once
  /// the file is finished or abandoned.
  private var destination: (path: String, file: POSIXFile.AtomicFile)?

  /// Set by `abandon()`: the file's first bytes are gone, so it cannot be finished.
  private var isAbandoned = false

  /// Starts a PNG of the given size and settings and writes the chunks before its image
  /// data.
  ///
  /// - Throws: `PNGError.cannotEncode` for a width or height outside 1...2^31-1, a bit
  ///   depth other than 8 or 16, a zlib level outside 0...9, or a colour-space value out
  ///   of range.
  public init(
    width: Int, height: Int, layout: PNGColorLayout, bitDepth: Int = 8,
    colorSpace: PNGColorSpace = PNGColorSpace(), compression: PNGCompression = .small
  ) throws(PNGError) {
    let image = PNGImage(
      pixels: Tensor(shape: [layout.channelCount, 1, 1]), layout: layout, bitDepth: bitDepth,
      colorSpace: colorSpace)
    let sizes = 1...PNGImage.maximumDimension
    guard sizes.contains(width), sizes.contains(height) else {
      throw .cannotEncode(
        reason: "width and height must be 1...\(PNGImage.maximumDimension), got \(width)x\(height)")
    }
    do {
      try image.validate(compressionLevel: compression.level)
      let raster = LibPNG.Raster(
        width: width, height: height, channels: layout.channelCount, bitDepth: bitDepth,
        samples: [], colorSpace: colorSpace)
      writer = try LibPNG.RowWriter(
        raster, compressionLevel: compression.level, fastRowFilters: compression.fastRowFilters)
    } catch {
      throw .cannotEncode(reason: error.text)
    }
    (self.width, self.height, self.layout, self.bitDepth) = (width, height, layout, bitDepth)
  }

  /// Starts a PNG as `init(width:height:layout:bitDepth:colorSpace:compression:)` does,
  /// whose compressed bytes go to a temporary file beside `path` as rows are written, so
  /// that the file is not held in memory. `finish(writingTo:)` with the same path ends the
  /// file and renames it over `path`. An encoder released before that removes the
  /// temporary file, so `path` is left as it was.
  ///
  /// - Throws: `PNGError.cannotEncode` as the other initialiser does, and
  ///   `PNGError.cannotWrite` naming `path` when the temporary file cannot be created.
  public convenience init(
    writingTo path: String, width: Int, height: Int, layout: PNGColorLayout, bitDepth: Int = 8,
    colorSpace: PNGColorSpace = PNGColorSpace(), compression: PNGCompression = .small
  ) throws(PNGError) {
    try self.init(
      width: width, height: height, layout: layout, bitDepth: bitDepth, colorSpace: colorSpace,
      compression: compression)
    do {
      destination = (path, try POSIXFile.AtomicFile(replacing: path))
    } catch {
      throw .cannotWrite(path: path, reason: error.text)
    }
  }

  deinit {
    abandon()
  }

  /// Removes the temporary file of an encoder made with `init(writingTo:...)`, leaving its
  /// target as it was, for a file that will not be finished. Later calls to `writeRows`
  /// and `finish` throw. Does nothing for an encoder that keeps its bytes in memory, or
  /// after `finish(writingTo:)`.
  public func abandon() {
    guard let destination else { return }
    destination.file.abandon()
    self.destination = nil
    isAbandoned = true
  }

  /// Throws when `abandon()` removed the file.
  private func checkNotAbandoned() throws(PNGError) {
    if isAbandoned {
      throw .cannotEncode(reason: "the encoder was abandoned; start a new one")
    }
  }

  /// Compresses the next rows, a `[channels, rows, width]` tensor of values that are
  /// clamped to [0, 1] and rounded as `PNGImage` does.
  ///
  /// - Precondition: `rows` has the layout's channel count and the width, and no more rows
  ///   than `height - rowsWritten`.
  /// - Throws: `PNGError.cannotEncode` with libpng's message. Every later call fails too.
  public func writeRows(_ rows: Tensor) throws(PNGError) {
    precondition(
      rows.rank == 3 && rows.shape[0] == layout.channelCount && rows.shape[2] == width
        && rows.shape[1] <= height - rowsWritten,
      "rows of shape \(rows.shape) do not fit [\(layout.channelCount), ≤\(height - rowsWritten), \(width)]")
    try checkNotAbandoned()
    do {
      try writer.write(PNGSamples.interleaved(rows, bitDepth: bitDepth), rows: rows.shape[1])
    } catch {
      throw .cannotEncode(reason: error.text)
    }
    rowsWritten += rows.shape[1]
    if let destination {
      do {
        try writer.take { bytes throws(FailureReason) in try destination.file.append(bytes) }
      } catch {
        throw .cannotWrite(path: destination.path, reason: error.text)
      }
    }
  }

  /// Ends the file after its last row and returns its bytes.
  ///
  /// - Throws: `PNGError.cannotEncode` if rows are missing or libpng fails.
  public func finish() throws(PNGError) -> [UInt8] {
    precondition(destination == nil, "an encoder writing to a file ends with finish(writingTo:)")
    try checkNotAbandoned()
    do {
      return try writer.finish()
    } catch {
      throw .cannotEncode(reason: error.text)
    }
  }

  /// Ends the file and atomically replaces the file at `path` with it, as
  /// `PNGImage.write(to:compression:)` does. For an encoder made with
  /// `init(writingTo:...)`, `path` must be the path given there.
  ///
  /// - Throws: `PNGError.cannotWrite` naming `path`.
  public func finish(writingTo path: String) throws(PNGError) {
    try checkNotAbandoned()
    if let destination {
      precondition(path == destination.path, "this encoder writes to '\(destination.path)', not '\(path)'")
      self.destination = nil
      do {
        try writer.finish { bytes throws(FailureReason) in try destination.file.append(bytes) }
      } catch {
        destination.file.abandon()
        throw .cannotWrite(path: path, reason: error.text)
      }
      do {
        try destination.file.commit()
      } catch {
        throw .cannotWrite(path: path, reason: error.text)
      }
      return
    }
    do {
      try writer.finish { bytes throws(FailureReason) in
        try POSIXFile.writeAtomically(bytes, to: path)
      }
    } catch {
      throw .cannotWrite(path: path, reason: error.text)
    }
  }

  /// Ends the file and writes it to an open descriptor, as
  /// `PNGImage.write(toFileDescriptor:name:compression:)` does.
  ///
  /// - Throws: `PNGError.cannotWrite` naming `name`.
  public func finish(toFileDescriptor descriptor: Int32, name: String) throws(PNGError) {
    precondition(destination == nil, "an encoder writing to a file ends with finish(writingTo:)")
    try checkNotAbandoned()
    do {
      try writer.finish { bytes throws(FailureReason) in
        try POSIXFile.writeAll(bytes, to: descriptor)
      }
    } catch {
      throw .cannotWrite(path: name, reason: error.text)
    }
  }
}
