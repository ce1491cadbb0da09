/// The direct correlation with 3x3 kernels that mirrors leave unchanged or negate, with one
/// weight per group of mirrored taps:
///
/// - kernels unchanged by a quarter turn, such as sharpen and the Laplacians: one centre
///   weight, one for the four edge neighbours and one for the four corners. Sharpen is
///   `5·c − (n + s + w + e)`.
/// - x-derivatives, such as Sobel, Scharr and Prewitt in x: a left-right mirror negates
///   them and an up-down mirror leaves them unchanged. One weight for the middle row's
///   difference `r − l` and one for the sum of the outer rows' differences.
/// - y-derivatives, the same turned a quarter.
///
/// Taps of equal or opposite weight are added or subtracted before they are multiplied, so
/// each output costs two or three multiplies. Each output row reads three input rows in
/// place, prefetches the next row (`Lookahead`) and can stream its stores. Only outputs
/// at the left and right edges read padded copies of the row ends, through the same loop,
/// so every output rounds alike.
struct SymmetricStencil: Sendable {
  let sweep: PlaneSweep
  let segments: ColumnSegments
  /// The form and weights of each output channel's kernel.
  let weights: [StencilWeights]
  let bias: [Float]

  /// Returns `nil` unless the plan is depthwise, 2D, at stride 1 and dilation 1 (see
  /// `PlaneSweep.accepts`) with 3x3 kernels that all have one of the stencil's forms.
  init?(plan: ConvolutionPlan, weight: [Float], bias: [Float]?) {
    guard PlaneSweep.accepts(plan), plan.kernelSize == [1, 3, 3] else { return nil }
    var weights: [StencilWeights] = []
    for co in 0..<plan.outputChannels {
      guard let form = StencilWeights(kernel: Array(weight[(co * 9)..<((co + 1) * 9)])) else {
        return nil
      }
      weights.append(form)
    }
    self.sweep = PlaneSweep(plan: plan)
    self.segments = ColumnSegments(
      inputWidth: plan.inputSize[2], outputWidth: plan.outputSize[2],
      paddingBefore: plan.padding[2].before, kernelWidth: 3, dilation: 1)
    self.weights = weights
    self.bias = bias ?? Array(repeating: 0, count: plan.outputChannels)
  }

  func run(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int?,
    streams: Bool
  ) {
    let plan = sweep.plan
    let (oh, ow) = (plan.outputSize[1], plan.outputSize[2])
    let before = plan.padding[2].before
    let edgeWidth = segments.edgeBufferWidth

    sweep.run(input: input, output: output, threads: threads, streams: streams) { co, plane, outputPlane, rows, constantRow in
      let edges = UnsafeMutablePointer<Float>.allocate(capacity: 3 * edgeWidth)
      let sources = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: 3)
      defer {
        edges.deallocate()
        sources.deallocate()
      }
      let row = StencilRow(weights: weights[co], bias: bias[co], streams: streams)

      for outputRow in rows {
        let (z, y) = (outputRow / oh, outputRow % oh)
        for ty in 0..<3 {
          sources[ty] = sweep.inputRow(plane, z: z, paddedY: y + ty, constantRow: constantRow)
        }
        let target = outputPlane + outputRow * ow

        // Interior: output x reads input columns x - before ..< x - before + 3.
        let interior = segments.interiorStart..<segments.interiorEnd
        if !interior.isEmpty {
          let shift = interior.lowerBound - before
          let ahead = sweep.lookahead(sources[2], from: shift, plane: plane, constantRow: constantRow)
          row.compute(
            up: sources[0] + shift, middle: sources[1] + shift, down: sources[2] + shift,
            output: target + interior.lowerBound, count: interior.count, ahead: ahead)
        }

        // Edges: padded copies of the row ends.
        for edge in [0..<segments.interiorStart, segments.interiorEnd..<ow] where !edge.isEmpty {
          for ty in 0..<3 {
            let isConstant = sweep.maps.height[y + ty] < 0
            sweep.maps.fillPadded(
              edges + ty * edgeWidth, from: isConstant ? nil : sources[ty],
              first: edge.lowerBound, count: edge.count + 2)
          }
          row.compute(
            up: edges, middle: edges + edgeWidth, down: edges + 2 * edgeWidth,
            output: target + edge.lowerBound, count: edge.count, ahead: .none)
        }
      }
    }
  }
}

/// The weights of a 3x3 kernel in one of `SymmetricStencil`'s forms.
struct StencilWeights: Sendable {
  enum Form: Sendable {
    case quarterTurn
    case xDerivative
    case yDerivative
  }

