import ConvKit

/// The options and positional arguments of one command line, after parsing.
struct ParsedArguments {
  private(set) var values: [String: String] = [:]
  private(set) var flags: Set<String> = []
  private(set) var positionals: [String] = []

  /// The value of `--name`, if given.
  func value(_ name: String) -> String? {
    values[name]
  }

  /// Whether the flag `--name` was given.
  func flag(_ name: String) -> Bool {
    flags.contains(name)
  }

  /// Returns `--name` as an integer within `range`.
  ///
  /// - Throws: `UsageError` when the value is not such an integer.
  func integer(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
    guard let text = values[name] else { return nil }
    guard let number = Int(text), range.contains(number) else {
      throw .invalidValue(
        name, text, expected: "an integer from \(range.lowerBound) to \(range.upperBound)")
    }
    return number
  }

  /// Returns `--name` as a finite number.
  ///
  /// - Throws: `UsageError` when the value is not a finite number.
  func number(_ name: String) throws(UsageError) -> Double? {
    guard let text = values[name] else { return nil }
    guard let number = Double(text), number.isFinite else {
      throw .invalidValue(name, text, expected: "a finite number")
    }
    return number
  }

  /// Returns `--name` as one of `choices`.
  ///
  /// - Throws: `UsageError` naming the choices, with the closest as a suggestion.
  func choice(_ name: String, from choices: [String]) throws(UsageError) -> String? {
    guard let text = values[name] else { return nil }
    guard choices.contains(text) else {
      let hint = Suggestion.closest(to: text, among: choices).map { " (did you mean '\($0)'?)" } ?? ""
      throw .invalidValue(name, text, expected: "one of \(choices.joined(separator: ", "))\(hint)")
    }
    return text
  }

  fileprivate mutating func set(_ name: String, value: String?) throws(UsageError) {
    if let value {
      guard values[name] == nil else {
        throw UsageError("option --\(name) is given twice; give it once")
      }
      values[name] = value
    } else {
      guard !flags.contains(name) else {
        throw UsageError("option --\(name) is given twice; give it once")
      }
      flags.insert(name)
    }
  }

  fileprivate mutating func append(_ positional: String) {
    positionals.append(positional)
  }
}

/// Splits a command line into options and positional arguments.
///
/// Accepts `--name value`, `--name=value`, `-x value`, flags, `-` as a positional (standard
/// input or output), and `--` to end options.
struct ArgumentParser {
  let options: [OptionSpec]

  /// Returns the parsed arguments.
  ///
  /// - Throws: `UsageError` for an unknown option (suggesting the closest), a missing
  ///   value, a value given to a flag, or an option given twice.
  func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
    var parsed = ParsedArguments()
    var remaining = arguments[...]

    while let argument = remaining.popFirst() {
      if argument == "--" {
        remaining.forEach { parsed.append($0) }
        break
      }
      guard argument.hasPrefix("-"), argument != "-", !Self.isNegativeNumber(argument) else {
        parsed.append(argument)
        continue
      }

      let (spec, inlineValue) = try lookUp(argument)
      if spec.takesValue {
        // A known option where the value should be means the value was forgotten, as in
        // `--kernel -o out.png`; a value that starts with '-' can be given as --name=VALUE.
        if inlineValue == nil, let next = remaining.first, isOption(next) {
          throw UsageError(
            "option --\(spec.name) needs a value (\(spec.valueName!)), but '\(next)' is an option; "
              + "give --\(spec.name)=VALUE for a value that starts with '-'")
        }
        guard let value = inlineValue ?? remaining.popFirst() else {
          throw UsageError("option --\(spec.name) needs a value (\(spec.valueName!))")
        }
        try parsed.set(spec.name, value: value)
      } else {
        guard inlineValue == nil else {
          throw UsageError("option --\(spec.name) takes no value")
        }
        try parsed.set(spec.name, value: nil)
      }
    }
    return parsed
  }

  private func lookUp(_ argument: String) throws(UsageError) -> (OptionSpec, String?) {
    if argument.hasPrefix("--") {
      let body = argument.dropFirst(2)
      let parts = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let name = String(parts[0])
      guard let spec = options.first(where: { $0.name == name }) else {
        throw .unknownOption(argument, known: options.map { "--\($0.name)" })
      }
      return (spec, parts.count == 2 ? String(parts[1]) : nil)
    }

    if argument.count > 2, options.contains(where: { $0.name == argument.dropFirst() }) {
      throw UsageError(
        "'\(argument)' has one dash; long options take two (-\(argument)), and one dash takes a "
          + "one-letter option such as -o FILE")
    }
    let letter = argument.dropFirst().first
    guard argument.count >= 2, let spec = options.first(where: { $0.short == letter }) else {
      throw .unknownOption(argument, known: options.map { "--\($0.name)" })
    }
    let rest = argument.dropFirst(2)
    return (spec, rest.isEmpty ? nil : String(rest))
  }

  private static func isNegativeNumber(_ argument: String) -> Bool {
    Double(argument) != nil
  }

  /// Returns whether `argument` is one of this command's options, such as `-o` or
  /// `--sigma=2`. A lone '-', a negative number and a matrix such as "-1 0 1" are not.
  private func isOption(_ argument: String) -> Bool {
    guard argument.hasPrefix("-"), argument != "-", argument != "--",
      !Self.isNegativeNumber(argument)
    else { return false }
    return (try? lookUp(argument)) != nil
  }
}
