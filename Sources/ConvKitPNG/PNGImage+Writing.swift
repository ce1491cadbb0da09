import ConvKit

extension PNGImage {
  /// The zlib compression level used when none is given.
  public static let defaultCompressionLevel = 6

  /// Encodes the image as a non-interlaced PNG file in memory.
  ///
  /// Writes `layout` at `bitDepth` with the chunks of `colorSpace`. Values are
  /// clamped to [0, 1], multiplied by `2^bitDepth - 1` and rounded to nearest,
  /// ties away from zero; NaN is written as 0.
  ///
  /// - Parameter compressionLevel: the zlib level, 0 (none) to 9 (smallest).
  /// - Returns: the bytes of the PNG file.
  /// - Throws: `PNGError.cannotEncode` if `pixels` is not `[channels, height,
  ///   width]` with the channel count of `layout` and a size of 1...2^31-1,
  ///   if `bitDepth` is not 8 or 16, the level not 0...9, a colour-space value
  ///   out of range, or libpng refuses the image.
  public func encoded(
    compressionLevel: Int = PNGImage.defaultCompressionLevel
  ) throws(PNGError) -> [UInt8] {
    do {
      return try encodedOrFailure(compressionLevel: compressionLevel)
    } catch {
      throw .cannotEncode(reason: error.text)
    }
  }

  /// Encodes the image and atomically replaces the file at `path` with it.
  ///
  /// Encodes fully in memory first, then writes a temporary file in the same
  /// folder, `fsync`s it and renames it over `path`. On any error neither the
  /// target nor a temporary file is left changed or behind.
  ///
  /// - Parameters:
  ///   - path: the file to create or replace.
  ///   - compressionLevel: the zlib level, 0 (none) to 9 (smallest).
  /// - Throws: `PNGError.cannotWrite` naming `path`, for the reasons of
  ///   `encoded(compressionLevel:)` or with the operating system's error, such
  ///   as `no such file or directory`.
  public func write(
    to path: String, compressionLevel: Int = PNGImage.defaultCompressionLevel
  ) throws(PNGError) {
    do {
      let bytes = try encodedOrFailure(compressionLevel: compressionLevel)
      try POSIXFile.writeAtomically(bytes, to: path)
    } catch {
      throw .cannotWrite(path: path, reason: error.text)
    }
  }

  /// Encodes the image and writes it to an open file descriptor, such as
  /// standard output (1), a pipe or a device. The descriptor stays open.
  ///
  /// Encodes fully in memory first, so nothing is written if encoding fails.
  /// Writing is not atomic: if `write` fails part-way, what was written
  /// stays.
  ///
  /// - Parameters:
  ///   - descriptor: a descriptor open for writing.
  ///   - name: the name to show in errors, such as `<stdout>`.
  ///   - compressionLevel: the zlib level, 0 (none) to 9 (smallest).
  /// - Throws: `PNGError.cannotWrite` naming `name`, for the reasons of
  ///   `encoded(compressionLevel:)` or with the operating system's error, such
  ///   as `no space left on device`.
  public func write(
    toFileDescriptor descriptor: Int32, name: String,
    compressionLevel: Int = PNGImage.defaultCompressionLevel
  ) throws(PNGError) {
    do {
      let bytes = try encodedOrFailure(compressionLevel: compressionLevel)
      try POSIXFile.writeAll(bytes, to: descriptor)
    } catch {
      throw .cannotWrite(path: name, reason: error.text)
    }
  }

  /// Installs handlers for SIGINT, SIGTERM and SIGHUP that remove the
  /// temporary file of every `write(to:compressionLevel:)` in progress, then
  /// end the process with `_exit(128 + signal)`: status 130 for SIGINT.
  ///
  /// Without them, an interrupted write leaves a hidden `.NAME.HEX.tmp` file
  /// beside the target; the target itself is never half-written either way.
  /// This replaces the handlers of those signals, except one that is ignored
  /// (as under `nohup`), and unblocks them in the calling thread, so call it
  /// once at the start of a command-line program, not from a library. SIGKILL
  /// cannot be handled, so it can still leave a temporary file.
  public static func removeTemporaryFilesOnSignals() {
    TemporaryFiles.removeOnSignals()
  }

  /// Checks the image, then encodes it.
  private func encodedOrFailure(compressionLevel: Int) throws(FailureReason) -> [UInt8] {
    try validate(compressionLevel: compressionLevel)

    let raster = LibPNG.Raster(
      width: width, height: height, channels: layout.channelCount, bitDepth: bitDepth,
      samples: PNGSamples.interleaved(pixels, bitDepth: bitDepth),
      colorSpace: colorSpace)
    return try LibPNG.encode(raster, compressionLevel: compressionLevel)
  }
}
