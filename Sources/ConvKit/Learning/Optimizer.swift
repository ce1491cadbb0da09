/// The update rule that gradient descent applies to the kernel parameters.
///
/// Kernel learning runs the optimizer in preconditioned coordinates (see `Preconditioning`),
/// where the squared-error loss has the Hessian `2I`. The default learning rates are chosen
/// for those coordinates, so they do not depend on the image size or bit depth.
public enum Optimizer: Equatable, Sendable {
  /// Gradient descent with optional heavy-ball momentum:
  /// `v ← momentum · v + g`, then `θ ← θ - lr · v`. When learning from the whole image,
  /// `v` is reset to 0 whenever the loss rises (adaptive restart), because the
  /// oscillation of heavy-ball momentum would otherwise set off the learning-rate halving.
  case sgd(momentum: Double = 0)

  /// Adam (Kingma and Ba, 2015) with bias-corrected moment estimates:
  /// `m ← β1 m + (1 - β1) g`, `v ← β2 v + (1 - β2) g²`,
  /// `θ ← θ - lr · m̂ / (√v̂ + ε)` with `m̂ = m / (1 - β1^t)` and
  /// `v̂ = v / (1 - β2^t)` at step `t`.
  case adam(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8)

  /// The command-line name: `sgd` or `adam`.
  public var name: String {
    switch self {
    case .sgd: return "sgd"
    case .adam: return "adam"
    }
  }

  /// The learning rate used when none is given.
  ///
  /// For `sgd` it is 0.5: with the Hessian `2I` of squared error in preconditioned
  /// coordinates, a step of `0.5 × gradient` lands on the minimum, and any rate in (0, 1)
  /// converges. For `adam` it is 0.01, because Adam moves each coordinate by about the
  /// learning rate per step. In preconditioned coordinates with a unit-variance target,
  /// every coordinate of the solution is at most 1 in size, so about 100 steps reach it.
  public var defaultLearningRate: Double {
    switch self {
    case .sgd: return 0.5
    case .adam: return 0.01
    }
  }

  /// Returns fresh optimizer state for `count` parameters.
  func makeUpdater(parameterCount count: Int) -> any ParameterUpdater {
    switch self {
    case .sgd(let momentum):
      return SGD(momentum: momentum, parameterCount: count)
    case .adam(let beta1, let beta2, let epsilon):
      return Adam(beta1: beta1, beta2: beta2, epsilon: epsilon, parameterCount: count)
    }
  }
}

/// Optimizer state that turns gradients into parameter updates.
protocol ParameterUpdater {
  /// Moves `parameters` against `gradient` with step size `learningRate`.
  mutating func update(_ parameters: inout [Double], gradient: [Double], learningRate: Double)

  /// Forgets the accumulated momentum, if the rule has any.
  mutating func restart()
}
