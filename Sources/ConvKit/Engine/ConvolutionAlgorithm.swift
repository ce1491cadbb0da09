/// A way of computing a correlation. Every algorithm computes the same result, up to float
/// rounding; they differ in speed and in the kernels they accept.
///
/// With `ExecutionOptions.algorithm` left `nil`, ConvKit picks one per call, by kernel. A
/// box (every weight equal) of side 5 or more gets the running sum. A 3x3 kernel that
/// mirrors leave unchanged or negate (Sobel, Scharr, Prewitt, sharpen, the Laplacians)
/// gets the direct loop, which adds mirrored taps before multiplying. Any other kernel of
/// rank 1 gets the separable path. A large kernel of higher rank gets FFT when its
/// estimated cost is lower than the direct loop's, and everything else the direct loop.
public enum ConvolutionAlgorithm: String, CaseIterable, Sendable {
  /// The sum over every kernel tap, for every output sample. Accepts every convolution.
  case direct

  /// A column pass with one 1D kernel, then a row pass with another. Accepts 2D kernels of
  /// rank 1, such as Gaussian, box, Sobel, Scharr and Prewitt, where each output channel
  /// reads one input channel, at stride 1 and dilation 1.
  case separable

  /// Running sums down the columns, then sums of shifted rows: a few additions per sample
  /// whatever the kernel size. Accepts kernels whose weights are all equal (boxes), under
  /// the conditions of `separable`.
  case runningSum = "running-sum"

  /// Fast Fourier transforms of overlapping tiles (overlap-save). Accepts any 2D kernel
  /// under the conditions of `separable`; it pays off for large kernels that are not
  /// separable.
  case fft
}

extension ConvolutionAlgorithm: CustomStringConvertible {
  /// The name used on the command line: `direct`, `separable`, `running-sum` or `fft`.
  public var description: String { rawValue }
}
