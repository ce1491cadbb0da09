/// A reason kernel learning cannot start or cannot finish.
public enum KernelLearningError: Error, Equatable, Sendable {
  /// An image tensor is not `[channels, height, width]` with every axis at least 1.
  case invalidShape(name: String, shape: [Int])

  /// The target is neither as large as the input nor smaller by the kernel size minus 1.
  case sizeMismatch(input: [Int], target: [Int], kernelRows: Int, kernelColumns: Int)

  /// The target's channel count does not fit the mode (`shared` and `depthwise` need as
  /// many channels as the input).
  case channelMismatch(input: [Int], target: [Int], mode: KernelFile.Mode)

  /// A setting is out of range.
  case invalidSetting(name: String, value: String, expected: String)

  /// An input or target sample is NaN or infinite.
  case nonFiniteSample(name: String, index: Int)

  /// Every target sample was left out as clipped, so nothing is left to learn from.
  case noSamples(excluded: Int)

  /// The loss, a gradient or a weight became NaN or infinite.
  case diverged(step: Int, loss: Double, learningRate: Double)

  /// The convolution rejected the shapes.
  case convolution(ConvolutionError)
}

extension KernelLearningError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .invalidShape(let name, let shape):
      return "\(name) shape \(shape) is not [channels, height, width] with every axis at least 1"
    case .sizeMismatch(let input, let target, let rows, let columns):
      return "target shape \(target) does not fit input shape \(input): a \(rows)x\(columns) "
        + "kernel needs a target of \(input[1])x\(input[2]) (same size) or "
        + "\(input[1] - rows + 1)x\(input[2] - columns + 1) "
        + "(valid, smaller by the kernel size minus 1)"
    case .channelMismatch(let input, let target, let mode):
      return "target shape \(target) has \(target[0]) channel\(target[0] == 1 ? "" : "s") but input shape \(input) has "
        + "\(input[0]); mode \(mode.rawValue) needs equal channel counts, mode full does not"
    case .invalidSetting(let name, let value, let expected):
      return "invalid \(name) \(value): expected \(expected)"
    case .nonFiniteSample(let name, let index):
      return "\(name) sample \(index) is NaN or infinite"
    case .noSamples(let excluded):
      return "all \(excluded) target samples are exactly 0 or 1 and were left out as clipped; "
        + "keep them to learn from this target"
    case .diverged(let step, let loss, let rate):
      let value = loss.isNaN ? "NaN" : "\(loss)"
      return "learning diverged at step \(step): the loss became \(value) with learning rate "
        + "\(rate); lower the learning rate"
    case .convolution(let error):
      return error.description
    }
  }
}
