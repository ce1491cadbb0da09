/// How a convolution invents the samples it reads outside the input.
///
/// Each case names one exact rule, shown here for a row `abcd` extended on both sides.
/// Libraries use the same words for different rules, so the table in the README maps each
/// case to its OpenCV, scipy.ndimage, NumPy and PyTorch name.
///
/// | case          | left of `abcd` | right of `abcd` |
/// |---------------|----------------|-----------------|
/// | `constant(v)` | `vvv`          | `vvv`           |
/// | `replicate`   | `aaa`          | `ddd`           |
/// | `reflect101`  | `dcb`          | `cba`           |
/// | `symmetric`   | `cba`          | `dcb`           |
/// | `wrap`        | `bcd`          | `abc`           |
///
/// Padding wider than the input repeats the rule, as `numpy.pad` does: `reflect101` and
/// `symmetric` bounce back and forth, and `wrap` tiles the row.
public enum BorderMode: Equatable, Sendable {
  /// Every outside sample has the given value (zero padding for 0).
  case constant(Float)

  /// The nearest edge sample is repeated: `aaa|abcd|ddd`.
  case replicate

  /// Mirror image without repeating the edge sample: `dcb|abcd|cba`.
  case reflect101

  /// Mirror image that repeats the edge sample: `cba|abcd|dcb`.
  case symmetric

  /// The input repeats periodically: `bcd|abcd|abc`.
  case wrap

  /// Zero padding, the CNN default.
  public static let zero = BorderMode.constant(0)

  /// Returns the input index that padded position `position` copies, or `nil` when the
  /// sample is the constant.
  ///
  /// - Parameters:
  ///   - position: an index into the input extended on both sides; negative values and
  ///     values of `size` or more are outside the input.
  ///   - size: the number of input samples along the axis, at least 1.
  public func sourceIndex(of position: Int, size: Int) -> Int? {
    precondition(size >= 1, "border rule needs at least one input sample, got size \(size)")
    if position >= 0 && position < size {
      return position
    }

    switch self {
    case .constant:
      return nil
    case .replicate:
      return min(max(position, 0), size - 1)
    case .reflect101:
      guard size > 1 else { return 0 }
      let period = 2 * (size - 1)
      let folded = Self.positiveModulo(position, period)
      return folded < size ? folded : period - folded
    case .symmetric:
      let period = 2 * size
      let folded = Self.positiveModulo(position, period)
      return folded < size ? folded : period - 1 - folded
    case .wrap:
      return Self.positiveModulo(position, size)
    }
  }

  /// The value of outside samples for `constant`, 0 for every other mode.
  var constantValue: Float {
    if case .constant(let value) = self {
      return value
    }
    return 0
  }

  private static func positiveModulo(_ value: Int, _ modulus: Int) -> Int {
    let remainder = value % modulus
    return remainder < 0 ? remainder + modulus : remainder
  }
}

extension BorderMode: CustomStringConvertible {
  /// The name used on the command line: `constant`, `replicate`, `reflect101`, `symmetric`
  /// or `wrap`, with the value for a non-zero constant (`constant:0.5`).
  public var description: String {
    switch self {
    case .constant(let value):
      return value == 0 ? "constant" : "constant:\(value)"
    case .replicate: return "replicate"
    case .reflect101: return "reflect101"
    case .symmetric: return "symmetric"
    case .wrap: return "wrap"
    }
  }

  /// The names accepted by `init?(name:)`.
  public static let names = ["constant", "replicate", "reflect101", "symmetric", "wrap"]

  /// Creates a border mode from its command-line name; `constant:V` sets the value.
  public init?(name: String) {
    switch name {
    case "constant", "zero": self = .constant(0)
    case "replicate": self = .replicate
    case "reflect101": self = .reflect101
    case "symmetric": self = .symmetric
    case "wrap": self = .wrap
    default:
      guard name.hasPrefix("constant:"),
        let value = Float(name.dropFirst("constant:".count)), value.isFinite
      else { return nil }
      self = .constant(value)
    }
  }
}
