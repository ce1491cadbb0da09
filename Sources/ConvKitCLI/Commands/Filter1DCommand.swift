import ConvKit
import Foundation

/// `convkit filter1d`: filters a column of numbers (a 1D signal) from a text or CSV file or
/// standard input, and writes the filtered column.
struct Filter1DCommand: Command {
  static let name = "filter1d"
  static let abstract = "Smooth or differentiate a column of numbers (a 1D signal)."
  static let usage = "filter1d [INPUT] [-o OUTPUT] (--kernel NAME | --matrix ROW) [--column N]"
  static let discussion = """
    INPUT is a text or CSV file with one sample per line (or - or nothing for standard
    input); --column picks the column of a CSV file (comma, semicolon, tab or space
    separated), counting from 1. A first line that is not a number is taken as a header
    and copied to the output. Blank lines and lines starting with '#' are skipped. The
    output has one filtered sample per line, as many as the input (same padding).

    Kernels: identity, box (--size, default 3), gaussian (--sigma, default 1; --size),
    derivative (central difference: (x[i+1] - x[i-1]) / 2), second-derivative
    (x[i-1] - 2 x[i] + x[i+1]), or --matrix "w1 w2 ..." with --divisor or --normalize.
    The kernel is cross-correlated (not flipped), anchored at tap size / 2.
    Example:
      convkit filter1d prices.csv --column 2 --kernel gaussian --sigma 3 -o smooth.txt
    """
  static let options: [OptionSpec] = [
    OptionSpec("output-file", short: "o", value: "PATH", help: "Output file (default: standard output)."),
    OptionSpec("column", short: "c", value: "N", help: "Column to read, counting from 1 (default 1)."),
    OptionSpec("kernel", short: "k", value: "NAME", help: "identity, box, gaussian, derivative or second-derivative."),
    OptionSpec("size", value: "N", help: "Kernel size in samples for box and gaussian."),
    OptionSpec("sigma", value: "S", help: "Gaussian standard deviation in samples (default 1)."),
    OptionSpec("matrix", short: "m", value: "ROW", help: "Custom kernel weights, separated by spaces or commas."),
    OptionSpec("divisor", value: "D", help: "Divide every custom weight by D."),
    OptionSpec("normalize", help: "Scale custom weights to sum to 1."),
    OptionSpec("border", short: "b", value: "MODE", help: "Border mode: constant, constant:V, replicate, reflect101 (default), symmetric, wrap."),
    FilterCommand.portableOption,
  ]

  static let kernelNames = ["identity", "box", "gaussian", "derivative", "second-derivative"]

  let input: String
  let output: String?
  let column: Int
  let kernel: Kernel
  let border: BorderMode
  let vectorInstructions: VectorInstructions

  init(_ arguments: ParsedArguments) throws(UsageError) {
    guard arguments.positionals.count <= 1 else {
      throw UsageError("expected at most one input file, got \(arguments.positionals.count)")
    }
    input = arguments.positionals.first ?? "-"
    output = arguments.value("output-file").flatMap { $0 == "-" ? nil : $0 }
    column = try arguments.integer("column", in: 1...10_000) ?? 1
    border = try FilterCommand.border(arguments.value("border")) ?? .reflect101
    vectorInstructions = FilterCommand.vectorInstructions(arguments)
    do {
      kernel = try Self.kernel(arguments)
    } catch let error as UsageError {
      throw error
    } catch {
      throw UsageError("\(error)")
    }
  }

  func run() throws {
    let text = try readInput()
    let signal = try SignalColumn(text: text, column: column, source: input)
    guard !signal.values.isEmpty else {
      throw FilterFailure(input: input, reason: "no numbers found in column \(column)")
    }

    let samples = Tensor(shape: [1, signal.values.count], scalars: signal.values.map(Float.init))
    let weight = Tensor(shape: [1, 1, kernel.columns], scalars: kernel.values)
    let filtered = try samples.correlated(
      with: weight, options: ConvolutionOptions(padding: .same, border: border),
      execution: ExecutionOptions(vectorInstructions: vectorInstructions))

    var lines = signal.header.map { [$0] } ?? []
    lines += filtered.scalars.map { MatrixFormatter.format($0, digits: 7) }
    try writeOutput(lines.joined(separator: "\n") + "\n")
  }

