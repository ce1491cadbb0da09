/// The state of kernel learning after one gradient-descent step, passed to the progress
/// callback of `KernelLearner.learn(input:target:progress:)`.
public struct LearningProgress: Equatable, Sendable {
  /// The number of updates made so far; 0 for the starting kernel.
  public var step: Int

  /// The step limit.
  public var maximumSteps: Int

  /// The loss after `step` updates, in the units of the target samples. With random
  /// patches it is the loss of this step's batch only.
  public var loss: Double

  /// The learning rate of the update that led here.
  public var learningRate: Double
}
