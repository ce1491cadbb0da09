/// The correlation with rank-1 2D kernels `K[r][c] = u[r] · v[c]`, as two 1D passes per
/// output row: the column pass sums `u`-weighted input rows into one padded row buffer,
/// and the row pass correlates that buffer with `v`. Costs `rows + columns` multiply-adds
/// per output sample instead of `rows × columns`, and reads the input once.
struct SeparableCorrelation: Sendable {
  let sweep: PlaneSweep
  /// Per output channel `co`, the column factor is `columnFactors[co * kh..<(co + 1) * kh]`
  /// and the row factor `rowFactors[co * kw..<(co + 1) * kw]`.
  let columnFactors: [Float]
  let rowFactors: [Float]
  let bias: [Float]

  /// Factors each output channel's kernel; returns `nil` unless every kernel has rank 1
  /// (see `KernelFactorization.rankOne`).
  init?(plan: ConvolutionPlan, weight: [Float], bias: [Float]?) {
    guard PlaneSweep.accepts(plan) else { return nil }
    let (kh, kw) = (plan.kernelSize[1], plan.kernelSize[2])
    var (columns, rows) = ([Float](), [Float]())
    for co in 0..<plan.outputChannels {
      let kernel = Array(weight[(co * kh * kw)..<((co + 1) * kh * kw)])
      guard let factors = KernelFactorization.rankOne(kernel, rows: kh, columns: kw) else {
        return nil
      }
      columns += factors.column
      rows += factors.row
    }
    self.sweep = PlaneSweep(plan: plan)
    self.columnFactors = columns
    self.rowFactors = rows
    self.bias = bias ?? Array(repeating: 0, count: plan.outputChannels)
  }

  func run(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int?,
    streams: Bool
  ) {
    let plan = sweep.plan
    let (kh, kw) = (plan.kernelSize[1], plan.kernelSize[2])
    let (oh, ow) = (plan.outputSize[1], plan.outputSize[2])
    let before = plan.padding[2].before

    sweep.run(input: input, output: output, threads: threads, streams: streams) { co, plane, outputPlane, rows, constantRow in
      let columnTaps = (0..<kh).filter { columnFactors[co * kh + $0] != 0 }
      let rowTaps = (0..<kw).filter { rowFactors[co * kw + $0] != 0 }
      let columnWeights = columnTaps.map { columnFactors[co * kh + $0] }
      let rowWeights = rowTaps.map { rowFactors[co * kw + $0] }
      let constantColumn = sweep.maps.constant * columnWeights.reduce(0, +)

      let buffer = UnsafeMutablePointer<Float>.allocate(capacity: sweep.paddedWidth)
      let sources = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: max(kh, kw))
      defer {
        buffer.deallocate()
        sources.deallocate()
      }

      for row in rows {
        let (z, y) = (row / oh, row % oh)
        for (index, ty) in columnTaps.enumerated() {
          sources[index] = sweep.inputRow(plane, z: z, paddedY: y + ty, constantRow: constantRow)
        }
        // The last tap's row is the one that comes from memory.
        let ahead = columnTaps.isEmpty
          ? .none
          : sweep.lookahead(sources[columnTaps.count - 1], from: 0, plane: plane, constantRow: constantRow)
        RowKernels.weightedSum(
          sources: sources, weights: columnWeights, taps: columnTaps.count, bias: 0,
          output: buffer + before, count: plan.inputSize[2], ahead: ahead)
        sweep.fillEdges(buffer, constant: constantColumn)

        for (index, tx) in rowTaps.enumerated() {
          sources[index] = UnsafePointer(buffer + tx)
        }
        RowKernels.weightedSum(
          sources: sources, weights: rowWeights, taps: rowTaps.count, bias: bias[co],
          output: outputPlane + row * ow, count: ow, streams: streams)
      }
    }
  }
}
