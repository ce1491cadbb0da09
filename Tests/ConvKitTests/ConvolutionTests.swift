import ConvKit
import Testing

@Suite("Convolution worked by hand")
struct ConvolutionTests {
  /// The row 1 2 3 4 extended by two samples on each side.
  @Test(
    "border rules on a row",
    arguments: [
      (BorderMode.constant(9), [9, 9, 1, 2, 3, 4, 9, 9]),
      (.replicate, [1, 1, 1, 2, 3, 4, 4, 4]),
      (.reflect101, [3, 2, 1, 2, 3, 4, 3, 2]),
      (.symmetric, [2, 1, 1, 2, 3, 4, 4, 3]),
      (.wrap, [3, 4, 1, 2, 3, 4, 1, 2]),
    ] as [(BorderMode, [Float])])
  func borderRow(border: BorderMode, expected: [Float]) throws {
    let row = Tensor(shape: [1, 4], scalars: [1, 2, 3, 4])
    let identity = Tensor(shape: [1, 1, 1], scalars: [1])
    let options = ConvolutionOptions(padding: .uniform(2), border: border)

    let padded = try row.correlated(with: identity, options: options)

    #expect(padded.scalars == expected)
  }

  @Test("reflect101 bounces past a short row")
  func reflectBeyondInput() {
    let sources = (-5...7).map { BorderMode.reflect101.sourceIndex(of: $0, size: 3)! }
    #expect(sources == [1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1])
  }

  @Test("3x3 sum on a 3x3 image with zero border")
  func zeroBorderSum() throws {
    let image = Tensor(shape: [1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])
    let ones = Tensor(shape: [1, 1, 3, 3], repeating: 1)

    let output = try image.correlated(with: ones, options: ConvolutionOptions(padding: .same))

    #expect(output.scalars == [12, 21, 16, 27, 45, 33, 24, 39, 28])
  }

  @Test("correlation does not flip, convolution does")
  func flipping() throws {
    let impulse = Tensor(shape: [1, 3, 3], scalars: [0, 0, 0, 0, 1, 0, 0, 0, 0])
    let kernel = Tensor(shape: [1, 1, 3, 3], scalars: [1, 2, 3, 4, 5, 6, 7, 8, 9])

    let correlated = try impulse.correlated(with: kernel, options: ConvolutionOptions(padding: .same))
    let convolved = try impulse.convolved(with: kernel, options: ConvolutionOptions(padding: .same))

    #expect(correlated.scalars == [9, 8, 7, 6, 5, 4, 3, 2, 1])
    #expect(convolved.scalars == [1, 2, 3, 4, 5, 6, 7, 8, 9])
  }

  @Test("stride and dilation pick the right samples")
  func strideDilation() throws {
    let row = Tensor(shape: [1, 1, 9], scalars: (0..<9).map(Float.init))
    let pair = Tensor(shape: [1, 1, 2], scalars: [1, 10])
    let options = ConvolutionOptions(stride: [3], dilation: [2])

    let output = try row.correlated(with: pair, options: options)

    // Outputs at 0, 3, 6 read samples (0, 2), (3, 5), (6, 8).
    #expect(output.scalars == [20, 53, 86])
  }

  @Test("groups keep channels apart, bias adds per output channel")
  func groupsAndBias() throws {
    let input = Tensor(shape: [2, 1, 1], scalars: [3, 5])
    let weight = Tensor(shape: [4, 1, 1, 1], scalars: [1, 2, 10, 20])
    let options = ConvolutionOptions(groups: 2)

    let output = try input.correlated(with: weight, bias: [0.5, 0, 0, -1], options: options)

    #expect(output.scalars == [3.5, 6, 50, 99])
  }

  @Test("even kernel anchors at k / 2 for same padding")
  func evenAnchor() throws {
    let row = Tensor(shape: [1, 1, 5], scalars: [1, 2, 3, 4, 5])
    let kernel = Tensor(shape: [1, 1, 4], scalars: [0, 0, 1, 0])

    let output = try row.correlated(with: kernel, options: ConvolutionOptions(padding: .same))

    #expect(output.scalars == [1, 2, 3, 4, 5])
  }

  @Test("mismatched channels name both shapes")
  func channelMismatch() {
    let input = Tensor(shape: [3, 4, 4])
    let weight = Tensor(shape: [1, 2, 3, 3])

    #expect(throws: ConvolutionError.channelMismatch(input: [3, 4, 4], weight: [1, 2, 3, 3], groups: 1)) {
      try input.correlated(with: weight)
    }
  }

  @Test("kernel larger than the padded input is rejected")
  func kernelTooLarge() {
    let input = Tensor(shape: [1, 2, 2])
    let weight = Tensor(shape: [1, 1, 3, 3])

    #expect(throws: ConvolutionError.kernelLargerThanInput(axis: 0, paddedInput: 2, effectiveKernel: 3)) {
      try input.correlated(with: weight)
    }
  }
}

@Suite("Output size")
struct OutputSizeTests {
  @Test(
    "formula o = floor((i + 2p - k - (k-1)(d-1)) / s) + 1",
    arguments: [
      (32, 3, 1, 2, 2, 15),
      (224, 7, 3, 2, 1, 112),
      (5, 3, 0, 1, 1, 3),
      (10, 4, 0, 3, 1, 3),
      (7, 3, 2, 3, 2, 3),
      (1, 1, 0, 1, 1, 1),
    ])
  func formula(input: Int, kernel: Int, padding: Int, stride: Int, dilation: Int, expected: Int)
    throws
  {
    let size = try convolutionOutputSize(
      inputSize: input, kernelSize: kernel, padding: AxisPadding(padding), stride: stride,
      dilation: dilation)
    #expect(size == expected)
  }

  @Test("zero stride is rejected with its value")
  func zeroStride() {
    #expect(throws: ConvolutionError.invalidSetting(name: "stride", value: [0], reason: "stride must be at least 1")) {
      try convolutionOutputSize(inputSize: 8, kernelSize: 3, stride: 0)
    }
  }

  @Test("dilated kernel larger than input is rejected")
  func dilatedTooLarge() {
    #expect(throws: ConvolutionError.kernelLargerThanInput(axis: 0, paddedInput: 4, effectiveKernel: 5)) {
      try convolutionOutputSize(inputSize: 4, kernelSize: 3, dilation: 2)
    }
  }

  @Test("receptive field of stacked layers")
  func receptive() {
    // Two 3x3 layers, the first with stride 2: 1 + 2 * 1 + 2 * 2 = 7.
    #expect(receptiveField(kernelSizes: [3, 3], strides: [2, 1], dilations: [1, 1]) == 7)
  }
}
