/// Adam: gradient descent scaled per coordinate by running estimates of the gradient's
/// first and second moments, with bias correction for the early steps.
struct Adam: ParameterUpdater {
  let beta1: Double
  let beta2: Double
  let epsilon: Double
  private var firstMoment: [Double]
  private var secondMoment: [Double]
  private var beta1Power = 1.0
  private var beta2Power = 1.0

  init(beta1: Double, beta2: Double, epsilon: Double, parameterCount: Int) {
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.firstMoment = Array(repeating: 0, count: parameterCount)
    self.secondMoment = Array(repeating: 0, count: parameterCount)
  }

  mutating func update(_ parameters: inout [Double], gradient: [Double], learningRate: Double) {
    beta1Power *= beta1
    beta2Power *= beta2
    let firstCorrection = 1 - beta1Power
    let secondCorrection = 1 - beta2Power

    for index in parameters.indices {
      let g = gradient[index]
      firstMoment[index] = beta1 * firstMoment[index] + (1 - beta1) * g
      secondMoment[index] = beta2 * secondMoment[index] + (1 - beta2) * g * g
      let mean = firstMoment[index] / firstCorrection
      let spread = (secondMoment[index] / secondCorrection).squareRoot()
      parameters[index] -= learningRate * mean / (spread + epsilon)
    }
  }

  /// Keeps the moment estimates: they scale Adam's steps, so resetting them would make
  /// the next steps as large as the first.
  mutating func restart() {}
}
