import Foundation

extension Kernel {
  /// The 1x1 kernel that leaves the image unchanged.
  public static let identity = try! Kernel([[1]])

  /// Sobel derivative along x (columns), as OpenCV's `Sobel` with `dx = 1`, `ksize = 3`.
  public static let sobelX = try! Kernel([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])

  /// Sobel derivative along y (rows).
  public static let sobelY = sobelX.transposed()

  /// Scharr derivative along x, a rotation-invariant refinement of Sobel.
  public static let scharrX = try! Kernel([[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]])

  /// Scharr derivative along y.
  public static let scharrY = scharrX.transposed()

  /// Prewitt derivative along x: central difference with uniform smoothing.
  public static let prewittX = try! Kernel([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]])

  /// Prewitt derivative along y.
  public static let prewittY = prewittX.transposed()

  /// 4-neighbour Laplacian, as OpenCV's `Laplacian` with `ksize = 1`.
  public static let laplacian4 = try! Kernel([[0, 1, 0], [1, -4, 1], [0, 1, 0]])

  /// 8-neighbour Laplacian.
  public static let laplacian8 = try! Kernel([[1, 1, 1], [1, -8, 1], [1, 1, 1]])

  /// Sharpening: the identity plus the negative 4-neighbour Laplacian.
  public static let sharpen = try! Kernel([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])

  /// Emboss: a diagonal derivative plus the identity, lit from the bottom right.
  public static let emboss = try! Kernel([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]])

  /// Outline: the 8-neighbour Laplacian negated, so edges come out bright.
  public static let outline = try! Kernel([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]])

  /// Returns a `size` x `size` mean filter: every weight is `1 / size²`.
  ///
  /// - Throws: `KernelError.invalidParameter` when `size` is not in 1 to `maximumSide`.
  public static func box(size: Int) throws(KernelError) -> Kernel {
    guard (1...maximumSide).contains(size) else {
      throw .invalidParameter(
        kernel: "box", name: "size", value: "\(size)",
        expected: "an integer from 1 to \(maximumSide)")
    }
    let weight = 1 / Float(size * size)
    return try Kernel(rows: size, columns: size, values: Array(repeating: weight, count: size * size))
  }

  /// Returns the default Gaussian size for `sigma`: `2 * ceil(3 * sigma) + 1`, which keeps
  /// the taps within three standard deviations.
  public static func gaussianSize(sigma: Double) -> Int {
    2 * Int((3 * sigma).rounded(.up)) + 1
  }

  /// Returns a square Gaussian blur kernel, normalised so the weights sum to 1.
  ///
  /// Tap `(r, c)` is proportional to `exp(-((r - h)² + (c - h)²) / (2 sigma²))` with
  /// `h = (size - 1) / 2`. It is the outer product of the 1D kernel OpenCV's
  /// `getGaussianKernel(size, sigma)` returns, computed in `Double`.
  ///
  /// - Parameters:
  ///   - sigma: the standard deviation in pixels, greater than 0.
  ///   - size: an odd size; `nil` means `gaussianSize(sigma:)`.
  /// - Throws: `KernelError.invalidParameter` for a sigma or size out of range.
  public static func gaussian(sigma: Double, size: Int? = nil) throws(KernelError) -> Kernel {
    let profile = try gaussianRow(sigma: sigma, size: size).values.map(Double.init)
    let values = profile.flatMap { row in profile.map { Float(row * $0) } }
    return try Kernel(rows: profile.count, columns: profile.count, values: values)
  }

  /// Returns the 1D Gaussian as a one-row kernel, normalised so the weights sum to 1: the
  /// kernel OpenCV's `getGaussianKernel(size, sigma)` returns.
  ///
  /// - Throws: `KernelError.invalidParameter` for a sigma or size out of range.
  public static func gaussianRow(sigma: Double, size: Int? = nil) throws(KernelError) -> Kernel {
    guard sigma > 0, sigma.isFinite, gaussianSize(sigma: sigma) <= maximumSide || size != nil
    else {
      throw .invalidParameter(
        kernel: "gaussian", name: "sigma", value: parameterText(sigma),
        expected: "a number greater than 0 and at most \((maximumSide - 1) / 6)")
    }
    let size = size ?? gaussianSize(sigma: sigma)
    guard size >= 1, size <= maximumSide, size % 2 == 1 else {
      throw .invalidParameter(
        kernel: "gaussian", name: "size", value: "\(size)",
        expected: "an odd integer from 1 to \(maximumSide)")
    }
    let profile = gaussianProfile(sigma: sigma, size: size)
    return try Kernel(rows: 1, columns: size, values: profile.map { Float($0) })
  }

  /// Returns unsharp masking: `(1 + amount) · identity - amount · gaussian(sigma)`, which
  /// adds back `amount` times the detail a blur removes.
  ///
  /// - Throws: `KernelError.invalidParameter` for a negative or non-finite amount, and the
  ///   errors of `gaussian(sigma:size:)`.
  public static func unsharp(sigma: Double, amount: Double, size: Int? = nil) throws(KernelError)
    -> Kernel
  {
    guard amount >= 0, amount.isFinite else {
      throw .invalidParameter(
        kernel: "unsharp", name: "amount", value: parameterText(amount),
        expected: "a finite number of at least 0")
    }
    let blur: Kernel
    do {
      blur = try gaussian(sigma: sigma, size: size)
    } catch .invalidParameter(_, let name, let value, let expected) {
      throw .invalidParameter(kernel: "unsharp", name: name, value: value, expected: expected)
    } catch {
      throw error
    }
    let centre = blur.values.count / 2
    var values = blur.values.map { -Float(amount) * $0 }
    values[centre] += 1 + Float(amount)
    return try Kernel(rows: blur.rows, columns: blur.columns, values: values)
  }

  /// The normalised 1D Gaussian, in `Double`.
  private static func gaussianProfile(sigma: Double, size: Int) -> [Double] {
    let half = Double(size - 1) / 2
    let raw = (0..<size).map { exp(-pow(Double($0) - half, 2) / (2 * sigma * sigma)) }
    let total = raw.reduce(0, +)
    return raw.map { $0 / total }
  }
}

/// Returns `value` as a user would type it: `-2` rather than `-2.0` for a whole number.
private func parameterText(_ value: Double) -> String {
  guard value.isFinite, value == value.rounded(), abs(value) < 1e15 else { return "\(value)" }
  return "\(Int(value))"
}
