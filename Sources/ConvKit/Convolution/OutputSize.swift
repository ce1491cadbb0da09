/// Returns the output length of a convolution along one axis:
/// `o = floor((i + 2p - k - (k - 1)(d - 1)) / s) + 1`.
///
/// `(k - 1)(d - 1)` is what dilation adds to the kernel, so the numerator is the padded
/// input minus the effective kernel `(k - 1) * d + 1`, plus one.
///
/// - Parameters:
///   - inputSize: `i`, the number of input samples, at least 1.
///   - kernelSize: `k`, the number of kernel taps, at least 1.
///   - padding: `2p`, the total padding of the axis (before plus after), at least 0.
///   - stride: `s`, at least 1.
///   - dilation: `d`, at least 1.
/// - Returns: `o`, at least 1.
/// - Throws: `ConvolutionError.invalidSetting` for a value out of range, and
///   `ConvolutionError.kernelLargerThanInput` when the effective kernel does not fit in the
///   padded input.
public func convolutionOutputSize(
  inputSize: Int, kernelSize: Int, padding: AxisPadding = AxisPadding(0),
  stride: Int = 1, dilation: Int = 1, axis: Int = 0
) throws(ConvolutionError) -> Int {
  try requirePositive("input size", inputSize)
  try requirePositive("kernel size", kernelSize)
  try requirePositive("stride", stride)
  try requirePositive("dilation", dilation)
  guard padding.before >= 0 && padding.after >= 0 else {
    throw .invalidSetting(
      name: "padding", value: [padding.before, padding.after],
      reason: "padding cannot be negative")
  }

  let padded = inputSize + padding.total
  let effectiveKernel = (kernelSize - 1) * dilation + 1
  guard effectiveKernel <= padded else {
    throw .kernelLargerThanInput(
      axis: axis, paddedInput: padded, effectiveKernel: effectiveKernel)
  }
  return (padded - effectiveKernel) / stride + 1
}

/// Returns the number of input samples, along one axis, that one output sample depends on
/// after a stack of convolutions: the receptive field `1 + sum((k_l - 1) * d_l * J_l)`,
/// where `J_l` is the product of the strides of the layers before layer `l`.
public func receptiveField(kernelSizes: [Int], strides: [Int], dilations: [Int]) -> Int {
  var field = 1
  var jump = 1
  for layer in kernelSizes.indices {
    field += (kernelSizes[layer] - 1) * dilations[layer] * jump
    jump *= strides[layer]
  }
  return field
}

private func requirePositive(_ name: String, _ value: Int) throws(ConvolutionError) {
  guard value >= 1 else {
    throw .invalidSetting(name: name, value: [value], reason: "\(name) must be at least 1")
  }
}
