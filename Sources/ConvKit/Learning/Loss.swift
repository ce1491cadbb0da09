/// The function of the residuals `r = prediction - target` that kernel learning minimises.
///
/// Every loss is a mean over the `N` samples that take part, so its value does not grow
/// with the image size:
///
/// | case              | value          | ∂L/∂r                      |
/// |-------------------|----------------|----------------------------|
/// | `meanSquared`     | `(1/N) Σ r²`   | `2r / N`                   |
/// | `meanAbsolute`    | `(1/N) Σ |r|`  | `sign(r) / N` (0 at r = 0) |
/// | `huber(delta: δ)` | `(1/N) Σ h(r)` | `clamp(r, -δ, δ) / N`      |
///
/// where `h(r) = r²/2` for `|r| ≤ δ` and `δ(|r| - δ/2)` beyond.
public enum Loss: Equatable, Sendable {
  /// Mean squared error, the default. Its minimiser is the least-squares kernel.
  case meanSquared

  /// Mean absolute error (L1), which gives outliers less weight than squared error.
  case meanAbsolute

  /// Huber loss: squared for residuals up to `delta`, linear beyond.
  case huber(delta: Double)

  /// The default Huber threshold, 0.01 in [0, 1] sample units (about 2.5 levels of an
  /// 8-bit image), so 8-bit quantisation errors stay in the squared part.
  public static let defaultHuberDelta = 0.01

  /// The command-line name: `mse`, `l1` or `huber`.
  public var name: String {
    switch self {
    case .meanSquared: return "mse"
    case .meanAbsolute: return "l1"
    case .huber: return "huber"
    }
  }

  /// Returns the loss of `residuals` and its gradient with respect to each residual.
  ///
  /// - Parameters:
  ///   - residuals: `prediction - target` for every sample.
  ///   - included: whether each sample takes part; `nil` means all do. Samples left out
  ///     get a zero gradient.
  ///   - count: `N`, the divisor of the mean; usually the number of included samples.
  /// - Returns: the value, summed in `Double`, and `∂L/∂r` for every sample.
  /// - Complexity: O(residuals).
  public func evaluate(
    residuals: [Float], included: [Bool]?, count: Int
  ) -> (value: Double, gradient: [Float]) {
    precondition(included == nil || included!.count == residuals.count,
      "mask has \(included?.count ?? 0) entries for \(residuals.count) residuals")
    let scale = 1 / Double(max(count, 1))
    var total = 0.0
    var gradient = [Float](repeating: 0, count: residuals.count)

    for index in residuals.indices where included?[index] ?? true {
      let residual = Double(residuals[index])
      let (value, slope) = pointwise(residual)
      total += value
      gradient[index] = Float(slope * scale)
    }
    return (total * scale, gradient)
  }

  /// Returns this loss for residuals divided by `scale`, and the factor that turns its
  /// values back into the units of the original residuals.
  ///
  /// Learning runs on targets divided by their standard deviation `scale`. Squared error
  /// and Huber loss (with `delta / scale`) then shrink by `scale²`, and absolute error by
  /// `scale`, so `value(r) = factor × scaled.value(r / scale)`.
  public func scaled(by scale: Double) -> (loss: Loss, factor: Double) {
    switch self {
    case .meanSquared: return (.meanSquared, scale * scale)
    case .meanAbsolute: return (.meanAbsolute, scale)
    case .huber(let delta): return (.huber(delta: delta / scale), scale * scale)
    }
  }

  /// Returns the loss of one residual and its derivative, before dividing by `N`.
  private func pointwise(_ residual: Double) -> (value: Double, slope: Double) {
    switch self {
    case .meanSquared:
      return (residual * residual, 2 * residual)
    case .meanAbsolute:
      let sign: Double = residual > 0 ? 1 : (residual < 0 ? -1 : 0)
      return (abs(residual), sign)
    case .huber(let delta):
      let size = abs(residual)
      if size <= delta {
        return (residual * residual / 2, residual)
      }
      return (delta * (size - delta / 2), residual > 0 ? delta : -delta)
    }
  }
}
