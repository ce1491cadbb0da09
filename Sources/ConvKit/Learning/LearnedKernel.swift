/// The result of `KernelLearner.learn(input:target:progress:)`: the kernel, how well it
/// fits, and how it was found.
public struct LearnedKernel: Sendable {
  /// The mapping of kernels to channels.
  public var mode: KernelFile.Mode

  /// `[1, 1, rows, columns]` for `shared`, `[C, 1, rows, columns]` for `depthwise`, and
  /// `[C_out, C_in, rows, columns]` for `full`, cross-correlated (not flipped) as
  /// `convkit filter` applies them.
  public var weights: Tensor

  /// One value per output kernel (one for `shared`); zeros when no bias was learned.
  public var bias: [Float]

  /// Whether a bias was learned; without one, `bias` is all zeros.
  public var usesBias: Bool

  /// The border rule the kernel was learned with.
  public var border: BorderMode

  /// `.same` when the target was as large as the input, `.valid` when it was smaller by
  /// the kernel size minus 1.
  public var padding: Padding

  /// The solver that produced `weights` and `bias`.
  public var solver: Solver

  /// The loss that was minimised (always squared error for `leastSquares`).
  public var loss: Loss

  /// The loss of `weights` and `bias` over the included target samples, in the units of
  /// the samples, computed on the whole image.
  public var finalLoss: Double

  /// The peak signal-to-noise ratio `10 log10(1 / MSE)` in decibels between the target
  /// and the input filtered with the kernel and clamped to [0, 1], as `convkit filter`
  /// does. It covers every target sample, clipped ones too, and is infinite for an exact
  /// match.
  public var peakSignalToNoiseRatio: Double

  /// The loss before each update and after the last one (the loss of each step's random
  /// batch when learning from random patches); empty for `leastSquares`.
  public var lossHistory: [Double]

  /// The number of gradient-descent updates made.
  public var steps: Int

  /// The reason learning stopped.
  public var stopReason: StopReason

  /// The learning rate at the end, after any halving; `nil` for `leastSquares`.
  public var finalLearningRate: Double?

  /// The number of target samples that took part in the loss.
  public var includedSamples: Int

  /// The number of target samples left out because they are exactly 0 or 1 (clipped).
  public var excludedSamples: Int

  /// The least-squares weights and bias, shaped like `weights` and `bias`: the solution
  /// itself for `leastSquares`, a cross-check for `gradientDescent`.
  public var leastSquaresWeights: Tensor

  /// The least-squares bias, shaped like `bias`.
  public var leastSquaresBias: [Float]

  /// An estimate of the condition number of the patch autocorrelation matrix (the largest
  /// over output kernels), which sets how slowly plain gradient descent would converge.
  public var conditionNumber: Double

  /// The largest absolute difference between a weight and its least-squares value.
  public var maximumWeightDifferenceFromLeastSquares: Float {
    zip(weights.scalars, leastSquaresWeights.scalars).map { abs($0 - $1) }.max() ?? 0
  }

  /// The largest absolute difference between a bias and its least-squares value.
  public var maximumBiasDifferenceFromLeastSquares: Float {
    zip(bias, leastSquaresBias).map { abs($0 - $1) }.max() ?? 0
  }

  /// Returns the kernel as a file that `convkit filter --kernel-file` applies, with
  /// `mode`, `border` and the given extra fields.
  ///
  /// - Parameter details: extra top-level fields; each value is raw JSON text.
  public func kernelFile(details: [String: String] = [:]) -> KernelFile {
    KernelFile(mode: mode, weights: weights, bias: bias, border: border, details: details)
  }
}
