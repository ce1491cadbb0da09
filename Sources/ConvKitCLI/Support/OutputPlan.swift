import Foundation

/// Pairs each input path with its output path and checks the output location before any
/// work starts.
struct OutputPlan {
  struct Job {
    let input: String
    let output: String
  }

  let jobs: [Job]

  /// - Throws: `UsageError` when the output does not fit the inputs. That is several inputs
  ///   without a folder, a missing folder, or an existing folder without a trailing '/'.
  ///   Standard input into a folder, and an output over an input without `force`, also throw.
  init(inputs: [String], output: String, force: Bool) throws(UsageError) {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    let exists = manager.fileExists(atPath: output, isDirectory: &isDirectory)
    let intoFolder = output.hasSuffix("/")

    if inputs.count > 1 && !intoFolder {
      throw UsageError("\(inputs.count) inputs need an output folder: give -o FOLDER/ (with the trailing '/')")
    }
    if intoFolder {
      guard exists, isDirectory.boolValue else {
        throw UsageError("output folder '\(output)' does not exist; create it first")
      }
      jobs = try inputs.map { input throws(UsageError) in
        guard input != "-" else {
          throw UsageError("standard input has no file name to use in folder '\(output)'; give -o FILE.png")
        }
        return Job(input: input, output: output + Self.fileName(of: input))
      }
    } else {
      if exists && isDirectory.boolValue {
        throw UsageError("output '\(output)' is a folder; write into it with -o '\(output)/'")
      }
      let folder = Self.folder(of: output)
      if output != "-" && !folder.isEmpty && !manager.fileExists(atPath: folder) {
        throw UsageError("output folder '\(folder)' does not exist; create it first")
      }
      jobs = [Job(input: inputs[0], output: output)]
    }

    if !force, let job = jobs.first(where: { Self.sameFile($0.input, $0.output) }) {
      throw UsageError("output '\(job.output)' would overwrite input '\(job.input)'; give another output or --force")
    }
  }

  /// Returns the part of `path` after its last '/'.
  ///
  /// These two helpers avoid `NSString` path methods, because in swift-corelibs-foundation
  /// 6.3 `"-".deletingLastPathComponent` traps.
  static func fileName(of path: String) -> String {
    path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
  }

  /// Returns the part of `path` before its last '/', or "" for a bare file name.
  static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  private static func sameFile(_ a: String, _ b: String) -> Bool {
    guard a != "-", b != "-" else { return false }
    let resolvedA = URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath().path
    let resolvedB = URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath().path
    return resolvedA == resolvedB
  }
}
