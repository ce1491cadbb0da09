import ConvKit
import Testing

/// One case of `torch-transposed.json`, from
/// `Scripts/fixtures/make_transposed_reference.py` (PyTorch float64).
struct TransposedCase: Decodable, CustomTestStringConvertible {
  let name: String
  let input_shape: [Int]
  let input: [Double]
  let weight_shape: [Int]
  let weight: [Double]
  let bias: [Double]?
  let stride: [Int]
  let padding: [Int]
  let output_padding: [Int]
  let dilation: [Int]
  let groups: Int
  let output_shape: [Int]
  let output: [Double]

  var testDescription: String { name }
}

private let transposedCases = Fixture.cases(TransposedCase.self, from: "torch-transposed.json")

@Suite("Transposed convolution")
struct TransposedConvolutionTests {
  @Test("fixture loads every case")
  func fixtureLoads() {
    #expect(transposedCases.count == 7)
  }

  @Test("matches PyTorch conv_transpose", arguments: transposedCases)
  func againstTorch(_ reference: TransposedCase) throws {
    let input = Tensor(shape: reference.input_shape, scalars: reference.input.map(Float.init))
    let weight = Tensor(shape: reference.weight_shape, scalars: reference.weight.map(Float.init))

    let output = try input.transposedCorrelated(
      with: weight, bias: reference.bias?.map(Float.init), stride: reference.stride,
      padding: reference.padding, outputPadding: reference.output_padding,
      dilation: reference.dilation, groups: reference.groups)

    #expect(output.shape == reference.output_shape)
    #expect(relativeError(output.scalars, reference.output) < 1e-5)
  }

  @Test("equals the input gradient of the forward convolution")
  func isInputGradient() throws {
    var random = SeededGenerator(seed: 3)
    let input = Tensor(shape: [2, 9, 8], scalars: random.tensor([2, 9, 8]))
    let weight = Tensor(shape: [3, 2, 3, 2], scalars: random.tensor([3, 2, 3, 2]))
    let options = ConvolutionOptions(padding: .uniform(1), stride: [2], dilation: [1])
    let forward = try input.correlated(with: weight, options: options)
    let outputGradient = Tensor(shape: forward.shape, scalars: random.tensor(forward.shape))

    let gradient = try input.correlationGradients(
      weight: weight, outputGradient: outputGradient, options: options)
    // The forward output is 5x5; back: 9 = (5 - 1)·2 - 2 + 2 + 1 and 8 = (5 - 1)·2 - 2 + 1 + 1.
    let transposed = try outputGradient.transposedCorrelated(
      with: weight, stride: [2], padding: [1])

    #expect(transposed.shape == input.shape)
    #expect(relativeError(transposed.scalars, gradient.input.scalars.map(Double.init)) < 1e-6)
  }

  @Test("output padding must be below stride or dilation")
  func outputPaddingLimit() {
    let input = Tensor(shape: [1, 4])
    let weight = Tensor(shape: [1, 1, 3])
    #expect(throws: ConvolutionError.self) {
      try input.transposedCorrelated(with: weight, stride: [2], outputPadding: [2])
    }
  }
}

@Suite("Mathematical convolution")
struct MathematicalConvolutionTests {
  /// Full zero-padded convolution of two single-channel signals, either way round.
  private func fullConvolution(_ f: Tensor, _ g: Tensor) throws -> Tensor {
    let weight = g.reshaped([1, 1] + g.shape)
    return try f.reshaped([1] + f.shape).convolved(with: weight, options: ConvolutionOptions(padding: .full))
  }

  @Test("convolve(f, g) equals convolve(g, f)", arguments: [[5], [4, 6], [3, 4, 2]] as [[Int]])
  func commutes(shape: [Int]) throws {
    var random = SeededGenerator(seed: UInt64(shape.count))
    let gShape = shape.map { max(1, $0 - 1) }
    let f = Tensor(shape: shape, scalars: random.tensor(shape))
    let g = Tensor(shape: gShape, scalars: random.tensor(gShape))

    let fg = try fullConvolution(f, g)
    let gf = try fullConvolution(g, f)

    #expect(fg.shape == gf.shape)
    #expect(relativeError(fg.scalars, gf.scalars.map(Double.init)) < 1e-6)
  }

  @Test("1D convolution is polynomial multiplication")
  func polynomial() throws {
    // (1 + 2x)(3 + 4x + 5x²) = 3 + 10x + 13x² + 10x³
    let product = try fullConvolution(
      Tensor(shape: [2], scalars: [1, 2]), Tensor(shape: [3], scalars: [3, 4, 5]))
    #expect(product.scalars == [3, 10, 13, 10])
  }
}
