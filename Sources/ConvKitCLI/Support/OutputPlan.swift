import Foundation

/// Pairs each input path with its output path and checks the output location before any
/// work starts.
struct OutputPlan {
  struct Job {
    let input: String
    let output: String
  }

  let jobs: [Job]

  /// Plans the outputs, creating missing folders when `createFolders` is set.
  ///
  /// - Throws: `UsageError` when the output does not fit the inputs:
  ///   - several inputs without a folder;
  ///   - a missing folder without `createFolders`, or a path under a regular file;
  ///   - an existing folder without a trailing '/';
  ///   - an output file whose extension names another image format, such as `.jpg`;
  ///   - standard input, or two inputs with the same file name, into one folder;
  ///   - an output that is an input file (the same inode) without `force`.
  ///
  ///   `FolderCreationFailure` when a folder cannot be created.
  init(inputs: [String], output: String, force: Bool, createFolders: Bool = false) throws {
    guard !output.isEmpty else {
      throw UsageError("output path is empty; give -o OUTPUT.png")
    }
    let intoFolder = output.hasSuffix("/")
    if inputs.count > 1 && !intoFolder {
      throw UsageError("\(inputs.count) inputs need an output folder: give -o FOLDER/ (with the trailing '/')")
    }

    if intoFolder {
      try Self.prepareFolder(output, create: createFolders)
      jobs = try inputs.map { input throws(UsageError) in
        guard input != "-" else {
          throw UsageError("standard input has no file name to use in folder '\(output)'; give -o FILE.png")
        }
        return Job(input: input, output: output + Self.fileName(of: input))
      }
      try Self.checkDistinctOutputs(jobs)
    } else {
      if Self.kind(of: output) == .folder {
        throw UsageError("output '\(output)' is a folder; write into it with -o '\(output)/'")
      }
      if let format = Self.otherImageFormat(of: output) {
        throw UsageError("output '\(output)' names a \(format) file, but convkit writes PNG only; give a .png name")
      }
      let folder = Self.folder(of: output)
      if output != "-" && !folder.isEmpty {
        try Self.prepareFolder(folder, create: createFolders)
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

  // MARK: - Checks

  /// The image formats whose file extensions an output must not have, since the file will
  /// hold PNG data: a viewer would trust the extension and fail.
  private static let otherImageFormats = [
    "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF", "bmp": "BMP", "tif": "TIFF", "tiff": "TIFF",
    "webp": "WebP",
  ]

  /// Returns the format that the extension of `path` names, when it is an image format
  /// other than PNG.
  private static func otherImageFormat(of path: String) -> String? {
    let name = fileName(of: path)
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
    return otherImageFormats[name[name.index(after: dot)...].lowercased()]
  }

  /// The kind of file at a path, following symbolic links.
  private enum Kind {
    case missing, folder, other
  }

  private static func kind(of path: String) -> Kind {
    var status = stat()
    guard stat(path, &status) == 0 else { return .missing }
    return (status.st_mode & S_IFMT) == S_IFDIR ? .folder : .other
  }

  /// Checks that `folder` is a folder, creating it and its parents if it is missing and
  /// `create` is set.
  private static func prepareFolder(_ folder: String, create: Bool) throws {
    switch kind(of: folder) {
    case .folder:
      return
    case .other:
      throw UsageError("output folder '\(folder)' is a file, not a folder; give another output")
    case .missing:
      guard create else {
        throw UsageError("output folder '\(folder)' does not exist; create it first or give --mkdir")
      }
      try createFolder(folder)
    }
  }

  /// Creates `folder` and any missing parents, as `mkdir -p` does, with mode 0777 less
  /// the umask.
  private static func createFolder(_ folder: String) throws {
    let parent = Self.folder(of: folder.hasSuffix("/") ? String(folder.dropLast()) : folder)
    if !parent.isEmpty && kind(of: parent) == .missing {
      try createFolder(parent)
    }
    guard mkdir(folder, 0o777) != 0 else { return }
    let code = errno
    if code == EEXIST && kind(of: folder) == .folder {
      return
    }
    throw FolderCreationFailure(folder: folder, code: code)
  }

  /// Rejects two jobs that would write the same output file.
  private static func checkDistinctOutputs(_ jobs: [Job]) throws(UsageError) {
    var inputByOutput: [String: String] = [:]
    for job in jobs {
      if let earlier = inputByOutput[job.output] {
        throw UsageError(
          "inputs '\(earlier)' and '\(job.input)' would both be written to '\(job.output)'; "
            + "filter them into different folders")
      }
      inputByOutput[job.output] = job.input
    }
  }

  /// Returns whether both paths name the same existing file: the same device and inode, so
  /// hard links, symbolic links and `..` are all seen through.
  private static func sameFile(_ a: String, _ b: String) -> Bool {
    guard a != "-", b != "-" else { return false }
    var statusA = stat()
    var statusB = stat()
    guard stat(a, &statusA) == 0, stat(b, &statusB) == 0 else { return false }
    return statusA.st_dev == statusB.st_dev && statusA.st_ino == statusB.st_ino
  }
}

/// A folder that `--mkdir` could not create, with the operating system's reason.
struct FolderCreationFailure: Error, CustomStringConvertible {
  let folder: String
  let code: Int32

  var description: String {
    let text = String(cString: strerror(code))
    return "cannot create folder '\(folder)': \(text.prefix(1).lowercased() + text.dropFirst())"
  }
}
