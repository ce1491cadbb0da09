/// A reason a kernel, or a kernel description, is invalid.
public enum KernelError: Error, Equatable, Sendable {
  /// The kernel has no weights.
  case empty

  /// The number of weights does not match the size.
  case countMismatch(rows: Int, columns: Int, count: Int)

  /// A row has another length than the first row (rows counted from 1).
  case raggedRows(row: Int, count: Int, expected: Int)

  /// A weight is NaN or infinite (row and column counted from 1).
  case nonFinite(row: Int, column: Int)

  /// Two commas with no weight between them (row counted from 1).
  case emptyWeight(row: Int)

  /// A weight is not a number.
  case invalidNumber(String, row: Int)

  /// The kernel has more rows or columns than allowed.
  case tooLarge(rows: Int, columns: Int, maximum: Int)

  /// A divisor is zero, NaN or infinite.
  case invalidDivisor(Float)

  /// Normalisation was requested for weights that sum to zero.
  case zeroSum

  /// A named kernel does not exist.
  case unknownName(String, suggestion: String?)

  /// A parameter of a named kernel is out of range.
  case invalidParameter(kernel: String, name: String, value: String, expected: String)

  /// A parameter was given to a named kernel that does not take it.
  case unusedParameter(kernel: String, name: String, accepted: [String])

  /// A kernel file could not be read or has the wrong structure.
  case invalidFile(path: String, reason: String)
}

extension KernelError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .empty:
      return "kernel is empty: give at least one weight, e.g. \"0,-1,0; -1,5,-1; 0,-1,0\""
    case .countMismatch(let rows, let columns, let count):
      return "kernel of \(rows)x\(columns) needs \(rows * columns) weights, got \(count)"
    case .emptyWeight(let row):
      return "kernel row \(row) has an empty weight between two commas; remove a comma or add the number"
    case .raggedRows(let row, let count, let expected):
      return "kernel row \(row) has \(count) weight\(count == 1 ? "" : "s") but row 1 has \(expected); "
        + "every row needs the same number"
    case .nonFinite(let row, let column):
      return "kernel weight at row \(row), column \(column) is NaN or infinite; "
        + "weights must be finite numbers"
    case .invalidNumber(let text, let row):
      return "kernel weight '\(text)' in row \(row) is not a number; weights are finite "
        + "decimal numbers within ±3.4e38, such as 2, -0.5 or 1e-3"
    case .tooLarge(let rows, let columns, let maximum):
      return "kernel of \(rows)x\(columns) is too large: at most \(maximum) rows and columns"
    case .invalidDivisor(let divisor):
      return "divisor \(divisor) is invalid: give a finite non-zero number"
    case .zeroSum:
      return "cannot normalize a kernel whose weights sum to 0; give --divisor instead"
    case .unknownName(let name, let suggestion):
      let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
      return "unknown kernel '\(name)'\(hint) (run 'convkit kernels' to list them)"
    case .invalidParameter(let kernel, let name, let value, let expected):
      return "invalid \(name) '\(value)' for kernel \(kernel): expected \(expected)"
    case .unusedParameter(let kernel, let name, let accepted):
      let list = accepted.isEmpty ? "no parameters" : accepted.joined(separator: ", ")
      return "kernel \(kernel) does not take \(name); it takes \(list)"
    case .invalidFile(let path, let reason):
      return "cannot read kernel file '\(path)': \(reason)"
    }
  }
}
