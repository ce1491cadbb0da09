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

  /// The rows and columns of the filter's kernels, the largest of each when they differ.
  public var kernelSize: (rows: Int, columns: Int) {
    switch self {
    case .kernel(let kernel, _):
      return (kernel.rows, kernel.columns)
    case .gradientMagnitude(let x, let y):
      return (max(x.rows, y.rows), max(x.columns, y.columns))
    case .depthwise(let kernels, _):
      return (kernels.map(\.rows).max() ?? 1, kernels.map(\.columns).max() ?? 1)
    case .full(let weight, _):
      return (weight.shape[2], weight.shape[3])
    }
  }

  /// Whether all the filter's kernels have the same number of rows.
  var kernelsShareRowCount: Bool {
    switch self {
    case .kernel, .full: return true
    case .gradientMagnitude(let x, let y): return x.rows == y.rows
    case .depthwise(let kernels, _): return Set(kernels.map(\.rows)).count == 1
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
    try apply(to: input, border: border, execution: .automatic)
  }

  /// Returns the filtered channels of `input`, as `apply(to:border:)` does, computed as
  /// `execution` sets.
  ///
  /// - Throws: `ConvolutionError` when the channel count does not fit the filter, or
  ///   `ConvolutionError.algorithmNotApplicable` when `execution.algorithm` cannot compute
  ///   one of its correlations.
  public func apply(
    to input: Tensor, border: BorderMode, execution: ExecutionOptions
  ) throws(ConvolutionError) -> Tensor {
    try apply(to: input, border: border, execution: execution, rows: .same)
  }

  /// Returns the filtered channels of `input`, with output rows as `rows` sets.
  ///
  /// `.same` extends the outside by `border`, as `apply(to:border:)` does. `.valid` reads
  /// only the rows of `input`, for a band that already contains the rows the kernel reaches
  /// past its output rows (`rowReach`). Columns are extended by `border` either way.
  func apply(
    to input: Tensor, border: BorderMode, execution: ExecutionOptions, rows: Padding
  ) throws(ConvolutionError) -> Tensor {
    let correlators = try correlators(
      inputShape: input.shape, border: border, execution: execution, rows: rows)
    switch self {
    case .gradientMagnitude:
      var gx = correlators[0].run(input)
      let gy = correlators[1].run(input)
      gx.scalars.withUnsafeMutableBufferPointer { gx in
        gy.scalars.withUnsafeBufferPointer { gy in
          for index in gx.indices {
            gx[index] = (gx[index] * gx[index] + gy[index] * gy[index]).squareRoot()
          }
        }
      }
      return gx
    case .kernel, .depthwise, .full:
      return correlators[0].run(input)
    }
  }

  /// Returns the algorithm of each correlation the filter runs on an input of shape
  /// `inputShape` (`[C, H, W]`): one, or two for `gradientMagnitude` (x, then y).
  ///
  /// - Throws: as `apply(to:border:execution:)`.
  public func algorithms(
    inputShape: [Int], border: BorderMode, execution: ExecutionOptions = .automatic
  ) throws(ConvolutionError) -> [ConvolutionAlgorithm] {
    try correlators(inputShape: inputShape, border: border, execution: execution, rows: .same)
      .map(\.algorithm)
  }

  /// Returns whether any correlation the filter runs on an input of shape `inputShape`
  /// sums its rows with the fused multiply-add loop (see `VectorInstructions`).
  ///
  /// - Throws: as `apply(to:border:execution:)`.
  public func usesFusedMultiplyAdd(
    inputShape: [Int], border: BorderMode, execution: ExecutionOptions = .automatic
  ) throws(ConvolutionError) -> Bool {
    try correlators(inputShape: inputShape, border: border, execution: execution, rows: .same)
      .contains { $0.usesFusedMultiplyAdd }
  }

  /// Returns the row alignment of the correlations that `apply(to:border:execution:rows:)`
  /// runs with `rows` `.valid` (see `PreparedPath.rowAlignment`): their least common
  /// multiple.
  func rowAlignment(
    inputShape: [Int], border: BorderMode, execution: ExecutionOptions
  ) throws(ConvolutionError) -> Int {
    try correlators(inputShape: inputShape, border: border, execution: execution, rows: .valid)
      .map(\.path.rowAlignment)
      .reduce(1, leastCommonMultiple)
  }

  /// Prepares the correlations of `apply(to:border:execution:)`.
  private func correlators(
    inputShape: [Int], border: BorderMode, execution: ExecutionOptions, rows: Padding
  ) throws(ConvolutionError) -> [Correlator] {
    let channels = inputShape[0]
    var options = ConvolutionOptions.filtering(border: border)
    if rows != .same {
      let (height, width) = kernelSize
      options.padding = .explicit([
        rows.amounts(axis: 0, kernelSize: height, dilation: 1),
        Padding.same.amounts(axis: 1, kernelSize: width, dilation: 1),
      ])
    }

    switch self {
    case .kernel(let kernel, let bias):
      options.groups = channels
      return [
        try Correlator(
          inputShape: inputShape, weight: kernel.depthwiseWeight(channels: channels),
          bias: bias == 0 ? nil : Array(repeating: bias, count: channels), options: options,
          execution: execution)
      ]

    case .gradientMagnitude(let kernelX, let kernelY):
      options.groups = channels
      return [
        try Correlator(
          inputShape: inputShape, weight: kernelX.depthwiseWeight(channels: channels),
          options: options, execution: execution),
        try Correlator(
          inputShape: inputShape, weight: kernelY.depthwiseWeight(channels: channels),
          options: options, execution: execution),
      ]

    case .depthwise(let kernels, let bias):
      let weight = try Self.depthwiseWeight(kernels, input: inputShape)
      options.groups = channels
      return [
        try Correlator(
          inputShape: inputShape, weight: weight, bias: bias, options: options,
          execution: execution)
      ]

    case .full(let weight, let bias):
      return [
        try Correlator(
          inputShape: inputShape, weight: weight, bias: bias, options: options,
          execution: execution)
      ]
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

/// Returns the least common multiple of two positive integers.
func leastCommonMultiple(_ a: Int, _ b: Int) -> Int {
  var (x, y) = (a, b)
  while y != 0 {
    (x, y) = (y, x % y)
  }
  return a / x * b
}
