import ConvKit

/// `convkit kernels`: lists every named kernel with its parameters and weights.
struct KernelsCommand: Command {
  static let name = "kernels"
  static let abstract = "List the named kernels with their parameters and weights."
  static let usage = "kernels [NAME] [--size N] [--sigma S] [--amount A]"
  static let discussion = """
    With NAME, shows only that kernel, with its weights for the given parameters
    (convkit kernels gaussian --sigma 2). Without parameters, kernels show their weights
    at the default values.
    """
  static let options: [OptionSpec] = [
    OptionSpec("size", value: "N", help: "Kernel size in pixels for box, gaussian and unsharp."),
    OptionSpec("sigma", value: "S", help: "Gaussian standard deviation in pixels."),
    OptionSpec("amount", value: "A", help: "Unsharp-mask strength."),
  ]

  let kernels: [NamedKernel]
  let parameters: KernelParameters

  init(_ arguments: ParsedArguments) throws(UsageError) {
    guard arguments.positionals.count <= 1 else {
      throw UsageError("expected at most one kernel name, got \(arguments.positionals.count)")
    }
    parameters = KernelParameters(
      size: try arguments.integer("size", in: 1...Kernel.maximumSide),
      sigma: try arguments.number("sigma"),
      amount: try arguments.number("amount"))
    guard let name = arguments.positionals.first else {
      guard parameters.given.isEmpty else {
        throw UsageError("parameters need a kernel name, e.g. convkit kernels gaussian --sigma 2")
      }
      kernels = NamedKernel.all
      return
    }
    do {
      let named = try NamedKernel.named(name)
      _ = try named.filter(parameters)
      kernels = [named]
    } catch {
      throw UsageError("\(error)")
    }
  }

  func run() throws {
    let blocks = try kernels.map { try Self.describe($0, parameters) }
    print(blocks.joined(separator: "\n\n"))
  }

  private static func describe(_ named: NamedKernel, _ parameters: KernelParameters) throws -> String {
    var lines = ["\(named.name): \(named.summary)"]
    let options = named.parameters.map { "--\($0.rawValue)" }
    lines.append("  parameters: \(options.isEmpty ? "none" : options.joined(separator: ", "))")
    lines.append("  default --output: \(named.defaultMapping.rawValue)")

    switch try named.filter(parameters) {
    case .kernel(let kernel, _):
      lines += MatrixFormatter.lines(kernel.matrix, indent: "    ")
    case .gradientMagnitude(let x, let y):
      lines.append("  sqrt(gx^2 + gy^2) with gx =")
      lines += MatrixFormatter.lines(x.matrix, indent: "    ")
      lines.append("  and gy =")
      lines += MatrixFormatter.lines(y.matrix, indent: "    ")
    case .depthwise, .full:
      break
    }
    return lines.joined(separator: "\n")
  }
}
