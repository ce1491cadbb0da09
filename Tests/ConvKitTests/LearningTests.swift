import Foundation
import Testing

@testable import ConvKit

/// Kernel learning on seeded synthetic textures, quantised the way PNG files store samples.
/// Recoveries from the sample photographs are in `LearnKernelCommandTests`, because this
/// target cannot decode PNG files.
@Suite struct LearningTests {
  // MARK: - Recovery

  @Test("shared sobel with offset bias from 16-bit")
  func sharedSobelWithOffset() throws {
    let input = Self.texture(channels: 1, size: 64, seed: 1, bits: 8)
    let target = Self.filtered(input, .kernel(.sobelX, bias: 0.5), bits: 16)

    var learner = KernelLearner(size: 3)
    learner.mode = .shared
    let learned = try learner.learn(input: input, target: target)

    #expect(Self.largestDifference(learned.weights.scalars, Kernel.sobelX.values) < 1e-3)
    #expect(abs(learned.bias[0] - 0.5) < 1e-3)
    #expect(learned.maximumWeightDifferenceFromLeastSquares < 1e-4)
    #expect(learned.stopReason != .maximumSteps)
  }

  @Test("depthwise gaussian per channel from 8-bit")
  func depthwiseGaussian() throws {
    let input = Self.texture(channels: 3, size: 64, seed: 2, bits: 8)
    let kernels = try [0.6, 0.8, 1.2].map { try Kernel.gaussian(sigma: $0, size: 3) }
    let target = Self.filtered(input, .depthwise(kernels, bias: [0, 0, 0]), bits: 8)

    let learned = try KernelLearner(size: 3).learn(input: input, target: target)

    #expect(learned.weights.shape == [3, 1, 3, 3])
    #expect(Self.largestDifference(learned.weights.scalars, kernels.flatMap(\.values)) < 5e-3)
    #expect(learned.maximumWeightDifferenceFromLeastSquares < 1e-4)
  }

  @Test("full channel mixing from 16-bit")
  func fullChannelMixing() throws {
    let input = Self.texture(channels: 3, size: 64, seed: 3, bits: 8)
    let weight = Self.mixingWeight()
    let target = Self.filtered(input, .full(weight: weight, bias: [0.05, -0.02, 0.1]), bits: 16)

    var learner = KernelLearner(size: 3)
    learner.mode = .full
    let learned = try learner.learn(input: input, target: target)

    #expect(learned.weights.shape == [3, 3, 3, 3])
    #expect(Self.largestDifference(learned.weights.scalars, weight.scalars) < 1e-3)
    #expect(Self.largestDifference(learned.bias, [0.05, -0.02, 0.1]) < 1e-3)
    #expect(learned.maximumWeightDifferenceFromLeastSquares < 1e-4)
  }

  @Test("full mode maps RGB to gray")
  func fullModeToFewerChannels() throws {
    let input = Self.texture(channels: 3, size: 48, seed: 4, bits: 8)
    let weight = Tensor(shape: [1, 3, 1, 1], scalars: [0.299, 0.587, 0.114])
    let target = Self.filtered(input, .full(weight: weight, bias: [0]), bits: 16)

    var learner = KernelLearner(size: 1)
    learner.mode = .full
    let learned = try learner.learn(input: input, target: target)

    #expect(Self.largestDifference(learned.weights.scalars, weight.scalars) < 1e-3)
  }

  @Test("valid target smaller by kernel size minus 1")
  func validTarget() throws {
    let input = Self.texture(channels: 1, size: 40, seed: 5, bits: 8)
    let kernel = try Kernel([[0.5, -0.25, 0], [0.125, 1, -0.5]])
    let valid = try input.correlated(with: kernel.weight, options: ConvolutionOptions(padding: .valid))

    let learner = KernelLearner(rows: 2, columns: 3)
    let learned = try learner.learn(input: input, target: valid)

    #expect(learned.padding == .valid)
    #expect(valid.shape == [1, 39, 38])
    #expect(Self.largestDifference(learned.weights.scalars, kernel.values) < 1e-4)
  }

