/// The backward pass of `DirectCorrelation`, written as correlations run by the same loop.
///
/// Storage is `[N, C, D, H, W]` as in the forward pass; `plan` holds the forward shapes.
struct BackwardCorrelation {
  let plan: ConvolutionPlan

  /// Returns ∂L/∂P for the padded input `P`: the output gradient dilated by the stride,
  /// padded by `e - 1` zeros on each side (`e` the effective kernel size), correlated with
  /// the flipped, channel-transposed kernel at the forward dilation.
  func paddedInputGradient(outputGradient: [Float], weight: [Float]) -> [Float] {
    let effective = (0..<3).map { (plan.kernelSize[$0] - 1) * plan.dilation[$0] + 1 }
    let spread = (0..<3).map { (plan.outputSize[$0] - 1) * plan.stride[$0] + 1 }
    let spreadPadded = (0..<3).map { spread[$0] + 2 * (effective[$0] - 1) }
    let covered = (0..<3).map { spread[$0] + effective[$0] - 1 }

    let planes = plan.batch * plan.outputChannels
    let spreadGradient = Self.insertZeros(
      outputGradient, planes: planes, size: plan.outputSize, stride: plan.stride,
      into: spreadPadded, offset: effective.map { $0 - 1 })

    let correlation = DirectCorrelation(
      batch: plan.batch, inputChannels: plan.outputChannels, outputChannels: plan.inputChannels,
      groups: plan.groups, inputSize: spreadPadded, kernelSize: plan.kernelSize,
      stride: [1, 1, 1], dilation: plan.dilation, outputSize: covered)
    let coveredGradient = correlation.run(
      input: spreadGradient, weight: transposedFlippedWeight(weight), bias: nil)

    // Rows and columns of P past the last window (when the stride does not divide the
    // padded size) get no gradient.
    return Self.extend(
      coveredGradient, planes: plan.batch * plan.inputChannels, from: covered,
      to: plan.paddedSize)
  }

  /// Returns ∂L/∂weight: per group, `P` with batch and channel axes swapped, correlated
  /// with the output gradient (also swapped) as kernel, at stride `d` and dilation `s`.
  func weightGradient(padded: [Float], outputGradient: [Float]) -> [Float] {
    let groupInputs = plan.inputChannels / plan.groups
    let groupOutputs = plan.outputChannels / plan.groups
    let paddedSize = plan.paddedSize
    let paddedVolume = paddedSize.reduce(1, *)
    let outputVolume = plan.outputSize.reduce(1, *)
    let taps = plan.kernelSize.reduce(1, *)
    let reach: [Int] = (0..<3).map { axis in
      let window = (plan.outputSize[axis] - 1) * plan.stride[axis] + 1
      return (paddedSize[axis] - window) / plan.dilation[axis] + 1
    }
    var gradient = [Float](repeating: 0, count: plan.outputChannels * groupInputs * taps)

    for group in 0..<plan.groups {
      let input = Self.swapBatchAndChannels(
        padded, batch: plan.batch, channels: plan.inputChannels,
        first: group * groupInputs, count: groupInputs, volume: paddedVolume)
      let kernel = Self.swapBatchAndChannels(
        outputGradient, batch: plan.batch, channels: plan.outputChannels,
        first: group * groupOutputs, count: groupOutputs, volume: outputVolume)

      let correlation = DirectCorrelation(
        batch: groupInputs, inputChannels: plan.batch, outputChannels: groupOutputs, groups: 1,
        inputSize: paddedSize, kernelSize: plan.outputSize, stride: plan.dilation,
        dilation: plan.stride, outputSize: reach)
      let result = correlation.run(input: input, weight: kernel, bias: nil)

      // result is [ci, co, reach]; the gradient is [co, ci, kernel], the first taps of reach.
      let reachVolume = reach.reduce(1, *)
      for ci in 0..<groupInputs {
        for co in 0..<groupOutputs {
          let source = (ci * groupOutputs + co) * reachVolume
          let target = ((group * groupOutputs + co) * groupInputs + ci) * taps
          for tap in 0..<taps {
            gradient[target + tap] = result[source + Self.index(of: tap, in: plan.kernelSize, within: reach)]
          }
        }
      }
    }
    return gradient
  }

  /// Returns ∂L/∂bias: the output gradient summed over batch and positions.
  func biasGradient(outputGradient: [Float]) -> [Float] {
    let volume = plan.outputSize.reduce(1, *)
    var gradient = [Float](repeating: 0, count: plan.outputChannels)
    for n in 0..<plan.batch {
      for co in 0..<plan.outputChannels {
        let start = (n * plan.outputChannels + co) * volume
        gradient[co] += outputGradient[start..<(start + volume)].reduce(0, +)
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

  /// Returns channels `first..<first + count` of `[batch, channels, volume]` data as
  /// `[count, batch, volume]`.
  private static func swapBatchAndChannels(
    _ values: [Float], batch: Int, channels: Int, first: Int, count: Int, volume: Int
  ) -> [Float] {
    var result = [Float](repeating: 0, count: count * batch * volume)
    for c in 0..<count {
      for n in 0..<batch {
        let source = (n * channels + first + c) * volume
        let target = (c * batch + n) * volume
        result[target..<(target + volume)] = values[source..<(source + volume)]
      }
    }
    return result
  }

  /// The flat index, in a volume of `size`, of the tap whose flat index in `kernel` is
  /// `tap`.
  private static func index(of tap: Int, in kernel: [Int], within size: [Int]) -> Int {
    let x = tap % kernel[2]
    let y = (tap / kernel[2]) % kernel[1]
    let z = tap / (kernel[2] * kernel[1])
    return (z * size[1] + y) * size[2] + x
  }
}
