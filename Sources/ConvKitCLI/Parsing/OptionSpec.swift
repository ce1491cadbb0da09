/// One option a subcommand accepts.
struct OptionSpec: Sendable {
  /// The long name without dashes, e.g. `kernel` for `--kernel`.
  let name: String

  /// A one-letter alias without the dash, e.g. `o` for `-o`.
  let short: Character?

  /// The placeholder of the value in help text (`NAME`, `N`), or `nil` for a flag.
  let valueName: String?

  /// What the option sets, with its unit and default, for `--help`.
  let help: String

  init(_ name: String, short: Character? = nil, value valueName: String? = nil, help: String) {
    self.name = name
    self.short = short
    self.valueName = valueName
    self.help = help
  }

  var takesValue: Bool { valueName != nil }

  /// `-o, --output FILE` as shown in help.
  var synopsis: String {
    let alias = short.map { "-\($0), " } ?? "    "
    let value = valueName.map { " \($0)" } ?? ""
    return "\(alias)--\(name)\(value)"
  }
}
