import Foundation

/// Learns the convolution kernel that turns an input image into a target image.
///
/// The model is the correlation `convkit filter` applies: for output channel `co` and
/// position `o`,
///
///     prediction[co, o] = b[co] + Σ_ci Σ_t w[co, ci, t] · padded[ci, o + t]
///
/// where `ci` runs over every input channel (`full`) or only channel `co` (`shared`,
/// `depthwise`), and `padded` is the input extended by `border` (target as large as the
/// input) or not extended (target smaller by the kernel size minus 1). Learning minimises
/// `loss` of `prediction - target` over the included target samples.
///
/// The default solver is gradient descent through `Tensor.correlationGradients`. Raw
/// image patches make it badly conditioned, so it runs on centred and scaled samples.
/// By default it also runs in coordinates whitened by the patch autocorrelation matrix
/// `G = (1/N) Σ a aᵀ`, where each patch vector `a` ends with a 1 for the bias (see
/// `Preconditioning`). There the squared error has the Hessian `2I`, so the default `sgd`
/// step of 0.5 reaches its minimum in one step, and the other losses and optimizers take
/// tens to hundreds of steps. The least-squares solution of `G θ = c` is always computed
/// too, as a cross-check.
///
/// ```swift
/// var learner = KernelLearner(rows: 3, columns: 3)
/// learner.mode = .shared
/// let learned = try learner.learn(input: photo, target: edges)
/// print(learned.weights, learned.bias, learned.peakSignalToNoiseRatio)
/// ```
public struct KernelLearner: Sendable {
  /// The number of kernel rows, from 1 to `maximumSide`; even sizes anchor at `rows / 2`.
  public var kernelRows: Int

  /// The number of kernel columns, from 1 to `maximumSide`.
  public var kernelColumns: Int

  /// The mapping of kernels to channels; `depthwise` (one kernel per channel) by default.
  public var mode: KernelFile.Mode = .depthwise

  /// Whether each output kernel learns a constant added to its output. On by default.
  public var usesBias = true

  /// The border rule for a target as large as the input; `reflect101` by default, as in
  /// `convkit filter`.
  public var border: BorderMode = .reflect101

  /// The loss gradient descent minimises; mean squared error by default.
  public var loss: Loss = .meanSquared

  /// The update rule; `sgd` without momentum by default.
  public var optimizer: Optimizer = .sgd()

  /// The starting learning rate, or `nil` for `optimizer.defaultLearningRate`.
  public var learningRate: Double?

  /// The step limit; 1000 by default.
  public var maximumSteps = 1000

  /// The largest change of a weight or bias in one step, in sample units (samples in
  /// [0, 1]), at which learning stops. It also stops when the loss changes by no more than
  /// the tolerance squared, in units of the target's variance. The default, 1e-6, is about
  /// ten times the change that Float rounding leaves between steps on the sample images
  /// (measured on the acceptance pairs in `docs/learn-kernel.md`).
  public var tolerance = 1e-6

  /// The window, in steps, of the learning-rate schedule: the rate halves when a window's
  /// mean loss is not lower than the previous window's. 10 by default.
  public var patience = 10

  /// Whether target samples that are exactly 0 or 1 are left out of the loss. On by
  /// default, because such samples are usually clipped and so do not follow the kernel.
  public var excludesClippedSamples = true

  /// When set, each step uses this many output positions drawn at random (with all their
  /// channels) instead of the whole image, and the patch statistics come from a seeded
  /// sample of `statisticsSampleSize` positions.
  public var batchPatches: Int?

  /// The seed of the random positions; the same seed gives the same kernel.
  public var seed: UInt64 = 0

  /// Gradient descent (default) or least squares.
  public var solver: Solver = .gradientDescent

  /// The preconditioning of gradient descent; `full` by default.
  public var preconditioning: Preconditioning = .full

  /// The largest kernel side accepted: 31, because the full preconditioner costs
  /// O(samples × T²) for `T` taps per output kernel.
  public static let maximumSide = 31

  /// The number of random positions the patch statistics use when learning from random
  /// patches (or every position, when the image has fewer).
  public static let statisticsSampleSize = 65_536

  /// Creates a learner for a `rows` x `columns` kernel with the default settings.
  public init(rows: Int, columns: Int) {
    kernelRows = rows
    kernelColumns = columns
  }

