/// The settings of a convolution other than its weights: padding, border, stride,
/// dilation and groups.
///
/// `stride`, `dilation` and explicit padding take one value per spatial axis, or a single
/// value that applies to every axis.
public struct ConvolutionOptions: Equatable, Sendable {
  /// How much to pad each spatial axis.
  public var padding: Padding

  /// The rule for the values of padded samples.
  public var border: BorderMode

  /// The step between neighbouring outputs, in input samples.
  public var stride: [Int]

  /// The spacing between kernel taps, in input samples; 1 means adjacent taps.
  public var dilation: [Int]

  /// The number of channel groups. Input and output channels are split into `groups`
  /// equal parts, and each output group reads only its own input group. `groups` equal to
  /// the input channel count is a depthwise convolution.
  public var groups: Int

  /// Creates convolution settings. The defaults are PyTorch's: no padding, zero border,
  /// stride 1, dilation 1, one group.
  public init(
    padding: Padding = .valid,
    border: BorderMode = .zero,
    stride: [Int] = [1],
    dilation: [Int] = [1],
    groups: Int = 1
  ) {
    self.padding = padding
    self.border = border
    self.stride = stride
    self.dilation = dilation
    self.groups = groups
  }

  /// Settings for filtering an image: output as large as the input, edges extended by
  /// `border`, stride 1, one kernel per channel handled by the caller.
  public static func filtering(border: BorderMode = .reflect101) -> ConvolutionOptions {
    ConvolutionOptions(padding: .same, border: border)
  }
}
