/// Numerical tests on 2D kernels that decide which algorithms apply.
enum KernelFactorization {
  /// The largest difference, relative to the largest weight, between a kernel and the
  /// outer product of its factors for the kernel to count as rank 1. Float weights computed
  /// as an outer product in `Double` (as `Kernel.gaussian` does) differ by a few units in
  /// the last place, about 1e-7.
  static let rankOneTolerance: Float = 1e-6

  /// Returns `column` and `row` with `kernel[r * columns + c] ≈ column[r] · row[c]`, or
  /// `nil` when the kernel does not have rank 1 within `rankOneTolerance`.
  ///
  /// The factors are the column and the row through the largest weight, the row divided by
  /// that weight, which keeps the rounding small.
  static func rankOne(_ kernel: [Float], rows: Int, columns: Int) -> (column: [Float], row: [Float])? {
    guard let pivot = kernel.indices.max(by: { abs(kernel[$0]) < abs(kernel[$1]) }) else {
      return nil
    }
    let largest = kernel[pivot]
    guard largest != 0 else {
      return (Array(repeating: 0, count: rows), Array(repeating: 0, count: columns))
    }
    let (pivotRow, pivotColumn) = (pivot / columns, pivot % columns)
    let column = (0..<rows).map { kernel[$0 * columns + pivotColumn] }
    let row = (0..<columns).map { kernel[pivotRow * columns + $0] / largest }

    let limit = rankOneTolerance * abs(largest)
    for r in 0..<rows {
      for c in 0..<columns where abs(kernel[r * columns + c] - column[r] * row[c]) > limit {
        return nil
      }
    }
    return (column, row)
  }

  /// Whether every weight of `kernel` is the same non-zero value, as in a box filter.
  static func isBox(_ kernel: [Float]) -> Bool {
    guard let first = kernel.first, first != 0 else { return false }
    return kernel.allSatisfy { $0 == first }
  }
}
