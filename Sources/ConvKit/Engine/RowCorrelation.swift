/// The direct correlation for any plan whose width stride is 1: 1D, 2D and 3D, any border,
/// padding, height and depth stride, dilation and groups.
///
/// Each output row is a weighted sum of input rows shifted by the column taps, computed by
/// `RowKernels.weightedSum` straight from the input, with no padded copy of the tensor.
/// Rows outside the input are replaced by the row they copy, and only the outputs near the
/// left and right edges read small padded copies of the row ends. Zero weights are skipped.
/// Work is split into bands of output rows, so the rows a band reads stay in cache, and the
/// bands run in parallel.
///
/// NOTE: a band keeps `kernel rows` whole input rows in cache. Rows are not split into
/// column strips, so rows wide enough to overflow the L2 cache (an estimate: about 16,000
/// samples for a 15-row kernel) run slower per sample.
struct RowCorrelation: Sendable {
  let plan: ConvolutionPlan
  let maps: BorderMaps
  let segments: ColumnSegments
  /// Taps of output channel `co` are `tapStart[co]..<tapStart[co + 1]` in the arrays below.
  let tapStart: [Int]
  /// The row a tap reads, `(ci * kd + tz) * kh + ty`, within the rows of one output row.
  let tapRow: [Int]
  /// The column a tap reads, relative to the output column: `tx * dilation`.
  let tapOffset: [Int]
  let tapWeight: [Float]
  let bias: [Float]
  /// Whether rows are summed by the fused loop (see `VectorInstructions`).
  let fused: Bool

  /// Output rows (over depth and height) per unit of parallel work.
  static let bandRows = 64

  init(plan: ConvolutionPlan, weight: [Float], bias: [Float]?, fused: Bool) {
    precondition(plan.stride[2] == 1, "RowCorrelation needs width stride 1, got \(plan.stride)")
    self.plan = plan
    self.fused = fused
    self.maps = BorderMaps(plan: plan)
    self.segments = ColumnSegments(
      inputWidth: plan.inputSize[2], outputWidth: plan.outputSize[2],
      paddingBefore: plan.padding[2].before, kernelWidth: plan.kernelSize[2],
      dilation: plan.dilation[2])
    self.bias = bias ?? Array(repeating: 0, count: plan.outputChannels)

    let groupInputs = plan.inputChannels / plan.groups
    let (kd, kh, kw) = (plan.kernelSize[0], plan.kernelSize[1], plan.kernelSize[2])
    var (starts, rows, offsets, weights) = ([0], [Int](), [Int](), [Float]())
    let taps = groupInputs * kd * kh * kw
    for co in 0..<plan.outputChannels {
      for tap in 0..<taps where weight[co * taps + tap] != 0 {
        // tap = ((ci * kd + tz) * kh + ty) * kw + tx
        rows.append(tap / kw)
        offsets.append(tap % kw * plan.dilation[2])
        weights.append(weight[co * taps + tap])
      }
      starts.append(rows.count)
    }
    (tapStart, tapRow, tapOffset, tapWeight) = (starts, rows, offsets, weights)
  }

  /// The number of multiply-adds per output sample, after skipping zero weights.
  var tapsPerOutput: Double {
    Double(tapRow.count) / Double(plan.outputChannels)
  }

