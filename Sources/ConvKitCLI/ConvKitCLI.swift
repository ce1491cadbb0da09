import ConvKit
import Foundation

/// The `convkit` command line: parses the arguments, runs a subcommand and returns the exit
/// status (0 success, 1 failure, 64 usage error).
public enum ConvKitCLI {
  /// The version `convkit --version` prints.
  public static let version = "0.1.0"

  static var commands: [Subcommand] {
    [
      Subcommand(FilterCommand.self),
      Subcommand(KernelsCommand.self),
      Subcommand(ShapeCommand.self),
      Subcommand(Filter1DCommand.self),
      Subcommand(LearnKernelCommand.self),
    ]
  }

  /// Runs the command line `arguments` (without the program name) and returns the exit
  /// status. Help goes to standard output; errors go to standard error on one line.
  ///
  /// Installs the process's SIGINT, SIGTERM, SIGHUP and SIGXFSZ handling first (see
  /// `Interrupts`), so an interrupted run leaves no temporary output file.
  public static func main(_ arguments: [String]) -> Int32 {
    Interrupts.install()
    guard let first = arguments.first else {
      print(overview)
      return ExitStatus.usage
    }

    switch first {
    case "-h", "--help":
      print(overview)
      return ExitStatus.success
    case "--version":
      print("convkit \(version)")
      return ExitStatus.success
    case "help":
      return help(for: arguments.dropFirst().first)
    default:
      break
    }

    guard let command = commands.first(where: { $0.name == first }) else {
      let names = commands.map(\.name) + ["help"]
      let hint = Suggestion.closest(to: first, among: names).map { "; did you mean '\($0)'?" } ?? ""
      printError("convkit: error: unknown command '\(first)'\(hint) (see 'convkit --help')")
      return ExitStatus.usage
    }
    return command.run(Array(arguments.dropFirst()))
  }

  static func run<C: Command>(_ command: C.Type, _ arguments: [String]) -> Int32 {
    if arguments.contains("-h") || arguments.contains("--help") {
      print(command.helpText, terminator: "")
      return ExitStatus.success
    }

    let instance: C
    do {
      let parsed = try ArgumentParser(options: command.options).parse(arguments)
      instance = try command.init(parsed)
    } catch {
      printError(usageLine(error, command: command.name))
      return ExitStatus.usage
    }

    do {
      try instance.run()
      return ExitStatus.success
    } catch let error as UsageError {
      printError(usageLine(error, command: command.name))
      return ExitStatus.usage
    } catch let error as CommandFailure {
      return error.status
    } catch {
      printError("convkit \(command.name): error: \(error)")
      return ExitStatus.failure
    }
  }

  private static func help(for name: String?) -> Int32 {
    guard let name else {
      print(overview)
      return ExitStatus.success
    }
    guard let command = commands.first(where: { $0.name == name }) else {
      printError("convkit: error: unknown command '\(name)' (see 'convkit --help')")
      return ExitStatus.usage
    }
    print(command.helpText, terminator: "")
    return ExitStatus.success
  }

  static var overview: String {
    let width = commands.map(\.name.count).max() ?? 0
    let lines = commands.map {
      "  " + $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.abstract
    }
    return """
      convkit \(version): image filtering with CNN-style convolution

      Usage: convkit COMMAND [OPTIONS]

      Commands:
      \(lines.joined(separator: "\n"))

      Run 'convkit COMMAND --help' for the options of a command, 'convkit --version' for
      the version. Exit status: 0 on success, 1 on failure, 64 on a usage error, 130
      when interrupted by SIGINT (143 by SIGTERM).
      """
  }
}

/// A subcommand's name, help and entry point, without the existential `any Command.Type`.
struct Subcommand {
  let name: String
  let abstract: String
  let helpText: String
  let run: ([String]) -> Int32

  init<C: Command>(_ command: C.Type) {
    name = C.name
    abstract = C.abstract
    helpText = C.helpText
    run = { ConvKitCLI.run(C.self, $0) }
  }
}

/// The exit statuses of `convkit`, after BSD `sysexits.h`.
enum ExitStatus {
  static let success: Int32 = 0
  static let failure: Int32 = 1
  static let usage: Int32 = 64
}

/// Thrown by a command that has already printed its errors (one per failed input) and only
/// needs the CLI to exit with `status`.
struct CommandFailure: Error {
  let status: Int32
}
