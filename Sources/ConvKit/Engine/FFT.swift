/// Radix-2 fast Fourier transforms of square complex tiles, `size` x `size` with
/// `size` a power of two, stored as separate real and imaginary planes in row-major order.
///
/// Every butterfly combines two whole rows, so the inner loops run over contiguous memory
/// in `SIMD8<Float>` steps. The transform along rows transposes the tile and transforms its
/// rows again. The forward transform is decimation in frequency (natural order in,
/// bit-reversed order out), and the inverse is decimation in time (bit-reversed in, natural
/// out). No bit-reversal permutation is needed, because spectra are only multiplied element
/// by element, with both operands in the same order.
struct FFT: Sendable {
  let size: Int
  let log2Size: Int
  /// `cosines[s + j]` and `sines[s + j]` are the real and imaginary parts of
  /// `exp(-2πi j / (2s))`, for the butterfly span `s` (a power of two) and `j < s`.
  let cosines: [Float]
  let sines: [Float]

  init(size: Int) {
    precondition(size >= 8 && size & (size - 1) == 0, "FFT size must be a power of two of at least 8, got \(size)")
    self.size = size
    self.log2Size = Int.bitWidth - 1 - size.leadingZeroBitCount
    var cosines = [Float](repeating: 1, count: size)
    var sines = [Float](repeating: 0, count: size)
    var span = 1
    while span < size {
      for j in 0..<span {
        let angle = -Double.pi * Double(j) / Double(span)
        cosines[span + j] = Float(Self.cosine(angle))
        sines[span + j] = Float(Self.sine(angle))
      }
      span *= 2
    }
    self.cosines = cosines
    self.sines = sines
  }

  /// Transforms both axes of the tile forward. The result is transposed (`[kx][ky]`) and
  /// in bit-reversed order along both axes. `scratch` has room for two tiles.
  func forward(
    real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>
  ) {
    forwardColumns(real: real, imaginary: imaginary)
    transpose(real, into: scratch)
    transpose(imaginary, into: scratch + size * size)
    forwardColumns(real: scratch, imaginary: scratch + size * size)
    real.update(from: scratch, count: size * size)
    imaginary.update(from: scratch + size * size, count: size * size)
  }

  /// Inverts `forward`, without the `1 / size²` factor: the result is `size²` times the
  /// tile in natural `[y][x]` order.
  func inverse(
    real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>
  ) {
    inverseColumns(real: real, imaginary: imaginary)
    transpose(real, into: scratch)
    transpose(imaginary, into: scratch + size * size)
    inverseColumns(real: scratch, imaginary: scratch + size * size)
    real.update(from: scratch, count: size * size)
    imaginary.update(from: scratch + size * size, count: size * size)
  }

  /// Decimation in frequency along the first axis: butterflies between rows `p` and
  /// `p + span`, spans from `size / 2` down to 1.
  private func forwardColumns(real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>) {
    var span = size / 2
    while span >= 1 {
      for block in stride(from: 0, to: size, by: 2 * span) {
        for j in 0..<span {
          let (c, s) = (cosines[span + j], sines[span + j])
          let p = (block + j) * size
          let q = p + span * size
          Self.forwardButterfly(
            real + p, imaginary + p, real + q, imaginary + q, cosine: c, sine: s, count: size)
        }
      }
      span /= 2
    }
  }

  /// Decimation in time along the first axis, the inverse of `forwardColumns` up to the
  /// factor `size`: spans from 1 up to `size / 2`, with conjugate twiddles.
  private func inverseColumns(real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>) {
    var span = 1
    while span < size {
      for block in stride(from: 0, to: size, by: 2 * span) {
        for j in 0..<span {
          let (c, s) = (cosines[span + j], -sines[span + j])
          let p = (block + j) * size
          let q = p + span * size
          Self.inverseButterfly(
            real + p, imaginary + p, real + q, imaginary + q, cosine: c, sine: s, count: size)
        }
      }
      span *= 2
    }
  }

