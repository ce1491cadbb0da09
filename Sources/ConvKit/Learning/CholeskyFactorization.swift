/// The Cholesky factorisation `A + ridge · I = L Lᵀ` of a symmetric positive
/// semi-definite matrix, in `Double`, with `L` lower triangular.
///
/// `factor(_:size:)` picks the smallest ridge that makes the factorisation succeed, so a
/// singular matrix (an input that does not determine every tap) still gets a factor.
struct CholeskyFactorization: Sendable {
  /// The order of the matrix.
  let size: Int

  /// The ridge added to the diagonal before factoring.
  let ridge: Double

  /// `L` in row-major order; entries above the diagonal are zero.
  private let lower: [Double]

  /// Factors `matrix + ridge · I`, or returns `nil` when a pivot is not positive.
  ///
  /// - Parameters:
  ///   - matrix: `size × size`, symmetric, row-major; only the lower triangle is read.
  ///   - size: the order of the matrix.
  ///   - ridge: a non-negative value added to the diagonal.
  /// - Complexity: O(size³ / 3).
  init?(matrix: [Double], size: Int, ridge: Double) {
    var lower = [Double](repeating: 0, count: size * size)
    for row in 0..<size {
      for column in 0...row {
        var sum = matrix[row * size + column] + (row == column ? ridge : 0)
        for k in 0..<column {
          sum -= lower[row * size + k] * lower[column * size + k]
        }
        if row == column {
          guard sum > 0, sum.isFinite else { return nil }
          lower[row * size + row] = sum.squareRoot()
        } else {
          lower[row * size + column] = sum / lower[column * size + column]
        }
      }
    }
    self.size = size
    self.ridge = ridge
    self.lower = lower
  }

  /// Factors `matrix` with the smallest ridge that works: `1e-12` times the mean diagonal
  /// entry, multiplied by 100 after each failure.
  ///
  /// The starting ridge changes the least-squares solution by a relative `1e-12 / λ` along
  /// an eigenvector with eigenvalue `λ` (relative to the mean diagonal). On the sample
  /// images, whose patch matrices have condition numbers up to about 83,000, that is below
  /// 1e-7.
  ///
  /// - Precondition: every entry is finite, so that a large enough ridge always works.
  static func factor(_ matrix: [Double], size: Int) -> CholeskyFactorization {
    precondition(matrix.allSatisfy(\.isFinite), "matrix to factor has a NaN or infinite entry")
    let trace = (0..<size).reduce(0.0) { $0 + matrix[$1 * size + $1] }
    let meanDiagonal = trace > 0 && trace.isFinite ? trace / Double(size) : 1
    var ridge = 1e-12 * meanDiagonal
    while true {
      if let factorization = CholeskyFactorization(matrix: matrix, size: size, ridge: ridge) {
        return factorization
      }
      ridge *= 100
    }
  }

  /// Returns `x` with `L x = b` (forward substitution).
  func solveLower(_ b: [Double]) -> [Double] {
    var x = b
    for row in 0..<size {
      var sum = x[row]
      for k in 0..<row {
        sum -= lower[row * size + k] * x[k]
      }
      x[row] = sum / lower[row * size + row]
    }
    return x
  }

  /// Returns `x` with `Lᵀ x = b` (back substitution).
  func solveUpper(_ b: [Double]) -> [Double] {
    var x = b
    for row in stride(from: size - 1, through: 0, by: -1) {
      var sum = x[row]
      for k in (row + 1)..<size {
        sum -= lower[k * size + row] * x[k]
      }
      x[row] = sum / lower[row * size + row]
    }
    return x
  }

  /// Returns `Lᵀ x`.
  func multiplyUpper(_ x: [Double]) -> [Double] {
    (0..<size).map { row in
      var sum = 0.0
      for k in row..<size {
        sum += lower[k * size + row] * x[k]
      }
      return sum
    }
  }

  /// Returns `x` with `(A + ridge · I) x = b`.
  func solve(_ b: [Double]) -> [Double] {
    solveUpper(solveLower(b))
  }
}
