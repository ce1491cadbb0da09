import ConvKit

/// A command line that does not match what the command accepts. The CLI prints it on one
/// line and exits with status 64.
struct UsageError: Error, CustomStringConvertible {
  let message: String

  init(_ message: String) {
    self.message = message
  }

  var description: String { message }

  static func unknownOption(_ option: String, known: [String]) -> UsageError {
    let hint = Suggestion.closest(to: option, among: known).map { "; did you mean '\($0)'?" } ?? ""
    return UsageError("unknown option '\(option)'\(hint)")
  }

  static func invalidValue(_ option: String, _ value: String, expected: String) -> UsageError {
    UsageError("invalid value '\(value)' for --\(option): expected \(expected)")
  }
}

/// Returns the error line for a usage error of `convkit command`: the message, then a
/// pointer to the command's help unless the message already names a command to run.
func usageLine(_ error: Error, command: String) -> String {
  let message = "\(error)"
  let help = message.contains("'convkit ") ? "" : " (see 'convkit \(command) --help')"
  return "convkit \(command): error: \(message)\(help)"
}
