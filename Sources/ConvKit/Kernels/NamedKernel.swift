/// A parameter that a named kernel can take.
public enum KernelParameter: String, CaseIterable, Sendable {
  /// Kernel width and height in pixels.
  case size

  /// Gaussian standard deviation in pixels.
  case sigma

  /// Unsharp-mask strength: how many times the removed detail is added back.
  case amount
}

/// Values for the parameters of a named kernel; `nil` means the kernel's default.
public struct KernelParameters: Equatable, Sendable {
  public var size: Int?
  public var sigma: Double?
  public var amount: Double?

  public init(size: Int? = nil, sigma: Double? = nil, amount: Double? = nil) {
    self.size = size
    self.sigma = sigma
    self.amount = amount
  }

  /// The parameters that have a value.
  public var given: [KernelParameter] {
    KernelParameter.allCases.filter { parameter in
      switch parameter {
      case .size: return size != nil
      case .sigma: return sigma != nil
      case .amount: return amount != nil
      }
    }
  }
}

/// A predefined filter that `convkit filter --kernel NAME` selects.
public struct NamedKernel: Sendable {
  /// The name on the command line, e.g. `sobel-x`.
  public let name: String

  /// One line on what the filter does.
  public let summary: String

  /// The parameters it takes.
  public let parameters: [KernelParameter]

  /// The default way its results are brought into [0, 1]: `abs` for signed derivatives,
  /// `clamp` for everything else.
  public let defaultMapping: OutputMapping

  private let make: @Sendable (KernelParameters) throws(KernelError) -> Filter

  /// Returns the filter for the given parameters.
  ///
  /// - Throws: `KernelError.unusedParameter` for a parameter this kernel does not take, and
  ///   `KernelError.invalidParameter` for a value out of range.
  public func filter(_ parameters: KernelParameters = .init()) throws(KernelError) -> Filter {
    if let unused = parameters.given.first(where: { !self.parameters.contains($0) }) {
      throw .unusedParameter(
        kernel: name, name: "--\(unused.rawValue)", accepted: self.parameters.map { "--\($0.rawValue)" })
    }
    return try make(parameters)
  }

  /// Returns the named kernel called `name`.
  ///
  /// - Throws: `KernelError.unknownName` with the closest name as a suggestion.
  public static func named(_ name: String) throws(KernelError) -> NamedKernel {
    guard let kernel = all.first(where: { $0.name == name }) else {
      throw .unknownName(name, suggestion: Suggestion.closest(to: name, among: all.map(\.name)))
    }
    return kernel
  }

  /// Every named kernel, in the order `convkit kernels` lists them.
  public static let all: [NamedKernel] = [
    fixed("identity", "leaves the image unchanged", .identity),
    NamedKernel(
      name: "box", summary: "mean of a size x size square (default size 3)",
      parameters: [.size], defaultMapping: .clamp
    ) { parameters throws(KernelError) in
      .kernel(try Kernel.box(size: parameters.size ?? 3))
    },
    NamedKernel(
      name: "gaussian",
      summary: "Gaussian blur (default sigma 1, size 2*ceil(3*sigma)+1), weights sum to 1",
      parameters: [.sigma, .size], defaultMapping: .clamp
    ) { parameters throws(KernelError) in
      .kernel(try Kernel.gaussian(sigma: parameters.sigma ?? 1, size: parameters.size))
    },
    fixed("sharpen", "identity minus the 4-neighbour Laplacian", .sharpen),
    NamedKernel(
      name: "unsharp",
      summary: "unsharp mask: (1 + amount) x identity - amount x gaussian (default sigma 1, amount 1)",
      parameters: [.sigma, .amount, .size], defaultMapping: .clamp
    ) { parameters throws(KernelError) in
      .kernel(
        try Kernel.unsharp(
          sigma: parameters.sigma ?? 1, amount: parameters.amount ?? 1, size: parameters.size))
    },
    magnitude("sobel", "Sobel gradient magnitude sqrt(gx^2 + gy^2)", .sobelX, .sobelY),
    fixed("sobel-x", "Sobel derivative along x (columns)", .sobelX, mapping: .abs),
    fixed("sobel-y", "Sobel derivative along y (rows)", .sobelY, mapping: .abs),
    magnitude("scharr", "Scharr gradient magnitude", .scharrX, .scharrY),
    fixed("scharr-x", "Scharr derivative along x", .scharrX, mapping: .abs),
    fixed("scharr-y", "Scharr derivative along y", .scharrY, mapping: .abs),
    magnitude("prewitt", "Prewitt gradient magnitude", .prewittX, .prewittY),
    fixed("prewitt-x", "Prewitt derivative along x", .prewittX, mapping: .abs),
    fixed("prewitt-y", "Prewitt derivative along y", .prewittY, mapping: .abs),
    fixed("laplacian", "4-neighbour Laplacian", .laplacian4, mapping: .abs),
    fixed("laplacian-8", "8-neighbour Laplacian", .laplacian8, mapping: .abs),
    fixed("emboss", "diagonal relief, lit from the bottom right", .emboss),
    fixed("outline", "negated 8-neighbour Laplacian: bright edges on black", .outline),
  ]

  private static func fixed(
    _ name: String, _ summary: String, _ kernel: Kernel, mapping: OutputMapping = .clamp
  ) -> NamedKernel {
    NamedKernel(name: name, summary: summary, parameters: [], defaultMapping: mapping) {
      _ throws(KernelError) in .kernel(kernel)
    }
  }

  private static func magnitude(
    _ name: String, _ summary: String, _ x: Kernel, _ y: Kernel
  ) -> NamedKernel {
    NamedKernel(name: name, summary: summary, parameters: [], defaultMapping: .clamp) {
      _ throws(KernelError) in .gradientMagnitude(x: x, y: y)
    }
  }
}
