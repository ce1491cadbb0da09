#if canImport(Glibc)
  @preconcurrency import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Whole-file reads and atomic whole-file writes with POSIX calls.
///
/// Failures carry the `strerror` text, first letter lowercased (`no such file
/// or directory`); `PNGImage` adds the path.
enum POSIXFile {
  // MARK: - Reading

  /// Returns every byte of the file at `path`.
  ///
  /// Uses `open`, `fstat` and `read` (retried on `EINTR`).
  ///
  /// - Throws: `FailureReason` for a missing, unreadable or directory path.
  static func contents(of path: String) throws(FailureReason) -> [UInt8] {
    guard !path.isEmpty else { throw FailureReason("empty path") }
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw lastError() }
    defer { close(descriptor) }

    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw lastError() }
    guard !isDirectory(status) else { throw FailureReason("is a directory") }

    return try readAll(descriptor, sizeHint: Int(status.st_size))
  }

  /// Reads until end of file.
  private static func readAll(_ descriptor: Int32, sizeHint: Int) throws(FailureReason) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(max(sizeHint, 0))
    var chunk = [UInt8](repeating: 0, count: 1 << 16)

    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw lastError()
      }
      if count == 0 { return bytes }
      bytes.append(contentsOf: chunk[..<count])
    }
  }

  // MARK: - Writing

  /// Replaces the file at `path` with `bytes`, or leaves everything as it was.
  ///
  /// Writes a temporary file in the target's folder (`open` with `O_EXCL`),
  /// then `write`, `fsync`, `close` and `rename` over the target, and a
  /// best-effort `fsync` of the folder. On failure the temporary file is
  /// removed with `unlink`. A new file gets mode 0666 less the umask; a
  /// replaced file keeps its mode. A symbolic link is followed: the file it
  /// points to is replaced.
  ///
  /// - Throws: `FailureReason` if the target is a directory or not a regular
  ///   file, or with the `strerror` text of the call that failed.
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FailureReason) {
    guard !path.isEmpty else { throw FailureReason("empty path") }
    let target = try resolveTarget(path)
    let (temporary, descriptor) = try createTemporary(near: target.path, mode: target.mode)

    do throws(FailureReason) {
      try writeAll(bytes, to: descriptor)
      guard fsync(descriptor) == 0 else { throw lastError() }
    } catch {
      close(descriptor)
      unlink(temporary)
      throw error
    }

    guard close(descriptor) == 0, rename(temporary, target.path) == 0 else {
      let error = lastError()
      unlink(temporary)
      throw error
    }
    syncFolder(of: target.path)
  }

  /// The file to replace and, if it exists, its permission bits.
  private struct Target {
    var path: String
    var mode: mode_t?
  }

  /// Follows a symbolic link and rejects directories and special files.
  private static func resolveTarget(_ path: String) throws(FailureReason) -> Target {
    var status = stat()
    guard lstat(path, &status) == 0 else {
      guard errno == ENOENT else { throw lastError() }
      return Target(path: path, mode: nil)
    }

    var resolved = path
    if (status.st_mode & S_IFMT) == S_IFLNK {
      guard let real = realpath(path, nil) else { throw lastError() }
      resolved = String(cString: real)
      free(real)
      guard stat(resolved, &status) == 0 else { throw lastError() }
    }

    guard !isDirectory(status) else { throw FailureReason("is a directory") }
    guard (status.st_mode & S_IFMT) == S_IFREG else { throw FailureReason("not a regular file") }
    return Target(path: resolved, mode: status.st_mode & 0o7777)
  }

  /// Creates a new, uniquely named file beside `path`, open for writing.
  private static func createTemporary(
    near path: String, mode: mode_t?
  ) throws(FailureReason) -> (path: String, descriptor: Int32) {
    let (folder, name) = split(path)

    for _ in 0..<16 {
      let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
      let temporary = "\(folder)/.\(name).\(suffix).tmp"
      let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
      if descriptor < 0 {
        if errno == EEXIST { continue }
        throw lastError()
      }
      if let mode { fchmod(descriptor, mode) }
      return (temporary, descriptor)
    }
    throw FailureReason("cannot create a temporary file in '\(folder)'")
  }

  /// Writes every byte, retrying short writes and `EINTR`.
  private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws(FailureReason) {
    var written = 0
    while written < bytes.count {
      let count = bytes.withUnsafeBytes { buffer in
        let rest = UnsafeRawBufferPointer(rebasing: buffer[written...])
        return write(descriptor, rest.baseAddress, rest.count)
      }
      if count < 0 {
        if errno == EINTR { continue }
        throw lastError()
      }
      written += count
    }
  }

  /// Flushes the folder entry of a renamed file; errors are ignored.
  private static func syncFolder(of path: String) {
    let descriptor = open(split(path).folder, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    fsync(descriptor)
    close(descriptor)
  }

  // MARK: - Helpers

  /// Splits a path into its folder (`.` if none) and last component.
  private static func split(_ path: String) -> (folder: String, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (".", path) }
    let folder = String(path[..<slash])
    return (folder.isEmpty ? "/" : folder, String(path[path.index(after: slash)...]))
  }

  /// Whether a `stat` result is a directory.
  private static func isDirectory(_ status: stat) -> Bool {
    (status.st_mode & S_IFMT) == S_IFDIR
  }

  /// The `strerror` text of `errno`, first letter lowercased.
  private static func lastError() -> FailureReason {
    let text = String(cString: strerror(errno))
    let characters = Array(text)
    guard characters.count > 1, characters[0].isUppercase, characters[1].isLowercase else {
      return FailureReason(text)
    }
    return FailureReason(characters[0].lowercased() + String(characters.dropFirst()))
  }
}
