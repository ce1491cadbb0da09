/// A 3D filter for volumes `[C, D, H, W]`, such as a stack of image slices.
public enum VolumeFilter: Equatable, Sendable {
  /// One kernel `[depth, height, width]` applied to every channel on its own.
  case kernel(Tensor)

  /// `sqrt(Σ g_i²)` per channel, where each `g_i` is the result of one kernel.
  case gradientMagnitude([Tensor])

  /// The names `named(_:parameters:)` accepts.
  public static let names = ["gaussian3d", "sobel3d", "box3d"]

  /// Returns the named 3D filter.
  ///
  /// - `gaussian3d`: Gaussian blur in all three axes (`--sigma`, default 1; `--size`,
  ///   default `2 * ceil(3 * sigma) + 1`), the outer product of three 1D Gaussians.
  /// - `sobel3d`: gradient magnitude of the three 3x3x3 Sobel derivatives, each the
  ///   derivative `[-1, 0, 1]` along one axis times the smoothing `[1, 2, 1]` along the
  ///   other two, as `scipy.ndimage.sobel` computes them.
  /// - `box3d`: mean of a size x size x size cube (`--size`, default 3).
  ///
  /// - Throws: `KernelError.unknownName` with a suggestion, or a parameter error.
  public static func named(_ name: String, parameters: KernelParameters = .init())
    throws(KernelError) -> VolumeFilter
  {
    let accepted: [KernelParameter]
    switch name {
    case "gaussian3d": accepted = [.sigma, .size]
    case "box3d": accepted = [.size]
    case "sobel3d": accepted = []
    default:
      throw .unknownName(name, suggestion: Suggestion.closest(to: name, among: names))
    }
    if let unused = parameters.given.first(where: { !accepted.contains($0) }) {
      throw .unusedParameter(
        kernel: name, name: "--\(unused.rawValue)", accepted: accepted.map { "--\($0.rawValue)" })
    }

    switch name {
    case "gaussian3d":
      let row: Kernel
      do {
        row = try Kernel.gaussianRow(sigma: parameters.sigma ?? 1, size: parameters.size)
      } catch .invalidParameter(_, let parameter, let value, let expected) {
        throw .invalidParameter(kernel: name, name: parameter, value: value, expected: expected)
      } catch {
        throw error
      }
      return .kernel(outerProduct(row.values, row.values, row.values))
    case "box3d":
      let size = parameters.size ?? 3
      guard (1...Kernel.maximumSide).contains(size) else {
        throw .invalidParameter(
          kernel: "box3d", name: "size", value: "\(size)",
          expected: "an integer from 1 to \(Kernel.maximumSide)")
      }
      let mean = [Float](repeating: 1 / Float(size), count: size)
      return .kernel(outerProduct(mean, mean, mean))
    default:
      let smooth: [Float] = [1, 2, 1]
      let derivative: [Float] = [-1, 0, 1]
      return .gradientMagnitude([
        outerProduct(derivative, smooth, smooth),
        outerProduct(smooth, derivative, smooth),
        outerProduct(smooth, smooth, derivative),
      ])
    }
  }

  /// Returns the filtered volume, as large as the input, with the outside extended by
  /// `border`, computed as `execution` sets.
  ///
  /// - Parameter volume: `[C, D, H, W]`.
  /// - Throws: `ConvolutionError` when the volume is not rank 4, or the algorithm set in
  ///   `execution` cannot compute a correlation.
  public func apply(
    to volume: Tensor, border: BorderMode, execution: ExecutionOptions = .automatic
  ) throws(ConvolutionError) -> Tensor {
    let correlators = try correlators(volumeShape: volume.shape, border: border, execution: execution)
    guard correlators.count > 1 else {
      return correlators[0].run(volume)
    }

    var sumOfSquares = [Float](repeating: 0, count: volume.count)
    for correlator in correlators {
      let derivative = correlator.run(volume)
      for index in sumOfSquares.indices {
        sumOfSquares[index] += derivative.scalars[index] * derivative.scalars[index]
      }
    }
    return Tensor(shape: volume.shape, scalars: sumOfSquares.map { $0.squareRoot() })
  }

  /// Returns the algorithm of each correlation that `apply(to:border:execution:)` runs on a
  /// volume of shape `volumeShape`: one, or one per kernel of `gradientMagnitude`.
  ///
  /// - Throws: as `apply(to:border:execution:)`.
  public func algorithms(
    volumeShape: [Int], border: BorderMode, execution: ExecutionOptions = .automatic
  ) throws(ConvolutionError) -> [ConvolutionAlgorithm] {
    try correlators(volumeShape: volumeShape, border: border, execution: execution).map(\.algorithm)
  }

  /// Returns whether any correlation that `apply(to:border:execution:)` runs on a volume of
  /// shape `volumeShape` sums its rows with the fused multiply-add loop (see
  /// `VectorInstructions`).
  ///
  /// - Throws: as `apply(to:border:execution:)`.
  public func usesFusedMultiplyAdd(
    volumeShape: [Int], border: BorderMode, execution: ExecutionOptions = .automatic
  ) throws(ConvolutionError) -> Bool {
    try correlators(volumeShape: volumeShape, border: border, execution: execution)
      .contains { $0.usesFusedMultiplyAdd }
  }

  /// Prepares the correlations of `apply(to:border:execution:)`, one per kernel.
  private func correlators(
    volumeShape: [Int], border: BorderMode, execution: ExecutionOptions
  ) throws(ConvolutionError) -> [Correlator] {
    guard volumeShape.count == 4 else {
      throw .rankMismatch(input: volumeShape, weight: [volumeShape.first ?? 1, 1, 1, 1, 1])
    }
    let channels = volumeShape[0]
    let options = ConvolutionOptions(padding: .same, border: border, groups: channels)
    let kernels: [Tensor]
    switch self {
    case .kernel(let kernel): kernels = [kernel]
    case .gradientMagnitude(let derivatives): kernels = derivatives
    }

    var correlators: [Correlator] = []
    for kernel in kernels {
      correlators.append(
        try Correlator(
          inputShape: volumeShape, weight: Self.depthwise(kernel, channels: channels),
          options: options, execution: execution))
    }
    return correlators
  }

  private static func depthwise(_ kernel: Tensor, channels: Int) -> Tensor {
    Tensor(
      shape: [channels, 1] + kernel.shape,
      scalars: Array([[Float]](repeating: kernel.scalars, count: channels).joined()))
  }

  /// `result[z, y, x] = depth[z] · height[y] · width[x]`.
  private static func outerProduct(_ depth: [Float], _ height: [Float], _ width: [Float]) -> Tensor {
    var values: [Float] = []
    values.reserveCapacity(depth.count * height.count * width.count)
    for z in depth {
      for y in height {
        for x in width {
          values.append(z * y * x)
        }
      }
    }
    return Tensor(shape: [depth.count, height.count, width.count], scalars: values)
  }
}
