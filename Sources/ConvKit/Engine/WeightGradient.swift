/// The gradient of a loss with respect to a correlation's weight,
///
///     ∂L/∂w[co, ci, t] = Σ_n Σ_o g[n, co, o] · P[n, ci', o·s + t·d],
///
/// for the padded input `P` and output gradient `g`, computed as dot products of whole rows:
/// each output-gradient row is loaded once and multiplied with the input rows under every
/// tap in `SIMD8<Float>` steps.
///
/// Each row's dot products are added into `Double` sums, one set per band of rows. The
/// bands are added in order at the end, so the result is the same for every thread count,
/// and large images lose no precision.
struct WeightGradient: Sendable {
  let plan: ConvolutionPlan

  /// Output rows (over depth and height) per unit of parallel work.
  static let bandRows = 32

  /// Returns ∂L/∂weight, shaped `[C_out, C_in / groups, kd, kh, kw]`.
  ///
  /// - Parameters:
  ///   - padded: `P`, the input padded by the plan, `[N, C_in, padded size]`.
  ///   - outputGradient: `g`, `[N, C_out, output size]`.
  func run(padded: [Float], outputGradient: [Float], threads: Int?) -> [Float] {
    let groupInputs = plan.inputChannels / plan.groups
    let groupOutputs = plan.outputChannels / plan.groups
    let taps = plan.kernelSize.reduce(1, *)
    let outputRows = plan.outputSize[0] * plan.outputSize[1]
    let bands = (outputRows + Self.bandRows - 1) / Self.bandRows
    let units = plan.batch * plan.groups * bands
    // Per unit, the sums of its group's weights: [groupOutputs, groupInputs, taps].
    let unitSize = groupOutputs * groupInputs * taps
    var partial = [Double](repeating: 0, count: units * unitSize)

    padded.withUnsafeBufferPointer { padded in
      outputGradient.withUnsafeBufferPointer { gradient in
        partial.withUnsafeMutableBufferPointer { partial in
          let (p, g) = (SharedPointer(UnsafeMutablePointer(mutating: padded.baseAddress!)), SharedPointer(UnsafeMutablePointer(mutating: gradient.baseAddress!)))
          let sums = SharedPointer(partial.baseAddress!)
          ParallelLoop.run(units: units, threads: threads) { unit in
            let band = unit % bands
            let group = (unit / bands) % plan.groups
            let n = unit / (bands * plan.groups)
            let first = band * Self.bandRows
            accumulate(
              rows: first..<min(first + Self.bandRows, outputRows), group: group, batchIndex: n,
              padded: p.base, gradient: g.base, into: sums.base + unit * unitSize)
          }
        }
      }
    }

    // Add the bands of each group in unit order.
    var result = [Float](repeating: 0, count: plan.outputChannels * groupInputs * taps)
    for group in 0..<plan.groups {
      var total = [Double](repeating: 0, count: unitSize)
      for n in 0..<plan.batch {
        for band in 0..<bands {
          let start = ((n * plan.groups + group) * bands + band) * unitSize
          for index in 0..<unitSize {
            total[index] += partial[start + index]
          }
        }
      }
      for index in 0..<unitSize {
        result[group * unitSize + index] = Float(total[index])
      }
    }
    return result
  }

  private func accumulate(
    rows: Range<Int>, group: Int, batchIndex n: Int, padded: UnsafePointer<Float>,
    gradient: UnsafePointer<Float>, into sums: UnsafeMutablePointer<Double>
  ) {
    let groupInputs = plan.inputChannels / plan.groups
    let groupOutputs = plan.outputChannels / plan.groups
    let (kd, kh, kw) = (plan.kernelSize[0], plan.kernelSize[1], plan.kernelSize[2])
    let (pd, ph, pw) = (plan.paddedSize[0], plan.paddedSize[1], plan.paddedSize[2])
    let (od, oh, ow) = (plan.outputSize[0], plan.outputSize[1], plan.outputSize[2])
    let (sx, dx) = (plan.stride[2], plan.dilation[2])
    let sources = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: kw)
    let rowSums = UnsafeMutablePointer<Float>.allocate(capacity: kw)
    defer {
      sources.deallocate()
      rowSums.deallocate()
    }

    for row in rows {
      let (z, y) = (row / oh, row % oh)
      for coLocal in 0..<groupOutputs {
        let co = group * groupOutputs + coLocal
        let gradientRow = gradient + ((n * plan.outputChannels + co) * od * oh + row) * ow
        for ci in 0..<groupInputs {
          let channel = group * groupInputs + ci
          for tz in 0..<kd {
            let inputZ = z * plan.stride[0] + tz * plan.dilation[0]
            for ty in 0..<kh {
              let inputY = y * plan.stride[1] + ty * plan.dilation[1]
              let paddedRow = padded + (((n * plan.inputChannels + channel) * pd + inputZ) * ph + inputY) * pw
              for tx in 0..<kw {
                sources[tx] = paddedRow + tx * dx
              }
              if sx == 1 {
                RowKernels.dotProducts(gradientRow, sources, count: kw, length: ow, into: rowSums)
              } else {
                for tx in 0..<kw {
                  var sum: Float = 0
                  for x in 0..<ow {
                    sum += gradientRow[x] * sources[tx][x * sx]
                  }
                  rowSums[tx] = sum
                }
              }
              let target = sums + ((coLocal * groupInputs + ci) * kd * kh + tz * kh + ty) * kw
              for tx in 0..<kw {
                target[tx] += Double(rowSums[tx])
              }
            }
          }
        }
      }
    }
  }
}

extension RowKernels {
  /// Sets `sums[i] = Σ_x row[x] · sources[i][x]` for `i` in `0..<count`, over `x` in
  /// `0..<length`: one load of `row` serves every source.
  static func dotProducts(
    _ row: UnsafePointer<Float>, _ sources: UnsafePointer<UnsafePointer<Float>>, count: Int,
    length: Int, into sums: UnsafeMutablePointer<Float>
  ) {
    var start = 0
    // Up to 8 sources at a time, each with its own vector accumulator.
    while start < count {
      let taps = min(8, count - start)
      var accumulators = (Vector(), Vector(), Vector(), Vector(), Vector(), Vector(), Vector(), Vector())
      var x = 0
      while x + 8 <= length {
        let r = load(row + x)
        accumulators.0 = accumulators.0 + r * load(sources[start] + x)
        if taps > 1 { accumulators.1 = accumulators.1 + r * load(sources[start + 1] + x) }
        if taps > 2 { accumulators.2 = accumulators.2 + r * load(sources[start + 2] + x) }
        if taps > 3 { accumulators.3 = accumulators.3 + r * load(sources[start + 3] + x) }
        if taps > 4 { accumulators.4 = accumulators.4 + r * load(sources[start + 4] + x) }
        if taps > 5 { accumulators.5 = accumulators.5 + r * load(sources[start + 5] + x) }
        if taps > 6 { accumulators.6 = accumulators.6 + r * load(sources[start + 6] + x) }
        if taps > 7 { accumulators.7 = accumulators.7 + r * load(sources[start + 7] + x) }
        x += 8
      }
      let totals = [
        accumulators.0, accumulators.1, accumulators.2, accumulators.3,
        accumulators.4, accumulators.5, accumulators.6, accumulators.7,
      ]
      for tap in 0..<taps {
        var sum = totals[tap].sum()
        for rest in x..<length {
          sum += row[rest] * sources[start + tap][rest]
        }
        sums[start + tap] = sum
      }
      start += taps
    }
  }
}
