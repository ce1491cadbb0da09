import ConvKit

/// `convkit shape`: prints the output size of a convolution, the formula with the numbers
/// filled in, and the receptive field, for 1 to 3 spatial axes.
struct ShapeCommand: Command {
  static let name = "shape"
  static let abstract = "Compute a convolution's output size and receptive field."
  static let usage = "shape --input SIZE --kernel SIZE [--padding P] [--stride S] [--dilation D]"
  static let discussion = """
    Sizes take one number per spatial axis, joined by 'x' (224x224 for 2D, 16x64x64 for
    3D); a single number applies to every axis. --padding is a number of samples added on
    each side, or same, valid or full. The output size along each axis is

      o = floor((i + 2p - k - (k - 1)(d - 1)) / s) + 1

    and the receptive field of one output sample is the effective kernel (k - 1) * d + 1.
    Examples:
      convkit shape --input 32 --kernel 3 --padding 1 --stride 2 --dilation 2
      convkit shape --input 224x224 --kernel 7 --padding 3 --stride 2
      convkit shape --input 16x64x64 --kernel 3 --padding same --stride 1x2x2
    """
  static let options: [OptionSpec] = [
    OptionSpec("input", short: "i", value: "SIZE", help: "Input size per spatial axis, e.g. 32 or 224x224."),
    OptionSpec("kernel", short: "k", value: "SIZE", help: "Kernel size per axis."),
    OptionSpec("padding", short: "p", value: "P", help: "Padding per side and axis, or same, valid, full (default 0)."),
    OptionSpec("stride", short: "s", value: "S", help: "Stride per axis (default 1)."),
    OptionSpec("dilation", short: "d", value: "D", help: "Dilation per axis (default 1)."),
  ]

  /// The largest size, padding, stride or dilation accepted: 2^31 - 1, which keeps every
  /// term of the formula far from Int overflow.
  static let maximumSize = Int(Int32.max)

  let input: [Int]
  let kernel: [Int]
  let padding: Padding
  let stride: [Int]
  let dilation: [Int]

  init(_ arguments: ParsedArguments) throws(UsageError) {
    guard arguments.positionals.isEmpty else {
      throw UsageError("unexpected argument '\(arguments.positionals[0])'; give sizes with --input and --kernel")
    }
    guard let inputText = arguments.value("input"), let kernelText = arguments.value("kernel") else {
      throw UsageError("missing size; give --input SIZE and --kernel SIZE, e.g. --input 32 --kernel 3")
    }
    let sizes = try Self.sizes(inputText, option: "input")
    let axes = sizes.count
    input = sizes
    kernel = try Self.broadcast(Self.sizes(kernelText, option: "kernel"), axes, option: "kernel")
    stride = try Self.broadcast(Self.sizes(arguments.value("stride") ?? "1", option: "stride"), axes, option: "stride")
    dilation = try Self.broadcast(Self.sizes(arguments.value("dilation") ?? "1", option: "dilation"), axes, option: "dilation")
    padding = try Self.padding(arguments.value("padding") ?? "0", axes: axes)
  }

  func run() throws {
    var outputs: [Int] = []
    for axis in input.indices {
      let amounts = padding.amounts(axis: axis, kernelSize: kernel[axis], dilation: dilation[axis])
      let output: Int
      do {
        output = try convolutionOutputSize(
          inputSize: input[axis], kernelSize: kernel[axis], padding: amounts,
          stride: stride[axis], dilation: dilation[axis], axis: axis)
      } catch {
        throw UsageError("\(error)")
      }
      outputs.append(output)
      print(formula(axis: axis, padding: amounts, output: output))
    }

    let fields = input.indices.map { (kernel[$0] - 1) * dilation[$0] + 1 }
    print("output size: \(outputs.map(String.init).joined(separator: "x"))")
    print("receptive field: \(fields.map(String.init).joined(separator: "x")) input samples per output sample")
  }

  private func formula(axis: Int, padding amounts: AxisPadding, output: Int) -> String {
    let name = input.count == 1 ? "" : "axis \(axis): "
    let (i, k, s, d) = (input[axis], kernel[axis], stride[axis], dilation[axis])
    let paddingTerm = amounts.before == amounts.after ? "2*\(amounts.before)" : "(\(amounts.before)+\(amounts.after))"
    let numerator = i + amounts.total - k - (k - 1) * (d - 1)
    return "\(name)o = floor((i + 2p - k - (k-1)(d-1)) / s) + 1"
      + " = floor((\(i) + \(paddingTerm) - \(k) - \(k - 1)*\(d - 1)) / \(s)) + 1"
      + " = floor(\(numerator) / \(s)) + 1 = \(output)"
  }

  private static func sizes(_ text: String, option: String) throws(UsageError) -> [Int] {
    let parts = text.split(separator: "x", omittingEmptySubsequences: false)
    let values = parts.compactMap { Int($0) }
    guard (1...3).contains(parts.count), values.count == parts.count,
      values.allSatisfy({ (1...Self.maximumSize).contains($0) })
    else {
      throw .invalidValue(
        option, text,
        expected: "1 to 3 integers from 1 to \(Self.maximumSize) joined by 'x', e.g. 32 or 224x224")
    }
    return values
  }

  private static func broadcast(_ values: [Int], _ axes: Int, option: String) throws(UsageError) -> [Int] {
    if values.count == axes { return values }
    guard values.count == 1 else {
      throw UsageError("--\(option) has \(values.count) sizes but --input has \(axes); give 1 or \(axes)")
    }
    return Array(repeating: values[0], count: axes)
  }

  private static func padding(_ text: String, axes: Int) throws(UsageError) -> Padding {
    switch text {
    case "same": return .same
    case "valid": return .valid
    case "full": return .full
    default:
      let parts = text.split(separator: "x", omittingEmptySubsequences: false)
      let values = parts.compactMap { Int($0) }.filter { (0...Self.maximumSize).contains($0) }
      guard (1...3).contains(parts.count), values.count == parts.count else {
        throw .invalidValue(
          "padding", text, expected: "same, valid, full, or integers from 0 to \(Self.maximumSize) joined by 'x'")
      }
      return .explicit(try broadcast(values, axes, option: "padding").map { AxisPadding($0) })
    }
  }
}
