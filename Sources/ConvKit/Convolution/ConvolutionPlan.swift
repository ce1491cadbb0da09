/// The shapes and settings of one convolution, checked and resolved to three spatial axes.
///
/// 1D and 2D problems get leading spatial axes of size 1 (with kernel size 1, stride 1,
/// dilation 1 and no padding), so one implementation serves every dimension. Index `0` of
/// each three-element array is depth, `1` height and `2` width.
struct ConvolutionPlan: Sendable {
  let spatialRank: Int
  let isBatched: Bool
  let batch: Int
  let inputChannels: Int
  let outputChannels: Int
  let groups: Int
  let inputSize: [Int]
  let kernelSize: [Int]
  let stride: [Int]
  let dilation: [Int]
  let padding: [AxisPadding]
  let border: BorderMode
  let outputSize: [Int]

  /// Checks the shapes and settings and computes the output size.
  ///
  /// - Parameters:
  ///   - inputShape: `[C, spatial...]` or `[N, C, spatial...]`.
  ///   - weightShape: `[C_out, C_in / groups, kernel...]` with 1, 2 or 3 kernel axes.
  ///   - biasCount: the number of bias values, or `nil` without bias.
  init(
    inputShape: [Int], weightShape: [Int], biasCount: Int?, options: ConvolutionOptions
  ) throws(ConvolutionError) {
    let spatialRank = weightShape.count - 2
    guard (1...3).contains(spatialRank),
      inputShape.count == spatialRank + 1 || inputShape.count == spatialRank + 2
    else {
      throw .rankMismatch(input: inputShape, weight: weightShape)
    }
    guard !inputShape.contains(0), !weightShape.contains(0) else {
      throw .emptyAxis(shape: inputShape.contains(0) ? inputShape : weightShape)
    }

    let isBatched = inputShape.count == spatialRank + 2
    let shape = isBatched ? inputShape : [1] + inputShape
    let groups = options.groups
    guard groups >= 1, weightShape[0] % groups == 0 else {
      throw .invalidGroups(groups: groups, weight: weightShape)
    }
    guard shape[1] == weightShape[1] * groups else {
      throw .channelMismatch(input: inputShape, weight: weightShape, groups: groups)
    }
    if let biasCount, biasCount != weightShape[0] {
      throw .biasCountMismatch(bias: biasCount, outputChannels: weightShape[0])
    }

    let stride = try Self.perAxis(options.stride, name: "stride", spatialRank: spatialRank)
    let dilation = try Self.perAxis(options.dilation, name: "dilation", spatialRank: spatialRank)
    let kernel = Array(weightShape.dropFirst(2))
    let input = Array(shape.dropFirst(2))
    let padding = try Self.padding(
      options.padding, kernel: kernel, dilation: dilation, spatialRank: spatialRank)

    var output: [Int] = []
    for axis in 0..<spatialRank {
      output.append(
        try convolutionOutputSize(
          inputSize: input[axis], kernelSize: kernel[axis], padding: padding[axis],
          stride: stride[axis], dilation: dilation[axis], axis: axis))
    }

    let lead = 3 - spatialRank
    self.spatialRank = spatialRank
    self.isBatched = isBatched
    self.batch = shape[0]
    self.inputChannels = shape[1]
    self.outputChannels = weightShape[0]
    self.groups = groups
    self.inputSize = Array(repeating: 1, count: lead) + input
    self.kernelSize = Array(repeating: 1, count: lead) + kernel
    self.stride = Array(repeating: 1, count: lead) + stride
    self.dilation = Array(repeating: 1, count: lead) + dilation
    self.padding = Array(repeating: AxisPadding(0), count: lead) + padding
    self.border = options.border
    self.outputSize = Array(repeating: 1, count: lead) + output
  }

  /// The padded input size along each of the three axes.
  var paddedSize: [Int] {
    (0..<3).map { inputSize[$0] + padding[$0].total }
  }

  /// The output shape in the caller's form, batched or not.
  var outputShape: [Int] {
    let spatial = Array(outputSize.suffix(spatialRank))
    return isBatched ? [batch, outputChannels] + spatial : [outputChannels] + spatial
  }

  /// The input shape in the caller's form, batched or not.
  var inputShape: [Int] {
    let spatial = Array(inputSize.suffix(spatialRank))
    return isBatched ? [batch, inputChannels] + spatial : [inputChannels] + spatial
  }

  private static func perAxis(
    _ values: [Int], name: String, spatialRank: Int
  ) throws(ConvolutionError) -> [Int] {
    guard values.count == 1 || values.count == spatialRank else {
      throw .invalidSetting(
        name: name, value: values,
        reason: "give one value or one per spatial axis (\(spatialRank))")
    }
    guard values.allSatisfy({ $0 >= 1 }) else {
      throw .invalidSetting(name: name, value: values, reason: "\(name) must be at least 1")
    }
    return values.count == 1 ? Array(repeating: values[0], count: spatialRank) : values
  }

  private static func padding(
    _ padding: Padding, kernel: [Int], dilation: [Int], spatialRank: Int
  ) throws(ConvolutionError) -> [AxisPadding] {
    if case .explicit(let amounts) = padding {
      guard amounts.count == 1 || amounts.count == spatialRank else {
        throw .invalidSetting(
          name: "padding", value: amounts.flatMap { [$0.before, $0.after] },
          reason: "give one amount or one per spatial axis (\(spatialRank))")
      }
      guard amounts.allSatisfy({ $0.before >= 0 && $0.after >= 0 }) else {
        throw .invalidSetting(
          name: "padding", value: amounts.flatMap { [$0.before, $0.after] },
          reason: "padding cannot be negative")
      }
    }
    return (0..<spatialRank).map {
      padding.amounts(axis: $0, kernelSize: kernel[$0], dilation: dilation[$0])
    }
  }
}
