/// A 2D filter kernel: a small matrix of weights that an image is cross-correlated with.
///
/// Tap `(row, column)` multiplies the input sample `row - anchorRow` rows below and
/// `column - anchorColumn` columns right of the output position. The anchor is the centre,
/// `(rows / 2, columns / 2)` with integer division, so an even kernel has one more tap
/// before the anchor than after it, as in OpenCV's `filter2D`.
public struct Kernel: Equatable, Sendable {
  /// The number of rows (the kernel height).
  public let rows: Int

  /// The number of columns (the kernel width).
  public let columns: Int

  /// The weights in row-major order.
  public private(set) var values: [Float]

  /// Creates a kernel from its size and row-major weights.
  ///
  /// - Throws: `KernelError` when the size is not positive, the count does not match, or a
  ///   weight is NaN or infinite.
  public init(rows: Int, columns: Int, values: [Float]) throws(KernelError) {
    guard rows >= 1, columns >= 1 else {
      throw .empty
    }
    guard rows <= Self.maximumSide, columns <= Self.maximumSide else {
      throw .tooLarge(rows: rows, columns: columns, maximum: Self.maximumSide)
    }
    guard values.count == rows * columns else {
      throw .countMismatch(rows: rows, columns: columns, count: values.count)
    }
    if let index = values.firstIndex(where: { !$0.isFinite }) {
      throw .nonFinite(row: index / columns + 1, column: index % columns + 1)
    }
    self.rows = rows
    self.columns = columns
    self.values = values
  }

  /// Creates a kernel from rows of weights, all of the same length.
  ///
  /// - Throws: `KernelError.raggedRows` when rows differ in length, and the errors of
  ///   `init(rows:columns:values:)`.
  public init(_ matrix: [[Float]]) throws(KernelError) {
    guard let first = matrix.first, !first.isEmpty else {
      throw .empty
    }
    if let row = matrix.firstIndex(where: { $0.count != first.count }) {
      throw .raggedRows(row: row + 1, count: matrix[row].count, expected: first.count)
    }
    try self.init(rows: matrix.count, columns: first.count, values: matrix.flatMap { $0 })
  }

  /// The largest number of rows or columns a kernel may have.
  public static let maximumSide = 1025

  /// The weight at a row and column, both counted from 0.
  public subscript(row: Int, column: Int) -> Float {
    values[row * columns + column]
  }

  /// The rows of weights.
  public var matrix: [[Float]] {
    (0..<rows).map { Array(values[($0 * columns)..<(($0 + 1) * columns)]) }
  }

  /// The sum of all weights: 1 for a filter that keeps flat areas unchanged, 0 for a
  /// derivative.
  public var sum: Float {
    values.reduce(0, +)
  }

  /// Whether every weight is zero or positive, as in blurs: such a kernel averages its
  /// input, so its result stays in the input's range when the weights sum to 1.
  public var isNonNegative: Bool {
    values.allSatisfy { $0 >= 0 }
  }

  /// Returns the kernel with every weight divided by `divisor`.
  ///
  /// - Throws: `KernelError.invalidDivisor` for zero, NaN or infinity.
  public func divided(by divisor: Float) throws(KernelError) -> Kernel {
    guard divisor != 0, divisor.isFinite else {
      throw .invalidDivisor(divisor)
    }
    return try Kernel(rows: rows, columns: columns, values: values.map { $0 / divisor })
  }

  /// Returns the kernel scaled so that its weights sum to 1.
  ///
  /// - Throws: `KernelError.zeroSum` when the weights sum to zero, as a derivative's do.
  public func normalized() throws(KernelError) -> Kernel {
    guard sum != 0 else {
      throw .zeroSum
    }
    return try divided(by: sum)
  }

  /// Returns the kernel mirrored in both axes, which turns a correlation into a
  /// convolution and back.
  public func flipped() -> Kernel {
    var copy = self
    copy.values.reverse()
    return copy
  }

  /// Returns the kernel with rows and columns swapped.
  public func transposed() -> Kernel {
    let values = (0..<columns).flatMap { column in
      (0..<rows).map { row in self[row, column] }
    }
    return try! Kernel(rows: columns, columns: rows, values: values)
  }

  /// Returns a depthwise weight `[channels, 1, rows, columns]` that applies this kernel to
  /// each channel on its own; use it with `groups = channels`.
  public func depthwiseWeight(channels: Int) -> Tensor {
    Tensor(
      shape: [channels, 1, rows, columns],
      scalars: Array([[Float]](repeating: values, count: channels).joined()))
  }

  /// The kernel as a weight `[1, 1, rows, columns]` for a single-channel correlation.
  public var weight: Tensor {
    depthwiseWeight(channels: 1)
  }
}
