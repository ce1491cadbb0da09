import ConvKit

/// A PNG image as a ConvKit tensor, with what is needed to write it back.
///
/// `pixels` has shape `[channels, height, width]` with values in [0, 1]: the
/// stored sample divided by `2^depth - 1`, with no gamma, sRGB, sBIT or alpha
/// premultiplication applied. Decoding expands palette images to RGB or RGBA,
/// low-bit gray to 8 bits and a tRNS chunk to an alpha channel, so `layout` is
/// always gray, gray+alpha, RGB or RGBA and `bitDepth` is 8 or 16.
///
/// Writing uses `layout`, `bitDepth` and `colorSpace`: a decoded image is
/// written like its file (a palette or low-bit file as 8-bit of its expanded
/// layout), with its sRGB, gAMA, cHRM and iCCP chunks. Change `bitDepth` to
/// write at another depth.
///
/// ```swift
/// var image = try PNGImage(contentsOf: "in.png")
/// image.pixels = blurred(image.pixels)
/// try image.write(to: "out.png")
/// ```
public struct PNGImage: Sendable, Equatable {
  /// The samples, shape `[channels, height, width]`, values in [0, 1].
  public var pixels: Tensor

  /// The meaning of the channels of `pixels`, whose channel count must match.
  public var layout: PNGColorLayout

  /// The sample depth to write: 8 or 16.
  public var bitDepth: Int

  /// The colour-space chunks to write.
  public var colorSpace: PNGColorSpace

  /// The format of the file this image was decoded from, or nil for an image
  /// created in memory.
  public var source: PNGSourceFormat?

  /// Creates an image to write.
  ///
  /// Nothing is checked here: `encoded(compressionLevel:)` and
  /// `write(to:compressionLevel:)` report a shape, layout or depth that does
  /// not fit.
  ///
  /// - Parameters:
  ///   - pixels: shape `[channels, height, width]`, values in [0, 1]; values
  ///     outside are clamped when written and NaN is written as 0.
  ///   - layout: the meaning of the channels.
  ///   - bitDepth: 8 or 16.
  ///   - colorSpace: the colour-space chunks to write; none by default.
  public init(
    pixels: Tensor, layout: PNGColorLayout, bitDepth: Int = 8,
    colorSpace: PNGColorSpace = PNGColorSpace()
  ) {
    self.pixels = pixels
    self.layout = layout
    self.bitDepth = bitDepth
    self.colorSpace = colorSpace
    self.source = nil
  }

  /// The width in pixels (the last axis of `pixels`), or 0 if it is not rank 3.
  public var width: Int {
    pixels.rank == 3 ? pixels.shape[2] : 0
  }

  /// The height in pixels (the middle axis of `pixels`), or 0 if it is not
  /// rank 3.
  public var height: Int {
    pixels.rank == 3 ? pixels.shape[1] : 0
  }
}
