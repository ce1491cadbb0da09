@testable import ConvKit
import Testing

/// The fused multiply-add loop of `CFusedRows`, checked on its own and inside correlations.
@Suite("Fused row sums")
struct FusedRowSumTests {
  /// Taps, row lengths and output offsets that reach every step of the loop: the 64-sample
  /// blocks, the 8-sample vectors and the scalar tail, at every alignment of the output.
  static let tapCounts = [1, 2, 3, 15]
  static let counts = [0, 1, 7, 8, 9, 63, 64, 65, 130, 200]

  @Test(
    "rounds as scalar fused multiply-adds in tap order",
    .enabled(if: VectorInstructions.fusedMultiplyAddAvailable, "the processor has no AVX2 and FMA"),
    arguments: tapCounts)
  func matchesScalarFusedSums(taps: Int) {
    let width = 220
    let rows = (0..<taps).map { seededValues(width + 8, seed: UInt64(40 + $0)) }
    let weights = seededValues(taps, seed: 39)
    let sources = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: taps)
    let output = UnsafeMutablePointer<Float>.allocate(capacity: width + 16)
    defer {
      sources.deallocate()
      output.deallocate()
    }

    let storage = rows.map { row in
      let pointer = UnsafeMutablePointer<Float>.allocate(capacity: row.count)
      pointer.initialize(from: row, count: row.count)
      return pointer
    }
    defer { storage.forEach { $0.deallocate() } }

    for count in Self.counts {
      for shift in 0..<8 {
        for bias: Float in [0, 0.375] {
          for streams in [false, true] {
            for (index, row) in storage.enumerated() {
              sources[index] = UnsafePointer(row + shift)
            }
            output.update(repeating: .nan, count: width + 16)
            weights.withUnsafeBufferPointer { weights in
              RowKernels.weightedSum(
                sources: sources, weights: weights.baseAddress!, taps: taps, bias: bias,
                output: output + shift, count: count, streams: streams, fused: true)
            }

            let expected = (0..<count).map { x in
              Self.scalarFusedSum(rows.map { $0[x + shift] }, weights: weights, bias: bias)
            }
            let actual = Array(UnsafeBufferPointer(start: output + shift, count: count))
            let mismatch = actual.indices.first { actual[$0] != expected[$0] }
            #expect(
              mismatch == nil,
              "sample \(mismatch ?? 0): taps \(taps), count \(count), shift \(shift), bias \(bias), streams \(streams)")
            #expect(output[shift + count].isNaN, "wrote past the row")
          }
        }
      }
    }
  }

  /// Returns `weights[0] · values[0]`, then each later term added with one rounding.
  private static func scalarFusedSum(_ values: [Float], weights: [Float], bias: Float) -> Float {
    var sum = weights[0] * values[0]
    for tap in 1..<values.count {
      sum = sum.addingProduct(weights[tap], values[tap])
    }
    return bias == 0 ? sum : sum + bias
  }

  @Test("fused loop chosen per path")
  func correlatorChoice() throws {
    let options = ConvolutionOptions(padding: .same, border: .reflect101, groups: 3)
    let available = VectorInstructions.fusedMultiplyAddAvailable
    let cases: [(Kernel, Bool)] = [
      (try Kernel.gaussian(sigma: 3, size: 15), available),
      (try Kernel(rows: 7, columns: 7, values: seededValues(49, seed: 45)), available),
      (Kernel.sobelX, false),
      (try Kernel.box(size: 31), false),
    ]
    for (kernel, expected) in cases {
      let weight = kernel.depthwiseWeight(channels: 3)
      let automatic = try Correlator(inputShape: [3, 64, 64], weight: weight, options: options)
      let portable = try Correlator(
        inputShape: [3, 64, 64], weight: weight, options: options,
        execution: .init(vectorInstructions: .portable))
      #expect(automatic.usesFusedMultiplyAdd == expected, "\(kernel.rows)x\(kernel.columns)")
      #expect(!portable.usesFusedMultiplyAdd, "\(kernel.rows)x\(kernel.columns)")
    }
  }

  @Test(
    "fused and portable results differ by rounding only",
    .enabled(if: VectorInstructions.fusedMultiplyAddAvailable, "the processor has no AVX2 and FMA"))
  func fusedAgainstPortable() throws {
    let input = Tensor(shape: [3, 60, 150], scalars: seededValues(3 * 60 * 150, seed: 46))
    let weight = try Kernel.gaussian(sigma: 3, size: 15).depthwiseWeight(channels: 3)
    let options = ConvolutionOptions(padding: .same, border: .reflect101, groups: 3)

    let fused = try input.correlated(with: weight, options: options)
    let portable = try input.correlated(
      with: weight, options: options, execution: .init(vectorInstructions: .portable))
    let largest = zip(fused.scalars, portable.scalars).map { abs($0 - $1) }.max() ?? 0

    // Different roundings show in some samples, and they stay far below the values, which
    // are under 1.
    #expect(fused.scalars != portable.scalars, "the fused loop did not run")
    #expect(largest < 1e-6, "largest difference \(largest)")
  }
}