  /// `(a, b) ← (a + b, (a - b) · w)` element by element, with `w = cosine + i sine`.
  @inline(__always)
  private static func forwardButterfly(
    _ ar: UnsafeMutablePointer<Float>, _ ai: UnsafeMutablePointer<Float>,
    _ br: UnsafeMutablePointer<Float>, _ bi: UnsafeMutablePointer<Float>,
    cosine: Float, sine: Float, count: Int
  ) {
    typealias V = RowKernels.Vector
    let (wc, ws) = (V(repeating: cosine), V(repeating: sine))
    var x = 0
    while x + 8 <= count {
      let (xr, xi) = (RowKernels.load(ar + x), RowKernels.load(ai + x))
      let (yr, yi) = (RowKernels.load(br + x), RowKernels.load(bi + x))
      let (dr, di) = (xr - yr, xi - yi)
      RowKernels.store(xr + yr, ar + x)
      RowKernels.store(xi + yi, ai + x)
      RowKernels.store(dr * wc - di * ws, br + x)
      RowKernels.store(dr * ws + di * wc, bi + x)
      x += 8
    }
    while x < count {
      let (dr, di) = (ar[x] - br[x], ai[x] - bi[x])
      ar[x] += br[x]
      ai[x] += bi[x]
      br[x] = dr * cosine - di * sine
      bi[x] = dr * sine + di * cosine
      x += 1
    }
  }

  /// `(a, b) ← (a + b · w, a - b · w)` element by element, with `w = cosine + i sine`.
  @inline(__always)
  private static func inverseButterfly(
    _ ar: UnsafeMutablePointer<Float>, _ ai: UnsafeMutablePointer<Float>,
    _ br: UnsafeMutablePointer<Float>, _ bi: UnsafeMutablePointer<Float>,
    cosine: Float, sine: Float, count: Int
  ) {
    typealias V = RowKernels.Vector
    let (wc, ws) = (V(repeating: cosine), V(repeating: sine))
    var x = 0
    while x + 8 <= count {
      let (xr, xi) = (RowKernels.load(ar + x), RowKernels.load(ai + x))
      let (yr, yi) = (RowKernels.load(br + x), RowKernels.load(bi + x))
      let (tr, ti) = (yr * wc - yi * ws, yr * ws + yi * wc)
      RowKernels.store(xr + tr, ar + x)
      RowKernels.store(xi + ti, ai + x)
      RowKernels.store(xr - tr, br + x)
      RowKernels.store(xi - ti, bi + x)
      x += 8
    }
    while x < count {
      let (tr, ti) = (br[x] * cosine - bi[x] * sine, br[x] * sine + bi[x] * cosine)
      br[x] = ar[x] - tr
      bi[x] = ai[x] - ti
      ar[x] += tr
      ai[x] += ti
      x += 1
    }
  }

  /// Writes the transpose of the `size` x `size` tile `source` into `target`, in 8 x 8
  /// blocks so both sides stay in cache lines.
  private func transpose(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>) {
    for rowBlock in stride(from: 0, to: size, by: 8) {
      for columnBlock in stride(from: 0, to: size, by: 8) {
        for row in rowBlock..<(rowBlock + 8) {
          for column in columnBlock..<(columnBlock + 8) {
            target[column * size + row] = source[row * size + column]
          }
        }
      }
    }
  }

  // The standard library has no trigonometry without Foundation; these series are accurate
  // to double rounding for |angle| <= π, the only range used.
  static func sine(_ angle: Double) -> Double {
    // Reduce to [-π/2, π/2], where the Taylor series converges fast.
    var x = angle
    if x > Double.pi / 2 { x = Double.pi - x }
    if x < -Double.pi / 2 { x = -Double.pi - x }
    var term = x
    var sum = x
    for n in 1...12 {
      term *= -x * x / Double((2 * n) * (2 * n + 1))
      sum += term
    }
    return sum
  }

  static func cosine(_ angle: Double) -> Double {
    sine(angle + Double.pi / 2 > Double.pi ? angle - 3 * Double.pi / 2 : angle + Double.pi / 2)
  }
}
