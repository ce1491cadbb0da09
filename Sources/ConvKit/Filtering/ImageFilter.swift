/// Filters an image tensor `[C, H, W]` with values in [0, 1], handling alpha.
///
/// The alpha rule, when `hasAlpha` is true and the last channel is alpha:
/// - a smoothing filter (every weight zero or positive, as in blurs) runs on colour
///   premultiplied by alpha and on alpha itself, then divides by the filtered alpha. A
///   transparent pixel then adds nothing to its neighbours, so no dark halo appears;
/// - any other filter (edges, sharpen, custom kernels with negative weights) runs on the
///   colour channels as stored and copies alpha unchanged, so alpha never turns into edges.
public struct ImageFilter: Sendable {
  /// The filter applied to the colour channels.
  public var filter: Filter

  /// The border rule for samples outside the image.
  public var border: BorderMode

  /// The mapping of results into [0, 1].
  public var mapping: OutputMapping

  /// The algorithm and thread count of the correlations; the algorithm is chosen per
  /// kernel and every core is used unless set.
  public var execution: ExecutionOptions = .automatic

  public init(filter: Filter, border: BorderMode = .reflect101, mapping: OutputMapping = .clamp) {
    self.filter = filter
    self.border = border
    self.mapping = mapping
  }

  /// Returns the filtered image, with as many channels as the filter produces plus alpha.
  ///
  /// - Throws: `ConvolutionError` when the image's colour channels do not fit the filter.
  public func apply(to image: Tensor, hasAlpha: Bool) throws(ConvolutionError) -> Tensor {
    try apply(to: image, hasAlpha: hasAlpha, rows: .same)
  }

  /// Returns the filtered image, its rows padded as `rows` sets (see
  /// `Filter.apply(to:border:execution:rows:)`).
  func apply(to image: Tensor, hasAlpha: Bool, rows: Padding) throws(ConvolutionError) -> Tensor {
    precondition(image.rank == 3, "an image tensor is [channels, height, width], got \(image.shape)")
    let channels = image.shape[0]
    guard hasAlpha, channels >= 2 else {
      return mapped(try filter.apply(to: image, border: border, execution: execution, rows: rows))
    }

    let (colour, alpha) = Self.split(image)
    if filter.isSmoothing {
      return try applyPremultiplied(colour: colour, alpha: alpha, rows: rows)
    }
    let filtered = mapped(try filter.apply(to: colour, border: border, execution: execution, rows: rows))
    // Output row i is centred on input row i + kernel rows / 2 - the padding above.
    let kernelRows = filter.kernelSize.rows
    let above = rows.amounts(axis: 0, kernelSize: kernelRows, dilation: 1).before
    let first = kernelRows / 2 - above
    let keptAlpha = alpha.rows(first..<(first + filtered.shape[1]))
    return Self.join(filtered, keptAlpha)
  }

  /// Returns the algorithm of each correlation that `apply(to:hasAlpha:)` runs on the
  /// colour channels of an image of shape `imageShape` (`[C, H, W]`), as
  /// `Filter.algorithms(inputShape:border:execution:)` reports it.
  ///
  /// - Throws: `ConvolutionError` when the colour channels do not fit the filter, or the
  ///   algorithm set in `execution` cannot compute a correlation.
  public func algorithms(imageShape: [Int], hasAlpha: Bool) throws(ConvolutionError) -> [ConvolutionAlgorithm] {
    try filter.algorithms(
      inputShape: Self.colourShape(of: imageShape, hasAlpha: hasAlpha), border: border,
      execution: execution)
  }

  /// Returns whether `apply(to:hasAlpha:)` sums rows of the colour channels with the fused
  /// multiply-add loop, as `Filter.usesFusedMultiplyAdd(inputShape:border:execution:)`
  /// reports it.
  ///
  /// - Throws: as `algorithms(imageShape:hasAlpha:)`.
  public func usesFusedMultiplyAdd(imageShape: [Int], hasAlpha: Bool) throws(ConvolutionError) -> Bool {
    try filter.usesFusedMultiplyAdd(
      inputShape: Self.colourShape(of: imageShape, hasAlpha: hasAlpha), border: border,
      execution: execution)
  }

  /// Returns the shape of an image's colour channels: one channel fewer with alpha.
  static func colourShape(of imageShape: [Int], hasAlpha: Bool) -> [Int] {
    var shape = imageShape
    if hasAlpha, imageShape[0] >= 2 {
      shape[0] -= 1
    }
    return shape
  }

  private func applyPremultiplied(
    colour: Tensor, alpha: Tensor, rows: Padding
  ) throws(ConvolutionError) -> Tensor {
    let plane = alpha.count
    var premultiplied = colour
    for index in premultiplied.scalars.indices {
      premultiplied.scalars[index] *= alpha.scalars[index % plane]
    }

    let filteredColour = try filter.apply(
      to: premultiplied, border: border, execution: execution, rows: rows)
    let filteredAlpha = try Filter.kernel(Self.smoothingKernel(of: filter), bias: 0).apply(
      to: alpha, border: border, execution: execution.choosingAlgorithm,
      rows: rows)

    var straight = filteredColour
    let filteredPlane = filteredAlpha.count
    for index in straight.scalars.indices {
      let a = filteredAlpha.scalars[index % filteredPlane]
      straight.scalars[index] = a > 0 ? straight.scalars[index] / a : 0
    }
    return Self.join(mapped(straight), Tensor(
      shape: filteredAlpha.shape, scalars: OutputMapping.clamp.apply(to: filteredAlpha.scalars)))
  }

  /// The kernel that blurs alpha for a smoothing filter: the filter's own kernel, or the
  /// mean of its per-channel kernels.
  static func smoothingKernel(of filter: Filter) -> Kernel {
    switch filter {
    case .kernel(let kernel, _):
      return kernel
    case .depthwise(let kernels, _):
      let sum = kernels.dropFirst().reduce(kernels[0].values) { total, kernel in
        zip(total, kernel.values).map(+)
      }
      let mean = sum.map { $0 / Float(kernels.count) }
      return try! Kernel(rows: kernels[0].rows, columns: kernels[0].columns, values: mean)
    case .full(let weight, _):
      let taps = weight.shape[2] * weight.shape[3]
      let kernels = weight.count / taps
      var mean = [Float](repeating: 0, count: taps)
      for index in weight.scalars.indices {
        mean[index % taps] += weight.scalars[index] / Float(kernels) * Float(weight.shape[1])
      }
      return try! Kernel(rows: weight.shape[2], columns: weight.shape[3], values: mean)
    case .gradientMagnitude:
      return .identity
    }
  }

  /// Returns `tensor` mapped by `mapping`, reusing its storage: filtered images are large.
  private func mapped(_ tensor: consuming Tensor) -> Tensor {
    var result = tensor
    mapping.map(&result.scalars)
    return result
  }

  private static func split(_ image: Tensor) -> (colour: Tensor, alpha: Tensor) {
    let plane = image.shape[1] * image.shape[2]
    let colourCount = image.count - plane
    let colour = Tensor(
      shape: [image.shape[0] - 1, image.shape[1], image.shape[2]],
      scalars: Array(image.scalars[..<colourCount]))
    let alpha = Tensor(
      shape: [1, image.shape[1], image.shape[2]], scalars: Array(image.scalars[colourCount...]))
    return (colour, alpha)
  }

  private static func join(_ colour: Tensor, _ alpha: Tensor) -> Tensor {
    Tensor(
      shape: [colour.shape[0] + 1, colour.shape[1], colour.shape[2]],
      scalars: colour.scalars + alpha.scalars)
  }
}
