import Foundation

/// Formats a matrix of weights as aligned text rows.
enum MatrixFormatter {
  /// Returns one line per row with the numbers right-aligned in columns.
  static func lines(_ matrix: [[Float]], indent: String = "", digits: Int = 6) -> [String] {
    let cells = matrix.map { row in row.map { format($0, digits: digits) } }
    let width = cells.flatMap { $0 }.map(\.count).max() ?? 0
    return cells.map { row in
      indent + row.map { String(repeating: " ", count: width - $0.count) + $0 }.joined(separator: "  ")
    }
  }

  /// Returns an integer without a fraction and any other value with `digits` significant
  /// digits.
  static func format(_ value: Float, digits: Int = 6) -> String {
    if value == value.rounded(), abs(value) < 1e7 {
      return String(Int(value))
    }
    return String(format: "%.\(digits)g", Double(value))
  }
}
