/// A correlation with fixed shapes, weight, bias and settings, prepared once and run on
/// any number of inputs: the algorithm is chosen, kernels are factored and FFT spectra
/// computed in the initializer, so `run` does only the arithmetic.
///
///     let correlator = try Correlator(
///       inputShape: [3, 4096, 4096], weight: Kernel.sobelX.depthwiseWeight(channels: 3),
///       options: ConvolutionOptions(padding: .same, border: .reflect101, groups: 3))
///     print(correlator.algorithm)  // direct: the 3x3 stencil
///     var output = Tensor(shape: correlator.outputShape)
///     correlator.run(image, into: &output)  // reuses output's storage
///
/// The result equals `input.correlated(with: weight, bias: bias, options: options)`
/// within float rounding.
public struct Correlator: Sendable {
  /// The algorithm in use, chosen by kernel unless `ExecutionOptions.algorithm` set it.
  public let algorithm: ConvolutionAlgorithm

  /// The input shape the correlator accepts.
  public let inputShape: [Int]

  /// The shape of every output.
  public let outputShape: [Int]

  /// The thread count passed to the engine; `nil` uses every core.
  public let threadCount: Int?

  /// Whether the output is written with streaming stores (see `CacheBypass`).
  public let streamsOutput: Bool

  /// Whether the row sums run the fused multiply-add loop (see `VectorInstructions`): for
  /// the direct and separable algorithms with `VectorInstructions.automatic` on a processor
  /// with AVX2 and FMA, but not for 3x3 stencils, which have their own loop.
  public var usesFusedMultiplyAdd: Bool { path.usesFusedLoop }

  let path: PreparedPath

  /// Checks the shapes and settings, chooses the algorithm and prepares it.
  ///
  /// - Parameters:
  ///   - inputShape: `[C_in, i...]` or `[N, C_in, i...]`.
  ///   - weight: `[C_out, C_in / groups, k...]` with 1, 2 or 3 kernel axes.
  ///   - bias: one value per output channel, or `nil`.
  ///   - options: padding, border, stride, dilation and groups.
  ///   - execution: the algorithm (or `nil` to choose) and the thread count.
  /// - Throws: `ConvolutionError` when the shapes or settings do not fit, and
  ///   `ConvolutionError.algorithmNotApplicable` when `execution.algorithm` cannot compute
  ///   this correlation.
  public init(
    inputShape: [Int], weight: Tensor, bias: [Float]? = nil,
    options: ConvolutionOptions = .init(), execution: ExecutionOptions = .automatic
  ) throws(ConvolutionError) {
    let plan = try ConvolutionPlan(
      inputShape: inputShape, weightShape: weight.shape, biasCount: bias?.count, options: options)
    try self.init(plan: plan, weight: weight.scalars, bias: bias, execution: execution)
  }

  init(
    plan: ConvolutionPlan, weight: [Float], bias: [Float]?, execution: ExecutionOptions
  ) throws(ConvolutionError) {
    let choice = try AlgorithmChoice.prepare(
      plan: plan, weight: weight, bias: bias, requested: execution.algorithm,
      fused: execution.vectorInstructions.usesFusedLoop)
    self.algorithm = choice.algorithm
    self.path = choice.path
    self.inputShape = plan.inputShape
    self.outputShape = plan.outputShape
    self.threadCount = execution.threadCount
    self.streamsOutput = execution.cacheBypass.streams(outputCount: plan.outputShape.reduce(1, *))
  }

  /// Returns the correlation of `input`.
  ///
  /// - Precondition: `input.shape == inputShape`.
  /// - Complexity: that of `algorithm`; see `ConvolutionAlgorithm`.
  public func run(_ input: Tensor) -> Tensor {
    precondition(input.shape == inputShape, "correlator expects input shape \(inputShape), got \(input.shape)")
    let count = outputShape.reduce(1, *)
    let scalars = input.scalars.withUnsafeBufferPointer { source in
      // Left uninitialised: the engine writes every sample, and the worker threads that
      // write it also take the page faults of the fresh memory.
      [Float](unsafeUninitializedCapacity: count) { target, initialized in
        path.run(
          input: source.baseAddress!, output: target.baseAddress!, threads: threadCount,
          streams: streamsOutput)
        initialized = count
      }
    }
    return Tensor(shape: outputShape, scalars: scalars)
  }

  /// Writes the correlation of `input` into `output`, reusing its storage when it is
  /// uniquely referenced and has the output's number of values; otherwise `output` gets
  /// new storage. `output` ends with shape `outputShape`.
  ///
  /// - Precondition: `input.shape == inputShape`.
  public func run(_ input: Tensor, into output: inout Tensor) {
    precondition(input.shape == inputShape, "correlator expects input shape \(inputShape), got \(input.shape)")
    guard output.count == outputShape.reduce(1, *) else {
      output = run(input)
      return
    }
    if output.shape != outputShape {
      output = Tensor(shape: outputShape, scalars: output.scalars)
    }
    input.scalars.withUnsafeBufferPointer { source in
      output.scalars.withUnsafeMutableBufferPointer { target in
        path.run(
          input: source.baseAddress!, output: target.baseAddress!, threads: threadCount,
          streams: streamsOutput)
      }
    }
  }
}

/// One prepared algorithm.
enum PreparedPath: Sendable {
  case rows(RowCorrelation)
  /// Direct, for 3x3 kernels symmetric under quarter turns.
  case stencil(SymmetricStencil)
  /// Width stride above 1: the padded input and the reference loop.
  case strided(ConvolutionPlan, weight: [Float], bias: [Float]?)
  case separable(SeparableCorrelation)
  case runningSum(BoxFilter)
  case fft(FFTCorrelation)

  /// The output rows at whose multiples the path starts its units of work afresh: running
  /// sums restart and FFT tiles begin there. Rows computed from such a multiple onward, on
  /// an input that starts with the rows they read, round exactly as in the whole output.
  /// The other paths round alike from any row, so theirs is 1.
  var rowAlignment: Int {
    switch self {
    case .runningSum: PlaneSweep.bandRows
    case .fft(let correlation): correlation.blockRows
    case .rows, .stencil, .strided, .separable: 1
    }
  }

  /// Whether the path sums rows with the fused loop of `CFusedRows`.
  var usesFusedLoop: Bool {
    switch self {
    case .rows(let correlation): correlation.fused
    case .separable(let correlation): correlation.fused
    case .stencil, .strided, .runningSum, .fft: false
    }
  }

  /// Writes the correlation of the unpadded `input` into `output`. With `streams`, the
  /// paths that have streaming stores use them.
  func run(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int?,
    streams: Bool
  ) {
    switch self {
    case .rows(let correlation):
      correlation.run(input: input, output: output, threads: threads)
    case .stencil(let stencil):
      stencil.run(input: input, output: output, threads: threads, streams: streams)
    case .strided(let plan, let weight, let bias):
      let count = plan.batch * plan.inputChannels * plan.inputSize.reduce(1, *)
      let padded = plan.borderPadding.pad(Array(UnsafeBufferPointer(start: input, count: count)))
      let result = plan.correlation.run(input: padded, weight: weight, bias: bias)
      result.withUnsafeBufferPointer { output.update(from: $0.baseAddress!, count: $0.count) }
    case .separable(let correlation):
      correlation.run(input: input, output: output, threads: threads, streams: streams)
    case .runningSum(let filter):
      filter.run(input: input, output: output, threads: threads)
    case .fft(let correlation):
      correlation.run(input: input, output: output, threads: threads)
    }
  }
}
