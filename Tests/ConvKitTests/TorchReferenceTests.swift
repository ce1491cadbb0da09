import ConvKit
import Testing

/// One case of `torch-convolution.json`, produced by
/// `Scripts/fixtures/make_convolution_reference.py` with PyTorch autograd in float64.
struct TorchCase: Decodable, CustomTestStringConvertible {
  let name: String
  let input_shape: [Int]
  let input: [Double]
  let weight_shape: [Int]
  let weight: [Double]
  let bias: [Double]?
  let stride: [Int]
  let dilation: [Int]
  let groups: Int
  let padding: [[Int]]
  let border: String
  let border_value: Double
  let output_shape: [Int]
  let output: [Double]
  let grad_output: [Double]
  let grad_input: [Double]
  let grad_weight: [Double]
  let grad_bias: [Double]?

  var testDescription: String { name }

  var options: ConvolutionOptions {
    let borderMode = border == "constant" ? .constant(Float(border_value)) : BorderMode(name: border)!
    return ConvolutionOptions(
      padding: .explicit(padding.map { AxisPadding(before: $0[0], after: $0[1]) }),
      border: borderMode, stride: stride, dilation: dilation, groups: groups)
  }

  var inputTensor: Tensor { Tensor(shape: input_shape, scalars: input.map(Float.init)) }
  var weightTensor: Tensor { Tensor(shape: weight_shape, scalars: weight.map(Float.init)) }
}

private let torchCases = Fixture.cases(TorchCase.self, from: "torch-convolution.json")

@Suite("Convolution against PyTorch")
struct TorchReferenceTests {
  @Test("fixture loads every case")
  func fixtureLoads() {
    #expect(torchCases.count >= 60)
  }

  @Test("forward output", arguments: torchCases)
  func forward(_ reference: TorchCase) throws {
    let output = try reference.inputTensor.correlated(
      with: reference.weightTensor, bias: reference.bias?.map(Float.init),
      options: reference.options)

    #expect(output.shape == reference.output_shape)
    #expect(relativeError(output.scalars, reference.output) < 1e-5)
  }

  @Test("input, weight and bias gradients", arguments: torchCases)
  func backward(_ reference: TorchCase) throws {
    let outputGradient = Tensor(
      shape: reference.output_shape, scalars: reference.grad_output.map(Float.init))
    let gradients = try reference.inputTensor.correlationGradients(
      weight: reference.weightTensor, outputGradient: outputGradient, options: reference.options)

    #expect(gradients.input.shape == reference.input_shape)
    #expect(relativeError(gradients.input.scalars, reference.grad_input) < 1e-5)
    #expect(relativeError(gradients.weight.scalars, reference.grad_weight) < 1e-5)
    if let biasGradient = reference.grad_bias {
      #expect(relativeError(gradients.bias, biasGradient) < 1e-5)
    }
  }

  @Test("unbatched input gives the batch-1 result", arguments: torchCases.filter { $0.input_shape[0] == 1 })
  func unbatched(_ reference: TorchCase) throws {
    let input = reference.inputTensor.reshaped(Array(reference.input_shape.dropFirst()))
    let output = try input.correlated(
      with: reference.weightTensor, bias: reference.bias?.map(Float.init),
      options: reference.options)

    #expect(output.shape == Array(reference.output_shape.dropFirst()))
    #expect(relativeError(output.scalars, reference.output) < 1e-5)
  }
}
