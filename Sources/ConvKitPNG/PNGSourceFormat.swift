/// How the pixels were stored in the PNG file that an image was decoded from.
///
/// ConvKitPNG always writes non-interlaced 8- or 16-bit gray, gray+alpha, RGB or
/// RGBA; this records what the file had, for information.
public struct PNGSourceFormat: Sendable, Hashable {
  /// The colour type in the file's IHDR chunk.
  public var colorType: PNGColorType

  /// The bit depth in the file's IHDR chunk: 1, 2, 4, 8 or 16.
  public var bitDepth: Int

  /// Whether the file was Adam7 interlaced.
  public var interlaced: Bool

  /// Creates a source description.
  public init(colorType: PNGColorType, bitDepth: Int, interlaced: Bool) {
    self.colorType = colorType
    self.bitDepth = bitDepth
    self.interlaced = interlaced
  }
}
