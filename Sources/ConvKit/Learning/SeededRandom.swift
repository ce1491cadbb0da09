/// A deterministic random number generator (SplitMix64) for reproducible sampling.
///
/// The same seed gives the same sequence on every platform and Swift version, because
/// both the generator and `nextIndex(below:)` are written here instead of relying on the
/// standard library's unspecified algorithms. SplitMix64 adds a fixed odd constant to a
/// 64-bit state and scrambles the result with two xor-shift-multiply rounds. It is fast and
/// passes common statistical test suites, but it is not cryptographically secure.
public struct SeededRandom: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// Creates a generator whose sequence is fixed by `seed`.
  public init(seed: UInt64) {
    state = seed
  }

  /// Returns the next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return mixed ^ (mixed >> 31)
  }

  /// Returns a uniformly distributed integer in `0..<bound`.
  ///
  /// Uses Lemire's multiply-and-reject method: the high half of `next() × bound` is the
  /// result, and draws whose low half falls below `2^64 mod bound` are rejected so that
  /// every result is equally likely.
  ///
  /// - Parameter bound: the number of possible results, at least 1.
  public mutating func nextIndex(below bound: Int) -> Int {
    precondition(bound >= 1, "random index bound must be at least 1, got \(bound)")
    let range = UInt64(bound)
    let threshold = (0 &- range) % range
    while true {
      let (high, low) = next().multipliedFullWidth(by: range)
      if low >= threshold {
        return Int(high)
      }
    }
  }
}
