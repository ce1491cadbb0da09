import ConvKit

/// Correlates `image` with `weight` with the settings of `execution`, writing into
/// `output`.
func filter(
  _ image: Tensor, weight: Tensor, options: ConvolutionOptions, execution: ExecutionOptions,
  into output: inout Tensor
) {
  try! image.correlate(with: weight, options: options, execution: execution, into: &output)
}

/// Runs one forward correlation and its gradients, as a learning step does, and returns a
/// checksum of the gradients.
func gradientStep(
  input: Tensor, weight: Tensor, bias: [Float], target: Tensor, options: ConvolutionOptions,
  execution: ExecutionOptions
) -> Double {
  let output = try! input.correlated(
    with: weight, bias: bias, options: options, execution: execution)
  var residual = output
  for index in residual.scalars.indices {
    residual.scalars[index] -= target.scalars[index]
  }
  let gradients = try! input.correlationGradients(
    weight: weight, outputGradient: residual, options: options, execution: execution)
  return Double(gradients.weight.scalars.reduce(0, +) + gradients.bias.reduce(0, +))
    + gradients.input.scalars.withUnsafeBufferPointer(checksum)
}
