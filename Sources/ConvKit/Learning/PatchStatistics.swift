/// The second moments of the input patches under one output channel's kernel, which
/// define both the least-squares problem and its preconditioner.
///
/// Each included target sample `y` contributes its patch vector `a`: the input samples
/// under the kernel's taps, followed by a 1 when the kernel has a bias. Sums are divided
/// by `N`, the number of included samples over every output channel, so that the
/// squared-error loss `(1/N) Σ (θ·a - y)²` of this channel's parameters `θ` is
/// `θᵀ G θ - 2 θᵀ c + s` with
///
///     G = (1/N) Σ a aᵀ     (the patch autocorrelation matrix)
///     c = (1/N) Σ a y
///     s = (1/N) Σ y²
///
/// and its Hessian is `2G`.
struct PatchStatistics: Sendable {
  /// The length of a patch vector: kernel taps, plus 1 with a bias.
  let size: Int

  /// `G`, `size × size`, row-major. Only the upper triangle is filled until `finish`.
  private(set) var gram: [Double]

  /// `c`, one entry per patch element.
  private(set) var cross: [Double]

  /// `s`.
  private(set) var targetSquares = 0.0

  /// The number of samples added to this channel.
  private(set) var sampleCount = 0

  init(size: Int) {
    self.size = size
    self.gram = Array(repeating: 0, count: size * size)
    self.cross = Array(repeating: 0, count: size)
  }

  /// Adds one sample: its patch vector and target value.
  ///
  /// - Complexity: O(size² / 2).
  mutating func add(_ patch: UnsafeBufferPointer<Double>, target: Double) {
    let size = self.size
    gram.withUnsafeMutableBufferPointer { matrix in
      for row in 0..<size {
        let value = patch[row]
        if value == 0 { continue }
        let start = row * size
        for column in row..<size {
          matrix[start + column] += value * patch[column]
        }
      }
    }
    for index in 0..<size {
      cross[index] += patch[index] * target
    }
    targetSquares += target * target
    sampleCount += 1
  }

  /// Divides every sum by `total` and copies the upper triangle of `G` to the lower.
  mutating func finish(dividingBy total: Int) {
    let scale = 1 / Double(max(total, 1))
    for row in 0..<size {
      for column in row..<size {
        let value = gram[row * size + column] * scale
        gram[row * size + column] = value
        gram[column * size + row] = value
      }
    }
    cross = cross.map { $0 * scale }
    targetSquares *= scale
  }
}

extension PatchStatistics {
  /// Returns an estimate of the condition number `λmax / λmin` of `G`, from 100 steps of
  /// power iteration for `λmax` and 100 of inverse iteration (Cholesky solves) for
  /// `λmin`, both from a fixed start vector. It is close when the extreme eigenvalues are
  /// well separated from the next ones, and an underestimate otherwise.
  func conditionNumberEstimate() -> Double {
    let ones = [Double](repeating: 1, count: size)
    let largest = Preconditioner.largestEigenvalue(gram, size: size, scaledBy: ones)
    let factor = CholeskyFactorization.factor(gram, size: size)

    var vector = (0..<size).map { 1 + Double($0) / Double(size) }
    var inverseLargest = 0.0
    for _ in 0..<100 {
      let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
      vector = vector.map { $0 / norm }
      let product = factor.solve(vector)
      inverseLargest = zip(product, vector).reduce(0) { $0 + $1.0 * $1.1 }
      vector = product
    }
    return inverseLargest > 0 ? largest * inverseLargest : .infinity
  }
}
