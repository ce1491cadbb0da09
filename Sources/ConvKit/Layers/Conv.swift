/// A convolution layer: weights, bias and settings, with a forward pass and a backward
/// pass that accumulates gradients, as in PyTorch's `Conv1d`, `Conv2d` and `Conv3d`.
///
///     var layer = try Conv(inputChannels: 3, outputChannels: 8, kernelSize: [3, 3],
///                          options: ConvolutionOptions(padding: .same))
///     let y = try layer.forward(x)
///     let dx = try layer.backward(input: x, outputGradient: dLdy)
///     layer.step(learningRate: 0.01)
///     layer.zeroGradients()
public struct Conv: Sendable {
  /// `[C_out, C_in / groups, k...]`.
  public var weight: Tensor

  /// One value per output channel, or `nil` for a layer without bias.
  public var bias: [Float]?

  /// Padding, border, stride, dilation and groups.
  public var options: ConvolutionOptions

  /// ∂L/∂weight summed over every `backward` call since the last `zeroGradients()`.
  public private(set) var weightGradient: Tensor

  /// ∂L/∂bias summed the same way, or `nil` without bias.
  public private(set) var biasGradient: [Float]?

  /// Creates a layer from given weights.
  public init(weight: Tensor, bias: [Float]?, options: ConvolutionOptions = .init()) {
    self.weight = weight
    self.bias = bias
    self.options = options
    self.weightGradient = Tensor(shape: weight.shape)
    self.biasGradient = bias.map { Array(repeating: 0, count: $0.count) }
  }

  /// Creates a layer with PyTorch's default initialisation: weights and bias uniform in
  /// `[-b, b]` with `b = 1 / sqrt(fan_in)`, where `fan_in = C_in / groups × kernel taps`.
  ///
  /// - Parameters:
  ///   - kernelSize: one size per spatial axis (1 to 3 of them).
  ///   - seed: the seed of the generator, so the same arguments give the same weights.
  /// - Throws: `ConvolutionError.invalidGroups` when `groups` does not divide both channel
  ///   counts, and `invalidSetting` for an empty kernel size.
  public init(
    inputChannels: Int, outputChannels: Int, kernelSize: [Int],
    options: ConvolutionOptions = .init(), bias: Bool = true, seed: UInt64 = 0
  ) throws(ConvolutionError) {
    let groups = options.groups
    let shape = [outputChannels, max(inputChannels / max(groups, 1), 1)] + kernelSize
    guard groups >= 1, inputChannels % groups == 0, outputChannels % groups == 0 else {
      throw .invalidGroups(groups: groups, weight: shape)
    }
    guard (1...3).contains(kernelSize.count), kernelSize.allSatisfy({ $0 >= 1 }) else {
      throw .invalidSetting(
        name: "kernel size", value: kernelSize,
        reason: "give 1 to 3 sizes of at least 1, one per spatial axis")
    }

    var generator = SeededRandom(seed: seed)
    let fanIn = Float(shape.dropFirst().reduce(1, *))
    let bound = 1 / fanIn.squareRoot()
    let weight = (0..<shape.reduce(1, *)).map { _ in Float.random(in: -bound...bound, using: &generator) }
    let biasValues = bias
      ? (0..<outputChannels).map { _ in Float.random(in: -bound...bound, using: &generator) } : nil
    self.init(weight: Tensor(shape: shape, scalars: weight), bias: biasValues, options: options)
  }

  /// Returns the layer's output for `input` (`[C_in, i...]` or `[N, C_in, i...]`).
  ///
  /// - Throws: `ConvolutionError` when the input does not fit the weights.
  public func forward(_ input: Tensor) throws(ConvolutionError) -> Tensor {
    try input.correlated(with: weight, bias: bias, options: options)
  }

  /// Adds the weight and bias gradients for one `forward(input)` to the accumulated ones
  /// and returns ∂L/∂input.
  ///
  /// - Parameters:
  ///   - input: the input `forward` was called with.
  ///   - outputGradient: ∂L/∂output, shaped like the output.
  /// - Throws: `ConvolutionError` when the shapes do not fit.
  public mutating func backward(input: Tensor, outputGradient: Tensor) throws(ConvolutionError)
    -> Tensor
  {
    let gradients = try input.correlationGradients(
      weight: weight, outputGradient: outputGradient, options: options)
    for index in weightGradient.scalars.indices {
      weightGradient.scalars[index] += gradients.weight.scalars[index]
    }
    if var accumulated = biasGradient {
      for index in accumulated.indices {
        accumulated[index] += gradients.bias[index]
      }
      biasGradient = accumulated
    }
    return gradients.input
  }

  /// Sets the accumulated gradients to zero.
  public mutating func zeroGradients() {
    weightGradient = Tensor(shape: weight.shape)
    biasGradient = bias.map { Array(repeating: 0, count: $0.count) }
  }

  /// Moves the weights and bias one plain gradient-descent step: `w -= learningRate · ∂L/∂w`.
  public mutating func step(learningRate: Float) {
    for index in weight.scalars.indices {
      weight.scalars[index] -= learningRate * weightGradient.scalars[index]
    }
    if var values = bias, let gradient = biasGradient {
      for index in values.indices {
        values[index] -= learningRate * gradient[index]
      }
      bias = values
    }
  }
}
