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
    transform(Forward.self, real: real, imaginary: imaginary, scratch: scratch)
  }

  /// Inverts `forward`, without the `1 / size²` factor: the result is `size²` times the
  /// tile in natural `[y][x]` order.
  func inverse(
    real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>
  ) {
    transform(Inverse.self, real: real, imaginary: imaginary, scratch: scratch)
  }

  /// Runs the passes of `Direction` along the first axis, transposes, and runs them again.
  private func transform<Direction: FFTDirection>(
    _: Direction.Type, real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>
  ) {
    columns(Direction.self, real: real, imaginary: imaginary)
    transpose(real, into: scratch)
    transpose(imaginary, into: scratch + size * size)
    columns(Direction.self, real: scratch, imaginary: scratch + size * size)
    real.update(from: scratch, count: size * size)
    imaginary.update(from: scratch + size * size, count: size * size)
  }

  /// Butterflies between rows `p` and `p + span` along the first axis, for every span in
  /// the order `Direction` gives.
  private func columns<Direction: FFTDirection>(
    _: Direction.Type, real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>
  ) {
    for step in 0..<log2Size {
      let span = Direction.span(step: step, log2Size: log2Size)
      for block in stride(from: 0, to: size, by: 2 * span) {
        for j in 0..<span {
          let (c, s) = (cosines[span + j], Direction.sineSign * sines[span + j])
          let p = (block + j) * size
          let q = p + span * size
          Self.butterflies(
            Direction.self, real + p, imaginary + p, real + q, imaginary + q, cosine: c, sine: s,
            count: size)
        }
      }
    }
  }

  /// Applies `Direction`'s butterfly to `count` pairs of elements, 8 at a time and then
  /// one at a time, with `w = cosine + i sine`.
  @inline(__always)
  private static func butterflies<Direction: FFTDirection>(
    _: Direction.Type, _ ar: UnsafeMutablePointer<Float>, _ ai: UnsafeMutablePointer<Float>,
    _ br: UnsafeMutablePointer<Float>, _ bi: UnsafeMutablePointer<Float>,
    cosine: Float, sine: Float, count: Int
  ) {
    typealias V = RowKernels.Vector
    let (wc, ws) = (V(repeating: cosine), V(repeating: sine))
    var x = 0
    while x + 8 <= count {
      Direction.butterfly(ar + x, ai + x, br + x, bi + x, cosine: wc, sine: ws)
      x += 8
    }
    while x < count {
      Direction.butterfly(ar + x, ai + x, br + x, bi + x, cosine: cosine, sine: sine)
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

/// One direction of `FFT`'s passes along the first axis.
private protocol FFTDirection {
  /// The sign of the twiddles' imaginary parts: conjugate twiddles invert.
  static var sineSign: Float { get }

  /// Returns the butterfly span of pass `step`, out of `log2Size` passes.
  static func span(step: Int, log2Size: Int) -> Int

  /// Combines the elements at `a` and `b` (real and imaginary parts) with the twiddle
  /// `w = cosine + i sine`.
  static func butterfly<L: Lanes>(
    _ ar: UnsafeMutablePointer<Float>, _ ai: UnsafeMutablePointer<Float>,
    _ br: UnsafeMutablePointer<Float>, _ bi: UnsafeMutablePointer<Float>, cosine: L, sine: L)
}

/// Decimation in frequency: spans from `size / 2` down to 1, `(a, b) ← (a + b, (a - b) · w)`.
private enum Forward: FFTDirection {
  static var sineSign: Float { 1 }

  static func span(step: Int, log2Size: Int) -> Int { 1 << (log2Size - 1 - step) }

  @inline(__always)
  static func butterfly<L: Lanes>(
    _ ar: UnsafeMutablePointer<Float>, _ ai: UnsafeMutablePointer<Float>,
    _ br: UnsafeMutablePointer<Float>, _ bi: UnsafeMutablePointer<Float>, cosine: L, sine: L
  ) {
    let (xr, xi, yr, yi) = (L.load(ar), L.load(ai), L.load(br), L.load(bi))
    let (dr, di) = (xr - yr, xi - yi)
    (xr + yr).store(ar)
    (xi + yi).store(ai)
    (dr * cosine - di * sine).store(br)
    (dr * sine + di * cosine).store(bi)
  }
}

/// Decimation in time, the inverse of `Forward` up to the factor `size`: spans from 1 up to
/// `size / 2`, conjugate twiddles, `(a, b) ← (a + b · w, a - b · w)`.
private enum Inverse: FFTDirection {
  static var sineSign: Float { -1 }

  static func span(step: Int, log2Size: Int) -> Int { 1 << step }

  @inline(__always)
  static func butterfly<L: Lanes>(
    _ ar: UnsafeMutablePointer<Float>, _ ai: UnsafeMutablePointer<Float>,
    _ br: UnsafeMutablePointer<Float>, _ bi: UnsafeMutablePointer<Float>, cosine: L, sine: L
  ) {
    let (xr, xi, yr, yi) = (L.load(ar), L.load(ai), L.load(br), L.load(bi))
    let (tr, ti) = (yr * cosine - yi * sine, yr * sine + yi * cosine)
    (xr + tr).store(ar)
    (xi + ti).store(ai)
    (xr - tr).store(br)
    (xi - ti).store(bi)
  }
}
