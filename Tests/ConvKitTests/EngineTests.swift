@testable import ConvKit
import Testing

/// Seeded values in [-1, 1), so every run checks the same tensors.
func seededValues(_ count: Int, seed: UInt64) -> [Float] {
  var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
  return (0..<count).map { _ in
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    return Float(state >> 40) / Float(1 << 23) - 1
  }
}

/// Returns the largest difference between two tensors, relative to the largest magnitude
/// in `expected` (at least 1).
private func relativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
  let scale = max(1, expected.scalars.map(abs).max() ?? 0)
  return zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
}

private let borders: [BorderMode] = [.zero, .constant(0.5), .replicate, .reflect101, .symmetric, .wrap]

/// Both row-sum loops; `automatic` is the fused one on processors that have it.
private let instructionSets: [VectorInstructions] = [.automatic, .portable]

/// One correlation setting checked against the reference loop.
struct EngineCase: CustomTestStringConvertible, Sendable {
  let name: String
  let input: [Int]
  let weight: [Int]
  let options: ConvolutionOptions
  var testDescription: String { name }
}

@Suite("Engine against the reference loop")
struct EngineTests {
  static let directCases: [EngineCase] = [
    EngineCase(name: "1D same", input: [2, 37], weight: [3, 2, 5], options: .init(padding: .same, border: .reflect101)),
    EngineCase(name: "2D depthwise 3x3", input: [3, 19, 45], weight: [3, 1, 3, 3], options: .init(padding: .same, border: .reflect101, groups: 3)),
    EngineCase(name: "2D full 3 to 4 channels", input: [2, 3, 17, 33], weight: [4, 3, 3, 3], options: .init(padding: .same, border: .replicate)),
    EngineCase(name: "2D even kernel", input: [1, 12, 40], weight: [1, 1, 4, 6], options: .init(padding: .same, border: .symmetric)),
    EngineCase(name: "2D kernel wider than input", input: [1, 5, 4], weight: [1, 1, 7, 9], options: .init(padding: .same, border: .reflect101)),
    EngineCase(name: "2D height stride and dilation", input: [2, 21, 35], weight: [2, 1, 3, 3], options: .init(padding: .same, border: .wrap, stride: [2, 1], dilation: [2, 3], groups: 2)),
    EngineCase(name: "2D width stride", input: [1, 15, 31], weight: [1, 1, 3, 3], options: .init(padding: .same, border: .reflect101, stride: [2])),
    EngineCase(name: "2D valid with groups", input: [4, 16, 50], weight: [6, 2, 5, 3], options: .init(padding: .valid, groups: 2)),
    EngineCase(name: "2D full padding", input: [1, 9, 41], weight: [1, 1, 3, 5], options: .init(padding: .full, border: .constant(0.25))),
    EngineCase(name: "3D same", input: [2, 6, 7, 19], weight: [2, 2, 3, 3, 3], options: .init(padding: .same, border: .reflect101)),
    EngineCase(name: "3D depth stride", input: [1, 9, 8, 20], weight: [1, 1, 3, 2, 3], options: .init(padding: .same, border: .replicate, stride: [2, 1, 1])),
  ]

  @Test("direct path", arguments: directCases, borders)
  func direct(_ setting: EngineCase, border: BorderMode) throws {
    var options = setting.options
    options.border = border
    let input = Tensor(shape: setting.input, scalars: seededValues(setting.input.reduce(1, *), seed: 1))
    let weight = Tensor(shape: setting.weight, scalars: seededValues(setting.weight.reduce(1, *), seed: 2))
    let bias = seededValues(setting.weight[0], seed: 3)

    let expected = try input.referenceCorrelated(with: weight, bias: bias, options: options)
    for instructions in instructionSets {
      let actual = try input.correlated(
        with: weight, bias: bias, options: options,
        execution: .init(algorithm: .direct, vectorInstructions: instructions))

      #expect(actual.shape == expected.shape)
      #expect(relativeError(actual, expected) < 1e-6, "\(instructions)")
    }
  }

