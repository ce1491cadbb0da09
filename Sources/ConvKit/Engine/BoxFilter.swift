/// The correlation with box kernels (every weight equal) by running sums down the columns
/// and along the rows, so the cost per output sample does not grow with the kernel size.
/// Kernels narrower than 8 columns use block sums along the rows instead (see `rowSums`).
///
/// Column sums slide down each band of rows: the next row's sums add the row entering the
/// window and subtract the row leaving it. They restart at every band, so rounding does not
/// build up over the image and does not depend on the thread count. Row sums slide along
/// the row in steps of 8 outputs (see `slidingRowSums`) and restart every
/// `rowRestartInterval` outputs for the same reason.
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
    let sliding = kw >= Self.lanes

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
        if sliding {
          Self.slidingRowSums(
            sums, width: kw, scale: weights[co], bias: bias[co], output: outputPlane + row * ow,
            count: ow, octets: blocks)
        } else {
          Self.rowSums(
            sums, width: kw, block: block, scale: weights[co], bias: bias[co],
            output: outputPlane + row * ow, count: ow, blocks: blocks, sources: sources)
        }
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

  /// The number of outputs that one step of `slidingRowSums` advances: the lanes of
  /// `RowKernels.Vector` (`SIMD8<Float>`).
  static let lanes = 8

  /// The number of outputs after which `slidingRowSums` sums a window again from its
  /// samples instead of updating the previous one, which bounds the rounding error of the
  /// updates.
  static let rowRestartInterval = 256

  /// Sets `output[x] = bias + scale · Σ_{t < width} source[x + t]` for `x` in `0..<count`,
  /// reading `source[0..<count + width - 1]`, with `O(1)` work per output.
  ///
  /// With octet sums `E[i] = Σ_{t < 8} source[i + t]`, the window sums of 8 neighbouring
  /// outputs advance together: `S[x + 8] = S[x] + E[x + width] - E[x]` for all 8 lanes.
  /// Every `rowRestartInterval` outputs, and for the last `count % 8`, `S[x]` is summed again
  /// from `E` and the samples left over. The rounding of an output depends on its position
  /// `x`, never on the thread count.
  ///
  /// - Precondition: `width >= 8`.
  /// - Parameter octets: room for `count + width` floats.
  static func slidingRowSums(
    _ source: UnsafePointer<Float>, width: Int, scale: Float, bias: Float,
    output: UnsafeMutablePointer<Float>, count: Int, octets: UnsafeMutablePointer<Float>
  ) {
    precondition(width >= lanes, "sliding row sums need a width of at least \(lanes), got \(width)")
    typealias Vector = RowKernels.Vector
    let (whole, rest) = (width / lanes, width % lanes)
    // E[i] for i in 0..<octetCount reads source up to index count + width - 2.
    let octetCount = count + width - lanes

    var i = 0
    while i + lanes <= octetCount {
      let p = source + i
      let pair0 = RowKernels.load(p) + RowKernels.load(p + 1)
      let pair1 = RowKernels.load(p + 2) + RowKernels.load(p + 3)
      let pair2 = RowKernels.load(p + 4) + RowKernels.load(p + 5)
      let pair3 = RowKernels.load(p + 6) + RowKernels.load(p + 7)
      RowKernels.store((pair0 + pair1) + (pair2 + pair3), octets + i)
      i += lanes
    }
    while i < octetCount {
      var sum: Float = 0
      for t in 0..<lanes {
        sum += source[i + t]
      }
      octets[i] = sum
      i += 1
    }

    let (factor, offset) = (Vector(repeating: scale), Vector(repeating: bias))
    var x = 0
    var window = Vector(repeating: 0)
    while x + lanes <= count {
      if x % rowRestartInterval == 0 {
        window = RowKernels.load(octets + x)
        for k in 1..<whole {
          window = window + RowKernels.load(octets + x + k * lanes)
        }
        for t in 0..<rest {
          window = window + RowKernels.load(source + x + whole * lanes + t)
        }
      } else {
        window = window + (RowKernels.load(octets + x - lanes + width) - RowKernels.load(octets + x - lanes))
      }
      RowKernels.store(offset + factor * window, output + x)
      x += lanes
    }
    while x < count {
      var sum = octets[x]
      for k in 1..<whole {
        sum += octets[x + k * lanes]
      }
      for t in 0..<rest {
        sum += source[x + whole * lanes + t]
      }
      output[x] = bias + scale * sum
      x += 1
    }
  }
}
