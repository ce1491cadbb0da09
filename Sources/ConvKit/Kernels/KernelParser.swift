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
  /// The text is read one byte at a time, so a matrix of more than `Kernel.maximumSide`
  /// rows or columns is measured and rejected without building arrays of its lines or words.
  ///
  /// - Throws: `KernelError` for an empty matrix, a weight that is not a number, NaN or
  ///   infinity, rows of different lengths, or more than `Kernel.maximumSide` rows or
  ///   columns (with the full size).
  public static func parse(_ text: String) throws(KernelError) -> Kernel {
    var scanner = MatrixScanner()
    for byte in text.utf8 {
      try scanner.consume(byte)
    }
    return try scanner.finish()
  }

  /// Returns the kernel in a file: JSON when the first non-blank character is `{`, plain
  /// text rows otherwise.
  ///
  /// - Throws: `KernelError.invalidFile` when the file cannot be read or parsed, or is
  ///   larger than `maximumFileSize`.
  public static func parseFile(atPath path: String) throws(KernelError) -> KernelFile {
    let data = try contents(ofFile: path)
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

  fileprivate static func number(_ word: String, row: Int) throws(KernelError) -> Float {
    let lowered = word.lowercased()
    guard let value = Float(word), !lowered.contains("nan"), !lowered.contains("inf") else {
      throw .invalidNumber(word, row: row)
    }
    guard value.isFinite else {
      throw .invalidNumber(word, row: row)
    }
    return value
  }

  /// The largest kernel file read: 64 MiB. A 1025 x 1025 kernel written by
  /// `KernelFile.encoded()` takes about 16 MB, at an estimated 15 bytes per weight.
  public static let maximumFileSize = 64 << 20

  /// Returns the bytes of the file at `path`, which may also be a pipe such as `<(...)`.
  ///
  /// - Throws: `KernelError.invalidFile` with the operating system's reason (`no such file
  ///   or directory`, `permission denied`), for a directory, or for more than
  ///   `maximumFileSize` bytes, which stops reading there.
  private static func contents(ofFile path: String) throws(KernelError) -> Data {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw .invalidFile(path: path, reason: systemError(errno))
    }
    defer { close(descriptor) }

    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw .invalidFile(path: path, reason: systemError(errno))
    }
    guard (status.st_mode & S_IFMT) != S_IFDIR else {
      throw .invalidFile(path: path, reason: "is a directory")
    }

    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw .invalidFile(path: path, reason: systemError(errno))
      }
      if count == 0 { return data }
      data.append(contentsOf: buffer[..<count])
      guard data.count <= maximumFileSize else {
        throw .invalidFile(
          path: path, reason: "file is larger than \(maximumFileSize >> 20) MiB, the most a "
            + "kernel file may have; kernels have at most \(Kernel.maximumSide) x "
            + "\(Kernel.maximumSide) weights")
      }
    }
  }

  /// Returns the `strerror` text of `code`, first letter lowercased.
  private static func systemError(_ code: Int32) -> String {
    let text = String(cString: strerror(code))
    return text.prefix(1).lowercased() + text.dropFirst()
  }
}

/// Splits matrix text into rows of weights, one UTF-8 byte at a time.
///
/// `;` and line breaks end a row. Commas, spaces, tabs and brackets end a weight, and `#`
/// starts a comment to the end of the line. Past `Kernel.maximumSide` rows or columns,
/// weights are only counted, so the error can give the full size.
private struct MatrixScanner {
  private var rows: [[Float]] = []
  private var row: [Float] = []
  private var word: [UInt8] = []
  private var inComment = false

  /// Rows with at least one weight, and the weights in the current row, counted past the
  /// limit.
  private var rowCount = 0
  private var columnCount = 0
  private var widestRow = 0

  /// Whether a row or column beyond `Kernel.maximumSide` was seen.
  private var tooLarge = false

  /// How many brackets are open. A `]` that closes an inner bracket ends a row, so nested
  /// lists such as `[[1, 2], [3, 4]]` read as rows.
  private var bracketDepth = 0

  /// Whether a comma came after the last weight of the row, so that a second comma marks
  /// an empty weight (`1,,2`).
  private var afterComma = false

  mutating func consume(_ byte: UInt8) throws(KernelError) {
    if inComment {
      if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
        inComment = false
        endRow()
      }
      return
    }

    switch byte {
    case UInt8(ascii: "#"):
      try endWord()
      inComment = true
    case UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: ";"):
      try endWord()
      endRow()
    case UInt8(ascii: ","):
      let hadWord = !word.isEmpty
      try endWord()
      if afterComma && !hadWord {
        throw .emptyWeight(row: rowCount + 1)
      }
      afterComma = columnCount > 0
    case UInt8(ascii: " "), UInt8(ascii: "\t"):
      try endWord()
    case UInt8(ascii: "["):
      try endWord()
      bracketDepth += 1
    case UInt8(ascii: "]"):
      try endWord()
      if bracketDepth >= 2 {
        endRow()
      }
      bracketDepth = max(0, bracketDepth - 1)
    default:
      word.append(byte)
    }
  }

  /// Ends the input and returns the kernel.
  mutating func finish() throws(KernelError) -> Kernel {
    try endWord()
    endRow()
    if tooLarge {
      throw .tooLarge(rows: rowCount, columns: widestRow, maximum: Kernel.maximumSide)
    }
    return try Kernel(rows)
  }

  private mutating func endWord() throws(KernelError) {
    guard !word.isEmpty else { return }
    defer { word.removeAll(keepingCapacity: true) }
    afterComma = false

    columnCount += 1
    if columnCount > Kernel.maximumSide || rowCount >= Kernel.maximumSide {
      tooLarge = true
    }
    guard !tooLarge else { return }
    let text = String(decoding: word, as: UTF8.self)
    row.append(try KernelParser.number(text, row: rowCount + 1))
  }

  private mutating func endRow() {
    afterComma = false
    guard columnCount > 0 else { return }
    rowCount += 1
    widestRow = max(widestRow, columnCount)
    if !tooLarge {
      rows.append(row)
    }
    row.removeAll(keepingCapacity: true)
    columnCount = 0
  }
}
