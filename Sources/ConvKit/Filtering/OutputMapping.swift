/// A rule that brings filtered values, which may be negative or above 1, into the [0, 1]
/// range an image file stores.
public enum OutputMapping: String, CaseIterable, Sendable {
  /// Values below 0 become 0 and values above 1 become 1.
  case clamp

  /// The absolute value, then clamped: edges of both signs come out bright.
  case abs

  /// 0.5 is added, then clamped, so zero is mid-grey as in 8-bit editors' 128 offset.
  /// Values are not scaled, so the stored result is the filter output shifted by 0.5.
  case offset

  /// The smallest value becomes 0 and the largest 1, over all colour channels together.
  case normalize

  /// Returns the mapped values of `scalars`.
  public func apply(to scalars: [Float]) -> [Float] {
    switch self {
    case .clamp:
      return scalars.map(Self.clamped)
    case .abs:
      return scalars.map { Self.clamped(Swift.abs($0)) }
    case .offset:
      return scalars.map { Self.clamped($0 + 0.5) }
    case .normalize:
      let finite = scalars.filter(\.isFinite)
      guard let low = finite.min(), let high = finite.max(), high > low else {
        return scalars.map(Self.clamped)
      }
      return scalars.map { Self.clamped(($0 - low) / (high - low)) }
    }
  }

  /// Replaces `scalars` by their mapped values, as `apply(to:)` returns them, without a new
  /// array when `scalars` is uniquely referenced.
  func map(_ scalars: inout [Float]) {
    scalars.withUnsafeMutableBufferPointer { values in
      switch self {
      case .clamp:
        for index in values.indices { values[index] = Self.clamped(values[index]) }
      case .abs:
        for index in values.indices { values[index] = Self.clamped(Swift.abs(values[index])) }
      case .offset:
        for index in values.indices { values[index] = Self.clamped(values[index] + 0.5) }
      case .normalize:
        let mapped = apply(to: Array(values))
        for index in values.indices { values[index] = mapped[index] }
      }
    }
  }

  private static func clamped(_ value: Float) -> Float {
    value.isNaN ? 0 : min(max(value, 0), 1)
  }
}