  /// Creates a learner for a square `size` x `size` kernel with the default settings.
  public init(size: Int) {
    self.init(rows: size, columns: size)
  }

  /// Learns the kernel that maps `input` to `target`.
  ///
  /// - Parameters:
  ///   - input: `[C_in, H, W]`, usually with samples in [0, 1].
  ///   - target: `[C_out, H, W]` (same size, padded by `border`) or
  ///     `[C_out, H - rows + 1, W - columns + 1]` (valid, no padding). `C_out` must equal
  ///     `C_in` unless `mode` is `full`.
  ///   - progress: called with the starting loss and after every gradient-descent step.
  /// - Returns: the kernel, its fit, and the least-squares cross-check.
  /// - Throws: `KernelLearningError` for invalid settings or shapes, non-finite samples,
  ///   a target whose samples are all clipped, or a loss that diverges.
  /// - Complexity: O(S × C_out × T²) once for the patch statistics (S output positions,
  ///   T parameters per output kernel) plus, per step, three correlations of the image.
  public func learn(
    input: Tensor, target: Tensor, progress: (LearningProgress) -> Void = { _ in }
  ) throws(KernelLearningError) -> LearnedKernel {
    try validateSettings()
    let problem = try LearningProblem(input: input, target: target, learner: self)
    let positions = problem.outputHeight * problem.outputWidth
    if let batchPatches, batchPatches > positions {
      throw .invalidSetting(
        name: "batch patches", value: "\(batchPatches)",
        expected: "at most the \(positions) output positions of this pair; leave it out to use "
          + "the whole image")
    }

    var random = SeededRandom(seed: seed)
    let sample = batchPatches.map { _ in statisticsPositions(problem, using: &random) }
    let statistics = problem.patchStatistics(positions: sample)
    let leastSquares = LeastSquares.solve(statistics)

    let outcome: GradientDescent.Outcome
    switch solver {
    case .leastSquares:
      outcome = GradientDescent.Outcome(
        parameters: leastSquares, lossHistory: [], steps: 0, stopReason: .solvedDirectly,
        learningRate: .nan)
    case .gradientDescent:
      var descent = GradientDescent(
        problem: problem, learner: self,
        preconditioner: Preconditioner(statistics: statistics, kind: preconditioning),
        random: random)
      outcome = try descent.run(progress: progress)
    }

    return try result(
      outcome, leastSquares: leastSquares, problem: problem, statistics: statistics,
      input: input, target: target)
  }

  /// Returns the padding that the target's size implies: `.same` for a target as large
  /// as the input, `.valid` for one smaller by the kernel size minus 1.
  ///
  /// - Parameters:
  ///   - inputShape: `[C_in, H, W]`.
  ///   - targetShape: `[C_out, H', W']`.
  /// - Throws: `KernelLearningError.invalidShape` for a shape that is not an image,
  ///   `sizeMismatch` for any other size, and `channelMismatch` when `C_out` differs from
  ///   `C_in` outside `full` mode.
  public func padding(
    inputShape: [Int], targetShape: [Int]
  ) throws(KernelLearningError) -> Padding {
    for (name, shape) in [("input", inputShape), ("target", targetShape)] {
      guard shape.count == 3, shape.allSatisfy({ $0 >= 1 }) else {
        throw .invalidShape(name: name, shape: shape)
      }
    }
    if mode != .full && targetShape[0] != inputShape[0] {
      throw .channelMismatch(input: inputShape, target: targetShape, mode: mode)
    }

    let size = (targetShape[1], targetShape[2])
    if size == (inputShape[1], inputShape[2]) {
      return .same
    }
    if size == (inputShape[1] - kernelRows + 1, inputShape[2] - kernelColumns + 1) {
      return .valid
    }
    throw .sizeMismatch(
      input: inputShape, target: targetShape, kernelRows: kernelRows, kernelColumns: kernelColumns)
  }

  // MARK: - Steps

