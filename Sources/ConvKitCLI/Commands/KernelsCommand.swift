import ConvKit

/// `convkit kernels`: lists every named kernel with its parameters and weights.
struct KernelsCommand: Command {
  static let name = "kernels"
  static let abstract = "List the named kernels with their parameters and weights."
  static let usage = "kernels [NAME]"
  static let discussion = """
    With NAME, shows only that kernel. Kernels with parameters show their weights at the
    default values.
    """
  static let options: [OptionSpec] = []

  let only: String?

  init(_ arguments: ParsedArguments) throws(UsageError) {
    guard arguments.positionals.count <= 1 else {
      throw UsageError("expected at most one kernel name, got \(arguments.positionals.count)")
    }
    only = arguments.positionals.first
  }

  func run() throws {
    var kernels = NamedKernel.all
    if let only {
      kernels = [try NamedKernel.named(only)]
    }
    let blocks = try kernels.map(Self.describe)
    print(blocks.joined(separator: "\n\n"))
  }

  private static func describe(_ named: NamedKernel) throws -> String {
    var lines = ["\(named.name): \(named.summary)"]
    let parameters = named.parameters.map { "--\($0.rawValue)" }
    lines.append("  parameters: \(parameters.isEmpty ? "none" : parameters.joined(separator: ", "))")
    lines.append("  default --output: \(named.defaultMapping.rawValue)")

    switch try named.filter() {
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
