/// The correlation by FFT with overlap-save. The output plane is cut into blocks, and each
/// block's input window (the block plus the kernel's reach) is one `size` x `size` tile.
/// The tile's circular correlation with the kernel, a product of spectra, is exact on the
/// block. Two tiles share one complex transform, as its real and imaginary parts, which
/// works because the kernel is real.
struct FFTCorrelation: Sendable {
  let sweep: PlaneSweep
  let fft: FFT
  /// Per output channel, the spectrum of the kernel in the layout `FFT.forward` produces,
  /// divided by `size²`: `size²` real parts, then `size²` imaginary parts.
  let spectra: [[Float]]
  let bias: [Float]

  init?(plan: ConvolutionPlan, weight: [Float], bias: [Float]?) {
    guard PlaneSweep.accepts(plan) else { return nil }
    let (kh, kw) = (plan.kernelSize[1], plan.kernelSize[2])
    let size = Self.tileSize(kernelRows: kh, kernelColumns: kw)
    let fft = FFT(size: size)
    let area = size * size

    // The correlation with k is the circular convolution with g[-t] = k[t].
    var spectra: [[Float]] = []
    for co in 0..<plan.outputChannels {
      var tile = [Float](repeating: 0, count: 4 * area)
      let scale = 1 / Float(area)
      for ty in 0..<kh {
        for tx in 0..<kw {
          let (y, x) = ((size - ty) % size, (size - tx) % size)
          tile[y * size + x] = weight[(co * kh + ty) * kw + tx] * scale
        }
      }
      tile.withUnsafeMutableBufferPointer { tile in
        let base = tile.baseAddress!
        fft.forward(real: base, imaginary: base + area, scratch: base + 2 * area)
      }
      spectra.append(Array(tile[0..<(2 * area)]))
    }
    self.sweep = PlaneSweep(plan: plan)
    self.fft = fft
    self.spectra = spectra
    self.bias = bias ?? Array(repeating: 0, count: plan.outputChannels)
  }

  /// Returns the tile side for a kernel: the power of two from 16 to 256 with the lowest
  /// estimated cost per output sample. Larger tiles no longer fit in a core's L2 cache.
  static func tileSize(kernelRows: Int, kernelColumns: Int) -> Int {
    var best = (size: 512, cost: Double.infinity)
    var size = 16
    while size <= 256 {
      if size > max(kernelRows, kernelColumns) {
        let cost = costPerOutput(size: size, kernelRows: kernelRows, kernelColumns: kernelColumns)
        if cost < best.cost {
          best = (size, cost)
        }
      }
      size *= 2
    }
    return best.size
  }

  /// Returns the estimated cost per output sample, in units of one direct tap (one load and
  /// one multiply-add per sample). A tile pair takes four transforms of `log2(size)` passes,
  /// each about three units per element, plus the product and the transposes.
  static func costPerOutput(size: Int, kernelRows: Int, kernelColumns: Int) -> Double {
    let log2Size = Double(Int.bitWidth - 1 - size.leadingZeroBitCount)
    let block = Double((size - kernelRows + 1) * (size - kernelColumns + 1))
    let perPair = Double(size * size) * (12 * log2Size + 11)
    return perPair / (2 * block)
  }

  /// Output rows per tile: the rows whose whole input window fits in a tile.
  var blockRows: Int {
    fft.size - sweep.plan.kernelSize[1] + 1
  }