  /// Depthwise 2D settings that every algorithm accepts, with the kernel kind to use.
  static let planeCases: [(String, [Int], Int, Int)] = [
    ("3x3 on 19x45", [3, 19, 45], 3, 3),
    ("5x5 on 70x9", [2, 70, 9], 5, 5),
    ("7x4 on 33x130", [1, 33, 130], 7, 4),
    ("15x15 on 40x300", [2, 40, 300], 15, 15),
    ("31x31 on 20x17", [1, 20, 17], 31, 31),
    ("1x9 on 8x64", [1, 8, 64], 1, 9),
  ]

  @Test("separable path on rank-1 kernels", arguments: planeCases, borders)
  func separable(_ setting: (String, [Int], Int, Int), border: BorderMode) throws {
    let (_, shape, rows, columns) = setting
    let column = seededValues(rows, seed: 4)
    let row = seededValues(columns, seed: 5)
    let kernel = (0..<rows).flatMap { r in row.map { column[r] * $0 } }
    try checkPlanePath(.separable, shape: shape, rows: rows, columns: columns, kernel: kernel, border: border)
  }

  @Test("running-sum path on boxes", arguments: planeCases, borders)
  func runningSum(_ setting: (String, [Int], Int, Int), border: BorderMode) throws {
    let (_, shape, rows, columns) = setting
    let kernel = [Float](repeating: 1 / Float(rows * columns), count: rows * columns)
    try checkPlanePath(.runningSum, shape: shape, rows: rows, columns: columns, kernel: kernel, border: border)
  }

  @Test("FFT path on random kernels", arguments: planeCases, borders)
  func fft(_ setting: (String, [Int], Int, Int), border: BorderMode) throws {
    let (_, shape, rows, columns) = setting
    let kernel = seededValues(rows * columns, seed: 6)
    try checkPlanePath(.fft, shape: shape, rows: rows, columns: columns, kernel: kernel, border: border)
  }

  /// 3x3 kernels in each form of `SymmetricStencil`: quarter-turn symmetric without and
  /// with corner weights, x- and y-derivatives with and without outer weights, and
  /// weights of any value.
  static let stencilKernels: [(String, [Float])] = [
    ("sharpen", [0, -1, 0, -1, 5, -1, 0, -1, 0]),
    ("outline", [-1, -1, -1, -1, 8, -1, -1, -1, -1]),
    ("seeded", { let v = seededValues(3, seed: 12); return [v[2], v[1], v[2], v[1], v[0], v[1], v[2], v[1], v[2]] }()),
    ("sobel x", [-1, 0, 1, -2, 0, 2, -1, 0, 1]),
    ("scharr y", [-3, -10, -3, 0, 0, 0, 3, 10, 3]),
    ("middle row x", [0, 0, 0, -0.5, 0, 0.5, 0, 0, 0]),
    ("seeded x", { let v = seededValues(2, seed: 15); return [-v[1], 0, v[1], -v[0], 0, v[0], -v[1], 0, v[1]] }()),
    ("seeded y", { let v = seededValues(2, seed: 16); return [-v[1], -v[0], -v[1], 0, 0, 0, v[1], v[0], v[1]] }()),
  ]

  /// Shapes for the stencil: narrower than one vector, one column, one row, and padding
  /// that is not `same`.
  static let stencilShapes: [(String, [Int], Padding)] = [
    ("19x45 same", [3, 19, 45], .same),
    ("6x7 same", [2, 6, 7], .same),
    ("1x1 same", [1, 1, 1], .same),
    ("9x1 same", [1, 9, 1], .same),
    ("1x30 same", [1, 1, 30], .same),
    ("12x40 valid", [1, 12, 40], .valid),
    ("8x21 full", [2, 8, 21], .full),
  ]

