import ConvKit

/// One fixed benchmark workload.
struct Workload {
  let name: String
  let summary: String
  /// Output pixels (all channels) per run, in millions.
  let megapixels: Double
  /// Bytes one run must read and write at least: the input once and the output once.
  let bytesMoved: Double
  /// Whether the thread count applies; end-to-end runs use the command's default.
  let usesThreads: Bool
  /// Runs the workload once on `threads` threads and returns a checksum, or the outcome of
  /// the process for end-to-end workloads.
  let run: (_ threads: Int) -> WorkloadResult
}

enum WorkloadResult {
  case checksum(Double)
  case process(ProcessRun)
}

/// Returns the image workloads: each kernel on every channel of a `size` x `size` x 3 float
/// image, reflect101 border, output as large as the input in a preallocated tensor, with the
/// vector instructions of `execution`.
func imageWorkloads(size: Int, execution: ExecutionOptions) -> [Workload] {
  let image = Tensor(
    shape: [3, size, size], scalars: pseudoRandomFloats(count: 3 * size * size, seed: 1))
  let randomKernel = try! Kernel(
    rows: 7, columns: 7, values: pseudoRandomFloats(count: 49, seed: 3).map { $0 - 0.5 })
  let largeRandomKernel = try! Kernel(
    rows: 31, columns: 31, values: pseudoRandomFloats(count: 961, seed: 4).map { $0 - 0.5 })
  let kernels: [(String, String, Kernel)] = [
    ("sobel-x-3x3", "3x3 Sobel-x", .sobelX),
    ("sharpen-3x3", "3x3 sharpen", .sharpen),
    ("gaussian-5x5", "5x5 Gaussian, sigma 1", try! .gaussian(sigma: 1, size: 5)),
    ("gaussian-15x15", "15x15 Gaussian, sigma 3", try! .gaussian(sigma: 3, size: 15)),
    ("box-31x31", "31x31 box", try! .box(size: 31)),
    ("random-7x7", "7x7 random (not separable)", randomKernel),
    ("random-31x31", "31x31 random (not separable)", largeRandomKernel),
  ]
  let megapixels = Double(image.count) / 1e6
  let bytes = Double(image.count * 2 * MemoryLayout<Float>.size)

  return kernels.map { name, summary, kernel in
    let weight = kernel.depthwiseWeight(channels: 3)
    var options = ConvolutionOptions.filtering(border: .reflect101)
    options.groups = 3
    nonisolated(unsafe) var output = Tensor(shape: [3, size, size])
    return Workload(
      name: name, summary: summary, megapixels: megapixels, bytesMoved: bytes, usesThreads: true
    ) { threads in
      var settings = execution
      settings.threadCount = threads
      filter(image, weight: weight, options: options, execution: settings, into: &output)
      return .checksum(output.scalars.withUnsafeBufferPointer(checksum))
    }
  }
}

/// Returns the gradient step of a learning loop. It is the forward correlation of a
/// `[1, 3, size, size]` input with a `[3, 3, 3, 3]` weight (every output channel mixes every
/// input channel) with zero padding to the same size, then the gradients with respect to
/// input, weight and bias.
func gradientWorkload(size: Int, execution: ExecutionOptions) -> Workload {
  let input = Tensor(
    shape: [1, 3, size, size], scalars: pseudoRandomFloats(count: 3 * size * size, seed: 5))
  let weight = Tensor(
    shape: [3, 3, 3, 3], scalars: pseudoRandomFloats(count: 81, seed: 9).map { $0 - 0.5 })
  let target = Tensor(
    shape: [1, 3, size, size], scalars: pseudoRandomFloats(count: 3 * size * size, seed: 11))
  let options = ConvolutionOptions(padding: .same, border: .zero)
  let bias: [Float] = [0.1, -0.1, 0]

  return Workload(
    name: "gradient-3x3-\(size)", summary: "3x3 gradient step, \(size)x\(size)x3",
    megapixels: Double(input.count) / 1e6,
    bytesMoved: Double(input.count * 4 * MemoryLayout<Float>.size), usesThreads: true
  ) { threads in
    var settings = execution
    settings.threadCount = threads
    let step = gradientStep(
      input: input, weight: weight, bias: bias, target: target, options: options,
      execution: settings)
    return .checksum(step)
  }
}

/// Returns the end-to-end workloads: `convkit filter` on a PNG file, timed as a whole
/// process.
func endToEndWorkloads(convkit: String, image: String, size: Int, compression: String?) -> [Workload] {
  let runs: [(String, String, [String])] = [
    ("png-sobel", "PNG sobel magnitude, end to end", ["--kernel", "sobel"]),
    ("png-gaussian", "PNG Gaussian sigma 1, end to end", ["--kernel", "gaussian", "--sigma", "1"]),
  ]
  let compressionArguments = compression.map { ["--compression", $0] } ?? []
  return runs.map { name, summary, arguments in
    Workload(
      name: name, summary: summary, megapixels: Double(3 * size * size) / 1e6,
      bytesMoved: Double(3 * size * size * 2), usesThreads: false
    ) { _ in
      let output = "/tmp/convkit-bench-\(name)-out.png"
      let command = [convkit, "filter", image, "-o", output] + arguments + compressionArguments
      guard let run = runProcess(command), run.status == 0 else {
        fatalError("failed to run \(command.joined(separator: " "))")
      }
      return .process(run)
    }
  }
}
