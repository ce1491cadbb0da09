import ConvKit

extension PNGImage {
  /// Encodes the image as a non-interlaced PNG file in memory, compressed as `compression`
  /// sets; otherwise as `encoded(compressionLevel:)`.
  ///
  /// - Throws: as `encoded(compressionLevel:)`.
  public func encoded(compression: PNGCompression) throws(PNGError) -> [UInt8] {
    do {
      return try encodedOrFailure(compression: compression)
    } catch {
      throw .cannotEncode(reason: error.text)
    }
  }

  /// Encodes the image and atomically replaces the file at `path` with it, compressed as
  /// `compression` sets; otherwise as `write(to:compressionLevel:)`.
  ///
  /// - Throws: as `write(to:compressionLevel:)`.
  public func write(to path: String, compression: PNGCompression) throws(PNGError) {
    do {
      let bytes = try encodedOrFailure(compression: compression)
      try POSIXFile.writeAtomically(bytes, to: path)
    } catch {
      throw .cannotWrite(path: path, reason: error.text)
    }
  }

  /// Encodes the image and writes it to an open file descriptor, compressed as
  /// `compression` sets; otherwise as `write(toFileDescriptor:name:compressionLevel:)`.
  ///
  /// - Throws: as `write(toFileDescriptor:name:compressionLevel:)`.
  public func write(
    toFileDescriptor descriptor: Int32, name: String, compression: PNGCompression
  ) throws(PNGError) {
    do {
      let bytes = try encodedOrFailure(compression: compression)
      try POSIXFile.writeAll(bytes, to: descriptor)
    } catch {
      throw .cannotWrite(path: name, reason: error.text)
    }
  }

  /// Checks the image, then encodes it.
  private func encodedOrFailure(compression: PNGCompression) throws(FailureReason) -> [UInt8] {
    try validate(compressionLevel: compression.level)
    let raster = LibPNG.Raster(
      width: width, height: height, channels: layout.channelCount, bitDepth: bitDepth,
      samples: PNGSamples.interleaved(pixels, bitDepth: bitDepth),
      colorSpace: colorSpace)
    return try LibPNG.encode(
      raster, compressionLevel: compression.level, fastRowFilters: compression.fastRowFilters)
  }
}