  @Test("symmetric stencil", arguments: stencilKernels.map(\.0), stencilShapes.map(\.0))
  func stencil(kernelName: String, shapeName: String) throws {
    let kernel = Self.stencilKernels.first { $0.0 == kernelName }!.1
    let (_, shape, padding) = Self.stencilShapes.first { $0.0 == shapeName }!
    let channels = shape[0]
    let input = Tensor(shape: shape, scalars: seededValues(shape.reduce(1, *), seed: 13))
    let weight = Tensor(shape: [channels, 1, 3, 3], scalars: Array([[Float]](repeating: kernel, count: channels).joined()))
    let plan = try ConvolutionPlan(
      inputShape: shape, weightShape: weight.shape, biasCount: channels,
      options: ConvolutionOptions(padding: padding, groups: channels))
    #expect(SymmetricStencil(plan: plan, weight: weight.scalars, bias: nil) != nil)

    for border in borders {
      for bias in [nil, seededValues(channels, seed: 14)] {
        let options = ConvolutionOptions(padding: padding, border: border, groups: channels)
        let expected = try input.referenceCorrelated(with: weight, bias: bias, options: options)
        let actual = try input.correlated(
          with: weight, bias: bias, options: options, execution: .init(algorithm: .direct))

        // Rounding grows with the partial sums, up to Σ|w| times the largest input (< 1).
        // Derivatives of flat areas cancel to near 0, so that sum is the scale to compare to.
        let tolerance = 1e-6 * max(1, kernel.map(abs).reduce(0, +))
        #expect(actual.shape == expected.shape)
        #expect(relativeError(actual, expected) < tolerance, "\(border), bias \(bias != nil)")

        let single = try input.correlated(
          with: weight, bias: bias, options: options, execution: .init(algorithm: .direct, threadCount: 1))
        #expect(single.scalars == actual.scalars, "1 thread against all cores")
      }
    }
  }

  @Test("stencil rejects asymmetric kernels")
  func stencilRejectsAsymmetric() throws {
    let plan = try ConvolutionPlan(
      inputShape: [1, 8, 8], weightShape: [1, 1, 3, 3], biasCount: nil,
      options: ConvolutionOptions(padding: .same, groups: 1))
    let rejected: [[Float]] = [
      Kernel.emboss.values,
      [-1, 0, 1, -2, 0, 2, -1, 0, 2],  // x-derivative whose outer rows differ
      [-1, 0, 1, -2, 1, 2, -1, 0, 1],  // x-derivative with a centre weight
      [1, 2, 1, 0, 0, 0, -1, -2, -2],  // y-derivative whose outer columns differ
      [0, 1, 0, 1, 5, 1, 0, 1, 1],  // quarter-turn but for one corner
    ]
    for kernel in rejected {
      #expect(SymmetricStencil(plan: plan, weight: kernel, bias: nil) == nil, "\(kernel)")
    }
  }

  /// Every path writes the same values with streaming stores as with plain stores, on
  /// widths that leave each output row at a different alignment.
  @Test("streaming stores write the same values", arguments: ConvolutionAlgorithm.allCases)
  func streamingStores(algorithm: ConvolutionAlgorithm) throws {
    let kernels: [ConvolutionAlgorithm: [Float]] = [
      .runningSum: [Float](repeating: 1.0 / 9, count: 9),
      .direct: Kernel.sobelX.values,
      .separable: Kernel.sobelX.values,
      .fft: seededValues(9, seed: 17),
    ]
    for width in [1, 7, 16, 45, 67, 130] {
      let input = Tensor(shape: [3, 23, width], scalars: seededValues(3 * 23 * width, seed: 18))
      let kernel = kernels[algorithm]!
      let weight = Tensor(shape: [3, 1, 3, 3], scalars: kernel + kernel + kernel)
      let options = ConvolutionOptions(padding: .same, border: .reflect101, groups: 3)
      let bias = seededValues(3, seed: 19)

      for instructions in instructionSets {
        let plain = try input.correlated(
          with: weight, bias: bias, options: options,
          execution: .init(algorithm: algorithm, cacheBypass: .never, vectorInstructions: instructions))
        let streamed = try input.correlated(
          with: weight, bias: bias, options: options,
          execution: .init(algorithm: algorithm, cacheBypass: .always, vectorInstructions: instructions))
        #expect(streamed.scalars == plain.scalars, "width \(width), \(instructions)")
      }
    }
  }

