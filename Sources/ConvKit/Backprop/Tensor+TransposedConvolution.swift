extension Tensor {
  /// Returns the transposed convolution of this tensor with `weight`, the operation of
  /// PyTorch's `ConvTranspose1d/2d/3d`, also called fractionally strided convolution.
  ///
  /// It is exactly the input-gradient operator of `correlated(with:bias:options:)` with zero
  /// padding `padding`: each input sample scatters `weight` times its value into the
  /// output, `stride` samples apart, which equals inserting `stride - 1` zeros between the
  /// input samples and correlating fully with the flipped kernel. Along each axis
  ///
  ///     o = (i - 1)·s - 2p + d·(k - 1) + outputPadding + 1
  ///
  /// `outputPadding` picks one of the `s` input sizes that a strided forward convolution
  /// maps to the same `i`; it adds samples after the end of the output.
  ///
  /// - Parameters:
  ///   - weight: `[C_in, C_out / groups, k...]`, PyTorch's layout for transposed weights,
  ///     which is also the weight of the forward convolution this operation transposes.
  ///   - bias: one value per output channel, or `nil`.
  ///   - stride, padding, outputPadding, dilation: one value per spatial axis, or one for
  ///     all axes. `outputPadding` must be smaller than the stride or the dilation.
  ///   - groups: channel groups, as in the forward convolution.
  /// - Returns: `[C_out, o...]`, or `[N, C_out, o...]` for a batched input.
  /// - Throws: `ConvolutionError` when the shapes or settings do not fit.
  public func transposedCorrelated(
    with weight: Tensor, bias: [Float]? = nil, stride: [Int] = [1], padding: [Int] = [0],
    outputPadding: [Int] = [0], dilation: [Int] = [1], groups: Int = 1
  ) throws(ConvolutionError) -> Tensor {
    let spatialRank = weight.rank - 2
    guard (1...3).contains(spatialRank),
      rank == spatialRank + 1 || rank == spatialRank + 2
    else {
      throw .rankMismatch(input: shape, weight: weight.shape)
    }
    guard groups >= 1, weight.shape[0] % groups == 0 else {
      throw .invalidGroups(groups: groups, weight: weight.shape)
    }
    let isBatched = rank == spatialRank + 2
    let batchShape = isBatched ? shape : [1] + shape
    guard batchShape[1] == weight.shape[0] else {
      throw .channelMismatch(input: shape, weight: weight.shape, groups: 1)
    }

    let settings = try TransposedSettings(
      stride: stride, padding: padding, outputPadding: outputPadding, dilation: dilation,
      spatialRank: spatialRank)
    let outputSpatial = try settings.outputSize(
      input: Array(batchShape.dropFirst(2)), kernel: Array(weight.shape.dropFirst(2)))
    let outputChannels = weight.shape[1] * groups

    // The forward convolution whose input gradient this is: it maps [N, C_out, o...] to
    // [N, C_in, i...] with the same weight.
    let options = ConvolutionOptions(
      padding: .explicit(settings.padding.map { AxisPadding($0) }), border: .zero,
      stride: settings.stride, dilation: settings.dilation, groups: groups)
    let plan = try ConvolutionPlan(
      inputShape: [batchShape[0], outputChannels] + outputSpatial, weightShape: weight.shape,
      biasCount: nil, options: options)

    let padded = BackwardCorrelation(plan: plan)
      .paddedInputGradient(outputGradient: scalars, weight: weight.scalars)
    var output = plan.borderPadding.fold(padded)
    if let bias {
      guard bias.count == outputChannels else {
        throw .biasCountMismatch(bias: bias.count, outputChannels: outputChannels)
      }
      Self.addBias(bias, to: &output, volume: outputSpatial.reduce(1, *))
    }

    let outputShape = [outputChannels] + outputSpatial
    return Tensor(shape: isBatched ? [batchShape[0]] + outputShape : outputShape, scalars: output)
  }

  private static func addBias(_ bias: [Float], to values: inout [Float], volume: Int) {
    for start in Swift.stride(from: 0, to: values.count, by: volume) {
      let channel = (start / volume) % bias.count
      for index in start..<(start + volume) {
        values[index] += bias[channel]
      }
    }
  }
}

/// The per-axis settings of a transposed convolution, checked.
private struct TransposedSettings {
  let stride: [Int]
  let padding: [Int]
  let outputPadding: [Int]
  let dilation: [Int]

  init(
    stride: [Int], padding: [Int], outputPadding: [Int], dilation: [Int], spatialRank: Int
  ) throws(ConvolutionError) {
    self.stride = try Self.perAxis(stride, "stride", minimum: 1, spatialRank)
    self.padding = try Self.perAxis(padding, "padding", minimum: 0, spatialRank)
    self.outputPadding = try Self.perAxis(outputPadding, "output padding", minimum: 0, spatialRank)
    self.dilation = try Self.perAxis(dilation, "dilation", minimum: 1, spatialRank)
    for axis in 0..<spatialRank
    where self.outputPadding[axis] >= max(self.stride[axis], self.dilation[axis]) {
      throw .invalidSetting(
        name: "output padding", value: self.outputPadding,
        reason: "output padding must be smaller than the stride or the dilation")
    }
  }

  /// `o = (i - 1)·s - 2p + d·(k - 1) + outputPadding + 1` for each axis.
  func outputSize(input: [Int], kernel: [Int]) throws(ConvolutionError) -> [Int] {
    var output: [Int] = []
    for axis in input.indices {
      let size = (input[axis] - 1) * stride[axis] - 2 * padding[axis]
        + dilation[axis] * (kernel[axis] - 1) + outputPadding[axis] + 1
      guard size >= 1 else {
        throw .invalidSetting(
          name: "padding", value: padding,
          reason: "padding leaves no output on spatial axis \(axis) (size \(size))")
      }
      output.append(size)
    }
    return output
  }

  private static func perAxis(
    _ values: [Int], _ name: String, minimum: Int, _ spatialRank: Int
  ) throws(ConvolutionError) -> [Int] {
    guard values.count == 1 || values.count == spatialRank else {
      throw .invalidSetting(
        name: name, value: values, reason: "give one value or one per spatial axis (\(spatialRank))")
    }
    guard values.allSatisfy({ $0 >= minimum }) else {
      throw .invalidSetting(name: name, value: values, reason: "\(name) must be at least \(minimum)")
    }
    return values.count == 1 ? Array(repeating: values[0], count: spatialRank) : values
  }
}
