import ConvKit
import Testing

/// A grid of forward settings for the finite-difference check.
struct GradientCase: CustomTestStringConvertible, Sendable {
  let name: String
  let input: [Int]
  let weight: [Int]
  let options: ConvolutionOptions
  var testDescription: String { name }
}

private let borders: [BorderMode] = [.constant(0), .constant(0.5), .replicate, .reflect101, .symmetric, .wrap]

private let gradientCases: [GradientCase] = {
  var cases: [GradientCase] = []
  for border in borders {
    cases.append(GradientCase(
      name: "same 3x3 \(border)", input: [2, 5, 6], weight: [3, 2, 3, 3],
      options: ConvolutionOptions(padding: .same, border: border)))
    cases.append(GradientCase(
      name: "stride 2 dilation 2 even kernel \(border)", input: [1, 2, 7, 6], weight: [2, 2, 2, 4],
      options: ConvolutionOptions(padding: .uniform(3), border: border, stride: [2], dilation: [2])))
    cases.append(GradientCase(
      name: "depthwise full \(border)", input: [2, 3, 4, 5], weight: [6, 1, 3, 2],
      options: ConvolutionOptions(padding: .full, border: border, groups: 3)))
  }
  cases.append(GradientCase(
    name: "groups 2 stride 3 valid", input: [4, 8, 7], weight: [4, 2, 2, 3],
    options: ConvolutionOptions(stride: [3, 2], groups: 2)))
  cases.append(GradientCase(
    name: "asymmetric padding wrap", input: [1, 4, 5], weight: [2, 1, 3, 2],
    options: ConvolutionOptions(
      padding: .explicit([AxisPadding(before: 0, after: 2), AxisPadding(before: 3, after: 1)]),
      border: .wrap)))
  cases.append(GradientCase(
    name: "1D stride 2 reflect101", input: [2, 9], weight: [3, 2, 3],
    options: ConvolutionOptions(padding: .same, border: .reflect101, stride: [2])))
  cases.append(GradientCase(
    name: "3D same symmetric", input: [1, 4, 3, 4], weight: [2, 1, 2, 3, 2],
    options: ConvolutionOptions(padding: .same, border: .symmetric)))
  return cases
}()

@Suite("Gradients by finite differences")
struct GradientCheckTests {
  /// The loss `L = Σ output · g` is linear in the input and in the weight, so a central
  /// difference with a large step has no truncation error and only Float rounding remains.
  @Test("analytic gradients match central differences", arguments: gradientCases)
  func centralDifferences(_ setting: GradientCase) throws {
    var random = SeededGenerator(seed: 7)
    let input = Tensor(shape: setting.input, scalars: random.tensor(setting.input))
    let weight = Tensor(shape: setting.weight, scalars: random.tensor(setting.weight))
    let bias = random.tensor([setting.weight[0]])
    let output = try input.correlated(with: weight, bias: bias, options: setting.options)
    let outputGradient = Tensor(shape: output.shape, scalars: random.tensor(output.shape))

    let gradients = try input.correlationGradients(
      weight: weight, outputGradient: outputGradient, options: setting.options)

    let loss = { (x: Tensor, w: Tensor, b: [Float]) throws -> Double in
      let y = try x.correlated(with: w, bias: b, options: setting.options)
      return zip(y.scalars, outputGradient.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    let step: Float = 0.5

    for index in input.scalars.indices {
      var plus = input
      var minus = input
      plus.scalars[index] += step
      minus.scalars[index] -= step
      let numeric = (try loss(plus, weight, bias) - loss(minus, weight, bias)) / Double(2 * step)
      #expect(abs(numeric - Double(gradients.input.scalars[index])) < 1e-3 * max(1, abs(numeric)), "input \(index)")
    }
    for index in weight.scalars.indices {
      var plus = weight
      var minus = weight
      plus.scalars[index] += step
      minus.scalars[index] -= step
      let numeric = (try loss(input, plus, bias) - loss(input, minus, bias)) / Double(2 * step)
      #expect(abs(numeric - Double(gradients.weight.scalars[index])) < 1e-3 * max(1, abs(numeric)), "weight \(index)")
    }
    for index in bias.indices {
      var plus = bias
      var minus = bias
      plus[index] += step
      minus[index] -= step
      let numeric = (try loss(input, weight, plus) - loss(input, weight, minus)) / Double(2 * step)
      #expect(abs(numeric - Double(gradients.bias[index])) < 1e-3 * max(1, abs(numeric)), "bias \(index)")
    }
  }

  @Test("output gradient of the wrong shape is rejected")
  func wrongShape() {
    let input = Tensor(shape: [1, 4, 4])
    let weight = Tensor(shape: [1, 1, 3, 3])
    #expect(throws: ConvolutionError.gradientShapeMismatch(expected: [1, 2, 2], actual: [1, 4, 4])) {
      try input.correlationGradients(weight: weight, outputGradient: Tensor(shape: [1, 4, 4]))
    }
  }
}
