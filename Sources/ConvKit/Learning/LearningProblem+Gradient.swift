/// The loss and its gradient with respect to the parameters, through the convolution's
/// forward pass and `Tensor.correlationGradients`.
extension LearningProblem {
  /// A loss value and its gradient with respect to every parameter, in normalised units.
  struct Evaluation {
    var loss: Double
    var gradient: [Double]
  }

  /// Random windows of the padded input, one per sampled output position, with their
  /// target samples.
  struct PatchBatch {
    /// `[B, C_in, rows, columns]`.
    var input: Tensor

    /// `[B, C_out]` in row-major order.
    var target: [Float]
    var included: [Bool]
    var includedCount: Int
  }

  /// The execution settings of the forward correlations: the direct algorithm, with the
  /// portable instructions.
  ///
  /// The automatic choice depends on the weights (a rank-1 kernel goes to the separable
  /// passes), so the rounding would change as the kernel changes during learning. The
  /// portable instructions give the same values on every processor, so a learned kernel
  /// and the figures of docs/learn-kernel.md repeat on any machine. Threads do not change
  /// results, because the engine splits work independently of the thread count.
  static let execution = ExecutionOptions(algorithm: .direct, vectorInstructions: .portable)

  /// Returns the loss over every included target sample and its gradient.
  ///
  /// - Throws: `KernelLearningError.convolution` if the convolution rejects the shapes.
  /// - Complexity: three correlations of the whole image: forward, input gradient and
  ///   weight gradient.
  func evaluate(_ parameters: [Double], loss: Loss) throws(KernelLearningError) -> Evaluation {
    try evaluate(
      parameters, loss: loss, input: input, target: target, included: included,
      count: includedCount, options: options)
  }

  /// Returns the loss over the included samples of `batch` and its gradient.
  ///
  /// - Throws: `KernelLearningError.convolution` if the convolution rejects the shapes.
  func evaluate(
    _ parameters: [Double], loss: Loss, batch: PatchBatch
  ) throws(KernelLearningError) -> Evaluation {
    var batchOptions = options
    batchOptions.padding = .valid
    return try evaluate(
      parameters, loss: loss, input: batch.input, target: batch.target,
      included: batch.included, count: batch.includedCount, options: batchOptions)
  }

  /// Returns `count` output positions (row-major indices into `H' × W'`) drawn uniformly
  /// with replacement.
  func randomPositions(count: Int, using random: inout SeededRandom) -> [Int] {
    let positions = outputHeight * outputWidth
    return (0..<count).map { _ in random.nextIndex(below: positions) }
  }

  /// Returns the windows of the padded input that produce the outputs at `positions`.
  func batch(at positions: [Int]) -> PatchBatch {
    let window = kernelRows * kernelColumns
    let plane = outputHeight * outputWidth
    var windows = [Float](repeating: 0, count: positions.count * inputChannels * window)
    var batchTarget = [Float](repeating: 0, count: positions.count * outputChannels)
    var batchIncluded = [Bool](repeating: false, count: positions.count * outputChannels)

    for (sample, position) in positions.enumerated() {
      let (row, column) = (position / outputWidth, position % outputWidth)
      for channel in 0..<inputChannels {
        let start = (sample * inputChannels + channel) * window
        copyWindow(channel: channel, row: row, column: column, into: &windows, at: start)
      }
      for channel in 0..<outputChannels {
        batchTarget[sample * outputChannels + channel] = target[channel * plane + position]
        batchIncluded[sample * outputChannels + channel] = included[channel * plane + position]
      }
    }
    return PatchBatch(
      input: Tensor(
        shape: [positions.count, inputChannels, kernelRows, kernelColumns], scalars: windows),
      target: batchTarget, included: batchIncluded,
      includedCount: batchIncluded.reduce(0) { $0 + ($1 ? 1 : 0) })
  }

  /// Returns the kernel in sample units: weights in the layout of `learnedWeightShape`
  /// and one bias per learned output kernel (zeros without a bias).
  func kernelInSampleUnits(_ parameters: [Double]) -> (weights: [Double], bias: [Double]) {
    let n = normalization
    let weightScale = n.targetScale / n.inputScale
    var weights: [Double] = []
    var bias: [Double] = []
    for block in 0..<blockCount {
      let start = block * parametersPerBlock
      let taps = parameters[start..<(start + tapsPerBlock)].map { $0 * weightScale }
      weights += taps
      guard usesBias else {
        bias.append(0)
        continue
      }
      let tapSum = taps.reduce(0, +)
      let normalizedBias = parameters[start + tapsPerBlock]
      bias.append(n.targetScale * normalizedBias + n.targetShift - n.inputShift * tapSum)
    }
    return (weights, bias)
  }

