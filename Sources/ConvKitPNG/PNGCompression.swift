/// The compression settings of a PNG file's image data: the zlib level and the row filters.
///
/// Writing a large PNG costs mostly compression. `docs/BENCHMARKS.md` gives the times and
/// file sizes of each setting on a 4096 x 4096 RGB image.
public struct PNGCompression: Equatable, Sendable {
  /// The zlib level, 0 (none) to 9 (smallest, slowest).
  public var level: Int

  /// Whether every row uses the SUB filter and zlib its run-length strategy (`Z_RLE`)
  /// instead of libpng's adaptive filter per row and its default strategy. Level 1 with the
  /// run-length strategy is the default of OpenCV's `imwrite` for PNG, as its
  /// `IMWRITE_PNG_COMPRESSION` and `IMWRITE_PNG_STRATEGY` documentation states.
  public var fastRowFilters: Bool

  /// Creates a compression setting.
  public init(level: Int, fastRowFilters: Bool = false) {
    self.level = level
    self.fastRowFilters = fastRowFilters
  }

  /// Level 1 with the SUB filter and run-length strategy: about five times faster to write
  /// than `small`, for a file about a quarter larger (see docs/BENCHMARKS.md).
  public static let fast = PNGCompression(level: 1, fastRowFilters: true)

  /// Level 6 with libpng's adaptive filters: libpng's default, smaller files, several
  /// times slower.
  public static let small = PNGCompression(level: PNGImage.defaultCompressionLevel)

  /// Creates the setting named `fast` or `small`, or a zlib level `0`...`9` with libpng's
  /// adaptive filters; `nil` for anything else.
  public init?(name: String) {
    switch name {
    case "fast": self = .fast
    case "small": self = .small
    default:
      guard name.count == 1, let level = Int(name) else { return nil }
      self.init(level: level)
    }
  }
}
