import ConvKit
import ConvKitPNG
import Foundation
import Testing

/// Kernel learning on crops of the sample photographs, with pairs made through
/// `ImageFilter` and PNG encoding, and `convkit learn-kernel` run end to end.
@Suite("convkit learn-kernel")
struct LearnKernelCommandTests {
  // MARK: - Recovery on crops

  @Test("sobel-x with offset from a 16-bit camera crop")
  func sobelFromCamera() throws {
    let input = try Self.crop("camera.png")
    let target = try Self.pair(input, .kernel(.sobelX), mapping: .offset, bitDepth: 16)

    let learned = try KernelLearner(size: 3).learn(input: input.pixels, target: target.pixels)

    #expect(Self.largestDifference(learned.weights.scalars, Kernel.sobelX.values) < 1e-3)
    #expect(abs(learned.bias[0] - 0.5) < 1e-3)
    #expect(Self.largestDifference(learned.leastSquaresWeights.scalars, Kernel.sobelX.values) < 1e-3)
    #expect(learned.maximumWeightDifferenceFromLeastSquares < 1e-4)
    #expect(learned.excludedSamples > 0)
  }

  @Test("gaussian from an 8-bit camera crop")
  func gaussianFromCamera() throws {
    let kernel = try Kernel.gaussian(sigma: 0.8, size: 3)
    let input = try Self.crop("camera.png")
    let target = try Self.pair(input, .kernel(kernel), mapping: .clamp, bitDepth: 8)

    var learner = KernelLearner(size: 3)
    learner.mode = .shared
    let learned = try learner.learn(input: input.pixels, target: target.pixels)

    #expect(Self.largestDifference(learned.weights.scalars, kernel.values) < 5e-3)
    #expect(Self.largestDifference(learned.leastSquaresWeights.scalars, kernel.values) < 5e-3)
    #expect(learned.maximumWeightDifferenceFromLeastSquares < 1e-4)
  }

  @Test("channel mixing from a 16-bit astronaut crop")
  func channelMixingFromAstronaut() throws {
    let weight = Self.mixingWeight()
    let bias: [Float] = [0.05, -0.02, 0.1]
    let input = try Self.crop("astronaut.png")
    let target = try Self.pair(input, .full(weight: weight, bias: bias), mapping: .clamp, bitDepth: 16)

    var learner = KernelLearner(size: 3)
    learner.mode = .full
    let learned = try learner.learn(input: input.pixels, target: target.pixels)

    #expect(Self.largestDifference(learned.weights.scalars, weight.scalars) < 1e-3)
    #expect(Self.largestDifference(learned.bias, bias) < 1e-3)
    #expect(Self.largestDifference(learned.leastSquaresWeights.scalars, weight.scalars) < 1e-3)
    #expect(learned.maximumWeightDifferenceFromLeastSquares < 1e-4)
  }

  // MARK: - End to end

  @Test("learned kernel file reproduces the target through filter")
  func roundTrip() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try Self.crop("camera.png").write(to: folder.file("input.png"))
    let made = try ConvKitRun.run([
      "filter", folder.file("input.png"), "--kernel", "sobel-x", "--output", "offset",
      "--depth", "16", "-o", folder.file("target.png"),
    ])

    let learned = try ConvKitRun.run([
      "learn-kernel", folder.file("input.png"), folder.file("target.png"), "--size", "3",
      "-o", folder.file("kernel.json"), "--loss-plot", folder.file("loss.png"),
      "--kernel-image", folder.file("kernel.png"),
    ])
    let applied = try ConvKitRun.run([
      "filter", folder.file("input.png"), "--kernel-file", folder.file("kernel.json"),
      "--depth", "16", "-o", folder.file("again.png"),
    ])

