/// Filtering an image one band of rows at a time, so that a large image never has to be
/// in memory whole. A band contains its output rows plus the rows the kernel reaches above
/// and below them, and gives exactly the rows `apply(to:hasAlpha:)` gives for the whole
/// image (see `apply(toBand:hasAlpha:)`).
extension ImageFilter {
  /// The input rows that an output row reads above and below its own row.
  public var rowReach: (above: Int, below: Int) {
    let amounts = Padding.same.amounts(axis: 0, kernelSize: filter.kernelSize.rows, dilation: 1)
    return (amounts.before, amounts.after)
  }

  /// Whether the image can be filtered in bands.
  ///
  /// Bands need three things. The border must make outside rows copies of inside rows
  /// (`replicate`, `reflect101` or `symmetric`, not `constant` or `wrap`), so that a band
  /// at the edge can be built from decoded rows. The mapping must look at one value at a
  /// time (not `normalize`). And the kernels must all have the same number of rows.
  public var canFilterBands: Bool {
    let borderCopiesNearbyRows =
      switch border {
      case .replicate, .reflect101, .symmetric: true
      case .constant, .wrap: false
      }
    return borderCopiesNearbyRows && mapping != .normalize && filter.kernelsShareRowCount
  }

  /// Returns the row multiple at which bands should start so that `apply(toBand:hasAlpha:)`
  /// gives exactly the bits of `apply(to:hasAlpha:)` on the whole image.
  ///
  /// It is 1 when every output rounds alike from any row. Otherwise it is the number of
  /// rows after which running sums restart or FFT tiles begin, which depends on the kernel.
  /// Bands that start elsewhere agree with the whole image within float rounding.
  ///
  /// - Parameter imageShape: the `[C, H, W]` shape of the whole image, alpha included.
  /// - Throws: `ConvolutionError` when the image's colour channels do not fit the filter.
  public func bandAlignment(imageShape: [Int], hasAlpha: Bool) throws(ConvolutionError) -> Int {
    var colourShape = Self.colourShape(of: imageShape, hasAlpha: hasAlpha)
    let reach = rowReach
    colourShape[1] = max(imageShape[1], reach.above + reach.below + 1)
    var alignment = try filter.rowAlignment(inputShape: colourShape, border: border, execution: execution)
    if hasAlpha, imageShape[0] >= 2, filter.isSmoothing {
      var alphaShape = colourShape
      alphaShape[0] = 1
      let alpha = Filter.kernel(Self.smoothingKernel(of: filter), bias: 0)
      let alphaAlignment = try alpha.rowAlignment(
        inputShape: alphaShape, border: border,
        execution: execution.choosingAlgorithm)
      alignment = leastCommonMultiple(alignment, alphaAlignment)
    }
    return alignment
  }

  /// Returns the filtered rows of a band, with as many channels as the filter produces
  /// plus alpha.
  ///
  /// `band` (`[C, rows, W]`) contains the input rows from `rowReach.above` rows above the
  /// first output row to `rowReach.below` rows below the last, so it gives
  /// `rows - above - below` output rows. Rows above and below the image are the rows
  /// `border.sourceIndex(of:size:)` names. Each output row equals the row of
  /// `apply(to:hasAlpha:)` on the whole image, within float rounding, and exactly when the
  /// band starts at a multiple of `bandAlignment(imageShape:hasAlpha:)`.
  ///
  /// - Precondition: `canFilterBands`, and `band` has more rows than `above + below`.
  /// - Throws: `ConvolutionError` when the image's colour channels do not fit the filter.
  public func apply(toBand band: Tensor, hasAlpha: Bool) throws(ConvolutionError) -> Tensor {
    precondition(canFilterBands, "this filter cannot run on bands; see canFilterBands")
    let reach = rowReach
    precondition(
      band.rank == 3 && band.shape[1] > reach.above + reach.below,
      "a band needs more than \(reach.above + reach.below) rows, got shape \(band.shape)")
    return try apply(to: band, hasAlpha: hasAlpha, rows: .valid)
  }
}
