/// A reason a convolution cannot run with the given shapes or settings.
public enum ConvolutionError: Error, Equatable, Sendable {
  /// The weight rank is not 3, 4 or 5 (1D, 2D or 3D), or the input rank does not fit it.
  case rankMismatch(input: [Int], weight: [Int])

  /// Input channels do not match the weight's input channels times `groups`.
  case channelMismatch(input: [Int], weight: [Int], groups: Int)

  /// `groups` is not positive or does not divide the output channels.
  case invalidGroups(groups: Int, weight: [Int])

  /// The bias does not have one value per output channel.
  case biasCountMismatch(bias: Int, outputChannels: Int)

  /// A stride, dilation or padding value is out of range.
  case invalidSetting(name: String, value: [Int], reason: String)

  /// The effective kernel is larger than the padded input along an axis.
  case kernelLargerThanInput(axis: Int, paddedInput: Int, effectiveKernel: Int)

  /// A tensor has a zero-sized axis.
  case emptyAxis(shape: [Int])

  /// A gradient does not have the shape of the forward output.
  case gradientShapeMismatch(expected: [Int], actual: [Int])

  /// The algorithm set in `ExecutionOptions` cannot compute this correlation.
  case algorithmNotApplicable(algorithm: String, reason: String)
}

extension ConvolutionError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .rankMismatch(let input, let weight):
      return "input shape \(input) does not fit weight shape \(weight): a weight of rank "
        + "2 + s (s = 1, 2 or 3 spatial axes) needs an input of rank 1 + s or 2 + s"
    case .channelMismatch(let input, let weight, let groups):
      return "input shape \(input) has the wrong channel count for weight shape \(weight) "
        + "with \(groups) group\(groups == 1 ? "" : "s"): expected \(weight[1] * groups) input channels"
    case .invalidGroups(let groups, let weight):
      return "groups \(groups) must be positive and divide the \(weight[0]) output channels "
        + "of weight shape \(weight)"
    case .biasCountMismatch(let bias, let outputChannels):
      return "bias has \(bias) values but the weight has \(outputChannels) output channels"
    case .invalidSetting(let name, let value, let reason):
      return "invalid \(name) \(value): \(reason)"
    case .kernelLargerThanInput(let axis, let paddedInput, let effectiveKernel):
      return "kernel is larger than the padded input on spatial axis \(axis): effective "
        + "kernel size \(effectiveKernel) > padded input size \(paddedInput); "
        + "use more padding or a smaller kernel or dilation"
    case .emptyAxis(let shape):
      return "tensor shape \(shape) has an empty axis"
    case .gradientShapeMismatch(let expected, let actual):
      return "output gradient shape \(actual) does not match the output shape \(expected)"
    case .algorithmNotApplicable(let algorithm, let reason):
      return "the \(algorithm) algorithm cannot compute this correlation: \(reason); "
        + "choose another algorithm or let ConvKit choose"
    }
  }
}
