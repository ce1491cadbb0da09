/// Solves the normal equations of kernel learning directly: for each output channel,
/// `G θ = c` with `G` and `c` from `PatchStatistics`, which minimises the mean squared
/// error over the included samples.
enum LeastSquares {
  /// Returns the least-squares parameters of every output channel, concatenated.
  ///
  /// Each system is solved in `Double` by Cholesky factorisation of `G + ridge · I`, where
  /// the ridge is the smallest that `CholeskyFactorization.factor` finds to work.
  ///
  /// - Complexity: O(channels × size³).
  static func solve(_ statistics: [PatchStatistics]) -> [Double] {
    statistics.flatMap { channel in
      CholeskyFactorization.factor(channel.gram, size: channel.size).solve(channel.cross)
    }
  }
}
