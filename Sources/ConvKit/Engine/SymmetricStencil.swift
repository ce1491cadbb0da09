/// The direct correlation with 3x3 kernels that a quarter turn leaves unchanged, such as
/// sharpen and the Laplacians: one centre weight, one weight for the four edge neighbours
/// and one for the four corners.
///
/// Such a kernel needs one multiply per weight instead of one per tap, since taps of equal
/// weight are added first: sharpen is `5·c − (n + s + w + e)`.
/// These filters read little memory per output, so the operation count sets their speed.
/// Each output row reads three input rows in place. Only outputs at the left and right
/// edges read padded copies of the row ends, through the same loop, so every output
/// rounds alike.
///
/// NOTE: on 2 threads sharpen takes about 0.86 of OpenCV's `filter2D` time on the
/// benchmark image, against a target of 0.75 (docs/BENCHMARKS.md). Both are within 30% of
/// a plain copy of the image there.
struct SymmetricStencil: Sendable {
  let sweep: PlaneSweep
  let segments: ColumnSegments
  /// Per output channel: the centre weight, the edge-neighbour weight and the corner weight.
  let weights: [(centre: Float, edge: Float, corner: Float)]
  let bias: [Float]

  /// Returns `nil` unless the plan is depthwise, 2D, at stride 1 and dilation 1 (see
  /// `PlaneSweep.accepts`) with 3x3 kernels that are all unchanged by a quarter turn.
  init?(plan: ConvolutionPlan, weight: [Float], bias: [Float]?) {
    guard PlaneSweep.accepts(plan), plan.kernelSize == [1, 3, 3] else { return nil }
    var weights: [(centre: Float, edge: Float, corner: Float)] = []
    for co in 0..<plan.outputChannels {
      let k = Array(weight[(co * 9)..<((co + 1) * 9)])
      let cornersEqual = k[0] == k[2] && k[0] == k[6] && k[0] == k[8]
      let edgesEqual = k[1] == k[3] && k[1] == k[5] && k[1] == k[7]
      guard cornersEqual, edgesEqual else { return nil }
      weights.append((k[4], k[1], k[0]))
    }
    self.sweep = PlaneSweep(plan: plan)
    self.segments = ColumnSegments(
      inputWidth: plan.inputSize[2], outputWidth: plan.outputSize[2],
      paddingBefore: plan.padding[2].before, kernelWidth: 3, dilation: 1)
    self.weights = weights
    self.bias = bias ?? Array(repeating: 0, count: plan.outputChannels)
  }

  func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int?) {
    let plan = sweep.plan
    let (oh, ow) = (plan.outputSize[1], plan.outputSize[2])
    let before = plan.padding[2].before
    let edgeWidth = segments.edgeBufferWidth

    sweep.run(input: input, output: output, threads: threads) { co, plane, outputPlane, rows, constantRow in
      let edges = UnsafeMutablePointer<Float>.allocate(capacity: 3 * edgeWidth)
      let sources = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: 3)
      defer {
        edges.deallocate()
        sources.deallocate()
      }
      let row = StencilRow(weights: weights[co], bias: bias[co])

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
          row.compute(
            up: sources[0] + shift, middle: sources[1] + shift, down: sources[2] + shift,
            output: target + interior.lowerBound, count: interior.count)
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
            output: target + edge.lowerBound, count: edge.count)
        }
      }
    }
  }
}

/// The arithmetic of `SymmetricStencil` for one output row.
private struct StencilRow {
  let centre: Float
  let edge: Float
  let corner: Float
  let bias: Float

  init(weights: (centre: Float, edge: Float, corner: Float), bias: Float) {
    (centre, edge, corner) = weights
    self.bias = bias
  }

  /// Sets `output[x]` for `x` in `0..<count` from rows whose samples `x`, `x + 1` and
  /// `x + 2` are the three columns that output `x` reads:
  /// `centre·m + edge·((u + d) + (l + r)) + corner·((ul + ur) + (dl + dr)) + bias`, the
  /// corner term left out when its weight is 0 and the bias when it is 0.
  @inline(__always)
  func compute(
    up: UnsafePointer<Float>, middle: UnsafePointer<Float>, down: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, count: Int
  ) {
    // Four copies of the loop, each with its branches decided, keep them out of the loop.
    switch (corner != 0, bias != 0) {
    case (false, false): loop(up, middle, down, output, count, corners: false, bias: false)
    case (false, true): loop(up, middle, down, output, count, corners: false, bias: true)
    case (true, false): loop(up, middle, down, output, count, corners: true, bias: false)
    case (true, true): loop(up, middle, down, output, count, corners: true, bias: true)
    }
  }

  @inline(__always)
  private func loop(
    _ up: UnsafePointer<Float>, _ middle: UnsafePointer<Float>, _ down: UnsafePointer<Float>,
    _ output: UnsafeMutablePointer<Float>, _ count: Int, corners: Bool, bias addsBias: Bool
  ) {
    var x = 0
    while x + 8 <= count {
      value(RowKernels.Vector.self, up + x, middle + x, down + x, corners, addsBias).store(output + x)
      x += 8
    }
    while x < count {
      output[x] = value(Float.self, up + x, middle + x, down + x, corners, addsBias)
      x += 1
    }
  }

  @inline(__always)
  private func value<L: Lanes>(
    _: L.Type, _ up: UnsafePointer<Float>, _ middle: UnsafePointer<Float>,
    _ down: UnsafePointer<Float>, _ corners: Bool, _ addsBias: Bool
  ) -> L {
    let neighbours = (L.load(up + 1) + L.load(down + 1)) + (L.load(middle) + L.load(middle + 2))
    var sum = L(broadcast: centre) * L.load(middle + 1) + L(broadcast: edge) * neighbours
    if corners {
      let diagonal = (L.load(up) + L.load(up + 2)) + (L.load(down) + L.load(down + 2))
      sum = sum + L(broadcast: corner) * diagonal
    }
    return addsBias ? sum + L(broadcast: bias) : sum
  }
}
