/// The correlation with box kernels (every weight equal) by running sums down the columns
/// and block sums along the rows. The cost per output sample grows with the square root of
/// the kernel width, not with the kernel's area.
///
/// Column sums slide down each band of rows: the next row's sums add the row entering the
/// window and subtract the row leaving it. They restart at every band, so rounding does not
/// build up over the image and does not depend on the thread count. A row sum of width `w`
/// adds `w / b` block sums of `b ≈ √w` neighbours and the samples left over, so a row costs
/// about `2√w` loads per sample.
struct BoxFilter: Sendable {
  let sweep: PlaneSweep
  /// The weight of each output channel's kernel.
  let weights: [Float]
  let bias: [Float]

  /// Returns `nil` unless every output channel's kernel is a box.
  init?(plan: ConvolutionPlan, weight: [Float], bias: [Float]?) {
    guard PlaneSweep.accepts(plan) else { return nil }
    let taps = plan.kernelSize[1] * plan.kernelSize[2]
    var weights: [Float] = []
    for co in 0..<plan.outputChannels {
      let kernel = Array(weight[(co * taps)..<((co + 1) * taps)])
      guard KernelFactorization.isBox(kernel) else { return nil }
      weights.append(kernel[0])
    }
    self.sweep = PlaneSweep(plan: plan)
    self.weights = weights
    self.bias = bias ?? Array(repeating: 0, count: plan.outputChannels)
  }

  func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int?) {
    let plan = sweep.plan
    let (kh, kw) = (plan.kernelSize[1], plan.kernelSize[2])
    let (oh, ow, iw) = (plan.outputSize[1], plan.outputSize[2], plan.inputSize[2])
    let before = plan.padding[2].before
    let block = Self.blockLength(width: kw)
    let pointerCount = max(kh, block, kw / block + kw % block)

    sweep.run(input: input, output: output, threads: threads) { co, plane, outputPlane, rows, constantRow in
      let sums = UnsafeMutablePointer<Float>.allocate(capacity: sweep.paddedWidth)
      let blocks = UnsafeMutablePointer<Float>.allocate(capacity: ow + kw)
      let sources = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: pointerCount)
      defer {
        sums.deallocate()
        blocks.deallocate()
        sources.deallocate()
      }
      let columnSums = sums + before

      for row in rows {
        let (z, y) = (row / oh, row % oh)
        if row == rows.lowerBound || y == 0 {
          for ty in 0..<kh {
            sources[ty] = sweep.inputRow(plane, z: z, paddedY: y + ty, constantRow: constantRow)
          }
          Self.sum(sources, count: kh, scale: 1, bias: 0, output: columnSums, length: iw)
        } else {
          RowKernels.slide(
            columnSums,
            adding: sweep.inputRow(plane, z: z, paddedY: y + kh - 1, constantRow: constantRow),
            removing: sweep.inputRow(plane, z: z, paddedY: y - 1, constantRow: constantRow),
            count: iw)
        }
        sweep.fillEdges(sums, constant: sweep.maps.constant * Float(kh))
        Self.rowSums(
          sums, width: kw, block: block, scale: weights[co], bias: bias[co],
          output: outputPlane + row * ow, count: ow, blocks: blocks, sources: sources)
      }
    }
  }

  /// Sets `output[x] = bias + scale · Σ_{i < count} sources[i][x]` for `x` in `0..<length`.
  private static func sum(
    _ sources: UnsafePointer<UnsafePointer<Float>>, count: Int, scale: Float, bias: Float,
    output: UnsafeMutablePointer<Float>, length: Int
  ) {
    RowKernels.scaledSum(
      sources: sources, taps: count, scale: scale, bias: bias, output: output, count: length)
  }

  /// Returns the block length `b` for row sums of width `w` that minimises the loads per
  /// output, `b + w / b + w % b`: about `√w`.
  static func blockLength(width: Int) -> Int {
    (1...max(1, width)).min { a, b in
      (a + width / a + width % a, a) < (b + width / b + width % b, b)
    }!
  }

  /// Sets `output[x] = bias + scale · Σ_{t < width} source[x + t]` for `x` in `0..<count`,
  /// in two passes of `RowKernels.scaledSum`: block sums `A[i] = Σ_{t < b} source[i + t]`,
  /// then `A[x] + A[x + b] + ...` over the whole blocks of the window plus the samples left
  /// over. That is `b + width / b + width % b` loads per output instead of `width`.
  ///
  /// - Parameters:
  ///   - blocks: room for `count + width` floats.
  ///   - sources: room for `max(b, width / b + width % b)` pointers.
  static func rowSums(
    _ source: UnsafePointer<Float>, width: Int, block: Int, scale: Float, bias: Float,
    output: UnsafeMutablePointer<Float>, count: Int, blocks: UnsafeMutablePointer<Float>,
    sources: UnsafeMutablePointer<UnsafePointer<Float>>
  ) {
    let (whole, rest) = (width / block, width % block)
    for t in 0..<block {
      sources[t] = source + t
    }
    sum(sources, count: block, scale: 1, bias: 0, output: blocks, length: count + (whole - 1) * block)

    for j in 0..<whole {
      sources[j] = UnsafePointer(blocks + j * block)
    }
    for t in 0..<rest {
      sources[whole + t] = source + whole * block + t
    }
    sum(sources, count: whole + rest, scale: scale, bias: bias, output: output, length: count)
  }
}