/// The paired column pass of `SeparableBand`, which must give the values of single rows.
@Suite("Fused row pairs")
struct FusedRowPairTests {
  @Test(
    "a pair of rows equals two single rows",
    .enabled(if: VectorInstructions.fusedMultiplyAddAvailable, "the processor has no AVX2 and FMA"),
    arguments: [1, 2, 5, 15])
  func pairEqualsSingles(taps: Int) {
    let width = 150
    let rows = (0...taps).map { seededValues(width, seed: UInt64(60 + $0)) }
    let weights = seededValues(taps, seed: 59)
    let sources = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: taps + 1)
    let storage = rows.map { row in
      let pointer = UnsafeMutablePointer<Float>.allocate(capacity: row.count)
      pointer.initialize(from: row, count: row.count)
      return pointer
    }
    let outputs = UnsafeMutablePointer<Float>.allocate(capacity: 4 * (width + 1))
    defer {
      sources.deallocate()
      storage.forEach { $0.deallocate() }
      outputs.deallocate()
    }
    for (index, row) in storage.enumerated() {
      sources[index] = UnsafePointer(row)
    }

    for count in FusedRowSumTests.counts where count <= width {
      let (first, second) = (outputs, outputs + width + 1)
      let (single, next) = (outputs + 2 * (width + 1), outputs + 3 * (width + 1))
      outputs.update(repeating: .nan, count: 4 * (width + 1))
      weights.withUnsafeBufferPointer { weights in
        let w = weights.baseAddress!
        RowKernels.fusedPairSum(
          sources: sources, weights: w, taps: taps, first: first, second: second, count: count,
          ahead: .none)
        RowKernels.weightedSum(sources: sources, weights: w, taps: taps, bias: 0, output: single, count: count, fused: true)
        RowKernels.weightedSum(sources: sources + 1, weights: w, taps: taps, bias: 0, output: next, count: count, fused: true)
      }

      let pair = (Array(UnsafeBufferPointer(start: first, count: count)), Array(UnsafeBufferPointer(start: second, count: count)))
      #expect(pair.0 == Array(UnsafeBufferPointer(start: single, count: count)), "first row, count \(count)")
      #expect(pair.1 == Array(UnsafeBufferPointer(start: next, count: count)), "second row, count \(count)")
      #expect(first[count].isNaN, "wrote past the first row, count \(count)")
      #expect(second[count].isNaN, "wrote past the second row, count \(count)")
    }
  }

  /// Depth slices of odd height and bands that end on an odd row leave some rows unpaired.
  /// Every row must still match the reference, and the thread count must not change them.
  @Test("separable rows pair within depth slices and bands")
  func pairsWithinSlices() throws {
    let shape = [2, 3, 37, 70]
    let input = Tensor(shape: shape, scalars: seededValues(shape.reduce(1, *), seed: 70))
    let kernel = try Kernel.gaussian(sigma: 1.5, size: 7)
    let weight = Tensor(shape: [2, 1, 1, 7, 7], scalars: kernel.values + kernel.values)
    let options = ConvolutionOptions(padding: .same, border: .reflect101, groups: 2)
    let bias: [Float] = [0.25, -0.5]

    let expected = try input.referenceCorrelated(with: weight, bias: bias, options: options)
    let correlator = try Correlator(
      inputShape: shape, weight: weight, bias: bias, options: options,
      execution: .init(algorithm: .separable, threadCount: 1))
    let single = correlator.run(input)
    let several = try input.correlated(
      with: weight, bias: bias, options: options,
      execution: .init(algorithm: .separable, threadCount: 3))

    #expect(correlator.usesFusedMultiplyAdd == VectorInstructions.fusedMultiplyAddAvailable)
    let largest = zip(single.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .nan
    #expect(largest < 1e-6, "largest difference from the reference \(largest)")
    #expect(several.scalars == single.scalars)
  }
}
