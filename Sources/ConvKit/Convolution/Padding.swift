/// The padding added before and after the input along one spatial axis.
public struct AxisPadding: Equatable, Sendable {
  /// Samples added before the first input sample.
  public var before: Int

  /// Samples added after the last input sample.
  public var after: Int

  public init(before: Int, after: Int) {
    self.before = before
    self.after = after
  }

  /// The same amount on both sides.
  public init(_ amount: Int) {
    self.init(before: amount, after: amount)
  }

  /// `before + after`, the `2p` of the output-size formula.
  public var total: Int { before + after }
}

/// How much a convolution pads its input along each spatial axis.
///
/// With an effective kernel size `e = (k - 1) * d + 1` (kernel size `k`, dilation `d`):
///
/// | case          | before            | after                | output size at stride 1 |
/// |---------------|-------------------|----------------------|-------------------------|
/// | `valid`       | 0                 | 0                    | `i - e + 1`             |
/// | `same`        | `d * (k / 2)`     | `e - 1 - before`     | `i`                     |
/// | `full`        | `e - 1`           | `e - 1`              | `i + e - 1`             |
/// | `explicit`    | given             | given                | formula                 |
///
/// For an even kernel `same` puts the larger share before the input, so the anchor is tap
/// `k / 2` (integer division), as OpenCV's `filter2D` does by default. PyTorch's
/// `padding="same"` puts the larger share after the input instead.
public enum Padding: Equatable, Sendable {
  /// No padding: the kernel stays inside the input.
  case valid

  /// Output as large as the input (at stride 1), anchored at tap `k / 2`.
  case same

  /// Every position where the kernel overlaps the input by at least one tap.
  case full

  /// Given amounts, one per spatial axis, or one for every axis.
  case explicit([AxisPadding])

  /// The same amount on both sides of every axis.
  public static func uniform(_ amount: Int) -> Padding {
    .explicit([AxisPadding(amount)])
  }

  /// Returns the padding of one axis for a kernel of size `kernelSize` and dilation
  /// `dilation`.
  public func amounts(axis: Int, kernelSize: Int, dilation: Int) -> AxisPadding {
    let effective = (kernelSize - 1) * dilation + 1
    switch self {
    case .valid:
      return AxisPadding(0)
    case .same:
      let before = dilation * (kernelSize / 2)
      return AxisPadding(before: before, after: effective - 1 - before)
    case .full:
      return AxisPadding(effective - 1)
    case .explicit(let amounts):
      return amounts.count == 1 ? amounts[0] : amounts[axis]
    }
  }
}
