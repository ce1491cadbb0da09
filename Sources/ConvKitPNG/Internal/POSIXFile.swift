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

  /// Opens the file at `path` for reading.
  ///
  /// - Returns: the descriptor, which the caller closes, and the size of a
  ///   regular file (nil for a pipe or device).
  /// - Throws: `FailureReason` for a missing, unreadable or directory path.
  static func openForReading(_ path: String) throws(FailureReason) -> (descriptor: Int32, size: Int?) {
    guard !path.isEmpty else { throw FailureReason("empty path") }
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw lastError() }

    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      let error = lastError()
      close(descriptor)
      throw error
    }
    guard !isDirectory(status) else {
      close(descriptor)
      throw FailureReason("is a directory")
    }
    let isRegular = (status.st_mode & S_IFMT) == S_IFREG
    return (descriptor, isRegular ? Int(status.st_size) : nil)
  }

  /// Appends bytes read from `descriptor` to `bytes` until it has `limit`
  /// bytes or the end of the file is reached.
  ///
  /// Uses `read`, retried on `EINTR`, 64 KiB at a time.
  ///
  /// - Returns: whether the end of the file was reached.
  /// - Throws: `FailureReason` with the `strerror` text of a failed `read`.
  static func fill(
    _ bytes: inout [UInt8], from descriptor: Int32, upTo limit: Int
  ) throws(FailureReason) -> Bool {
    var chunk = [UInt8](repeating: 0, count: 1 << 16)

    while bytes.count < limit {
      let requested = min(chunk.count, limit - bytes.count)
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, requested) }
      if count < 0 {
        if errno == EINTR { continue }
        throw lastError()
      }
      if count == 0 { return true }
      bytes.append(contentsOf: chunk[..<count])
    }
    return false
  }

  /// Moves the read position of `descriptor` back to the start, and returns whether that
  /// succeeded.
  static func rewind(_ descriptor: Int32) -> Bool {
    lseek(descriptor, 0, SEEK_SET) == 0
  }

  /// Closes a descriptor that was only read; errors are ignored.
  static func closeDescriptor(_ descriptor: Int32) {
    close(descriptor)
  }

  // MARK: - Writing

  /// Replaces the file at `path` with `bytes`, or leaves everything as it was.
  ///
  /// Writes a temporary file in the target's folder (`open` with `O_EXCL`),
  /// then `write`, `fsync`, `close` and `rename` over the target, and a
  /// best-effort `fsync` of the folder. On failure the temporary file is
  /// removed with `unlink`. While it exists, the temporary file is recorded
  /// in `TemporaryFiles`, so that a signal handler installed with
  /// `PNGImage.removeTemporaryFilesOnSignals()` removes it too. A new file
  /// gets mode 0666 less the umask; a replaced file keeps its mode. A
  /// symbolic link is followed: the file it points to is replaced.
  ///
  /// - Throws: `FailureReason` if the target is a directory or not a regular
  ///   file, or with the `strerror` text of the call that failed.
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(FailureReason) {
    let result = bytes.withUnsafeBytes { bytes in
      Result { () throws(FailureReason) in try writeAtomically(bytes, to: path) }
    }
    try result.get()
  }

  /// Writes `bytes` to `path` as `writeAtomically(_:to:)` does, from memory the caller owns.
  static func writeAtomically(_ bytes: UnsafeRawBufferPointer, to path: String) throws(FailureReason) {
    let file = try AtomicFile(replacing: path)
    do throws(FailureReason) {
      try file.append(bytes)
    } catch {
      file.abandon()
      throw error
    }
    try file.commit()
  }

  /// A file written in pieces that replaces its target only when complete, as
  /// `writeAtomically(_:to:)` describes: the pieces go to a temporary file beside the
  /// target, which `commit` renames over it and `abandon` removes.
  struct AtomicFile {
    private let target: Target
    private let temporary: Temporary

    /// Creates the temporary file for `path`.
    init(replacing path: String) throws(FailureReason) {
      guard !path.isEmpty else { throw FailureReason("empty path") }
      target = try resolveTarget(path)
      temporary = try createTemporary(near: target.path, mode: target.mode)
    }

    /// Appends `bytes` to the temporary file.
    func append(_ bytes: UnsafeRawBufferPointer) throws(FailureReason) {
      try writeAll(bytes, to: temporary.descriptor)
    }

    /// Flushes the temporary file to disk and renames it over the target. On failure the
    /// temporary file is removed.
    func commit() throws(FailureReason) {
      defer { TemporaryFiles.forget(temporary.slot) }
      guard fsync(temporary.descriptor) == 0 else {
        let error = lastError()
        close(temporary.descriptor)
        unlink(temporary.path)
        throw error
      }
      guard close(temporary.descriptor) == 0, rename(temporary.path, target.path) == 0 else {
        let error = lastError()
        unlink(temporary.path)
        throw error
      }
      syncFolder(of: target.path)
    }

    /// Closes and removes the temporary file, leaving the target as it was.
    func abandon() {
      close(temporary.descriptor)
      unlink(temporary.path)
      TemporaryFiles.forget(temporary.slot)
    }
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

  /// A temporary file open for writing, and its `TemporaryFiles` slot.
  private struct Temporary {
    var path: String
    var descriptor: Int32
    var slot: Int32
  }

  /// Creates a new, uniquely named file beside `path`, open for writing.
  ///
  /// The name is recorded before `open` creates the file, so that no moment
  /// exists in which the file exists unrecorded. A signal in between removes
  /// a path that does not exist yet, which does nothing. The random 64-bit
  /// suffix makes it practically impossible that another program's file has
  /// that name.
  private static func createTemporary(
    near path: String, mode: mode_t?
  ) throws(FailureReason) -> Temporary {
    let (folder, name) = split(path)

    for _ in 0..<16 {
      let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
      let temporary = "\(folder)/.\(name).\(suffix).tmp"
      let slot = TemporaryFiles.record(temporary)
      let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
      if descriptor < 0 {
        let code = errno
        TemporaryFiles.forget(slot)
        if code == EEXIST { continue }
        throw lastError(code)
      }
      if let mode { fchmod(descriptor, mode) }
      return Temporary(path: temporary, descriptor: descriptor, slot: slot)
    }
    throw FailureReason("cannot create a temporary file in '\(folder)'")
  }

  /// Writes every byte, retrying short writes and `EINTR`.
  ///
  /// - Throws: `FailureReason` with the `strerror` text of a failed `write`.
  static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws(FailureReason) {
    let result = bytes.withUnsafeBytes { bytes in
      Result { () throws(FailureReason) in try writeAll(bytes, to: descriptor) }
    }
    try result.get()
  }

  /// Writes every byte of memory the caller owns, as `writeAll(_:to:)` does.
  static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) throws(FailureReason) {
    var written = 0
    while written < bytes.count {
      let rest = UnsafeRawBufferPointer(rebasing: bytes[written...])
      let count = write(descriptor, rest.baseAddress, rest.count)
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

  /// Returns the `strerror` text of `code` (by default `errno`), first letter
  /// lowercased.
  private static func lastError(_ code: Int32 = errno) -> FailureReason {
    let text = String(cString: strerror(code))
    let characters = Array(text)
    guard characters.count > 1, characters[0].isUppercase, characters[1].isLowercase else {
      return FailureReason(text)
    }
    return FailureReason(characters[0].lowercased() + String(characters.dropFirst()))
  }
}
