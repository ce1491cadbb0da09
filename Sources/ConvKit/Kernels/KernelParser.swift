import Foundation

/// Reads custom kernels from a matrix string or a plain-text file.
///
/// Rows are separated by `;` or line breaks, weights by commas or spaces. Outer brackets
/// are ignored and `#` starts a comment that runs to the end of the line, so
/// `"1 2 1; 2 4 2; 1 2 1"`, `"[1,2,1; 2,4,2; 1,2,1]"` and a file with three lines of
/// three numbers all give the same kernel.
public enum KernelParser {
  /// Returns the kernel a matrix string describes.
  ///
  /// - Throws: `KernelError` for an empty matrix, a weight that is not a number, NaN or
  ///   infinity, or rows of different lengths.
  public static func parse(_ text: String) throws(KernelError) -> Kernel {
    var rows: [[Float]] = []
    for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
      let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
      for row in code.split(separator: ";", omittingEmptySubsequences: false) {
        let cleaned = row.filter { $0 != "[" && $0 != "]" }
        let words = cleaned.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
        guard !words.isEmpty else { continue }
        rows.append(try words.map { word throws(KernelError) in try number(word, row: rows.count + 1) })
      }
    }
    return try Kernel(rows)
  }

  /// Returns the kernel in a file: JSON when the first non-blank character is `{`, plain
  /// text rows otherwise.
  ///
  /// - Throws: `KernelError.invalidFile` when the file cannot be read or parsed.
  public static func parseFile(atPath path: String) throws(KernelError) -> KernelFile {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw .invalidFile(path: path, reason: Self.readFailure(path: path))
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw .invalidFile(path: path, reason: "not UTF-8 text")
    }

    if text.drop(while: \.isWhitespace).first == "{" {
      return try KernelFile.decode(data, path: path)
    }
    do {
      return KernelFile(kernel: try parse(text))
    } catch {
      throw .invalidFile(path: path, reason: error.description)
    }
  }

  private static func number(_ word: Substring, row: Int) throws(KernelError) -> Float {
    let lowered = word.lowercased()
    guard let value = Float(word), !lowered.contains("nan"), !lowered.contains("inf") else {
      throw .invalidNumber(String(word), row: row)
    }
    guard value.isFinite else {
      throw .invalidNumber(String(word), row: row)
    }
    return value
  }

  private static func readFailure(path: String) -> String {
    var isDirectory: ObjCBool = false
    if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      return "no such file"
    }
    return isDirectory.boolValue ? "is a directory" : "permission denied or unreadable"
  }
}