  @Test("even kernel anchors like filter", arguments: [2, 4])
  func evenKernel(size: Int) throws {
    let input = Self.texture(channels: 1, size: 48, seed: 6, bits: 8)
    let kernel = try Kernel.box(size: size)
    let target = Self.filtered(input, .kernel(kernel), bits: 16)

    let learned = try KernelLearner(size: size).learn(input: input, target: target)

    #expect(Self.largestDifference(learned.weights.scalars, kernel.values) < 1e-3)
  }

  @Test("no bias keeps bias at zero")
  func noBias() throws {
    let input = Self.texture(channels: 1, size: 48, seed: 7, bits: 8)
    let target = Self.filtered(input, .kernel(.sharpen), bits: 16)

    var learner = KernelLearner(size: 3)
    learner.usesBias = false
    let learned = try learner.learn(input: input, target: target)

    #expect(learned.bias == [0])
    #expect(Self.largestDifference(learned.weights.scalars, Kernel.sharpen.values) < 1e-3)
    #expect(learned.maximumWeightDifferenceFromLeastSquares < 1e-4)
  }

  @Test("constant border is normalised")
  func constantBorder() throws {
    let input = Self.texture(channels: 1, size: 32, seed: 8, bits: 8)
    let kernel = try Kernel([[0.25, 0.5, 0], [0, 0.5, 0], [-0.25, 0, 0.1]])
    let target = try input.correlated(
      with: kernel.weight, bias: [0.05],
      options: ConvolutionOptions(padding: .same, border: .constant(0.3)))

    var learner = KernelLearner(size: 3)
    learner.border = .constant(0.3)
    let learned = try learner.learn(input: input, target: target)

    #expect(Self.largestDifference(learned.weights.scalars, kernel.values) < 1e-4)
    #expect(abs(learned.bias[0] - 0.05) < 1e-4)
  }

  // MARK: - Losses and optimizers

  @Test("losses and optimizers reach least squares", arguments: [
    (Loss.meanSquared, Optimizer.adam()),
    (Loss.meanAbsolute, Optimizer.sgd()),
    (Loss.huber(delta: Loss.defaultHuberDelta), Optimizer.sgd()),
    (Loss.meanSquared, Optimizer.sgd(momentum: 0.9)),
  ])
  func lossesAndOptimizers(loss: Loss, optimizer: Optimizer) throws {
    let input = Self.texture(channels: 1, size: 48, seed: 9, bits: 8)
    let target = Self.filtered(input, .kernel(.sobelX, bias: 0.5), bits: 16)

    var learner = KernelLearner(size: 3)
    learner.loss = loss
    learner.optimizer = optimizer
    learner.maximumSteps = 3000
    let learned = try learner.learn(input: input, target: target)

    #expect(Self.largestDifference(learned.weights.scalars, Kernel.sobelX.values) < 1e-3)
    #expect(learned.stopReason != .maximumSteps)
  }

  @Test("least squares solver takes no steps")
  func leastSquaresSolver() throws {
    let input = Self.texture(channels: 1, size: 48, seed: 10, bits: 8)
    let target = Self.filtered(input, .kernel(.emboss, bias: 0.1), bits: 16)

    var learner = KernelLearner(size: 3)
    learner.solver = .leastSquares
    let learned = try learner.learn(input: input, target: target)

    #expect(learned.steps == 0)
    #expect(learned.lossHistory.isEmpty)
    #expect(learned.stopReason == .solvedDirectly)
    #expect(learned.weights == learned.leastSquaresWeights)
    #expect(Self.largestDifference(learned.weights.scalars, Kernel.emboss.values) < 1e-3)
  }

