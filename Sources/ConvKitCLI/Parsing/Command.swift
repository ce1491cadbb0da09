import Foundation

/// A `convkit` subcommand: its name, help text, options and work.
protocol Command {
  /// The subcommand name, e.g. `filter`.
  static var name: String { get }

  /// One line on what the command does.
  static var abstract: String { get }

  /// The synopsis after `convkit`, e.g. `filter INPUT... -o OUTPUT --kernel NAME`.
  static var usage: String { get }

  /// Paragraphs shown after the option list in `--help`.
  static var discussion: String { get }

  /// The options, without `--help`, which every command has.
  static var options: [OptionSpec] { get }

  /// Creates the command from parsed arguments.
  ///
  /// - Throws: `UsageError` for missing or invalid arguments.
  init(_ arguments: ParsedArguments) throws(UsageError)

  /// Does the work.
  ///
  /// - Throws: any error; the CLI prints it on one line and exits with status 1.
  func run() throws
}

extension Command {
  /// The full `--help` text.
  static var helpText: String {
    let allOptions = options + [OptionSpec("help", short: "h", help: "Show this help and exit.")]
    let width = allOptions.map(\.synopsis.count).max() ?? 0
    let lines = allOptions.map { option in
      "  " + option.synopsis.padding(toLength: width + 2, withPad: " ", startingAt: 0) + option.help
    }
    var text = "\(abstract)\n\nUsage: convkit \(usage)\n\nOptions:\n" + lines.joined(separator: "\n")
    if !discussion.isEmpty {
      text += "\n\n" + discussion
    }
    return text
      + "\n\nExit status: 0 on success, 1 on failure, 64 on a usage error, 130 when interrupted"
      + " by SIGINT (143 by SIGTERM).\n"
  }
}
