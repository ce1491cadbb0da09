/// Rows of image tensors `[C, H, W]`: the bands that filtering a large image works on.
extension Tensor {
  /// Returns rows `rows` of every channel of a `[C, H, W]` tensor, a `[C, rows.count, W]`
  /// tensor.
  ///
  /// - Precondition: the tensor has rank 3 and `rows` lies within `0..<H`.
  public func rows(_ rows: Range<Int>) -> Tensor {
    precondition(rank == 3, "rows need a [C, H, W] tensor, got shape \(shape)")
    let (channels, height, width) = (shape[0], shape[1], shape[2])
    precondition(
      rows.lowerBound >= 0 && rows.upperBound <= height, "rows \(rows) outside 0..<\(height)")
    guard rows != 0..<height else { return self }

    var result: [Float] = []
    result.reserveCapacity(channels * rows.count * width)
    for channel in 0..<channels {
      let start = (channel * height + rows.lowerBound) * width
      result += scalars[start..<(start + rows.count * width)]
    }
    return Tensor(shape: [channels, rows.count, width], scalars: result)
  }

  /// Creates a `[C, H, W]` tensor from `[C, H_i, W]` parts laid one below the other, so
  /// that `H` is the sum of their heights.
  ///
  /// - Precondition: `parts` is not empty, and every part has rank 3 and the first part's
  ///   channel count and width.
  public init(joiningRows parts: [Tensor]) {
    precondition(!parts.isEmpty, "joining rows needs at least one part")
    let (channels, width) = (parts[0].shape[0], parts[0].shape[2])
    precondition(
      parts.allSatisfy { $0.rank == 3 && $0.shape[0] == channels && $0.shape[2] == width },
      "parts of shapes \(parts.map(\.shape)) do not share channels and width")

    var result: [Float] = []
    result.reserveCapacity(parts.map(\.count).reduce(0, +))
    for channel in 0..<channels {
      for part in parts {
        let plane = part.shape[1] * width
        result += part.scalars[(channel * plane)..<((channel + 1) * plane)]
      }
    }
    self.init(shape: [channels, parts.map { $0.shape[1] }.reduce(0, +), width], scalars: result)
  }
}