  @Test("choosing algorithm keeps other settings")
  func choosingAlgorithm() {
    let requested = ExecutionOptions(
      algorithm: .fft, threadCount: 3, cacheBypass: .never, vectorInstructions: .portable)
    let chosen = requested.choosingAlgorithm

    #expect(chosen.algorithm == nil)
    #expect(chosen.threadCount == 3)
    #expect(chosen.cacheBypass == .never)
    #expect(chosen.vectorInstructions == .portable)
  }

  @Test("cache bypass follows the output size")
  func cacheBypassPolicy() throws {
    let small = CacheBypass.automaticThreshold / MemoryLayout<Float>.size - 1
    #expect(!CacheBypass.automatic.streams(outputCount: small))
    #expect(CacheBypass.always.streams(outputCount: 1))
    #expect(!CacheBypass.never.streams(outputCount: 1 << 30))
    #if arch(x86_64)
      #expect(CacheBypass.automatic.streams(outputCount: small + 1))
    #endif
  }

  private func checkPlanePath(
    _ algorithm: ConvolutionAlgorithm, shape: [Int], rows: Int, columns: Int, kernel: [Float],
    border: BorderMode
  ) throws {
    let channels = shape[shape.count - 3]
    let input = Tensor(shape: shape, scalars: seededValues(shape.reduce(1, *), seed: 7))
    let weight = Tensor(shape: [channels, 1, rows, columns], scalars: Array([[Float]](repeating: kernel, count: channels).joined()))
    let bias = seededValues(channels, seed: 8)
    let options = ConvolutionOptions(padding: .same, border: border, groups: channels)

    let expected = try input.referenceCorrelated(with: weight, bias: bias, options: options)
    for instructions in instructionSets {
      let actual = try input.correlated(
        with: weight, bias: bias, options: options,
        execution: .init(algorithm: algorithm, vectorInstructions: instructions))

      #expect(actual.shape == expected.shape)
      #expect(relativeError(actual, expected) < 2e-5, "\(algorithm), \(instructions) differs from the reference")
    }
  }

  @Test(
    "automatic choice by kernel",
    arguments: [
      (Kernel.sobelX, ConvolutionAlgorithm.direct),
      (try! Kernel.gaussian(sigma: 3, size: 15), .separable),
      (try! Kernel.gaussian(sigma: 1, size: 5), .separable),
      (try! Kernel.box(size: 3), .direct),
      (Kernel.emboss, .direct),
      (try! Kernel.box(size: 31), .runningSum),
      (Kernel.sharpen, .direct),
      (try! Kernel(rows: 7, columns: 7, values: seededValues(49, seed: 9)), .direct),
      (try! Kernel(rows: 31, columns: 31, values: seededValues(961, seed: 10)), .fft),
    ])
  func automaticChoice(kernel: Kernel, expected: ConvolutionAlgorithm) throws {
    let correlator = try Correlator(
      inputShape: [3, 512, 512], weight: kernel.depthwiseWeight(channels: 3),
      options: ConvolutionOptions(padding: .same, border: .reflect101, groups: 3))
    #expect(correlator.algorithm == expected)
  }

