import ConvKit
import Testing

@Suite("Conv layer")
struct ConvLayerTests {
  @Test("initialisation is PyTorch's uniform bound and deterministic")
  func initialisation() throws {
    let a = try Conv(inputChannels: 4, outputChannels: 6, kernelSize: [3, 3], seed: 9)
    let b = try Conv(inputChannels: 4, outputChannels: 6, kernelSize: [3, 3], seed: 9)
    let bound = 1 / Float(4 * 9).squareRoot()

    #expect(a.weight == b.weight)
    #expect(a.weight.shape == [6, 4, 3, 3])
    #expect(a.weight.scalars.allSatisfy { abs($0) <= bound })
    #expect(a.bias?.count == 6)
  }

  @Test("backward accumulates until zeroGradients")
  func accumulates() throws {
    var layer = try Conv(
      inputChannels: 2, outputChannels: 3, kernelSize: [3],
      options: ConvolutionOptions(padding: .same, stride: [2]), seed: 1)
    var random = SeededGenerator(seed: 5)
    let input = Tensor(shape: [2, 2, 7], scalars: random.tensor([2, 2, 7]))
    let output = try layer.forward(input)
    let outputGradient = Tensor(shape: output.shape, scalars: random.tensor(output.shape))

    _ = try layer.backward(input: input, outputGradient: outputGradient)
    let once = layer.weightGradient
    _ = try layer.backward(input: input, outputGradient: outputGradient)

    #expect(layer.weightGradient.scalars == once.scalars.map { $0 * 2 })
    layer.zeroGradients()
    #expect(layer.weightGradient.scalars.allSatisfy { $0 == 0 })
    #expect(layer.biasGradient?.allSatisfy { $0 == 0 } == true)
  }

  @Test("gradient descent recovers a 1D kernel")
  func trainingLoop() throws {
    var random = SeededGenerator(seed: 11)
    let input = Tensor(shape: [1, 64], scalars: random.tensor([1, 64]))
    let truth = Conv(weight: Tensor(shape: [1, 1, 3], scalars: [0.25, -0.5, 1]), bias: [0.1])
    let target = try truth.forward(input)
    var layer = Conv(weight: Tensor(shape: [1, 1, 3]), bias: [0])

    for _ in 0..<400 {
      let output = try layer.forward(input)
      // L = mean((y - t)²), so ∂L/∂y = 2 (y - t) / n.
      let scale = 2 / Float(output.count)
      let gradient = Tensor(
        shape: output.shape,
        scalars: zip(output.scalars, target.scalars).map { scale * ($0 - $1) })
      layer.zeroGradients()
      _ = try layer.backward(input: input, outputGradient: gradient)
      layer.step(learningRate: 0.5)
    }

    for (learned, expected) in zip(layer.weight.scalars, truth.weight.scalars) {
      #expect(abs(learned - expected) < 1e-3)
    }
    #expect(abs(layer.bias![0] - 0.1) < 1e-3)
  }
}
