/// Gradient descent with heavy-ball momentum, in the form PyTorch's `SGD` uses:
/// `v ← momentum · v + g`, then `θ ← θ - lr · v`. With momentum 0 it is plain gradient
/// descent.
struct SGD: ParameterUpdater {
  let momentum: Double
  private var velocity: [Double]

  init(momentum: Double, parameterCount: Int) {
    self.momentum = momentum
    self.velocity = Array(repeating: 0, count: parameterCount)
  }

  mutating func update(_ parameters: inout [Double], gradient: [Double], learningRate: Double) {
    for index in parameters.indices {
      velocity[index] = momentum * velocity[index] + gradient[index]
      parameters[index] -= learningRate * velocity[index]
    }
  }

  mutating func restart() {
    velocity = Array(repeating: 0, count: velocity.count)
  }
}