  let form: Form
  /// The centre weight, which is 0 for the derivatives.
  let centre: Float
  /// The weight of the edge neighbours, or of the middle row's (column's) difference.
  let inner: Float
  /// The weight of the corners, or of the outer rows' (columns') differences.
  let outer: Float

  /// Recognises the form of `kernel`, 9 weights in row-major order, or returns `nil` when
  /// the kernel has none of the forms.
  init?(kernel k: [Float]) {
    let cornersEqual = k[0] == k[2] && k[0] == k[6] && k[0] == k[8]
    let edgesEqual = k[1] == k[3] && k[1] == k[5] && k[1] == k[7]
    let xOdd = k[1] == 0 && k[4] == 0 && k[7] == 0 && (0..<3).allSatisfy { k[3 * $0] == -k[3 * $0 + 2] }
    let yOdd = k[3] == 0 && k[4] == 0 && k[5] == 0 && (0..<3).allSatisfy { k[$0] == -k[6 + $0] }
    if cornersEqual && edgesEqual {
      (form, centre, inner, outer) = (.quarterTurn, k[4], k[1], k[0])
    } else if xOdd && k[0] == k[6] {
      (form, centre, inner, outer) = (.xDerivative, 0, k[5], k[2])
    } else if yOdd && k[0] == k[2] {
      (form, centre, inner, outer) = (.yDerivative, 0, k[7], k[6])
    } else {
      return nil
    }
  }
}

/// The arithmetic of `SymmetricStencil` for one output row.
private struct StencilRow {
  let weights: StencilWeights
  let bias: Float
  let streams: Bool

  init(weights: StencilWeights, bias: Float, streams: Bool) {
    self.weights = weights
    self.bias = bias
    self.streams = streams
  }

  /// Sets `output[x]` for `x` in `0..<count` from rows whose samples `x`, `x + 1` and
  /// `x + 2` are the three columns that output `x` reads (see `value`).
  @inline(__always)
  func compute(
    up: UnsafePointer<Float>, middle: UnsafePointer<Float>, down: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, count: Int, ahead: Lookahead
  ) {
    // One copy of the loop per form, each with its branches decided outside the loop.
    let rows = (up, middle, down, output)
    switch weights.form {
    case .quarterTurn: loop(QuarterTurn.self, rows, count, ahead)
    case .xDerivative: loop(Derivative<AcrossColumns>.self, rows, count, ahead)
    case .yDerivative: loop(Derivative<AcrossRows>.self, rows, count, ahead)
    }
  }

  @inline(__always)
  private func loop<Form: StencilForm>(
    _: Form.Type, _ rows: Rows, _ count: Int, _ ahead: Lookahead
  ) {
    switch (weights.outer != 0, bias != 0) {
    case (false, false): loop(Form.self, rows, count, ahead, corners: false, bias: false)
    case (false, true): loop(Form.self, rows, count, ahead, corners: false, bias: true)
    case (true, false): loop(Form.self, rows, count, ahead, corners: true, bias: false)
    case (true, true): loop(Form.self, rows, count, ahead, corners: true, bias: true)
    }
  }

  typealias Rows = (
    up: UnsafePointer<Float>, middle: UnsafePointer<Float>, down: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>
  )

  @inline(__always)
  private func loop<Form: StencilForm>(
    _: Form.Type, _ rows: Rows, _ count: Int, _ ahead: Lookahead, corners: Bool,
    bias addsBias: Bool
  ) {
    let parts = RowParts(output: rows.output, count: count, streams: streams)
    part(Form.self, parts.head, rows, ahead, corners, addsBias, CachedStore.self)
    part(Form.self, parts.lines, rows, ahead, corners, addsBias, StreamingStore.self)
    part(Form.self, parts.tail, rows, ahead, corners, addsBias, CachedStore.self)
  }

  @inline(__always)
  private func part<Form: StencilForm, Store: VectorStore>(
    _: Form.Type, _ range: Range<Int>, _ rows: Rows, _ ahead: Lookahead, _ corners: Bool,
    _ addsBias: Bool, _: Store.Type
  ) {
    let (up, middle, down, output) = rows
    var x = range.lowerBound
    while x + 8 <= range.upperBound {
      ahead.prefetch(x)
      Store.store(value(Form.self, RowKernels.Vector.self, up + x, middle + x, down + x, corners, addsBias), output + x)
      x += 8
    }
    while x < range.upperBound {
      output[x] = value(Form.self, Float.self, up + x, middle + x, down + x, corners, addsBias)
      x += 1
    }
  }