  @Test("without preconditioning descent is slower")
  func preconditioningMatters() throws {
    let input = Self.texture(channels: 1, size: 48, seed: 11, bits: 8)
    let target = Self.filtered(input, .kernel(.sobelX, bias: 0.5), bits: 16)

    var learner = KernelLearner(size: 3)
    learner.maximumSteps = 20
    let full = try learner.learn(input: input, target: target)
    learner.preconditioning = .none
    let plain = try learner.learn(input: input, target: target)

    #expect(full.maximumWeightDifferenceFromLeastSquares < 1e-4)
    #expect(plain.maximumWeightDifferenceFromLeastSquares > 1e-2)
    #expect(plain.conditionNumber > 10)
  }

  // MARK: - Clipped samples

  @Test("clipped samples are left out")
  func clippedSamplesLeftOut() throws {
    let input = Self.texture(channels: 1, size: 48, seed: 12, bits: 8)
    let target = Self.filtered(input, .kernel(try Kernel.sobelX.divided(by: 0.25), bias: 0.5), bits: 16)
    let clipped = target.scalars.filter { $0 == 0 || $0 == 1 }.count

    let learned = try KernelLearner(size: 3).learn(input: input, target: target)

    #expect(clipped > 0)
    #expect(learned.excludedSamples == clipped)
    #expect(learned.includedSamples == target.count - clipped)
    #expect(Self.largestDifference(learned.weights.scalars, Kernel.sobelX.values.map { $0 * 4 }) < 1e-3)
  }

