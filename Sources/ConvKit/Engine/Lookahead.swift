import CMemoryHints

/// The part of an input row that a row loop prefetches, a fixed distance ahead of the
/// samples it reads.
///
/// Filters that read a few samples per output spend most of their time waiting for the
/// newest input row to arrive from memory: the hardware prefetcher alone runs too little
/// ahead of three or more interleaved row streams. Prefetching the line 16 KiB ahead of the
/// one being read (the next row, on the benchmark image) took sharpen from 22 to 12 ms on
/// one thread of the benchmark machine, together with streaming stores
/// (docs/BENCHMARKS.md). A distance of 4 KiB measured about the same.
struct Lookahead {
  /// Samples between the sample a loop reads and the one it prefetches.
  static let distance = 4096

  private let start: UnsafePointer<Float>
  /// Samples from `start` that may be prefetched: none beyond the end of the buffer.
  private let count: Int

  /// A lookahead that prefetches nothing, for rows that are already in the cache.
  static var none: Lookahead { Lookahead() }

  private init() {
    // Never read: with a count of 0, `prefetch` does nothing.
    start = UnsafePointer(bitPattern: MemoryLayout<Float>.alignment)!
    count = 0
  }

  /// Creates the lookahead for a loop that reads `row` from its start, in a buffer that
  /// ends at `end`.
  init(row: UnsafePointer<Float>, end: UnsafePointer<Float>) {
    let available = end - row - Self.distance
    start = available > 0 ? row + Self.distance : row
    count = max(available, 0)
  }

  /// The samples that may be prefetched, for a loop in C: from `start` (nil for none), the
  /// first `count` samples.
  var span: (start: UnsafePointer<Float>?, count: Int) {
    count > 0 ? (start, count) : (nil, 0)
  }

  /// Prefetches the cache line of sample `x + distance` of the row, if it is in the buffer.
  @inline(__always)
  func prefetch(_ x: Int) {
    if x < count {
      ckhint_prefetch(start + x)
    }
  }
}
