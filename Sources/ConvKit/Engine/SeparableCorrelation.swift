/// The correlation with rank-1 2D kernels `K[r][c] = u[r] · v[c]`, as two 1D passes per
/// output row: the column pass sums `u`-weighted input rows into a padded row buffer, and
/// the row pass correlates that buffer with `v`. Costs `rows + columns` multiply-adds per
/// output sample instead of `rows × columns`, and reads the input once.
struct SeparableCorrelation: Sendable {
  let sweep: PlaneSweep
  /// Per output channel `co`, the column factor is `columnFactors[co * kh..<(co + 1) * kh]`
  /// and the row factor `rowFactors[co * kw..<(co + 1) * kw]`.
  let columnFactors: [Float]
  let rowFactors: [Float]
  let bias: [Float]
  /// Whether rows are summed by the fused loop (see `VectorInstructions`).
  let fused: Bool

  /// Factors each output channel's kernel; returns `nil` unless every kernel has rank 1
  /// (see `KernelFactorization.rankOne`).
  init?(plan: ConvolutionPlan, weight: [Float], bias: [Float]?, fused: Bool) {
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
    self.fused = fused
  }

  /// Writes the correlation of the unpadded `input` into `output`, in bands of output rows
  /// (see `SeparableBand`).
  func run(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int?,
    streams: Bool
  ) {
    sweep.run(input: input, output: output, threads: threads, streams: streams) { co, plane, outputPlane, rows, constantRow in
      let band = SeparableBand(
        correlation: self, outputChannel: co, plane: plane, outputPlane: outputPlane,
        constantRow: constantRow, streams: streams)
      band.run(rows: rows)
    }
  }
}