  private func readInput() throws -> String {
    let data: Data
    if input == "-" {
      data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
      guard let contents = FileManager.default.contents(atPath: input) else {
        throw FilterFailure(input: input, reason: "no such file, or not readable")
      }
      data = contents
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw FilterFailure(input: input, reason: "not UTF-8 text")
    }
    return text
  }

  private func writeOutput(_ text: String) throws {
    guard let output else {
      FileHandle.standardOutput.write(Data(text.utf8))
      return
    }
    do {
      try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
    } catch {
      throw FilterFailure(input: input, reason: "cannot write '\(output)': \(error.localizedDescription)")
    }
  }

  private static func kernel(_ arguments: ParsedArguments) throws -> Kernel {
    if let row = arguments.value("matrix") {
      guard arguments.value("kernel") == nil else {
        throw UsageError("give only one of --kernel and --matrix")
      }
      let kernel = try KernelParser.parse(row)
      guard kernel.rows == 1 else {
        throw UsageError("--matrix for filter1d is one row of weights, got \(kernel.rows) rows")
      }
      if let divisor = try arguments.number("divisor") {
        return try kernel.divided(by: Float(divisor))
      }
      return arguments.flag("normalize") ? try kernel.normalized() : kernel
    }

    guard let name = arguments.value("kernel") else {
      throw UsageError("missing kernel; give --kernel NAME (\(kernelNames.joined(separator: ", "))) or --matrix ROW")
    }
    let size = try arguments.integer("size", in: 1...Kernel.maximumSide)
    if size != nil && !["box", "gaussian"].contains(name) {
      throw UsageError("--size applies to box and gaussian, not to \(name)")
    }
    if arguments.value("sigma") != nil && name != "gaussian" {
      throw UsageError("--sigma applies to gaussian only, not to \(name)")
    }
    switch name {
    case "identity": return try Kernel([[1]])
    case "box":
      let count = size ?? 3
      return try Kernel(rows: 1, columns: count, values: Array(repeating: 1 / Float(count), count: count))
    case "gaussian": return try Kernel.gaussianRow(sigma: try arguments.number("sigma") ?? 1, size: size)
    case "derivative": return try Kernel([[-0.5, 0, 0.5]])
    case "second-derivative": return try Kernel([[1, -2, 1]])
    default:
      let hint = Suggestion.closest(to: name, among: kernelNames).map { "; did you mean '\($0)'?" } ?? ""
      throw UsageError(
        "unknown 1D kernel '\(name)'\(hint) (filter1d takes \(kernelNames.joined(separator: ", ")))")
    }
  }
}

/// The numbers of one column of a text or CSV file.
struct SignalColumn {
  let header: String?
  let values: [Double]

  /// - Throws: `FilterFailure` naming the line of a value that is not a number, or a line
  ///   without the column.
  init(text: String, column: Int, source: String) throws {
    var header: String?
    var values: [Double] = []
    let separators: Set<Character> = [",", ";", "\t", " "]

    for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      let fields = trimmed.split(whereSeparator: { separators.contains($0) })
      guard column <= fields.count else {
        throw FilterFailure(input: source, reason: "line \(index + 1) has \(fields.count) column(s), no column \(column)")
      }
      let field = fields[column - 1]
      guard let value = Double(field), value.isFinite else {
        if values.isEmpty && header == nil {
          header = String(field)
          continue
        }
        throw FilterFailure(input: source, reason: "line \(index + 1): '\(field)' is not a finite number")
      }
      values.append(value)
    }
    self.header = header
    self.values = values
  }
}
