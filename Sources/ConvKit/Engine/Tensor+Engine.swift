extension Tensor {
  /// Returns the cross-correlation of this tensor with `weight`, computed as `execution`
  /// sets: the same result as `correlated(with:bias:options:)`, within float rounding.
  ///
  /// - Throws: `ConvolutionError` when the shapes or settings do not fit, and
  ///   `ConvolutionError.algorithmNotApplicable` when `execution.algorithm` cannot compute
  ///   this correlation.
  public func correlated(
    with weight: Tensor, bias: [Float]? = nil, options: ConvolutionOptions = .init(),
    execution: ExecutionOptions
  ) throws(ConvolutionError) -> Tensor {
    try Correlator(
      inputShape: shape, weight: weight, bias: bias, options: options, execution: execution
    ).run(self)
  }

  /// Writes the cross-correlation of this tensor with `weight` into `output`, reusing its
  /// storage when it is uniquely referenced and has as many values as the result. Reusing
  /// one output tensor across calls avoids allocating, and first touching, a new buffer.
  ///
  /// - Throws: as `correlated(with:bias:options:execution:)`; `output` is unchanged then.
  public func correlate(
    with weight: Tensor, bias: [Float]? = nil, options: ConvolutionOptions = .init(),
    execution: ExecutionOptions = .automatic, into output: inout Tensor
  ) throws(ConvolutionError) {
    try Correlator(
      inputShape: shape, weight: weight, bias: bias, options: options, execution: execution
    ).run(self, into: &output)
  }
}
