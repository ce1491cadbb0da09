import CFusedRows

/// The vectorised inner loops of the engine: sums of weighted rows and their helpers.
/// They use the standard library's `SIMD8<Float>`, which compiles to vector instructions on
/// every target: two SSE registers per vector on baseline x86-64, one AVX register when the
/// compiler may use AVX. A scalar loop handles the last samples.
///
/// Multiply and add are separate operations on purpose: `addingProduct` becomes a call to
/// `fmaf` per lane on targets without FMA instructions, which is far slower. The SIMD loop
/// and the scalar tail round identically, so a sample's value does not depend on its
/// position in a row. On processors with AVX2 and FMA, `weightedSum` can hand its rows to
/// the fused loop of `CFusedRows` instead (see `VectorInstructions`).
enum RowKernels {
  typealias Vector = SIMD8<Float>

  @inline(__always)
  static func load(_ pointer: UnsafePointer<Float>) -> Vector {
    UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
  }

  @inline(__always)
  static func store(_ vector: Vector, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: vector, as: Vector.self)
  }

  /// Sets `output[x] = Σ_i weights[i] · sources[i][x] + bias` for `x` in `0..<count`,
  /// adding the terms in order of `i`, then the bias.
  ///
  /// - Parameters:
  ///   - ahead: the lookahead of the input row that the loop reads last from memory.
  ///   - streams: whether whole cache lines of `output` are written with streaming stores.
  ///   - fused: whether the loop of `CFusedRows` computes the sums, with one fused
  ///     multiply-add per tap (see `VectorInstructions`); only where it is available.
  /// - Complexity: O(`taps` × `count`); 32 outputs per step are kept in registers, so each
  ///   tap costs one load and one multiply-add per 8 outputs.
  static func weightedSum(
    sources: UnsafePointer<UnsafePointer<Float>>, weights: UnsafePointer<Float>, taps: Int,
    bias: Float, output: UnsafeMutablePointer<Float>, count: Int, ahead: Lookahead = .none,
    streams: Bool = false, fused: Bool = false
  ) {
    let parts = RowParts(output: output, count: count, streams: streams)
    if fused, taps > 0 {
      let (start, available) = ahead.span
      func sum(_ range: Range<Int>, streaming: Bool) {
        guard !range.isEmpty else { return }
        ckfused_weighted_sum(
          sources, weights, taps, bias, output, range.lowerBound, range.upperBound,
          streaming ? 1 : 0, start, available)
      }
      sum(parts.head, streaming: false)
      sum(parts.lines, streaming: true)
      sum(parts.tail, streaming: false)
      return
    }

    let sum = WeightedSum(sources: sources, weights: weights, taps: taps, bias: bias, output: output)
    sum.run(parts.head, ahead, CachedStore.self)
    sum.run(parts.lines, ahead, StreamingStore.self)
    sum.run(parts.tail, ahead, CachedStore.self)
  }

  /// Computes two rows with the fused loop and no bias: `first` from `sources[0..<taps]`
  /// and `second` from `sources[1...taps]`, for `x` in `0..<count`. The values equal those
  /// of two `weightedSum` calls, but each source row is loaded once (see `SeparableBand`).
  ///
  /// - Precondition: `taps` is at least 1 and the fused loop is available.
  static func fusedPairSum(
    sources: UnsafePointer<UnsafePointer<Float>>, weights: UnsafePointer<Float>, taps: Int,
    first: UnsafeMutablePointer<Float>, second: UnsafeMutablePointer<Float>, count: Int,
    ahead: Lookahead
  ) {
    precondition(taps >= 1 && VectorInstructions.fusedMultiplyAddAvailable, "fused pair sum needs taps and AVX2 with FMA")
    let (start, available) = ahead.span
    ckfused_weighted_sum_pair(sources, weights, taps, first, second, count, start, available)
  }

  /// Sets `output[x] = bias + scale · Σ_i sources[i][x]` for `x` in `0..<count`: the sum of
  /// equally weighted rows, with one multiply per output instead of one per source.
  static func scaledSum(
    sources: UnsafePointer<UnsafePointer<Float>>, taps: Int, scale: Float, bias: Float,
    output: UnsafeMutablePointer<Float>, count: Int
  ) {
    var x = 0
    let (factor, offset) = (Vector(repeating: scale), Vector(repeating: bias))
    while x + 32 <= count {
      var p = sources[0] + x
      var (a0, a1, a2, a3) = (load(p), load(p + 8), load(p + 16), load(p + 24))
      for tap in 1..<max(taps, 1) {
        p = sources[tap] + x
        a0 = a0 + load(p)
        a1 = a1 + load(p + 8)
        a2 = a2 + load(p + 16)
        a3 = a3 + load(p + 24)
      }
      store(offset + factor * a0, output + x)
      store(offset + factor * a1, output + x + 8)
      store(offset + factor * a2, output + x + 16)
      store(offset + factor * a3, output + x + 24)
      x += 32
    }
    while x + 8 <= count {
      var a0 = load(sources[0] + x)
      for tap in 1..<max(taps, 1) {
        a0 = a0 + load(sources[tap] + x)
      }
      store(offset + factor * a0, output + x)
      x += 8
    }
    while x < count {
      var a = sources[0][x]
      for tap in 1..<max(taps, 1) {
        a = a + sources[tap][x]
      }
      output[x] = bias + scale * a
      x += 1
    }
  }

  /// Sets `target[x] = first[x] + second[x]` for `x` in `0..<count`.
  static func add(
    _ first: UnsafePointer<Float>, _ second: UnsafePointer<Float>,
    into target: UnsafeMutablePointer<Float>, count: Int
  ) {
    var x = 0
    while x + 8 <= count {
      store(load(first + x) + load(second + x), target + x)
      x += 8
    }
    while x < count {
      target[x] = first[x] + second[x]
      x += 1
    }
  }

  /// Adds `added[x] - removed[x]` to `target[x]` for `x` in `0..<count`.
  static func slide(
    _ target: UnsafeMutablePointer<Float>, adding added: UnsafePointer<Float>,
    removing removed: UnsafePointer<Float>, count: Int
  ) {
    var x = 0
    while x + 8 <= count {
      store(load(target + x) + (load(added + x) - load(removed + x)), target + x)
      x += 8
    }
    while x < count {
      target[x] = target[x] + (added[x] - removed[x])
      x += 1
    }
  }

  /// Sets `target[x] = bias + scale · source[x]` for `x` in `0..<count`.
  static func scale(
    _ source: UnsafePointer<Float>, by scale: Float, adding bias: Float,
    into target: UnsafeMutablePointer<Float>, count: Int
  ) {
    var x = 0
    let (factor, offset) = (Vector(repeating: scale), Vector(repeating: bias))
    while x + 8 <= count {
      store(offset + factor * load(source + x), target + x)
      x += 8
    }
    while x < count {
      target[x] = bias + scale * source[x]
      x += 1
    }
  }
}

