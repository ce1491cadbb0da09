/// How a PNG file's image data is compressed: the zlib level and the row filters.
///
/// Writing a large PNG costs mostly compression. `docs/BENCHMARKS.md` gives the times and
/// file sizes of each setting on a 4096 x 4096 RGB image.
public struct PNGCompression: Equatable, Sendable {
  /// The zlib level, 0 (none) to 9 (smallest, slowest).
  public var level: Int

  /// Whether every row uses the SUB filter and zlib its run-length strategy (`Z_RLE`), as
  /// OpenCV's PNG writer does by default, instead of libpng's adaptive filter per row and
  /// its default strategy.
  public var fastRowFilters: Bool

  /// Creates a compression setting.
  public init(level: Int, fastRowFilters: Bool = false) {
    self.level = level
    self.fastRowFilters = fastRowFilters
  }

  /// Level 1 with the SUB filter and run-length strategy: the fastest setting that still
  /// compresses photographs well.
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