  /// Writes the correlation of `input` (`[N, C_in, D, H, W]`, unpadded) into `output`
  /// (`[N, C_out, oD, oH, oW]`), every sample of it.
  func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int?) {
    let outputRows = plan.outputSize[0] * plan.outputSize[1]
    let bands = (outputRows + Self.bandRows - 1) / Self.bandRows
    let units = plan.batch * plan.groups * bands
    let constantRow = [Float](repeating: maps.constant, count: plan.inputSize[2])
    let source = SharedPointer(UnsafeMutablePointer(mutating: input))
    let target = SharedPointer(output)

    constantRow.withUnsafeBufferPointer { constantRow in
      let constant = SharedPointer(UnsafeMutablePointer(mutating: constantRow.baseAddress!))
      ParallelLoop.run(units: units, threads: threads) { unit in
        let band = unit % bands
        let group = (unit / bands) % plan.groups
        let n = unit / (bands * plan.groups)
        let first = band * Self.bandRows
        runBand(
          rows: first..<min(first + Self.bandRows, outputRows), group: group, batchIndex: n,
          input: source.base, output: target.base, constantRow: constant.base)
      }
    }
  }

  private func runBand(
    rows: Range<Int>, group: Int, batchIndex n: Int, input: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, constantRow: UnsafePointer<Float>
  ) {
    let groupInputs = plan.inputChannels / plan.groups
    let groupOutputs = plan.outputChannels / plan.groups
    let (kd, kh) = (plan.kernelSize[0], plan.kernelSize[1])
    let (id, ih, iw) = (plan.inputSize[0], plan.inputSize[1], plan.inputSize[2])
    let (od, oh, ow) = (plan.outputSize[0], plan.outputSize[1], plan.outputSize[2])
    let rowsPerOutput = groupInputs * kd * kh
    let edgeWidth = segments.edgeBufferWidth
    let maxTaps = (0..<plan.outputChannels).map { tapStart[$0 + 1] - tapStart[$0] }.max() ?? 0

    let rowPointers = UnsafeMutablePointer<UnsafePointer<Float>?>.allocate(capacity: rowsPerOutput)
    let tapPointers = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: max(maxTaps, 1))
    let edges = UnsafeMutablePointer<Float>.allocate(capacity: max(rowsPerOutput * edgeWidth, 1))
    defer {
      rowPointers.deallocate()
      tapPointers.deallocate()
      edges.deallocate()
    }

    tapRow.withUnsafeBufferPointer { tapRow in
      tapOffset.withUnsafeBufferPointer { tapOffset in
        tapWeight.withUnsafeBufferPointer { tapWeight in
          let tables = TapTables(
            row: tapRow.baseAddress!, offset: tapOffset.baseAddress!,
            weights: tapWeight.baseAddress!)
          for row in rows {
            let (z, y) = (row / oh, row % oh)
            for ci in 0..<groupInputs {
              let plane = input + (n * plan.inputChannels + group * groupInputs + ci) * id * ih * iw
              for tz in 0..<kd {
                let sourceZ = maps.depth[z * plan.stride[0] + tz * plan.dilation[0]]
                for ty in 0..<kh {
                  let sourceY = maps.height[y * plan.stride[1] + ty * plan.dilation[1]]
                  rowPointers[(ci * kd + tz) * kh + ty] =
                    sourceZ < 0 || sourceY < 0 ? nil : UnsafePointer(plane + (sourceZ * ih + sourceY) * iw)
                }
              }
            }
            let outputRow = output + ((n * plan.outputChannels + group * groupOutputs) * od + z) * oh * ow + y * ow

            // Interior: taps read the input rows directly.
            let interior = segments.interiorStart..<segments.interiorEnd
            if !interior.isEmpty {
              let shift = interior.lowerBound - plan.padding[2].before
              for co in (group * groupOutputs)..<((group + 1) * groupOutputs) {
                for (index, tap) in (tapStart[co]..<tapStart[co + 1]).enumerated() {
                  tapPointers[index] = (rowPointers[tables.row[tap]] ?? constantRow) + shift + tables.offset[tap]
                }
                sum(
                  outputChannel: co, sources: tapPointers, tables: tables,
                  output: outputRow + (co - group * groupOutputs) * od * oh * ow + interior.lowerBound,
                  count: interior.count)
              }
            }

            // Edges: taps read padded copies of the row ends.
            for edge in [0..<segments.interiorStart, segments.interiorEnd..<ow] where !edge.isEmpty {
              let width = edge.count + segments.reach
              for index in 0..<rowsPerOutput {
                maps.fillPadded(
                  edges + index * edgeWidth, from: rowPointers[index], first: edge.lowerBound,
                  count: width)
              }
              for co in (group * groupOutputs)..<((group + 1) * groupOutputs) {
                for (index, tap) in (tapStart[co]..<tapStart[co + 1]).enumerated() {
                  tapPointers[index] = UnsafePointer(edges + tables.row[tap] * edgeWidth + tables.offset[tap])
                }
                sum(
                  outputChannel: co, sources: tapPointers, tables: tables,
                  output: outputRow + (co - group * groupOutputs) * od * oh * ow + edge.lowerBound,
                  count: edge.count)
              }
            }
          }
        }
      }
    }
  }

  /// Base addresses of the tap arrays, taken once per band.
  private struct TapTables {
    let row: UnsafePointer<Int>
    let offset: UnsafePointer<Int>
    let weights: UnsafePointer<Float>
  }

  /// Writes one output channel's row segment from the tap pointers in `sources`.
  @inline(__always)
  private func sum(
    outputChannel co: Int, sources: UnsafePointer<UnsafePointer<Float>>, tables: TapTables,
    output: UnsafeMutablePointer<Float>, count: Int
  ) {
    let taps = tapStart[co]..<tapStart[co + 1]
    RowKernels.weightedSum(
      sources: sources, weights: tables.weights + taps.lowerBound, taps: taps.count,
      bias: bias[co], output: output, count: count, fused: fused)
  }
}
