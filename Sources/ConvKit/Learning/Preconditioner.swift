/// The change of coordinates `φ = Lᵀ θ` that gradient descent runs in, one block per
/// output channel, built from the patch autocorrelation matrices `G`.
///
/// The squared-error loss in `φ` has the Hessian `2 L⁻¹ G L⁻ᵀ`. `L` is scaled so that the
/// largest eigenvalue of that Hessian is 2 in every block: exactly `2I` for `full`, and a
/// largest curvature of 2 for `diagonal` and `none`. A gradient-descent step of 0.5 is
/// then the Newton step along the stiffest direction, whatever the preconditioning.
struct Preconditioner: Sendable {
  private enum Block: Sendable {
    case cholesky(CholeskyFactorization)
    case diagonal([Double])
  }

  private let blocks: [Block]
  private let blockSize: Int

  /// Builds the blocks of `kind` from each output channel's statistics.
  ///
  /// - Complexity: O(channels × T³) for `full`, O(channels × T² × 100) for the others
  ///   (power iteration for the largest eigenvalue).
  init(statistics: [PatchStatistics], kind: Preconditioning) {
    blockSize = statistics.first?.size ?? 0
    blocks = statistics.map { channel in
      switch kind {
      case .full:
        return .cholesky(CholeskyFactorization.factor(channel.gram, size: channel.size))
      case .diagonal:
        let roots = (0..<channel.size).map { index in
          let value = channel.gram[index * channel.size + index]
          return value > 0 ? value.squareRoot() : 1
        }
        let largest = Self.largestEigenvalue(channel.gram, size: channel.size, scaledBy: roots)
        return .diagonal(roots.map { $0 * largest.squareRoot() })
      case .none:
        let ones = [Double](repeating: 1, count: channel.size)
        let largest = Self.largestEigenvalue(channel.gram, size: channel.size, scaledBy: ones)
        return .diagonal(ones.map { _ in largest.squareRoot() })
      }
    }
  }

  /// Returns `L⁻¹ g`: the gradient with respect to `φ`, given the gradient with respect
  /// to `θ`.
  func preconditionedGradient(_ gradient: [Double]) -> [Double] {
    mapBlocks(gradient) { block, values in
      switch block {
      case .cholesky(let factor): return factor.solveLower(values)
      case .diagonal(let roots): return zip(values, roots).map { $0 / $1 }
      }
    }
  }

  /// Returns `θ = L⁻ᵀ φ`.
  func parameters(fromPreconditioned coordinates: [Double]) -> [Double] {
    mapBlocks(coordinates) { block, values in
      switch block {
      case .cholesky(let factor): return factor.solveUpper(values)
      case .diagonal(let roots): return zip(values, roots).map { $0 / $1 }
      }
    }
  }

  /// Returns `φ = Lᵀ θ`.
  func preconditioned(fromParameters parameters: [Double]) -> [Double] {
    mapBlocks(parameters) { block, values in
      switch block {
      case .cholesky(let factor): return factor.multiplyUpper(values)
      case .diagonal(let roots): return zip(values, roots).map { $0 * $1 }
      }
    }
  }

  private func mapBlocks(
    _ values: [Double], _ transform: (Block, [Double]) -> [Double]
  ) -> [Double] {
    var result: [Double] = []
    result.reserveCapacity(values.count)
    for (index, block) in blocks.enumerated() {
      let start = index * blockSize
      result += transform(block, Array(values[start..<(start + blockSize)]))
    }
    return result
  }

  /// Returns the largest eigenvalue of `D⁻¹ G D⁻¹` with `D = diag(roots)`, by 100 steps of
  /// power iteration from a fixed start vector, so the result is deterministic.
  static func largestEigenvalue(_ gram: [Double], size: Int, scaledBy roots: [Double]) -> Double {
    var vector = (0..<size).map { 1 + Double($0) / Double(size) }
    var eigenvalue = 0.0
    for _ in 0..<100 {
      let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
      guard norm > 0 else { return 1 }
      vector = vector.map { $0 / norm }
      var product = [Double](repeating: 0, count: size)
      for row in 0..<size {
        var sum = 0.0
        for column in 0..<size {
          sum += gram[row * size + column] * vector[column] / roots[column]
        }
        product[row] = sum / roots[row]
      }
      eigenvalue = zip(product, vector).reduce(0) { $0 + $1.0 * $1.1 }
      vector = product
    }
    return eigenvalue > 0 ? eigenvalue : 1
  }
}
