import Foundation

/// Writes text to standard error (file descriptor 2), which Swift 6 cannot reach through
/// the C global `stderr`.
struct StandardError: TextOutputStream {
  mutating func write(_ string: String) {
    FileHandle.standardError.write(Data(string.utf8))
  }
}

/// Prints `message` and a line break to standard error.
func printError(_ message: String) {
  var stream = StandardError()
  print(message, to: &stream)
}

/// Whether standard error is a terminal, where progress lines can update in place.
var standardErrorIsTerminal: Bool {
  isatty(2) != 0
}
