/// The colour type stored in a PNG file's IHDR chunk.
///
/// The raw value is the number in the file.
public enum PNGColorType: Int, Sendable, CaseIterable {
  /// Gray samples (type 0), 1, 2, 4, 8 or 16 bits.
  case gray = 0
  /// Red, green, blue samples (type 2), 8 or 16 bits.
  case rgb = 2
  /// Palette indices (type 3), 1, 2, 4 or 8 bits.
  case palette = 3
  /// Gray and alpha samples (type 4), 8 or 16 bits.
  case grayAlpha = 4
  /// Red, green, blue, alpha samples (type 6), 8 or 16 bits.
  case rgba = 6
}
