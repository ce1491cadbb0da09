/// The reason kernel learning stopped.
public enum StopReason: Equatable, Sendable {
  /// The largest change of a weight or bias in one step fell to the tolerance or below.
  case kernelChangeBelowTolerance

  /// The loss changed by no more than the tolerance squared (in units of the target's
  /// variance) from one step to the next.
  case lossChangeBelowTolerance

  /// The step limit was reached first.
  case maximumSteps

  /// The least-squares solver ran; it takes no steps.
  case solvedDirectly
}

extension StopReason: CustomStringConvertible {
  /// A phrase for logs, such as `kernel change under tolerance`.
  public var description: String {
    switch self {
    case .kernelChangeBelowTolerance: return "kernel change under tolerance"
    case .lossChangeBelowTolerance: return "loss change under tolerance"
    case .maximumSteps: return "step limit reached"
    case .solvedDirectly: return "solved the normal equations"
    }
  }
}
