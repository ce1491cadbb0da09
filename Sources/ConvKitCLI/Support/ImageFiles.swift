import ConvKitPNG
import Foundation

/// Reads a PNG image from a path, or from standard input for `-`.
enum InputReader {
  /// - Throws: `PNGError` naming the path (`<stdin>` for standard input) and the reason.
  static func readImage(_ path: String) throws -> PNGImage {
    guard path == "-" else {
      return try PNGImage(contentsOf: path)
    }
    let bytes = [UInt8](FileHandle.standardInput.readDataToEndOfFile())
    return try PNGImage.decode(bytes, name: "<stdin>")
  }
}

/// Writes a PNG image atomically to a path, or to standard output for `-`.
enum OutputWriter {
  /// - Throws: `PNGError` naming the path and the reason; no file is left behind.
  static func write(_ image: PNGImage, to path: String) throws {
    guard path == "-" else {
      try image.write(to: path)
      return
    }
    let bytes = try image.encoded()
    FileHandle.standardOutput.write(Data(bytes))
  }
}
