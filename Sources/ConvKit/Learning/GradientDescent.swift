/// The preconditioned gradient-descent loop of `KernelLearner`.
///
/// Each step maps the gradient into preconditioned coordinates (`∇φ = L⁻¹ ∇θ`), lets
/// the optimizer update `φ`, maps back (`θ = L⁻ᵀ φ`), and evaluates the loss and gradient
/// at the new parameters through the convolution's backward pass. Everything runs on one
/// thread in a fixed order, so the same inputs and seed give the same kernel bit for bit.
struct GradientDescent {
  /// The parameters learning ended with and how it got there.
  struct Outcome {
    var parameters: [Double]
    var lossHistory: [Double]
    var steps: Int
    var stopReason: StopReason
    var learningRate: Double
  }

  let problem: LearningProblem
  let learner: KernelLearner
  let preconditioner: Preconditioner
  var random: SeededRandom

  /// Runs until the kernel or loss stops changing, or for `learner.maximumSteps` steps.
  ///
  /// - Parameter progress: called with the starting loss and after every step.
  /// - Throws: `KernelLearningError.diverged` when the loss, a gradient or a parameter
  ///   becomes NaN or infinite.
  mutating func run(
    progress: (LearningProgress) -> Void
  ) throws(KernelLearningError) -> Outcome {
    let (loss, lossFactor) = learner.loss.scaled(by: problem.normalization.targetScale)
    var parameters = [Double](repeating: 0, count: problem.parameterCount)
    var coordinates = preconditioner.preconditioned(fromParameters: parameters)
    var updater = learner.optimizer.makeUpdater(parameterCount: parameters.count)
    var schedule = PlateauSchedule(
      learningRate: learner.learningRate ?? learner.optimizer.defaultLearningRate,
      patience: learner.patience)
    var kernel = problem.kernelInSampleUnits(parameters)

    var evaluation = try evaluate(parameters, loss: loss)
    try checkFinite(
      evaluation, parameters: parameters, step: 0, factor: lossFactor, rate: schedule.learningRate)
    var history = [evaluation.loss * lossFactor]
    report(step: 0, history: history, rate: schedule.learningRate, to: progress)

    for step in 1...learner.maximumSteps {
      let rate = schedule.learningRate
      updater.update(
        &coordinates, gradient: preconditioner.preconditionedGradient(evaluation.gradient),
        learningRate: rate)
      parameters = preconditioner.parameters(fromPreconditioned: coordinates)

      let previousLoss = evaluation.loss
      evaluation = try evaluate(parameters, loss: loss)
      try checkFinite(
        evaluation, parameters: parameters, step: step, factor: lossFactor, rate: rate)
      history.append(evaluation.loss * lossFactor)
      report(step: step, history: history, rate: rate, to: progress)

      let nextKernel = problem.kernelInSampleUnits(parameters)
      let change = Self.largestChange(from: kernel, to: nextKernel)
      kernel = nextKernel
      let reason = stopReason(change: change, previousLoss: previousLoss, loss: evaluation.loss)
      if let reason {
        try checkNotWorse(history, step: step, rate: rate)
        return Outcome(
          parameters: parameters, lossHistory: history, steps: step, stopReason: reason,
          learningRate: rate)
      }
      if learner.batchPatches == nil && evaluation.loss > previousLoss {
        updater.restart()
      }
      schedule.record(evaluation.loss)
    }
    try checkNotWorse(history, step: learner.maximumSteps, rate: schedule.learningRate)
    return Outcome(
      parameters: parameters, lossHistory: history, steps: learner.maximumSteps,
      stopReason: .maximumSteps, learningRate: schedule.learningRate)
  }

  /// Rejects a run that ends with a higher loss than it started with, which only a too
  /// large learning rate causes (the zero kernel it starts from is never the best fit).
  /// With random patches each loss comes from another batch, so the end may be up to twice
  /// the start before the run counts as diverged.
  private func checkNotWorse(
    _ history: [Double], step: Int, rate: Double
  ) throws(KernelLearningError) {
    let allowance = learner.batchPatches == nil ? 1.0 : 2.0
    guard let first = history.first, let last = history.last, last > first * allowance else {
      return
    }
    throw .diverged(step: step, loss: last, learningRate: rate)
  }

  /// Returns the loss and gradient over the whole image, or over a fresh random batch of
  /// patches when `learner.batchPatches` is set.
  private mutating func evaluate(
    _ parameters: [Double], loss: Loss
  ) throws(KernelLearningError) -> LearningProblem.Evaluation {
    guard let batchPatches = learner.batchPatches else {
      return try problem.evaluate(parameters, loss: loss)
    }
    let positions = problem.randomPositions(count: batchPatches, using: &random)
    return try problem.evaluate(parameters, loss: loss, batch: problem.batch(at: positions))
  }

  /// Returns why to stop after a step, or `nil` to go on. The loss test is skipped with
  /// random patches, whose loss changes with the batch.
  private func stopReason(change: Double, previousLoss: Double, loss: Double) -> StopReason? {
    if change <= learner.tolerance {
      return .kernelChangeBelowTolerance
    }
    let tolerance = learner.tolerance
    if learner.batchPatches == nil && abs(previousLoss - loss) <= tolerance * tolerance {
      return .lossChangeBelowTolerance
    }
    return nil
  }

  private func checkFinite(
    _ evaluation: LearningProblem.Evaluation, parameters: [Double], step: Int, factor: Double,
    rate: Double
  ) throws(KernelLearningError) {
    let loss = evaluation.loss * factor
    guard loss.isFinite, evaluation.gradient.allSatisfy(\.isFinite),
      parameters.allSatisfy(\.isFinite)
    else {
      throw .diverged(step: step, loss: loss, learningRate: rate)
    }
  }

  private func report(
    step: Int, history: [Double], rate: Double, to progress: (LearningProgress) -> Void
  ) {
    progress(
      LearningProgress(
        step: step, maximumSteps: learner.maximumSteps, loss: history[history.count - 1],
        learningRate: rate))
  }

  /// Returns the largest absolute difference between two kernels in sample units, over
  /// weights and biases.
  private static func largestChange(
    from old: (weights: [Double], bias: [Double]), to new: (weights: [Double], bias: [Double])
  ) -> Double {
    let weights = zip(old.weights, new.weights).map { abs($0 - $1) }.max() ?? 0
    let bias = zip(old.bias, new.bias).map { abs($0 - $1) }.max() ?? 0
    return max(weights, bias)
  }
}
