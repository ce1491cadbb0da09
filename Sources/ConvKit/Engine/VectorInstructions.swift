import CFusedRows

/// The instructions of the weighted row sums: the inner loop of the direct sum at width
/// stride 1 (except for the 3x3 stencils) and of both separable passes.
///
/// The portable loop is written with Swift's `SIMD8<Float>`. SwiftPM compiles it for the
/// target's baseline, SSE2 on x86-64, where a multiply and an add are separate instructions
/// on four lanes. Most x86-64 processors since 2013 also have AVX2, with eight lanes, and
/// FMA, which does both in one instruction rounded once. Swift cannot mark a single
/// function for them without `unsafeFlags`, so the fused loop is C in the `CFusedRows`
/// target, chosen at run time after checking the processor. On the benchmark machine it
/// took the 15x15 Gaussian from 72 to 52 ms on one thread (`convkit-bench --portable`
/// against the default, docs/BENCHMARKS.md).
///
/// The fused loop rounds once per tap instead of twice, so its values differ from the
/// portable loop's by float rounding. The tests bound the difference at 1e-6 on inputs
/// below 1. Choose `portable` for values that are the same on every processor, such as for
/// comparing runs across machines.
public enum VectorInstructions: Equatable, Sendable {
  /// The fused loop where the processor has AVX2 and FMA, the portable loop elsewhere.
  case automatic
  /// The portable loop: `SIMD8<Float>` with separate multiply and add, whose values are
  /// the same on every processor.
  case portable

  /// Whether this processor runs the fused loop: an x86-64 processor with AVX2 and FMA,
  /// with an operating system that saves their registers.
  public static let fusedMultiplyAddAvailable = ckfused_available() != 0

  /// Returns whether correlations with these settings run the fused loop here.
  var usesFusedLoop: Bool {
    self == .automatic && Self.fusedMultiplyAddAvailable
  }
}
