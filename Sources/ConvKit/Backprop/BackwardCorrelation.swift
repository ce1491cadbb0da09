/// The backward pass of a correlation, written as correlations run by the engine.
///
/// Storage is `[N, C, D, H, W]` as in the forward pass, and `plan` contains the forward
/// shapes.
struct BackwardCorrelation {
  let plan: ConvolutionPlan
  let execution: ExecutionOptions

  init(plan: ConvolutionPlan, execution: ExecutionOptions = .automatic) {
    self.plan = plan
    self.execution = execution
  }

  /// Returns ∂L/∂P for the padded input `P`: the output gradient dilated by the stride,
  /// padded by `e - 1` zeros on each side (`e` the effective kernel size), correlated with
  /// the flipped, channel-transposed kernel at the forward dilation.
  func paddedInputGradient(outputGradient: [Float], weight: [Float]) -> [Float] {
    let effective = (0..<3).map { (plan.kernelSize[$0] - 1) * plan.dilation[$0] + 1 }
    let spread = (0..<3).map { (plan.outputSize[$0] - 1) * plan.stride[$0] + 1 }
    let covered = (0..<3).map { spread[$0] + effective[$0] - 1 }

    let planes = plan.batch * plan.outputChannels
    let spreadGradient = plan.stride == [1, 1, 1]
      ? outputGradient
      : Self.insertZeros(
        outputGradient, planes: planes, size: plan.outputSize, stride: plan.stride,
        into: spread, offset: [0, 0, 0])

    // The engine pads the spread gradient with e - 1 zeros on each side itself.
    let rank = plan.spatialRank
    let backward = try! ConvolutionPlan(
      inputShape: [plan.batch, plan.outputChannels] + spread.suffix(rank),
      weightShape: [plan.inputChannels, plan.outputChannels / plan.groups]
        + plan.kernelSize.suffix(rank),
      biasCount: nil,
      options: ConvolutionOptions(
        padding: .explicit(effective.suffix(rank).map { AxisPadding($0 - 1) }), border: .zero,
        stride: [1], dilation: Array(plan.dilation.suffix(rank)), groups: plan.groups))
    let correlator = try! Correlator(
      plan: backward, weight: transposedFlippedWeight(weight), bias: nil,
      execution: execution.choosingAlgorithm)
    var coveredGradient = [Float](repeating: 0, count: plan.batch * plan.inputChannels * covered.reduce(1, *))
    spreadGradient.withUnsafeBufferPointer { source in
      coveredGradient.withUnsafeMutableBufferPointer { target in
        correlator.path.run(
          input: source.baseAddress!, output: target.baseAddress!, threads: execution.threadCount,
          streams: correlator.streamsOutput)
      }
    }

    // Rows and columns of P past the last window (when the stride does not divide the
    // padded size) get no gradient.
    return Self.extend(
      coveredGradient, planes: plan.batch * plan.inputChannels, from: covered,
      to: plan.paddedSize)
  }

  /// Returns ∂L/∂weight (see `WeightGradient`).
  func weightGradient(padded: [Float], outputGradient: [Float]) -> [Float] {
    WeightGradient(plan: plan).run(
      padded: padded, outputGradient: outputGradient, threads: execution.threadCount)
  }

  /// Returns ∂L/∂bias: the output gradient summed over batch and positions, in `Double`.
  func biasGradient(outputGradient: [Float]) -> [Float] {
    let volume = plan.outputSize.reduce(1, *)
    var gradient = [Float](repeating: 0, count: plan.outputChannels)
    outputGradient.withUnsafeBufferPointer { values in
      for co in 0..<plan.outputChannels {
        var sum = 0.0
        for n in 0..<plan.batch {
          let start = (n * plan.outputChannels + co) * volume
          for index in start..<(start + volume) {
            sum += Double(values[index])
          }
        }
        gradient[co] = Float(sum)
      }
    }
    return gradient
  }

  /// The weight `[C_in, C_out / groups, k]` whose kernel `(ci, co)` is kernel `(co, ci)` of
  /// the forward weight flipped along every axis.
  private func transposedFlippedWeight(_ weight: [Float]) -> [Float] {
    let groupInputs = plan.inputChannels / plan.groups
    let groupOutputs = plan.outputChannels / plan.groups
    let taps = plan.kernelSize.reduce(1, *)
    var transposed = [Float](repeating: 0, count: weight.count)
    for group in 0..<plan.groups {
      for co in 0..<groupOutputs {
        for ci in 0..<groupInputs {
          let source = ((group * groupOutputs + co) * groupInputs + ci) * taps
          let target = ((group * groupInputs + ci) * groupOutputs + co) * taps
          for tap in 0..<taps {
            transposed[target + taps - 1 - tap] = weight[source + tap]
          }
        }
      }
    }
    return transposed
  }

  /// Places `values` (`planes` volumes of `size`) at every `stride`-th position of zero
  /// volumes of `target` size, starting at `offset`.
  private static func insertZeros(
    _ values: [Float], planes: Int, size: [Int], stride: [Int], into target: [Int], offset: [Int]
  ) -> [Float] {
    let targetVolume = target.reduce(1, *)
    var result = [Float](repeating: 0, count: planes * targetVolume)
    var source = 0
    for plane in 0..<planes {
      for z in 0..<size[0] {
        for y in 0..<size[1] {
          let row = plane * targetVolume
            + ((offset[0] + z * stride[0]) * target[1] + offset[1] + y * stride[1]) * target[2]
            + offset[2]
          for x in 0..<size[2] {
            result[row + x * stride[2]] = values[source]
            source += 1
          }
        }
      }
    }
    return result
  }

  /// Copies `planes` volumes of `size` into the leading corner of zero volumes of `target`.
  private static func extend(_ values: [Float], planes: Int, from size: [Int], to target: [Int])
    -> [Float]
  {
    if size == target {
      return values
    }
    let targetVolume = target.reduce(1, *)
    var result = [Float](repeating: 0, count: planes * targetVolume)
    var source = 0
    for plane in 0..<planes {
      for z in 0..<size[0] {
        for y in 0..<size[1] {
          let row = plane * targetVolume + (z * target[1] + y) * target[2]
          for x in 0..<size[2] {
            result[row + x] = values[source]
            source += 1
          }
        }
      }
    }
    return result
  }
}
