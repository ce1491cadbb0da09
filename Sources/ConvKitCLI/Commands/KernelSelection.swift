import ConvKit

/// The filter the kernel options of `convkit filter` select: exactly one of `--kernel`,
/// `--matrix` and `--kernel-file`, with the parameters that apply to it.
struct KernelSelection {
  let filter: Filter
  let defaultMapping: OutputMapping
  let border: BorderMode?

  init(_ arguments: ParsedArguments) throws(UsageError) {
    let sources = ["kernel", "matrix", "kernel-file"].filter { arguments.value($0) != nil }
    guard sources.count == 1 else {
      throw UsageError(
        sources.isEmpty
          ? "missing kernel; give --kernel NAME, --matrix \"ROWS\" or --kernel-file FILE"
          : "give only one of --kernel, --matrix and --kernel-file, got "
            + sources.map { "--\($0)" }.joined(separator: " and "))
    }

    do {
      if let name = arguments.value("kernel") {
        try self.init(named: name, arguments)
      } else {
        try self.init(custom: arguments)
      }
    } catch let error as UsageError {
      throw error
    } catch {
      throw UsageError("\(error)")
    }
  }

  private init(named name: String, _ arguments: ParsedArguments) throws {
    for option in ["divisor", "normalize"] where arguments.value(option) != nil || arguments.flag(option) {
      throw UsageError("--\(option) applies to --matrix and --kernel-file only, not to --kernel \(name)")
    }
    if VolumeFilter.names.contains(name) {
      throw UsageError("\(name) is a 3D kernel for volumes; add --volume and give the slices as inputs")
    }
    let named = try NamedKernel.named(name)
    let parameters = KernelParameters(
      size: try arguments.integer("size", in: 1...Kernel.maximumSide),
      sigma: try arguments.number("sigma"),
      amount: try arguments.number("amount"))
    filter = try named.filter(parameters)
    defaultMapping = named.defaultMapping
    border = nil
  }

  private init(custom arguments: ParsedArguments) throws {
    for option in KernelParameter.allCases where arguments.value(option.rawValue) != nil {
      throw UsageError("--\(option.rawValue) applies to --kernel only; scale a custom kernel with --divisor or --normalize")
    }
    var file: KernelFile
    if let matrix = arguments.value("matrix") {
      file = KernelFile(kernel: try KernelParser.parse(matrix))
    } else {
      file = try KernelParser.parseFile(atPath: arguments.value("kernel-file")!)
    }
    file.weights = try Self.scaled(file.weights, arguments)
    filter = file.filter
    defaultMapping = .clamp
    border = file.border
  }

  private static func scaled(_ weights: Tensor, _ arguments: ParsedArguments) throws -> Tensor {
    let divisor = try arguments.number("divisor")
    if divisor != nil && arguments.flag("normalize") {
      throw UsageError("give either --divisor or --normalize, not both")
    }
    let flat = try Kernel(rows: 1, columns: weights.count, values: weights.scalars)
    if let divisor {
      return Tensor(shape: weights.shape, scalars: try flat.divided(by: Float(divisor)).values)
    }
    if arguments.flag("normalize") {
      return Tensor(shape: weights.shape, scalars: try flat.normalized().values)
    }
    return weights
  }
}