  /// Returns the output at the first sample of `up`, `middle` and `down`: the form's sum
  /// (see `StencilForm`), with the outer term only when `corners` is set, then the bias.
  @inline(__always)
  private func value<Form: StencilForm, L: Lanes>(
    _: Form.Type, _: L.Type, _ up: UnsafePointer<Float>, _ middle: UnsafePointer<Float>,
    _ down: UnsafePointer<Float>, _ corners: Bool, _ addsBias: Bool
  ) -> L {
    let window = Window(up: up, middle: middle, down: down)
    var sum: L = Form.inner(weights, window)
    if corners {
      sum = sum + L(broadcast: weights.outer) * Form.outer(window)
    }
    return addsBias ? sum + L(broadcast: bias) : sum
  }
}

/// The three input rows that one output reads, from the output's first column.
private struct Window {
  let up: UnsafePointer<Float>
  let middle: UnsafePointer<Float>
  let down: UnsafePointer<Float>

  @inline(__always)
  func up<L: Lanes>(_ column: Int) -> L { L.load(up + column) }

  @inline(__always)
  func middle<L: Lanes>(_ column: Int) -> L { L.load(middle + column) }

  @inline(__always)
  func down<L: Lanes>(_ column: Int) -> L { L.load(down + column) }

  /// Returns the samples of `tap`, (row, column) in the kernel.
  @inline(__always)
  func tap<L: Lanes>(_ tap: (Int, Int)) -> L {
    switch tap.0 {
    case 0: up(tap.1)
    case 1: middle(tap.1)
    default: down(tap.1)
    }
  }
}

/// The arithmetic of one form of `SymmetricStencil`.
private protocol StencilForm {
  /// Returns the weighted centre and inner terms.
  static func inner<L: Lanes>(_ weights: StencilWeights, _ window: Window) -> L
  /// Returns the outer taps combined, before their weight.
  static func outer<L: Lanes>(_ window: Window) -> L
}

/// `centre·m + inner·((u + d) + (l + r)) + outer·((ul + ur) + (dl + dr))`.
private enum QuarterTurn: StencilForm {
  @inline(__always)
  static func inner<L: Lanes>(_ weights: StencilWeights, _ w: Window) -> L {
    let neighbours: L = (w.up(1) + w.down(1)) + (w.middle(0) + w.middle(2))
    return L(broadcast: weights.centre) * w.middle(1) + L(broadcast: weights.inner) * neighbours
  }

  @inline(__always)
  static func outer<L: Lanes>(_ w: Window) -> L {
    (w.up(0) + w.up(2)) + (w.down(0) + w.down(2))
  }
}

/// `inner·(p − p′) + outer·((q + r) − (q′ + r′))`: each tap of positive weight minus its
/// mirror across `Axis`, where `p` is the inner tap and `q`, `r` the outer ones.
private enum Derivative<Axis: DerivativeAxis>: StencilForm {
  @inline(__always)
  static func inner<L: Lanes>(_ weights: StencilWeights, _ w: Window) -> L {
    L(broadcast: weights.inner) * (w.tap(Axis.inner) - w.tap(Axis.mirror(Axis.inner)))
  }

  @inline(__always)
  static func outer<L: Lanes>(_ w: Window) -> L {
    let (q, r) = Axis.outer
    return (w.tap(q) + w.tap(r)) - (w.tap(Axis.mirror(q)) + w.tap(Axis.mirror(r)))
  }
}

/// The taps of positive weight of a 3x3 derivative, as (row, column), and the mirror that
/// maps each to its tap of opposite weight.
private protocol DerivativeAxis {
  static var inner: (Int, Int) { get }
  static var outer: ((Int, Int), (Int, Int)) { get }
  static func mirror(_ tap: (Int, Int)) -> (Int, Int)
}

/// Across columns: right minus left.
private enum AcrossColumns: DerivativeAxis {
  static var inner: (Int, Int) { (1, 2) }
  static var outer: ((Int, Int), (Int, Int)) { ((0, 2), (2, 2)) }
  static func mirror(_ tap: (Int, Int)) -> (Int, Int) { (tap.0, 2 - tap.1) }
}

/// Across rows: down minus up.
private enum AcrossRows: DerivativeAxis {
  static var inner: (Int, Int) { (2, 1) }
  static var outer: ((Int, Int), (Int, Int)) { ((2, 0), (2, 2)) }
  static func mirror(_ tap: (Int, Int)) -> (Int, Int) { (2 - tap.0, tap.1) }
}
