/// The algorithm `KernelLearner` uses to find the kernel.
public enum Solver: String, CaseIterable, Sendable {
  /// Preconditioned gradient descent through the convolution's backward pass, the
  /// default. Works with every `Loss`.
  case gradientDescent = "gd"

  /// The normal equations of the squared error, solved directly in `Double`. Ignores
  /// `KernelLearner.loss`, because it always minimises the mean squared error.
  case leastSquares = "lstsq"
}
