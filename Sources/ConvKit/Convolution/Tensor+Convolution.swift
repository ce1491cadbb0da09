extension Tensor {
  /// Returns the cross-correlation of this tensor with `weight`, the operation CNN layers
  /// (PyTorch's `Conv1d`, `Conv2d`, `Conv3d`) call convolution.
  ///
  ///     out[n, co, o] = bias[co] + Σ_ci Σ_t weight[co, ci, t] · padded[n, ci', o·s + t·d]
  ///
  /// The kernel is not flipped. `ci'` runs over the input channels of the group of `co`.
  ///
  /// - Parameters:
  ///   - weight: `[C_out, C_in / groups, k...]` with 1, 2 or 3 kernel axes, which sets the
  ///     number of spatial axes.
  ///   - bias: one value per output channel, or `nil`.
  ///   - options: padding, border, stride, dilation and groups.
  /// - Returns: `[C_out, o...]` for an input `[C_in, i...]`, or `[N, C_out, o...]` for a
  ///   batched input `[N, C_in, i...]`, where each `o` is `convolutionOutputSize`.
  /// The algorithm is chosen per kernel and the work runs on every core; see
  /// `ConvolutionAlgorithm`, and `correlated(with:bias:options:execution:)` to choose.
  ///
  /// - Throws: `ConvolutionError` when the shapes or settings do not fit.
  /// - Complexity: O(N × C_out × C_in / groups × kernel taps × output positions) for the
  ///   direct algorithm; less for the others.
  public func correlated(
    with weight: Tensor, bias: [Float]? = nil, options: ConvolutionOptions = .init()
  ) throws(ConvolutionError) -> Tensor {
    try correlated(with: weight, bias: bias, options: options, execution: .automatic)
  }

  /// Returns the correlation computed by the reference loop, `DirectCorrelation`, on a
  /// padded copy of the input: simple and slow, kept for tests to check the engine against.
  func referenceCorrelated(
    with weight: Tensor, bias: [Float]? = nil, options: ConvolutionOptions = .init()
  ) throws(ConvolutionError) -> Tensor {
    let plan = try ConvolutionPlan(
      inputShape: shape, weightShape: weight.shape, biasCount: bias?.count, options: options)
    let padded = plan.borderPadding.pad(scalars)
    let output = plan.correlation.run(input: padded, weight: weight.scalars, bias: bias)
    return Tensor(shape: plan.outputShape, scalars: output)
  }

  /// Returns the mathematical convolution of this tensor with `weight`: the
  /// cross-correlation with the kernel flipped along every spatial axis.
  ///
  /// Signal processing defines `(f * g)[o] = Σ_t f[o - t] · g[t]`, which reads the kernel
  /// backwards; CNNs skip the flip because a learned kernel can absorb it. Takes the same
  /// arguments, and returns the same shape, as `correlated(with:bias:options:)`.
  ///
  /// - Throws: `ConvolutionError` when the shapes or settings do not fit.
  public func convolved(
    with weight: Tensor, bias: [Float]? = nil, options: ConvolutionOptions = .init()
  ) throws(ConvolutionError) -> Tensor {
    try correlated(with: weight.flippedKernel(), bias: bias, options: options)
  }

  /// Returns this weight tensor `[C_out, C_in, k...]` with every kernel axis reversed.
  public func flippedKernel() -> Tensor {
    precondition(rank >= 3, "a weight tensor has rank 3 to 5, got shape \(shape)")
    let kernelTaps = shape.dropFirst(2).reduce(1, *)
    let kernelShape = Array(shape.dropFirst(2))
    var flipped = scalars
    for start in stride(from: 0, to: count, by: kernelTaps) {
      for tap in 0..<kernelTaps {
        flipped[start + Self.mirroredTap(tap, kernelShape: kernelShape)] = scalars[start + tap]
      }
    }
    return Tensor(shape: shape, scalars: flipped)
  }

  private static func mirroredTap(_ tap: Int, kernelShape: [Int]) -> Int {
    var remainder = tap
    var mirrored = 0
    var scale = 1
    for axis in kernelShape.indices.reversed() {
      let index = remainder % kernelShape[axis]
      remainder /= kernelShape[axis]
      mirrored += (kernelShape[axis] - 1 - index) * scale
      scale *= kernelShape[axis]
    }
    return mirrored
  }
}

extension ConvolutionPlan {
  /// The padding step of this plan, over every `(n, c)` volume of the input.
  var borderPadding: BorderPadding {
    BorderPadding(
      planes: batch * inputChannels, inputSize: inputSize, padding: padding, border: border)
  }

  /// The correlation loop of this plan over the padded input.
  var correlation: DirectCorrelation {
    DirectCorrelation(
      batch: batch, inputChannels: inputChannels, outputChannels: outputChannels,
      groups: groups, inputSize: paddedSize, kernelSize: kernelSize, stride: stride,
      dilation: dilation, outputSize: outputSize)
  }
}
