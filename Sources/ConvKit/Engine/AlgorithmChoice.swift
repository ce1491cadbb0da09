/// Chooses and prepares the algorithm for one correlation.
enum AlgorithmChoice {
  /// The smallest box side for which running sums beat the separable passes; both cost
  /// about the same at 5 (measured with `convkit-bench`).
  static let runningSumMinimumSide = 5

  /// Prepares the requested algorithm, or with `requested` `nil` the cheapest one for the
  /// kernels. Boxes of side `runningSumMinimumSide` or more get running sums. 3x3 kernels
  /// in a form of `SymmetricStencil` get direct: Sobel took 16 ms on one thread that way
  /// against 18 to 20 ms in two passes. Other rank-1 kernels of at least two rows and two
  /// columns get separable. FFT follows when its estimated cost per output is below the
  /// direct loop's, and direct otherwise.
  ///
  /// With `fused`, the direct and separable paths sum rows with the fused loop (see
  /// `VectorInstructions`).
  ///
  /// - Throws: `ConvolutionError.algorithmNotApplicable` when the requested algorithm does
  ///   not accept this plan or these kernels.
  static func prepare(
    plan: ConvolutionPlan, weight: [Float], bias: [Float]?, requested: ConvolutionAlgorithm?,
    fused: Bool
  ) throws(ConvolutionError) -> (algorithm: ConvolutionAlgorithm, path: PreparedPath) {
    let direct = {
      if let stencil = SymmetricStencil(plan: plan, weight: weight, bias: bias) {
        return PreparedPath.stencil(stencil)
      }
      return plan.stride[2] == 1
        ? PreparedPath.rows(RowCorrelation(plan: plan, weight: weight, bias: bias, fused: fused))
        : PreparedPath.strided(plan, weight: weight, bias: bias)
    }
    let planeReason = "it needs each output channel to read one input channel (depthwise), "
      + "a 1D or 2D kernel, stride 1, dilation 1 and no depth padding"

    switch requested {
    case .direct:
      return (.direct, direct())
    case .separable:
      guard PlaneSweep.accepts(plan) else {
        throw .algorithmNotApplicable(algorithm: "separable", reason: planeReason)
      }
      guard let separable = SeparableCorrelation(plan: plan, weight: weight, bias: bias, fused: fused) else {
        throw .algorithmNotApplicable(algorithm: "separable", reason: "a kernel does not have rank 1")
      }
      return (.separable, .separable(separable))
    case .runningSum:
      guard PlaneSweep.accepts(plan) else {
        throw .algorithmNotApplicable(algorithm: "running-sum", reason: planeReason)
      }
      guard let box = BoxFilter(plan: plan, weight: weight, bias: bias) else {
        throw .algorithmNotApplicable(
          algorithm: "running-sum", reason: "a kernel has weights that are not all equal")
      }
      return (.runningSum, .runningSum(box))
    case .fft:
      guard let fft = FFTCorrelation(plan: plan, weight: weight, bias: bias) else {
        throw .algorithmNotApplicable(algorithm: "fft", reason: planeReason)
      }
      return (.fft, .fft(fft))
    case nil:
      break
    }

    let (kh, kw) = (plan.kernelSize[1], plan.kernelSize[2])
    guard PlaneSweep.accepts(plan), kh > 1, kw > 1 else {
      return (.direct, direct())
    }
    if max(kh, kw) >= runningSumMinimumSide,
      let box = BoxFilter(plan: plan, weight: weight, bias: bias)
    {
      return (.runningSum, .runningSum(box))
    }
    if let stencil = SymmetricStencil(plan: plan, weight: weight, bias: bias) {
      return (.direct, .stencil(stencil))
    }
    if let separable = SeparableCorrelation(plan: plan, weight: weight, bias: bias, fused: fused) {
      return (.separable, .separable(separable))
    }
    let taps = Double(weight.lazy.filter { $0 != 0 }.count) / Double(plan.outputChannels)
    let size = FFTCorrelation.tileSize(kernelRows: kh, kernelColumns: kw)
    if FFTCorrelation.costPerOutput(size: size, kernelRows: kh, kernelColumns: kw) < taps,
      let fft = FFTCorrelation(plan: plan, weight: weight, bias: bias)
    {
      return (.fft, .fft(fft))
    }
    return (.direct, direct())
  }
}
