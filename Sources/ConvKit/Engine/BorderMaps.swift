/// For each axis of a plan, the input index that every padded position reads. With them the
/// engine never pads a whole tensor. Rows outside the input are replaced by the input row
/// they copy (or a row of the constant), and only the few outputs near the left and right
/// edges read padded copies of row ends.
struct BorderMaps: Sendable {
  /// Depth, height and width maps from padded position to input index, `-1` for the
  /// constant.
  let depth: [Int]
  let height: [Int]
  let width: [Int]
  let constant: Float
  let isConstant: Bool

  init(plan: ConvolutionPlan) {
    let maps = (0..<3).map { axis in
      (0..<plan.paddedSize[axis]).map { position in
        plan.border.sourceIndex(
          of: position - plan.padding[axis].before, size: plan.inputSize[axis]) ?? -1
      }
    }
    (depth, height, width) = (maps[0], maps[1], maps[2])
    constant = plan.border.constantValue
    if case .constant = plan.border {
      isConstant = true
    } else {
      isConstant = false
    }
  }

  /// Fills `target[j]` with the padded row sample at padded column `first + j`, for `j` in
  /// `0..<count`, reading `row` (an input row) or the constant when `row` is `nil`.
  func fillPadded(
    _ target: UnsafeMutablePointer<Float>, from row: UnsafePointer<Float>?, first: Int, count: Int
  ) {
    guard let row else {
      target.update(repeating: constant, count: count)
      return
    }
    for j in 0..<count {
      let source = width[first + j]
      target[j] = source >= 0 ? row[source] : constant
    }
  }
}

/// Output columns split into the interior, whose taps all fall inside the input row, and
/// the edges on either side, which read padded copies.
struct ColumnSegments: Sendable {
  /// Outputs `0..<interiorStart` and `interiorEnd..<outputWidth` read padded samples.
  let interiorStart: Int
  let interiorEnd: Int
  let outputWidth: Int
  /// Padded samples an edge segment reads beyond its outputs: `(kernel - 1) * dilation`.
  let reach: Int

  init(inputWidth: Int, outputWidth: Int, paddingBefore: Int, kernelWidth: Int, dilation: Int) {
    reach = (kernelWidth - 1) * dilation
    let start = min(paddingBefore, outputWidth)
    let end = min(max(inputWidth - reach + paddingBefore, start), outputWidth)
    self.interiorStart = start
    self.interiorEnd = end
    self.outputWidth = outputWidth
  }

  /// The widest padded copy an edge segment needs.
  var edgeBufferWidth: Int {
    max(interiorStart, outputWidth - interiorEnd) + reach
  }
}