/// A block of adjacent samples that a row loop loads, combines and stores as one value:
/// one sample or one vector. Loops written once for `Lanes` handle the vector steps and the
/// scalar tail with the same operations, so every output rounds alike.
protocol Lanes {
  init(broadcast value: Float)
  static func load(_ pointer: UnsafePointer<Float>) -> Self
  func store(_ pointer: UnsafeMutablePointer<Float>)
  static func + (left: Self, right: Self) -> Self
  static func - (left: Self, right: Self) -> Self
  static func * (left: Self, right: Self) -> Self
}

extension Float: Lanes {
  @inline(__always)
  init(broadcast value: Float) { self = value }

  @inline(__always)
  static func load(_ pointer: UnsafePointer<Float>) -> Float { pointer.pointee }

  @inline(__always)
  func store(_ pointer: UnsafeMutablePointer<Float>) { pointer.pointee = self }
}

extension SIMD8<Float>: Lanes {
  @inline(__always)
  init(broadcast value: Float) { self.init(repeating: value) }

  @inline(__always)
  static func load(_ pointer: UnsafePointer<Float>) -> Self { RowKernels.load(pointer) }

  @inline(__always)
  func store(_ pointer: UnsafeMutablePointer<Float>) { RowKernels.store(self, pointer) }
}

/// The loop of `RowKernels.weightedSum` over one part of the row.
private struct WeightedSum {
  let sources: UnsafePointer<UnsafePointer<Float>>
  let weights: UnsafePointer<Float>
  let taps: Int
  let bias: Float
  let output: UnsafeMutablePointer<Float>

  typealias Vector = RowKernels.Vector

  @inline(__always)
  func run<Store: VectorStore>(_ range: Range<Int>, _ ahead: Lookahead, _: Store.Type) {
    var x = range.lowerBound
    while x + 32 <= range.upperBound {
      ahead.prefetch(x)
      ahead.prefetch(x + 16)
      var (a0, a1, a2, a3) = (
        term(Vector.self, 0, x), term(Vector.self, 0, x + 8), term(Vector.self, 0, x + 16),
        term(Vector.self, 0, x + 24)
      )
      for tap in 1..<max(taps, 1) {
        a0 = a0 + term(Vector.self, tap, x)
        a1 = a1 + term(Vector.self, tap, x + 8)
        a2 = a2 + term(Vector.self, tap, x + 16)
        a3 = a3 + term(Vector.self, tap, x + 24)
      }
      Store.store(withBias(a0), output + x)
      Store.store(withBias(a1), output + x + 8)
      Store.store(withBias(a2), output + x + 16)
      Store.store(withBias(a3), output + x + 24)
      x += 32
    }
    while x + 8 <= range.upperBound {
      ahead.prefetch(x)
      Store.store(value(Vector.self, x), output + x)
      x += 8
    }
    while x < range.upperBound {
      output[x] = value(Float.self, x)
      x += 1
    }
  }

  /// Returns the terms added in order of tap, then the bias.
  @inline(__always)
  private func value<L: Lanes>(_: L.Type, _ x: Int) -> L {
    var sum = term(L.self, 0, x)
    for tap in 1..<max(taps, 1) {
      sum = sum + term(L.self, tap, x)
    }
    return withBias(sum)
  }

  /// Returns `weights[tap] · sources[tap][x]`, or 0 when there are no taps.
  @inline(__always)
  private func term<L: Lanes>(_: L.Type, _ tap: Int, _ x: Int) -> L {
    taps == 0 ? L(broadcast: 0) : L(broadcast: weights[tap]) * L.load(sources[tap] + x)
  }

  /// Returns `sum + bias`, or `sum` unchanged when the bias is 0, which saves an add per
  /// sample.
  @inline(__always)
  private func withBias<L: Lanes>(_ sum: L) -> L {
    bias == 0 ? sum : sum + L(broadcast: bias)
  }
}
