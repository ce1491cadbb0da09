import CMemoryHints

/// The loop over output rows that the separable, running-sum and FFT paths share. Their
/// plans have every output channel read one input channel through one 2D kernel, at stride
/// 1 and dilation 1, with no depth padding, so each output row comes from one input plane.
struct PlaneSweep: Sendable {
  let plan: ConvolutionPlan
  let maps: BorderMaps

  /// Output rows (over depth and height) per unit of parallel work.
  static let bandRows = 64

  /// Returns whether `plan` has the shape these paths need.
  static func accepts(_ plan: ConvolutionPlan) -> Bool {
    plan.kernelSize[0] == 1 && plan.padding[0].total == 0 && plan.stride == [1, 1, 1]
      && plan.dilation == [1, 1, 1] && plan.inputChannels == plan.groups
  }

  init(plan: ConvolutionPlan) {
    precondition(Self.accepts(plan), "plan needs one input channel per output channel, stride 1, dilation 1")
    self.plan = plan
    self.maps = BorderMaps(plan: plan)
  }

  var paddedWidth: Int { plan.paddedSize[2] }

  /// Splits the output into units of (batch, output channel, band of `bandRows` rows) and
  /// calls `body` for each, in parallel, with the unit's first input plane, its output
  /// plane and its rows. `body` also gets a row of the border constant, `W` samples long.
  /// With `streams`, each unit ends with a store fence, for the streaming stores of `body`.
  func run(
    input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int?,
    streams: Bool = false, bandRows: Int = PlaneSweep.bandRows,
    _ body: @Sendable (
      _ outputChannel: Int, _ inputPlane: UnsafePointer<Float>,
      _ outputPlane: UnsafeMutablePointer<Float>, _ rows: Range<Int>,
      _ constantRow: UnsafePointer<Float>
    ) -> Void
  ) {
    let (id, ih, iw) = (plan.inputSize[0], plan.inputSize[1], plan.inputSize[2])
    let outputRows = plan.outputSize[0] * plan.outputSize[1]
    let outputVolume = outputRows * plan.outputSize[2]
    let bands = (outputRows + bandRows - 1) / bandRows
    let planes = plan.batch * plan.outputChannels
    let groupOutputs = plan.outputChannels / plan.groups
    let constantRow = [Float](repeating: maps.constant, count: iw)
    let source = SharedPointer(UnsafeMutablePointer(mutating: input))
    let target = SharedPointer(output)

    constantRow.withUnsafeBufferPointer { constantRow in
      let constant = SharedPointer(UnsafeMutablePointer(mutating: constantRow.baseAddress!))
      ParallelLoop.run(units: planes * bands, threads: threads) { unit in
        let (plane, band) = (unit / bands, unit % bands)
        let (n, co) = (plane / plan.outputChannels, plane % plan.outputChannels)
        let channel = co / groupOutputs
        let first = band * bandRows
        body(
          co, source.base + (n * plan.inputChannels + channel) * id * ih * iw,
          target.base + plane * outputVolume, first..<min(first + bandRows, outputRows),
          constant.base)
        if streams {
          ckhint_store_fence()
        }
      }
    }
  }

  /// Returns the input row that padded row `paddedY` of depth slice `z` copies, or
  /// `constantRow` outside the input with a constant border.
  @inline(__always)
  func inputRow(
    _ plane: UnsafePointer<Float>, z: Int, paddedY: Int, constantRow: UnsafePointer<Float>
  ) -> UnsafePointer<Float> {
    let sourceY = maps.height[paddedY]
    return sourceY < 0
      ? constantRow
      : plane + (z * plan.inputSize[1] + sourceY) * plan.inputSize[2]
  }

  /// Returns the lookahead for a loop that reads `row`, from `sample` on, of the input plane
  /// `plane`: none for the constant row, which stays in the cache.
  func lookahead(
    _ row: UnsafePointer<Float>, from sample: Int, plane: UnsafePointer<Float>,
    constantRow: UnsafePointer<Float>
  ) -> Lookahead {
    guard row != constantRow else { return .none }
    let planeCount = plan.inputSize[0] * plan.inputSize[1] * plan.inputSize[2]
    return Lookahead(row: row + sample, end: plane + planeCount)
  }

  /// Fills the padded columns of `row`, whose input columns are at
  /// `row[before..<before + W]`, from those columns; constant columns get `constant`.
  func fillEdges(_ row: UnsafeMutablePointer<Float>, constant: Float) {
    let before = plan.padding[2].before
    let width = plan.inputSize[2]
    maps.width.withUnsafeBufferPointer { map in
      for column in 0..<before {
        row[column] = map[column] >= 0 ? row[before + map[column]] : constant
      }
      for column in (before + width)..<paddedWidth {
        row[column] = map[column] >= 0 ? row[before + map[column]] : constant
      }
    }
  }
}