  private func validateSettings() throws(KernelLearningError) {
    let sides = 1...Self.maximumSide
    let side = "1 to \(Self.maximumSide)"
    let positive = "a finite number greater than 0"
    let fraction = "a number from 0 up to but not including 1"
    try require(sides.contains(kernelRows), "kernel rows", kernelRows, side)
    try require(sides.contains(kernelColumns), "kernel columns", kernelColumns, side)
    try require(maximumSteps >= 1, "maximum steps", maximumSteps, "at least 1")
    try require(
      tolerance >= 0 && tolerance.isFinite, "tolerance", tolerance, "a finite number of at least 0")
    try require(patience >= 1, "patience", patience, "at least 1")
    if let learningRate {
      try require(learningRate > 0 && learningRate.isFinite, "learning rate", learningRate, positive)
    }
    if let batchPatches {
      try require(batchPatches >= 1, "batch patches", batchPatches, "at least 1")
    }
    if case .huber(let delta) = loss {
      try require(delta > 0 && delta.isFinite, "Huber delta", delta, positive)
    }

    switch optimizer {
    case .sgd(let momentum):
      try require((0..<1).contains(momentum), "momentum", momentum, fraction)
    case .adam(let beta1, let beta2, let epsilon):
      try require((0..<1).contains(beta1), "Adam beta1", beta1, fraction)
      try require((0..<1).contains(beta2), "Adam beta2", beta2, fraction)
      try require(epsilon > 0 && epsilon.isFinite, "Adam epsilon", epsilon, positive)
    }
  }

  private func require(
    _ condition: Bool, _ name: String, _ value: some CustomStringConvertible, _ expected: String
  ) throws(KernelLearningError) {
    if !condition {
      throw .invalidSetting(name: name, value: value.description, expected: expected)
    }
  }

  /// Returns every output position when there are at most `statisticsSampleSize`, and
  /// otherwise that many positions drawn at random.
  private func statisticsPositions(
    _ problem: LearningProblem, using random: inout SeededRandom
  ) -> [Int] {
    let positions = problem.outputHeight * problem.outputWidth
    guard positions > Self.statisticsSampleSize else {
      return Array(0..<positions)
    }
    return problem.randomPositions(count: Self.statisticsSampleSize, using: &random)
  }

  private func result(
    _ outcome: GradientDescent.Outcome, leastSquares: [Double], problem: LearningProblem,
    statistics: [PatchStatistics], input: Tensor, target: Tensor
  ) throws(KernelLearningError) -> LearnedKernel {
    let kernel = problem.kernelInSampleUnits(outcome.parameters)
    let reference = problem.kernelInSampleUnits(leastSquares)
    let prediction = try problem.prediction(of: input, weights: kernel.weights, bias: kernel.bias)
    let usedLoss = solver == .leastSquares ? Loss.meanSquared : loss
    let residuals = zip(prediction.scalars, target.scalars).map { $0 - $1 }
    let finalLoss = usedLoss.evaluate(
      residuals: residuals, included: problem.included, count: problem.includedCount
    ).value

    let shape = problem.learnedWeightShape
    return LearnedKernel(
      mode: mode, weights: Tensor(shape: shape, scalars: kernel.weights.map(Float.init)),
      bias: kernel.bias.map(Float.init), usesBias: usesBias, border: border,
      padding: problem.padding,
      solver: solver, loss: usedLoss, finalLoss: finalLoss,
      peakSignalToNoiseRatio: Self.peakSignalToNoiseRatio(prediction.scalars, target.scalars),
      lossHistory: outcome.lossHistory, steps: outcome.steps, stopReason: outcome.stopReason,
      finalLearningRate: solver == .leastSquares ? nil : outcome.learningRate,
      includedSamples: problem.includedCount,
      excludedSamples: target.count - problem.includedCount,
      leastSquaresWeights: Tensor(shape: shape, scalars: reference.weights.map(Float.init)),
      leastSquaresBias: reference.bias.map(Float.init),
      conditionNumber: statistics.map { $0.conditionNumberEstimate() }.max() ?? 1)
  }

  /// Returns `10 log10(1 / MSE)` between the prediction clamped to [0, 1] and the target.
  static func peakSignalToNoiseRatio(_ prediction: [Float], _ target: [Float]) -> Double {
    var squares = 0.0
    for (predicted, expected) in zip(prediction, target) {
      let difference = Double(min(max(predicted, 0), 1) - expected)
      squares += difference * difference
    }
    let meanSquare = squares / Double(max(target.count, 1))
    return meanSquare > 0 ? -10 * log10(meanSquare) : .infinity
  }
}