  @Test("results do not depend on the thread count", arguments: ConvolutionAlgorithm.allCases)
  func threadCounts(algorithm: ConvolutionAlgorithm) throws {
    let input = Tensor(shape: [2, 300, 77], scalars: seededValues(2 * 300 * 77, seed: 11))
    let kernel = algorithm == .runningSum ? [Float](repeating: 0.04, count: 25) : [1, 4, 6, 4, 1].flatMap { a in [1, 4, 6, 4, 1].map { a * $0 / 256 } }
    let weight = Tensor(shape: [2, 1, 5, 5], scalars: kernel + kernel)
    let options = ConvolutionOptions(padding: .same, border: .reflect101, groups: 2)

    for instructions in instructionSets {
      let single = try input.correlated(
        with: weight, options: options,
        execution: .init(algorithm: algorithm, threadCount: 1, vectorInstructions: instructions))
      for threads in [2, 3, 8] {
        let several = try input.correlated(
          with: weight, options: options,
          execution: .init(algorithm: algorithm, threadCount: threads, vectorInstructions: instructions))
        #expect(several.scalars == single.scalars, "\(threads) threads, \(instructions)")
      }
      let automatic = try input.correlated(
        with: weight, options: options,
        execution: .init(algorithm: algorithm, vectorInstructions: instructions))
      #expect(automatic.scalars == single.scalars, "all cores, \(instructions)")
    }
  }

  @Test("separable rejects a kernel of rank 2")
  func separableRejectsRankTwo() {
    let image = Tensor(shape: [1, 8, 8], repeating: 1)
    #expect(throws: ConvolutionError.self) {
      try image.correlated(
        with: Kernel.sharpen.weight, options: ConvolutionOptions(padding: .same),
        execution: .init(algorithm: .separable))
    }
  }

  @Test("writing into an existing output reuses it")
  func preallocatedOutput() throws {
    let input = Tensor(shape: [3, 40, 50], scalars: seededValues(6000, seed: 12))
    let weight = try Kernel.gaussian(sigma: 1).depthwiseWeight(channels: 3)
    let options = ConvolutionOptions(padding: .same, border: .reflect101, groups: 3)
    var output = Tensor(shape: [6000], repeating: .nan)

    try input.correlate(with: weight, options: options, into: &output)

    #expect(output.shape == [3, 40, 50])
    #expect(output.scalars == (try input.correlated(with: weight, options: options)).scalars)
  }

  @Test("sliding row sums match a Double sum", arguments: [8, 9, 15, 16, 31, 40])
  func slidingRowSums(width: Int) {
    // 1,000 outputs cross several restarts, and the offset of 100 makes the window sums
    // large, so rounding that builds up between restarts would show.
    let count = 1000
    let source = seededValues(count + width - 1, seed: 13).map { $0 + 100 }
    let (scale, bias): (Float, Float) = (1 / Float(width), 0.5)
    var output = [Float](repeating: .nan, count: count)
    var octets = [Float](repeating: .nan, count: count + width)

    source.withUnsafeBufferPointer { source in
      output.withUnsafeMutableBufferPointer { output in
        octets.withUnsafeMutableBufferPointer { octets in
          BoxFilter.slidingRowSums(
            source.baseAddress!, width: width, scale: scale, bias: bias,
            output: output.baseAddress!, count: count, octets: octets.baseAddress!)
        }
      }
    }

    let expected = (0..<count).map { x in
      Double(bias) + Double(scale) * source[x..<(x + width)].reduce(0.0) { $0 + Double($1) }
    }
    let worst = zip(output, expected).map { abs(Double($0) - $1) / abs($1) }.max() ?? .nan
    #expect(worst < 1e-6, "largest relative error \(worst)")
  }

  @Test("wide box same on any thread count")
  func wideBoxThreadCounts() throws {
    // A 17-column box takes the sliding row sums, and 300 columns cross a restart.
    let input = Tensor(shape: [2, 150, 300], scalars: seededValues(2 * 150 * 300, seed: 14))
    let kernel = [Float](repeating: 1 / 289, count: 289)
    let weight = Tensor(shape: [2, 1, 17, 17], scalars: kernel + kernel)
    let options = ConvolutionOptions(padding: .same, border: .reflect101, groups: 2)

    let single = try input.correlated(
      with: weight, options: options, execution: .init(algorithm: .runningSum, threadCount: 1))
    for threads in [2, 3] {
      let several = try input.correlated(
        with: weight, options: options,
        execution: .init(algorithm: .runningSum, threadCount: threads))
      #expect(several.scalars == single.scalars, "\(threads) threads")
    }
  }
}