  @Test("all samples clipped is an error")
  func allSamplesClipped() {
    let input = Self.texture(channels: 1, size: 16, seed: 13, bits: 8)
    let target = Tensor(shape: input.shape, repeating: 1)

    #expect(throws: KernelLearningError.noSamples(excluded: 256)) {
      try KernelLearner(size: 3).learn(input: input, target: target)
    }
  }

  // MARK: - Random patches and determinism

  @Test("random patches are deterministic per seed")
  func randomPatchesDeterministic() throws {
    let input = Self.texture(channels: 1, size: 64, seed: 14, bits: 8)
    let target = Self.filtered(input, .kernel(.laplacian4, bias: 0.5), bits: 16)

    var learner = KernelLearner(size: 3)
    learner.batchPatches = 256
    learner.seed = 42
    let first = try learner.learn(input: input, target: target)
    let second = try learner.learn(input: input, target: target)
    learner.seed = 43
    let other = try learner.learn(input: input, target: target)

    #expect(first.weights == second.weights)
    #expect(first.bias == second.bias)
    #expect(first.lossHistory == second.lossHistory)
    #expect(first.lossHistory != other.lossHistory)
    #expect(Self.largestDifference(first.weights.scalars, Kernel.laplacian4.values) < 1e-3)
  }

  @Test("seeded random is reproducible")
  func seededRandom() {
    var first = SeededRandom(seed: 7)
    var second = SeededRandom(seed: 7)
    var other = SeededRandom(seed: 8)
    let a = (0..<8).map { _ in first.next() }

    #expect(a == (0..<8).map { _ in second.next() })
    #expect(a != (0..<8).map { _ in other.next() })

    var counts = [Int](repeating: 0, count: 5)
    for _ in 0..<5000 {
      counts[first.nextIndex(below: 5)] += 1
    }
    #expect(counts.allSatisfy { (900...1100).contains($0) }, "counts \(counts)")
  }

  // MARK: - Gradients

  @Test("loss gradients match finite differences", arguments: [
    Loss.meanSquared, Loss.meanAbsolute, Loss.huber(delta: 0.3),
  ])
  func lossGradient(loss: Loss) {
    let residuals: [Float] = [0.7, -0.4, 0.1, -0.05, 1.5, -0.9]
    let included = [true, true, true, false, true, true]
    let (_, gradient) = loss.evaluate(residuals: residuals, included: included, count: 5)
    let step: Float = 1e-3

    for index in residuals.indices {
      var plus = residuals
      var minus = residuals
      plus[index] += step
      minus[index] -= step
      let difference =
        loss.evaluate(residuals: plus, included: included, count: 5).value
        - loss.evaluate(residuals: minus, included: included, count: 5).value
      let numeric = difference / (2 * Double(step))
      #expect(abs(numeric - Double(gradient[index])) < 1e-4, "residual \(index)")
    }
  }

  @Test("parameter gradient matches finite differences", arguments: KernelFile.Mode.allCases)
  func parameterGradient(mode: KernelFile.Mode) throws {
    let input = Self.texture(channels: 2, size: 12, seed: 15, bits: 8)
    let target = Self.texture(channels: 2, size: 12, seed: 16, bits: 8)
    var learner = KernelLearner(size: 3)
    learner.mode = mode
    let problem = try LearningProblem(input: input, target: target, learner: learner)
    var random = SeededRandom(seed: 1)
    let parameters = (0..<problem.parameterCount).map { _ in Double(random.nextIndex(below: 1000)) / 2000 - 0.25 }

    let gradient = try problem.evaluate(parameters, loss: .meanSquared).gradient
    let step = 1e-2
    for index in parameters.indices {
      var plus = parameters
      var minus = parameters
      plus[index] += step
      minus[index] -= step
      let numeric =
        (try problem.evaluate(plus, loss: .meanSquared).loss
          - problem.evaluate(minus, loss: .meanSquared).loss) / (2 * step)
      #expect(abs(numeric - gradient[index]) < 1e-3 * max(1, abs(numeric)), "parameter \(index)")
    }
  }

  // MARK: - Errors

  @Test("size mismatch names both shapes")
  func sizeMismatch() {
    let input = Tensor(shape: [1, 20, 20], repeating: 0.5)
    let target = Tensor(shape: [1, 19, 20], repeating: 0.5)

    #expect(throws: KernelLearningError.sizeMismatch(
      input: [1, 20, 20], target: [1, 19, 20], kernelRows: 3, kernelColumns: 3)
    ) {
      try KernelLearner(size: 3).learn(input: input, target: target)
    }
    let message = KernelLearningError.sizeMismatch(
      input: [1, 20, 20], target: [1, 19, 20], kernelRows: 3, kernelColumns: 3).description
    #expect(message.contains("[1, 20, 20]"))
    #expect(message.contains("[1, 19, 20]"))
  }

  @Test("channel mismatch outside full mode")
  func channelMismatch() {
    let input = Tensor(shape: [3, 10, 10], repeating: 0.5)
    let target = Tensor(shape: [1, 10, 10], repeating: 0.5)

    #expect(throws: KernelLearningError.channelMismatch(
      input: [3, 10, 10], target: [1, 10, 10], mode: .depthwise)
    ) {
      try KernelLearner(size: 3).learn(input: input, target: target)
    }
  }

  @Test("huge learning rate diverges")
  func divergence() throws {
    let input = Self.texture(channels: 1, size: 24, seed: 17, bits: 8)
    let target = Self.filtered(input, .kernel(.sobelX, bias: 0.5), bits: 16)
    var learner = KernelLearner(size: 3)
    learner.learningRate = 1e30

    let error = #expect(throws: KernelLearningError.self) {
      try learner.learn(input: input, target: target)
    }
    guard case .diverged(_, _, let rate) = error else {
      Issue.record("expected diverged, got \(String(describing: error))")
      return
    }
    #expect(rate == 1e30)
  }

  @Test("invalid settings are rejected")
  func invalidSettings() {
    let input = Tensor(shape: [1, 8, 8], repeating: 0.5)
    var learner = KernelLearner(size: 3)
    learner.optimizer = .sgd(momentum: 1)

    #expect(throws: KernelLearningError.self) {
      try learner.learn(input: input, target: input)
    }
    learner = KernelLearner(size: 0)
    #expect(throws: KernelLearningError.self) {
      try learner.learn(input: input, target: input)
    }
  }

  // MARK: - Kernel file

  @Test("kernel file round trip through filter")
  func kernelFileRoundTrip() throws {
    let input = Self.texture(channels: 3, size: 40, seed: 18, bits: 8)
    let target = Self.filtered(input, .full(weight: Self.mixingWeight(), bias: [0.05, -0.02, 0.1]), bits: 16)
    var learner = KernelLearner(size: 3)
    learner.mode = .full
    let learned = try learner.learn(input: input, target: target)

    let text = learned.kernelFile(details: ["training": "{\"steps\": \(learned.steps)}"]).encoded()
    let file = try KernelFile.decode(Data(text.utf8), path: "learned.json")
    let filtered = try ImageFilter(filter: file.filter, border: file.border ?? .reflect101)
      .apply(to: input, hasAlpha: false)

    #expect(file.mode == .full)
    #expect(file.border == .reflect101)
    #expect(Self.largestDifference(filtered.scalars, target.scalars) < 1e-4)
  }

  // MARK: - Helpers

  /// Returns a 3x3 kernel per output and input channel that mixes RGB, with weights of
  /// both signs.
  static func mixingWeight() -> Tensor {
    let kernels: [[Float]] = [
      [0.05, 0.1, 0.05, 0.1, 0.3, 0.1, 0.05, 0.1, 0.05],
      [0, 0, 0, -0.1, 0.2, 0.1, 0, 0, 0],
      [0, -0.05, 0, 0, 0.1, 0, 0, 0.05, 0],
      [0, 0.1, 0, 0, 0.2, 0, 0, -0.1, 0],
      [0, 0.05, 0, 0.05, 0.5, 0.05, 0, 0.05, 0],
      [0.02, 0, -0.02, 0.04, 0.1, -0.04, 0.02, 0, -0.02],
      [0.1, 0, 0, 0, 0, 0, 0, 0, -0.1],
      [0, 0, 0, 0, 0.3, 0, 0, 0, 0],
      [0.05, 0.05, 0.05, 0.05, 0.2, 0.05, 0.05, 0.05, 0.05],
    ]
    return Tensor(shape: [3, 3, 3, 3], scalars: kernels.flatMap { $0 })
  }

  /// Returns a `channels` x `size` x `size` texture quantised to `bits`: seeded noise,
  /// blurred so neighbours correlate as in photographs, with channels sharing half their
  /// signal.
  static func texture(channels: Int, size: Int, seed: UInt64, bits: Int) -> Tensor {
    var random = SeededRandom(seed: seed)
    let plane = size * size
    let shared = (0..<plane).map { _ in Float(random.nextIndex(below: 1 << 16)) / 65536 }
    var scalars: [Float] = []
    for _ in 0..<channels {
      scalars += shared.map { 0.5 * $0 + 0.5 * Float(random.nextIndex(below: 1 << 16)) / 65536 }
    }
    let noise = Tensor(shape: [channels, size, size], scalars: scalars)
    let blurred = try! Filter.kernel(try! Kernel.gaussian(sigma: 0.7, size: 3))
      .apply(to: noise, border: .reflect101)
    let stretched = blurred.scalars.map { 0.05 + 0.9 * min(max(($0 - 0.25) * 2, 0), 1) }
    return quantised(Tensor(shape: blurred.shape, scalars: stretched), bits: bits)
  }

  /// Returns `input` through `filter` with clamping, quantised to `bits` as a PNG file
  /// of that depth stores it.
  static func filtered(_ input: Tensor, _ filter: Filter, bits: Int) -> Tensor {
    let output = try! ImageFilter(filter: filter).apply(to: input, hasAlpha: false)
    return quantised(output, bits: bits)
  }

  /// Rounds to the nearest of `2^bits` levels, ties away from zero, as PNG writing does.
  static func quantised(_ tensor: Tensor, bits: Int) -> Tensor {
    let levels = Float((1 << bits) - 1)
    return Tensor(
      shape: tensor.shape,
      scalars: tensor.scalars.map { (min(max($0, 0), 1) * levels).rounded() / levels })
  }

  static func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
  }
}
