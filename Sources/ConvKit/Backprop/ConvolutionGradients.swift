/// The gradients of a scalar loss with respect to a convolution's input, weight and bias.
public struct ConvolutionGradients: Equatable, Sendable {
  /// ∂L/∂input, shaped like the input.
  public var input: Tensor

  /// ∂L/∂weight, shaped like the weight.
  public var weight: Tensor

  /// ∂L/∂bias, one value per output channel.
  public var bias: [Float]
}

extension Tensor {
  /// Returns the gradients of a loss with respect to this input, `weight` and the bias of
  /// `correlated(with: weight, bias:, options:)`, given `outputGradient` = ∂L/∂output.
  ///
  /// Each gradient is itself a correlation, computed on the padded input `P`:
  /// - ∂L/∂P is the full correlation of the output gradient, with `stride - 1` zeros
  ///   inserted between its samples, with the kernel flipped in space and transposed in
  ///   channels, at the forward dilation. That is the transposed convolution.
  /// - ∂L/∂input folds ∂L/∂P back through the padding: a sample that `replicate`,
  ///   `reflect101`, `symmetric` or `wrap` copied adds its gradient to the sample it
  ///   copied, and `constant` samples drop theirs.
  /// - ∂L/∂weight[co, ci, t] = Σ_n Σ_o ∂L/∂out[n, co, o] · P[n, ci, o·s + t·d]: the
  ///   correlation of `P` with the output gradient as kernel, at stride `d` and dilation `s`.
  /// - ∂L/∂bias[co] = Σ_n Σ_o ∂L/∂out[n, co, o].
  ///
  /// - Throws: `ConvolutionError` when the shapes or settings do not fit, or when
  ///   `outputGradient` is not shaped like the forward output.
  public func correlationGradients(
    weight: Tensor, outputGradient: Tensor, options: ConvolutionOptions = .init()
  ) throws(ConvolutionError) -> ConvolutionGradients {
    try correlationGradients(
      weight: weight, outputGradient: outputGradient, options: options, execution: .automatic)
  }

  /// Returns the gradients of `correlationGradients(weight:outputGradient:options:)` with
  /// the threads and vector instructions of `execution`. The input gradient's correlation
  /// uses the algorithm the engine chooses for it, whatever `execution.algorithm` is.
  ///
  /// - Throws: as `correlationGradients(weight:outputGradient:options:)`.
  public func correlationGradients(
    weight: Tensor, outputGradient: Tensor, options: ConvolutionOptions = .init(),
    execution: ExecutionOptions
  ) throws(ConvolutionError) -> ConvolutionGradients {
    let plan = try ConvolutionPlan(
      inputShape: shape, weightShape: weight.shape, biasCount: nil, options: options)
    guard outputGradient.shape == plan.outputShape else {
      throw .gradientShapeMismatch(expected: plan.outputShape, actual: outputGradient.shape)
    }

    let backward = BackwardCorrelation(plan: plan, execution: execution)
    let padding = plan.borderPadding
    let padded = padding.pad(scalars)
    let paddedGradient = backward.paddedInputGradient(
      outputGradient: outputGradient.scalars, weight: weight.scalars)
    let weightGradient = backward.weightGradient(
      padded: padded, outputGradient: outputGradient.scalars)

    return ConvolutionGradients(
      input: Tensor(shape: shape, scalars: padding.fold(paddedGradient)),
      weight: Tensor(shape: weight.shape, scalars: weightGradient),
      bias: backward.biasGradient(outputGradient: outputGradient.scalars))
  }
}
