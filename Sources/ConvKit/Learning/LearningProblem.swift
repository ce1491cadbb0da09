/// One kernel-learning problem in normalised units: the checked shapes, the centred and
/// scaled samples, which target samples take part, and the layout of the parameters.
///
/// Parameters are stored as one block per learned output kernel (1 for `shared`, `C` for
/// `depthwise`, `C_out` for `full`). Each block holds that kernel's taps in row-major
/// order (all input channels for `full`) followed by its bias when there is one.
///
/// With a bias, samples are centred and scaled: `x̃ = (x - μ) / σ` over the whole input
/// and `ỹ = (y - ν) / τ` over the included target samples. Without a bias they are only
/// scaled by their root mean square, because centring would need a bias to undo. A kernel
/// `w̃, b̃` in normalised units is the kernel `w = τ w̃ / σ`, `b = τ b̃ + ν - μ Σ w` in
/// sample units. The constant border value is normalised the same way; the other border
/// rules copy samples and commute with the normalisation.
struct LearningProblem: Sendable {
  /// The affine maps between sample units and normalised units.
  struct Normalization: Sendable {
    var inputShift: Double
    var inputScale: Double
    var targetShift: Double
    var targetScale: Double
  }

  let mode: KernelFile.Mode
  let kernelRows: Int
  let kernelColumns: Int
  let usesBias: Bool
  let padding: Padding
  let border: BorderMode
  let inputChannels: Int
  let outputChannels: Int
  let outputHeight: Int
  let outputWidth: Int
  let normalization: Normalization

  /// The normalised input, `[C_in, H, W]`.
  let input: Tensor

  /// The normalised target, `[C_out, H', W']` in row-major order.
  let target: [Float]

  /// Whether each target sample takes part in the loss.
  let included: [Bool]

  /// The number of `true` entries of `included`.
  let includedCount: Int

  /// Padding, normalised border and groups for correlating `input`.
  let options: ConvolutionOptions

  /// `input` extended by the border, `[C_in, paddedHeight, paddedWidth]`.
  let paddedInput: [Float]
  let paddedHeight: Int
  let paddedWidth: Int

  /// Checks the shapes and normalises the samples.
  ///
  /// - Throws: `KernelLearningError` for shapes that do not fit, non-finite samples, or
  ///   a target whose samples are all left out.
  init(input: Tensor, target: Tensor, learner: KernelLearner) throws(KernelLearningError) {
    try Self.checkFinite(input, name: "input")
    try Self.checkFinite(target, name: "target")
    padding = try learner.padding(inputShape: input.shape, targetShape: target.shape)

    mode = learner.mode
    kernelRows = learner.kernelRows
    kernelColumns = learner.kernelColumns
    usesBias = learner.usesBias
    border = learner.border
    inputChannels = input.shape[0]
    outputChannels = target.shape[0]
    outputHeight = target.shape[1]
    outputWidth = target.shape[2]

    included = target.scalars.map { !learner.excludesClippedSamples || ($0 != 0 && $0 != 1) }
    includedCount = included.reduce(0) { $0 + ($1 ? 1 : 0) }
    guard includedCount > 0 else {
      throw .noSamples(excluded: target.count)
    }

    normalization = Self.normalization(
      input: input.scalars, target: target.scalars, included: included, centred: usesBias)
    self.input = Self.normalized(
      input, shift: normalization.inputShift, scale: normalization.inputScale)
    self.target = Self.normalized(
      target, shift: normalization.targetShift, scale: normalization.targetScale
    ).scalars

    let groups = learner.mode == .full ? 1 : input.shape[0]
    options = ConvolutionOptions(
      padding: padding, border: Self.normalized(border, normalization), groups: groups)
    (paddedInput, paddedHeight, paddedWidth) = Self.pad(
      self.input, rows: kernelRows, columns: kernelColumns, padding: padding,
      border: options.border)
  }

  /// The number of learned output kernels: 1 for `shared`, `C` for `depthwise`, `C_out`
  /// for `full`.
  var blockCount: Int {
    mode == .shared ? 1 : outputChannels
  }

  /// The taps of one learned output kernel.
  var tapsPerBlock: Int {
    (mode == .full ? inputChannels : 1) * kernelRows * kernelColumns
  }