  /// Returns the output of `original` (the input in sample units) correlated with a
  /// kernel in sample units, with the problem's padding and border.
  ///
  /// - Throws: `KernelLearningError.convolution` if the convolution rejects the shapes.
  func prediction(
    of original: Tensor, weights: [Double], bias: [Double]
  ) throws(KernelLearningError) -> Tensor {
    var sampleOptions = options
    sampleOptions.border = border
    let (weight, floatBias) = convolutionWeight(
      taps: weights.map(Float.init), bias: bias.map(Float.init))
    do throws(ConvolutionError) {
      return try original.correlated(
        with: weight, bias: usesBias ? floatBias : nil, options: sampleOptions,
        execution: Self.execution)
    } catch {
      throw .convolution(error)
    }
  }

  // MARK: - Steps

  private func evaluate(
    _ parameters: [Double], loss: Loss, input: Tensor, target: [Float], included: [Bool],
    count: Int, options: ConvolutionOptions
  ) throws(KernelLearningError) -> Evaluation {
    let (taps, bias) = splitParameters(parameters)
    let (weight, floatBias) = convolutionWeight(taps: taps, bias: bias)

    do throws(ConvolutionError) {
      let output = try input.correlated(
        with: weight, bias: usesBias ? floatBias : nil, options: options,
        execution: Self.execution)
      var residuals = output.scalars
      for index in residuals.indices {
        residuals[index] -= target[index]
      }
      let (value, outputGradient) = loss.evaluate(
        residuals: residuals, included: included, count: count)

      let gradients = try input.correlationGradients(
        weight: weight, outputGradient: Tensor(shape: output.shape, scalars: outputGradient),
        options: options, execution: Self.execution)
      return Evaluation(loss: value, gradient: parameterGradient(gradients))
    } catch {
      throw .convolution(error)
    }
  }

  /// Splits parameters into the taps (block after block) and the biases, as `Float`.
  private func splitParameters(_ parameters: [Double]) -> (taps: [Float], bias: [Float]) {
    var taps: [Float] = []
    var bias: [Float] = []
    taps.reserveCapacity(blockCount * tapsPerBlock)
    for block in 0..<blockCount {
      let start = block * parametersPerBlock
      taps += parameters[start..<(start + tapsPerBlock)].map(Float.init)
      bias.append(usesBias ? Float(parameters[start + tapsPerBlock]) : 0)
    }
    return (taps, bias)
  }

  /// Returns the weight and bias of the correlation: `shared` repeats its one kernel and
  /// bias for each channel (a depthwise weight), the other modes use theirs as they are.
  private func convolutionWeight(taps: [Float], bias: [Float]) -> (Tensor, [Float]) {
    switch mode {
    case .shared:
      let weight = Tensor(
        shape: [inputChannels, 1, kernelRows, kernelColumns],
        scalars: Array([[Float]](repeating: taps, count: inputChannels).joined()))
      return (weight, Array(repeating: bias[0], count: inputChannels))
    case .depthwise, .full:
      let inputsPerKernel = mode == .full ? inputChannels : 1
      let shape = [outputChannels, inputsPerKernel, kernelRows, kernelColumns]
      return (Tensor(shape: shape, scalars: taps), bias)
    }
  }

  /// Returns the gradient with respect to the parameters. A `shared` kernel is used by
  /// every channel, so its gradient is the sum of the channels' gradients.
  private func parameterGradient(_ gradients: ConvolutionGradients) -> [Double] {
    var result = [Double](repeating: 0, count: parameterCount)
    let weight = gradients.weight.scalars
    let kernelsPerBlock = mode == .shared ? inputChannels : 1

    for block in 0..<blockCount {
      let start = block * parametersPerBlock
      for kernel in 0..<kernelsPerBlock {
        let source = (block + kernel) * tapsPerBlock
        for tap in 0..<tapsPerBlock {
          result[start + tap] += Double(weight[source + tap])
        }
        if usesBias {
          result[start + tapsPerBlock] += Double(gradients.bias[block + kernel])
        }
      }
    }
    return result
  }

  private func copyWindow(
    channel: Int, row: Int, column: Int, into windows: inout [Float], at start: Int
  ) {
    var target = start
    for tapRow in 0..<kernelRows {
      let source = (channel * paddedHeight + row + tapRow) * paddedWidth + column
      for tapColumn in 0..<kernelColumns {
        windows[target] = paddedInput[source + tapColumn]
        target += 1
      }
    }
  }
}
