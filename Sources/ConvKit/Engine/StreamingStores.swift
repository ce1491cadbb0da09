import CMemoryHints

/// The kind of store with which a row loop writes a vector of results.
protocol VectorStore {
  static func store(_ vector: RowKernels.Vector, _ pointer: UnsafeMutablePointer<Float>)
}

/// Plain stores, through the cache.
enum CachedStore: VectorStore {
  @inline(__always)
  static func store(_ vector: RowKernels.Vector, _ pointer: UnsafeMutablePointer<Float>) {
    RowKernels.store(vector, pointer)
  }
}

/// Stores that bypass the cache: the output line is not read from memory before it is
/// written, which saves a third of the memory traffic of a filter that reads its input
/// once and writes its output once. Only for whole cache lines (see `RowParts`).
enum StreamingStore: VectorStore {
  @inline(__always)
  static func store(_ vector: RowKernels.Vector, _ pointer: UnsafeMutablePointer<Float>) {
    ckhint_stream_float8(pointer, vector)
  }
}

/// An output row of `count` samples split for streaming stores. `lines` covers the whole
/// 64-byte cache lines, which a loop with 8-sample steps writes with `StreamingStore`.
/// `head` and `tail` are the samples before and after them, written with `CachedStore`,
/// since a line written partly each way would be slow.
struct RowParts {
  let head: Range<Int>
  let lines: Range<Int>
  let tail: Range<Int>

  /// Cache line size assumed, in floats.
  static let lineSamples = 16

  /// Splits the row at `output`. Without `streams`, the whole row is `head`.
  init(output: UnsafeMutablePointer<Float>, count: Int, streams: Bool) {
    let address = Int(bitPattern: output)
    let isFloatAligned = address % MemoryLayout<Float>.alignment == 0
    let firstLine = (-(address / MemoryLayout<Float>.size)) & (Self.lineSamples - 1)
    let lineCount = max(count - firstLine, 0) / Self.lineSamples * Self.lineSamples
    guard streams, isFloatAligned, lineCount > 0 else {
      (head, lines, tail) = (0..<count, count..<count, count..<count)
      return
    }
    head = 0..<firstLine
    lines = firstLine..<(firstLine + lineCount)
    tail = lines.upperBound..<count
  }
}