  /// The parameters of one learned output kernel: its taps and its bias, if any.
  var parametersPerBlock: Int {
    tapsPerBlock + (usesBias ? 1 : 0)
  }

  /// The number of parameters learned.
  var parameterCount: Int {
    blockCount * parametersPerBlock
  }

  /// The shape of the learned weights: `[1, 1, r, c]`, `[C, 1, r, c]` or `[C_out, C_in, r, c]`.
  var learnedWeightShape: [Int] {
    let kernels = [kernelRows, kernelColumns]
    switch mode {
    case .shared: return [1, 1] + kernels
    case .depthwise: return [outputChannels, 1] + kernels
    case .full: return [outputChannels, inputChannels] + kernels
    }
  }

  // MARK: - Setup steps

  private static func checkFinite(_ tensor: Tensor, name: String) throws(KernelLearningError) {
    if let index = tensor.scalars.firstIndex(where: { !$0.isFinite }) {
      throw .nonFiniteSample(name: name, index: index)
    }
  }

  private static func normalization(
    input: [Float], target: [Float], included: [Bool], centred: Bool
  ) -> Normalization {
    let (inputMean, inputSquares) = moments(input, included: nil)
    let (targetMean, targetSquares) = moments(target, included: included)
    if centred {
      return Normalization(
        inputShift: inputMean, inputScale: positive(inputSquares - inputMean * inputMean),
        targetShift: targetMean, targetScale: positive(targetSquares - targetMean * targetMean))
    }
    return Normalization(
      inputShift: 0, inputScale: positive(inputSquares),
      targetShift: 0, targetScale: positive(targetSquares))
  }

  /// Returns the mean and the mean square of the included values.
  private static func moments(_ values: [Float], included: [Bool]?) -> (Double, Double) {
    var sum = 0.0
    var squares = 0.0
    var count = 0
    for index in values.indices where included?[index] ?? true {
      let value = Double(values[index])
      sum += value
      squares += value * value
      count += 1
    }
    return (sum / Double(count), squares / Double(count))
  }

  /// Returns the square root of a variance or mean square, or 1 when it is 0, so a
  /// constant image keeps its scale.
  private static func positive(_ variance: Double) -> Double {
    variance > 1e-30 ? variance.squareRoot() : 1
  }

  private static func normalized(_ tensor: Tensor, shift: Double, scale: Double) -> Tensor {
    let (shift, scale) = (Float(shift), Float(1 / scale))
    return Tensor(shape: tensor.shape, scalars: tensor.scalars.map { ($0 - shift) * scale })
  }

  private static func normalized(
    _ border: BorderMode, _ normalization: Normalization
  ) -> BorderMode {
    guard case .constant(let value) = border else { return border }
    return .constant(
      Float((Double(value) - normalization.inputShift) / normalization.inputScale))
  }

  /// Returns `input` extended as the correlation extends it: by `padding` for the kernel
  /// size, with samples chosen by `BorderMode.sourceIndex(of:size:)`.
  private static func pad(
    _ input: Tensor, rows: Int, columns: Int, padding: Padding, border: BorderMode
  ) -> ([Float], Int, Int) {
    let (channels, height, width) = (input.shape[0], input.shape[1], input.shape[2])
    let vertical = padding.amounts(axis: 0, kernelSize: rows, dilation: 1)
    let horizontal = padding.amounts(axis: 1, kernelSize: columns, dilation: 1)
    let rowSources = (0..<(height + vertical.total)).map {
      border.sourceIndex(of: $0 - vertical.before, size: height)
    }
    let columnSources = (0..<(width + horizontal.total)).map {
      border.sourceIndex(of: $0 - horizontal.before, size: width)
    }

    let constant: Float
    if case .constant(let value) = border { constant = value } else { constant = 0 }
    let count = channels * rowSources.count * columnSources.count
    var padded = [Float](repeating: constant, count: count)
    var index = 0
    for channel in 0..<channels {
      for sourceRow in rowSources {
        for sourceColumn in columnSources {
          if let sourceRow, let sourceColumn {
            padded[index] = input.scalars[(channel * height + sourceRow) * width + sourceColumn]
          }
          index += 1
        }
      }
    }
    return (padded, rowSources.count, columnSources.count)
  }
}
