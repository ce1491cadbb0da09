import ConvKit

/// The decoded rows of an image that bands still need: chunks of rows in order, from which
/// a band with its rows above and below is copied, and older chunks are dropped.
struct RowWindow {
  /// The chunks, oldest first, each with the index of its first row.
  private var chunks: [(first: Int, rows: Tensor)] = []

  /// The number of image rows received so far.
  private(set) var rowsReceived = 0

  /// Appends the next decoded rows, a `[C, n, W]` tensor.
  mutating func append(_ rows: Tensor) {
    chunks.append((rowsReceived, rows))
    rowsReceived += rows.shape[1]
  }

  /// Drops the chunks whose rows all lie before row `row`.
  mutating func dropRows(before row: Int) {
    chunks.removeAll { $0.first + $0.rows.shape[1] <= row }
  }

  /// Returns a `[C, sources.count, W]` tensor whose row `i` is image row `sources[i]`.
  ///
  /// - Precondition: every row in `sources` was received and not dropped.
  func band(rows sources: [Int]) -> Tensor {
    let shape = chunks[0].rows.shape
    let (channels, width) = (shape[0], shape[2])
    var scalars = [Float](repeating: 0, count: channels * sources.count * width)

    scalars.withUnsafeMutableBufferPointer { target in
      for (index, source) in sources.enumerated() {
        guard let chunk = chunks.first(where: { source >= $0.first && source < $0.first + $0.rows.shape[1] })
        else {
          preconditionFailure("row \(source) is not in the window")
        }
        let height = chunk.rows.shape[1]
        chunk.rows.scalars.withUnsafeBufferPointer { rows in
          for channel in 0..<channels {
            let from = (channel * height + source - chunk.first) * width
            let to = (channel * sources.count + index) * width
            (target.baseAddress! + to).update(from: rows.baseAddress! + from, count: width)
          }
        }
      }
    }
    return Tensor(shape: [channels, sources.count, width], scalars: scalars)
  }
}
