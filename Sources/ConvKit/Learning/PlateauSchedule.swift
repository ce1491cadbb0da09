/// A learning rate that halves when the mean loss over a window of `patience` steps is
/// not lower than over the window before.
///
/// Comparing window means, rather than single steps against the lowest loss so far,
/// keeps one lucky step of an oscillating method (Adam, momentum) from setting off
/// halving after halving. Squared error in preconditioned coordinates falls steadily and
/// never triggers it. It makes the non-smooth L1 loss converge (a fixed step would keep
/// oscillating around the minimum), settles Adam, whose steps stay near the learning rate,
/// and averages out the noise of random patches.
struct PlateauSchedule {
  private(set) var learningRate: Double
  let patience: Int
  private var previousMean = Double.infinity
  private var windowSum = 0.0
  private var windowCount = 0

  init(learningRate: Double, patience: Int) {
    self.learningRate = learningRate
    self.patience = patience
  }

  /// Records the loss after a step, and at the end of each window halves the learning
  /// rate unless the window's mean loss is lower than the previous window's.
  mutating func record(_ loss: Double) {
    windowSum += loss
    windowCount += 1
    guard windowCount == patience else { return }

    let mean = windowSum / Double(patience)
    if mean >= previousMean {
      learningRate /= 2
    }
    previousMean = mean
    windowSum = 0
    windowCount = 0
  }
}
