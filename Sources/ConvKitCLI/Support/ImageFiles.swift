import ConvKitPNG
import Foundation

/// Reads a PNG image from a path, or from standard input for `-`.
enum InputReader {
  /// The `--max-pixels` option, for commands that read PNG files.
  static let maximumPixelsOption = OptionSpec(
    "max-pixels", value: "N",
    help: "Reject input images of more than N pixels (width x height) before decoding them (default \(PNGImage.defaultMaximumPixels), 2^28).")

  /// Returns the value of `--max-pixels`, or nil when it is not given.
  ///
  /// - Throws: `UsageError` for a value that is not an integer from 1 to
  ///   `PNGImage.largestPixelLimit`.
  static func maximumPixels(_ arguments: ParsedArguments) throws(UsageError) -> Int? {
    try arguments.integer("max-pixels", in: 1...PNGImage.largestPixelLimit)
  }

  /// Reads and decodes the image at `path`, or standard input for `-`.
  ///
  /// - Parameter maximumPixels: the command's `--max-pixels` value. When it is
  ///   given, an image over the limit gets an error that names the option;
  ///   nil means `PNGImage.defaultMaximumPixels` and an error without a hint.
  /// - Throws: `PNGError` naming the path (`<stdin>` for standard input) and
  ///   the reason, or `InputTooLarge`.
  static func readImage(_ path: String, maximumPixels: Int? = nil) throws -> PNGImage {
    let limit = maximumPixels ?? PNGImage.defaultMaximumPixels
    do {
      if path == "-" {
        return try PNGImage(fileDescriptor: 0, name: "<stdin>", maximumPixels: limit)
      }
      return try PNGImage(contentsOf: path, maximumPixels: limit)
    } catch {
      if case .tooLarge = error, maximumPixels != nil {
        throw InputTooLarge(error: error)
      }
      throw UnreadableInput.explaining(error)
    }
  }
}

extension InputReader {
  /// Opens the PNG file at `path` for decoding row by row. Returns `nil` for an
  /// interlaced file, which must be read whole with `readImage`, and for anything but a
  /// regular file, such as `/dev/stdin` or a pipe, which could not be read a second time.
  ///
  /// - Throws: as `readImage`.
  static func openRows(_ path: String, maximumPixels: Int? = nil) throws -> PNGRowDecoder? {
    guard isRegularFile(path) else { return nil }
    let limit = maximumPixels ?? PNGImage.defaultMaximumPixels
    do {
      return try PNGRowDecoder(contentsOf: path, maximumPixels: limit)
    } catch {
      if case .tooLarge = error, maximumPixels != nil {
        throw InputTooLarge(error: error)
      }
      throw UnreadableInput.explaining(error)
    }
  }
}

/// Returns whether `path` names a regular file, following symbolic links.
func isRegularFile(_ path: String) -> Bool {
  var status = stat()
  return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
}

/// An input that cannot be read as a PNG, with what to do about it. Either it starts as a
/// PNG but libpng could not decode it (a CRC error, damaged compressed data, a file cut
/// short), or it is empty, or it is a file of another format.
struct UnreadableInput: Error, CustomStringConvertible {
  let error: PNGError
  let advice: String

  var description: String { "\(error); \(advice)" }

  /// Returns `error` with advice when it is a read error on a PNG file that libpng could
  /// not decode, on an empty file, or on data that is not a PNG. Other errors are returned
  /// unchanged. Standard input and pipes cannot be read a second time, so they only get
  /// advice for an empty file or another format.
  ///
  /// NOTE: the signature is read again after the failure, so a file replaced during the
  /// run is judged by its new first bytes and may be called damaged although it is valid.
  static func explaining(_ error: PNGError) -> Error {
    guard case .cannotRead(let path, let reason) = error else { return error }
    if reason.hasPrefix("Not a PNG file") {
      return UnreadableInput(error: error, advice: "convkit reads PNG files only: convert it to PNG first")
    }
    if reason == "file is empty" {
      return UnreadableInput(error: error, advice: "check the path, or write the image again")
    }
    guard path != "<stdin>", startsAsPNG(path) else { return error }
    return UnreadableInput(error: error, advice: "the file is damaged: export or download it again")
  }

