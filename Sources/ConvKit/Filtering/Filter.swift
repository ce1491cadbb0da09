/// A filter an image can be put through: one or more kernels and how their results combine.
public enum Filter: Equatable, Sendable {
  /// One kernel applied to every colour channel on its own, plus a constant.
  case kernel(Kernel, bias: Float = 0)

  /// `sqrt(gx² + gy²)` per channel, where `gx` and `gy` are the results of two kernels.
  case gradientMagnitude(x: Kernel, y: Kernel)

  /// One kernel and one constant for each colour channel, in channel order.
  case depthwise([Kernel], bias: [Float])

  /// A full convolution weight `[C_out, C_in, rows, columns]` that mixes channels, plus one
  /// constant per output channel.
  case full(weight: Tensor, bias: [Float])

  /// Whether every weight is zero or positive, as in blurs. Such filters run on
  /// premultiplied colour and blur alpha too (see `ImageFilter`).
  public var isSmoothing: Bool {
    switch self {
    case .kernel(let kernel, _):
      return kernel.isNonNegative
    case .gradientMagnitude:
      return false
    case .depthwise(let kernels, _):
      return kernels.allSatisfy(\.isNonNegative)
    case .full(let weight, _):
      return weight.scalars.allSatisfy { $0 >= 0 }
    }
  }

  /// The number of colour channels the filter needs, or `nil` if it takes any number.
  public var requiredInputChannels: Int? {
    switch self {
    case .kernel, .gradientMagnitude: return nil
    case .depthwise(let kernels, _): return kernels.count
    case .full(let weight, _): return weight.shape[1]
    }
  }

  /// Returns the filtered channels of `input` (`[C, H, W]`), with output as large as the
  /// input and the outside extended by `border`.
  ///
  /// - Throws: `ConvolutionError` when the channel count does not fit the filter.
  public func apply(to input: Tensor, border: BorderMode) throws(ConvolutionError) -> Tensor {
    let channels = input.shape[0]
    var options = ConvolutionOptions.filtering(border: border)

    switch self {
    case .kernel(let kernel, let bias):
      options.groups = channels
      return try input.correlated(
        with: kernel.depthwiseWeight(channels: channels),
        bias: bias == 0 ? nil : Array(repeating: bias, count: channels), options: options)

    case .gradientMagnitude(let kernelX, let kernelY):
      options.groups = channels
      let gx = try input.correlated(with: kernelX.depthwiseWeight(channels: channels), options: options)
      let gy = try input.correlated(with: kernelY.depthwiseWeight(channels: channels), options: options)
      let magnitude = zip(gx.scalars, gy.scalars).map { ($0 * $0 + $1 * $1).squareRoot() }
      return Tensor(shape: gx.shape, scalars: magnitude)

    case .depthwise(let kernels, let bias):
      let weight = try Self.depthwiseWeight(kernels, input: input.shape)
      options.groups = channels
      return try input.correlated(with: weight, bias: bias, options: options)

    case .full(let weight, let bias):
      return try input.correlated(with: weight, bias: bias, options: options)
    }
  }

  private static func depthwiseWeight(
    _ kernels: [Kernel], input: [Int]
  ) throws(ConvolutionError) -> Tensor {
    let first = kernels[0]
    let weightShape = [kernels.count, 1, first.rows, first.columns]
    guard kernels.count == input[0] else {
      throw .channelMismatch(input: input, weight: weightShape, groups: kernels.count)
    }
    return Tensor(shape: weightShape, scalars: kernels.flatMap(\.values))
  }
}
