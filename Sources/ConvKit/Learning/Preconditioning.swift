/// The change of coordinates that gradient descent applies to the kernel parameters.
///
/// The squared error has the Hessian `2G`, where `G` is the patch autocorrelation matrix
/// (see `KernelLearner`). Neighbouring pixels of natural images are strongly correlated,
/// so `G` has a large condition number: about 1,800 for a 3x3 kernel on the sample
/// `camera.png`, and about 83,000 when the RGB channels of `astronaut.png` are mixed. Plain
/// gradient descent then needs about that many steps to settle the weakest directions. Preconditioning with a matrix `P = L Lᵀ` runs
/// the optimizer on `φ = Lᵀ θ`, which replaces the Hessian by `2 L⁻¹ G L⁻ᵀ`.
public enum Preconditioning: String, CaseIterable, Sendable {
  /// `P = G` (plus a tiny ridge), factored by Cholesky: the Hessian of squared error
  /// becomes `2I`, so every direction converges at the same rate. Costs
  /// O(samples × T²) once to build `G` and O(T³) to factor it, for `T` taps (plus bias)
  /// per output channel.
  case full

  /// `P = diag(G)`: each tap is scaled by the root mean square of its input samples.
  /// Cheap, but it leaves the correlation between neighbouring taps.
  case diagonal

  /// `P = I`: plain gradient descent on the centred and scaled samples.
  case none
}