    #expect(made.status == 0)
    #expect(learned.status == 0, "\(learned.standardError)")
    #expect(applied.status == 0, "\(applied.standardError)")
    let target = try PNGImage(contentsOf: folder.file("target.png"))
    let again = try PNGImage(contentsOf: folder.file("again.png"))
    #expect(Self.largestDifference(target.pixels.scalars, again.pixels.scalars) <= 2 / 65535)
  }

  @Test("report, notes and plots")
  func reportAndPlots() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = try Self.crop("camera.png")
    try input.write(to: folder.file("input.png"))
    try Self.pair(input, .kernel(.sobelX), mapping: .offset, bitDepth: 16).write(to: folder.file("target.png"))

    let run = try ConvKitRun.run([
      "learn-kernel", folder.file("input.png"), folder.file("target.png"), "--mode", "shared",
      "-o", folder.file("kernel.json"), "--loss-plot", folder.file("loss.png"),
      "--kernel-image", folder.file("kernel.png"),
    ])
    let report = String(decoding: run.standardOutput, as: UTF8.self)

    #expect(run.status == 0)
    #expect(report.contains("learned 3x3 kernel, mode shared"))
    #expect(report.contains("bias: 0.5"))
    #expect(report.contains("psnr: "))
    #expect(report.contains("least squares: largest weight difference from gd"))
    #expect(run.standardError.contains("assuming same-size output with border reflect101"))
    #expect(run.standardError.contains("that are exactly 0 or 1 (clipped)"))
    #expect(run.errorLines.contains { $0.hasPrefix("step 0/1000  loss ") })
    #expect(!run.standardError.contains("\r"))

    let lossPlot = try PNGImage(contentsOf: folder.file("loss.png"))
    let kernelImage = try PNGImage(contentsOf: folder.file("kernel.png"))
    #expect(lossPlot.layout == .rgb)
    #expect(kernelImage.width == 3 * 24 + 2 * 12)
  }

  @Test("kernel file carries mode, border and training summary")
  func kernelFileDetails() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = try Self.crop("astronaut.png", size: 64)
    try input.write(to: folder.file("input.png"))
    let target = try Self.pair(input, .full(weight: Self.mixingWeight(), bias: [0, 0, 0]), mapping: .clamp, bitDepth: 16)
    try target.write(to: folder.file("target.png"))

    let run = try ConvKitRun.run([
      "learn-kernel", folder.file("input.png"), folder.file("target.png"), "--mode", "full",
      "--border", "symmetric", "-o", "-", "-q",
    ])
    let json = try JSONSerialization.jsonObject(with: run.standardOutput) as? [String: Any]
    let training = json?["training"] as? [String: Any]

    #expect(run.status == 0, "\(run.standardError)")
    #expect(json?["mode"] as? String == "full")
    #expect(json?["border"] as? String == "symmetric")
    #expect(training?["solver"] as? String == "gd")
    #expect(training?["loss"] as? String == "mse")
    #expect((training?["loss_history"] as? [String: Any])?["first"] is Double)
    #expect(run.standardError.contains("learned 3x3 kernel, mode full"))
  }

  @Test("alpha channel is ignored with a note")
  func alphaIgnored() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = try Self.crop("horse.png", size: 64)
    try input.write(to: folder.file("input.png"))
    try Self.pair(input, .kernel(.sharpen), mapping: .clamp, bitDepth: 8).write(to: folder.file("target.png"))

    let run = try ConvKitRun.run([
      "learn-kernel", folder.file("input.png"), folder.file("target.png"), "-q",
    ])

    #expect(input.layout == .rgba)
    #expect(run.status == 0, "\(run.standardError)")
    #expect(run.standardError.contains("has an alpha channel; it is ignored"))
    #expect(String(decoding: run.standardOutput, as: UTF8.self).contains("channel 3:"))
  }

  @Test("valid target is recognised")
  func validTarget() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = try Self.crop("camera.png", size: 64)
    try input.write(to: folder.file("input.png"))
    let valid = try input.pixels.correlated(
      with: Kernel.laplacian4.weight, bias: [0.5], options: ConvolutionOptions(padding: .valid))
    try PNGImage(pixels: valid, layout: .gray, bitDepth: 16).write(to: folder.file("target.png"))

    let run = try ConvKitRun.run([
      "learn-kernel", folder.file("input.png"), folder.file("target.png"), "-q",
    ])

    #expect(run.status == 0, "\(run.standardError)")
    #expect(run.standardError.contains("assuming valid output"))
    #expect(String(decoding: run.standardOutput, as: UTF8.self).contains("valid target (no padding)"))
  }

  // MARK: - Errors

  @Test("size mismatch exits 1 naming both shapes")
  func sizeMismatch() throws {
    let run = try ConvKitRun.run([
      "learn-kernel", Repository.sampleImage("camera.png"), Repository.sampleImage("coins.png"),
    ])

    #expect(run.status == 1)
    #expect(run.standardError.contains("[1, 303, 384]"))
    #expect(run.standardError.contains("[1, 512, 512]"))
  }

  @Test("channel mismatch exits 1")
  func channelMismatch() throws {
    let run = try ConvKitRun.run([
      "learn-kernel", Repository.sampleImage("camera.png"), Repository.sampleImage("astronaut.png"),
    ])

    #expect(run.status == 1)
    #expect(run.standardError.contains("mode depthwise needs equal channel counts"))
  }

  @Test("usage errors exit 64", arguments: [
    ["--size", "0"],
    ["--mode", "mixed"],
    ["--solver", "lstsq", "--optimizer", "adam"],
    ["--optimizer", "adam", "--momentum", "0.9"],
    ["--seed", "1"],
    ["--huber-delta", "0.1"],
    ["--loss-plot", Repository.sampleImage("camera.png")],
  ])
  func usageErrors(arguments: [String]) throws {
    let run = try ConvKitRun.run(
      ["learn-kernel", Repository.sampleImage("camera.png"), Repository.sampleImage("camera.png")]
        + arguments)

    #expect(run.status == 64, "\(run.standardError)")
    #expect(run.standardError.hasPrefix("convkit learn-kernel: error: "))
  }

  @Test("divergence suggests a lower learning rate")
  func divergence() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = try Self.crop("camera.png", size: 32)
    try input.write(to: folder.file("input.png"))
    try Self.pair(input, .kernel(.sobelX), mapping: .offset, bitDepth: 16).write(to: folder.file("target.png"))

    let run = try ConvKitRun.run([
      "learn-kernel", folder.file("input.png"), folder.file("target.png"), "-q",
      "--learning-rate", "1e30",
    ])

    #expect(run.status == 1)
    #expect(run.standardError.contains("give a lower --learning-rate"))
  }

  @Test("a rising loss without NaN is divergence", arguments: [
    ["--loss", "l1", "--learning-rate", "1e30"], ["--learning-rate", "3", "--steps", "8"],
  ])
  func risingLoss(options: [String]) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = try Self.crop("camera.png", size: 32)
    try input.write(to: folder.file("input.png"))
    try Self.pair(input, .kernel(.sobelX), mapping: .offset, bitDepth: 16).write(to: folder.file("target.png"))

    let run = try ConvKitRun.run(
      ["learn-kernel", folder.file("input.png"), folder.file("target.png"), "-q", "-o", folder.file("k.json")]
        + options)

    #expect(run.status == 1)
    #expect(run.standardError.contains("give a lower --learning-rate"))
    #expect(!FileManager.default.fileExists(atPath: folder.file("k.json")))
  }

  @Test("more random patches than output positions is rejected")
  func tooManyPatches() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = try Self.crop("camera.png", size: 16)
    try input.write(to: folder.file("input.png"))
    try Self.pair(input, .kernel(.sharpen), mapping: .clamp, bitDepth: 8).write(to: folder.file("target.png"))

    let run = try ConvKitRun.run([
      "learn-kernel", folder.file("input.png"), folder.file("target.png"), "-q", "--batch-patches", "1000",
    ])

    #expect(run.status != 0)
    #expect(run.standardError.contains("at most the 256 output positions"))
  }

  // MARK: - Helpers

  /// Returns a `size` x `size` crop from the middle of a sample image, kept at 8 bits.
  static func crop(_ name: String, size: Int = 96) throws -> PNGImage {
    let image = try PNGImage(contentsOf: Repository.sampleImage(name))
    let shape = image.pixels.shape
    let (top, left) = ((shape[1] - size) / 2, (shape[2] - size) / 2)
    var scalars: [Float] = []
    for channel in 0..<shape[0] {
      for row in top..<(top + size) {
        let start = (channel * shape[1] + row) * shape[2] + left
        scalars += image.pixels.scalars[start..<(start + size)]
      }
    }
    return PNGImage(
      pixels: Tensor(shape: [shape[0], size, size], scalars: scalars), layout: image.layout,
      bitDepth: 8)
  }

  /// Returns `input` filtered as `convkit filter` does, stored and read back at `bitDepth`.
  static func pair(
    _ input: PNGImage, _ filter: Filter, mapping: OutputMapping, bitDepth: Int
  ) throws -> PNGImage {
    let filtered = try ImageFilter(filter: filter, mapping: mapping)
      .apply(to: input.pixels, hasAlpha: input.layout.hasAlpha)
    let image = PNGImage(pixels: filtered, layout: input.layout, bitDepth: bitDepth)
    return try PNGImage.decode(image.encoded(), name: "pair")
  }

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

  static func largestDifference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
  }
}
