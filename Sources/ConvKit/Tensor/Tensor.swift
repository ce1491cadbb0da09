/// A dense array of `Float` values with a shape, stored contiguously in row-major order.
///
/// ConvKit uses one tensor type for every dimension. An image is `[channels, height, width]`,
/// a batch of images is `[batch, channels, height, width]`, a convolution weight is
/// `[outputChannels, inputChannels / groups, kernelHeight, kernelWidth]`, and 1D and 3D data
/// simply have one spatial axis fewer or more. The last axis varies fastest.
public struct Tensor: Equatable, Sendable {
  /// The size of each axis.
  public private(set) var shape: [Int]

  /// The values in row-major order; `scalars.count` equals the product of `shape`.
  public var scalars: [Float]

  /// Creates a tensor from its shape and values.
  ///
  /// - Precondition: every axis is non-negative and `scalars.count` is the product of `shape`.
  public init(shape: [Int], scalars: [Float]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "tensor shape \(shape) has a negative axis")
    let count = shape.reduce(1, *)
    precondition(
      scalars.count == count,
      "tensor shape \(shape) needs \(count) values, got \(scalars.count)")
    self.shape = shape
    self.scalars = scalars
  }

  /// Creates a tensor of the given shape with every value set to `value`.
  public init(shape: [Int], repeating value: Float = 0) {
    precondition(shape.allSatisfy { $0 >= 0 }, "tensor shape \(shape) has a negative axis")
    self.shape = shape
    self.scalars = Array(repeating: value, count: shape.reduce(1, *))
  }

  /// The number of axes.
  public var rank: Int { shape.count }

  /// The number of values.
  public var count: Int { scalars.count }

  /// The distance in `scalars` between neighbours along each axis.
  public var strides: [Int] {
    var result = Array(repeating: 1, count: shape.count)
    var stride = 1
    for axis in shape.indices.reversed() {
      result[axis] = stride
      stride *= shape[axis]
    }
    return result
  }

  /// The value at a multi-dimensional index.
  public subscript(_ indices: Int...) -> Float {
    get { scalars[offset(of: indices)] }
    set { scalars[offset(of: indices)] = newValue }
  }

  /// Returns the same values viewed with another shape of the same count.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, scalars: scalars)
  }

  /// Returns the position in `scalars` of a multi-dimensional index.
  public func offset(of indices: [Int]) -> Int {
    precondition(
      indices.count == shape.count,
      "index \(indices) has \(indices.count) axes, tensor has \(shape.count)")
    var offset = 0
    for axis in shape.indices {
      precondition(
        indices[axis] >= 0 && indices[axis] < shape[axis],
        "index \(indices) is outside shape \(shape)")
      offset = offset * shape[axis] + indices[axis]
    }
    return offset
  }
}

extension Tensor: CustomStringConvertible {
  /// The shape and, for small tensors, the values.
  public var description: String {
    let shown = scalars.prefix(16).map { "\($0)" }.joined(separator: ", ")
    let more = scalars.count > 16 ? ", ..." : ""
    return "Tensor(shape: \(shape), scalars: [\(shown)\(more)])"
  }
}