  /// Returns whether the regular file at `path` begins with the 8-byte PNG signature.
  /// Other files are not opened, because a second open of a named pipe would wait for a
  /// writer.
  private static func startsAsPNG(_ path: String) -> Bool {
    guard isRegularFile(path), let file = FileHandle(forReadingAtPath: path) else {
      return false
    }
    defer { try? file.close() }
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    return (try? file.read(upToCount: 8)).map { Array($0) == signature } ?? false
  }
}

/// An input image over the pixel limit, from a command with `--max-pixels`.
struct InputTooLarge: Error, CustomStringConvertible {
  let error: PNGError

  var description: String { "\(error); give --max-pixels N to allow larger images" }
}

/// Writes a PNG image to a path, or to standard output for `-`.
enum OutputWriter {
  /// Writes `image` to `path`.
  ///
  /// A regular file, new or existing, is written atomically: a temporary file
  /// beside it is renamed over it, so a failed or interrupted write leaves no
  /// file behind. `-` writes to standard output, and an existing character
  /// device, pipe or socket (such as `/dev/null` or `/dev/stdout`) is opened
  /// and written directly.
  ///
  /// `compression` sets the zlib level and row filters; libpng's defaults
  /// (`PNGCompression.small`) unless given.
  ///
  /// - Throws: `PNGError` naming the path and the reason, with the operating
  ///   system's error for a failed write.
  static func write(
    _ image: PNGImage, to path: String, compression: PNGCompression = .small
  ) throws {
    try write(
      to: path,
      file: { path in try image.write(to: path, compression: compression) },
      descriptor: { descriptor, name in
        try image.write(toFileDescriptor: descriptor, name: name, compression: compression)
      })
  }

  /// Returns whether `write` replaces `path` through a temporary file: for every path but
  /// `-` and special files. An encoder for such a path can stream its bytes to the
  /// temporary file (`PNGRowEncoder.init(writingTo:...)`).
  static func writesThroughTemporaryFile(_ path: String) -> Bool {
    path != "-" && !isSpecialFile(path)
  }

  /// Ends the file of `encoder`, every row of which is written, and writes it to `path` as
  /// `write(_:to:compression:)` does. An encoder made with `init(writingTo:...)` for `path`
  /// renames its temporary file over it.
  static func write(_ encoder: PNGRowEncoder, to path: String) throws {
    try write(
      to: path,
      file: { path in try encoder.finish(writingTo: path) },
      descriptor: { descriptor, name in try encoder.finish(toFileDescriptor: descriptor, name: name) })
  }

  /// Chooses where the bytes go: standard output for `-`, the open device for a special
  /// file, and `file` (which writes atomically) otherwise.
  private static func write(
    to path: String, file: (String) throws -> Void, descriptor: (Int32, String) throws -> Void
  ) throws {
    if path == "-" {
      guard isatty(1) == 0 else {
        throw UsageError("standard output is a terminal; redirect it to a file or a pipe, or give -o FILE.png")
      }
      try descriptor(1, "<stdout>")
      return
    }
    guard isSpecialFile(path) else {
      try file(path)
      return
    }

    let fileDescriptor = open(path, O_WRONLY | O_CLOEXEC)
    guard fileDescriptor >= 0 else {
      let text = String(cString: strerror(errno))
      throw PNGError.cannotWrite(path: path, reason: text.prefix(1).lowercased() + text.dropFirst())
    }
    defer { close(fileDescriptor) }
    try descriptor(fileDescriptor, path)
  }

  /// Returns whether `path` exists and is neither a regular file nor a directory,
  /// following symbolic links.
  private static func isSpecialFile(_ path: String) -> Bool {
    var status = stat()
    guard stat(path, &status) == 0 else { return false }
    let type = status.st_mode & S_IFMT
    return type != S_IFREG && type != S_IFDIR
  }
}