  func run(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, threads: Int?) {
    let plan = sweep.plan
    let size = fft.size
    let area = size * size
    let (kh, kw) = (plan.kernelSize[1], plan.kernelSize[2])
    let (blockRows, blockColumns) = (size - kh + 1, size - kw + 1)
    let (oh, ow) = (plan.outputSize[1], plan.outputSize[2])
    let columnBlocks = (ow + blockColumns - 1) / blockColumns

    // Units are bands of blockRows output rows; a band that crosses into the next depth
    // slice is split there.
    sweep.run(input: input, output: output, threads: threads, bandRows: blockRows) { co, plane, outputPlane, rows, constantRow in
      let buffer = UnsafeMutablePointer<Float>.allocate(capacity: 4 * area)
      defer { buffer.deallocate() }
      let (real, imaginary, scratch) = (buffer, buffer + area, buffer + 2 * area)

      spectra[co].withUnsafeBufferPointer { spectrum in
        var row = rows.lowerBound
        while row < rows.upperBound {
          let (z, top) = (row / oh, row % oh)
          let bottom = min(oh, top + rows.upperBound - row)
          for pair in stride(from: 0, to: columnBlocks, by: 2) {
            let lefts = [pair * blockColumns] + (pair + 1 < columnBlocks ? [(pair + 1) * blockColumns] : [])
            for (part, target) in [real, imaginary].enumerated() {
              if part < lefts.count {
                fillTile(
                  target, plane: plane, z: z, top: top, left: lefts[part], size: size,
                  constantRow: constantRow)
              } else {
                target.update(repeating: 0, count: area)
              }
            }
            fft.forward(real: real, imaginary: imaginary, scratch: scratch)
            Self.multiply(real, imaginary, by: spectrum.baseAddress!, count: area)
            fft.inverse(real: real, imaginary: imaginary, scratch: scratch)

            for (part, left) in lefts.enumerated() {
              let tile = part == 0 ? real : imaginary
              let columns = min(blockColumns, ow - left)
              for y in 0..<min(blockRows, bottom - top) {
                let target = outputPlane + (z * oh + top + y) * ow + left
                RowKernels.scale(tile + y * size, by: 1, adding: bias[co], into: target, count: columns)
              }
            }
          }
          row += bottom - top
        }
      }
    }
  }

  /// Copies the `size` x `size` padded input window at padded row `top` and column `left`
  /// into `tile`. Positions past the padded input are 0, because they only reach discarded
  /// outputs.
  private func fillTile(
    _ tile: UnsafeMutablePointer<Float>, plane: UnsafePointer<Float>, z: Int, top: Int, left: Int,
    size: Int, constantRow: UnsafePointer<Float>
  ) {
    let plan = sweep.plan
    let (paddedHeight, paddedWidth) = (plan.paddedSize[1], plan.paddedSize[2])
    let before = plan.padding[2].before
    let iw = plan.inputSize[2]
    let columns = max(0, min(size, paddedWidth - left))
    for y in 0..<size {
      let target = tile + y * size
      guard top + y < paddedHeight else {
        target.update(repeating: 0, count: size)
        continue
      }
      let row = sweep.inputRow(plane, z: z, paddedY: top + y, constantRow: constantRow)
      if left >= before && left + columns <= before + iw {
        target.update(from: row + (left - before), count: columns)
      } else {
        sweep.maps.fillPadded(target, from: row, first: left, count: columns)
      }
      (target + columns).update(repeating: 0, count: size - columns)
    }
  }

  /// Multiplies the spectrum in `real` and `imaginary` by `spectrum` element by element.
  private static func multiply(
    _ real: UnsafeMutablePointer<Float>, _ imaginary: UnsafeMutablePointer<Float>,
    by spectrum: UnsafePointer<Float>, count: Int
  ) {
    let (sr, si) = (spectrum, spectrum + count)
    var x = 0
    while x + 8 <= count {
      let (ar, ai) = (RowKernels.load(real + x), RowKernels.load(imaginary + x))
      let (br, bi) = (RowKernels.load(sr + x), RowKernels.load(si + x))
      RowKernels.store(ar * br - ai * bi, real + x)
      RowKernels.store(ar * bi + ai * br, imaginary + x)
      x += 8
    }
    while x < count {
      let (ar, ai) = (real[x], imaginary[x])
      real[x] = ar * sr[x] - ai * si[x]
      imaginary[x] = ar * si[x] + ai * sr[x]
      x += 1
    }
  }
}
