/// A PNG file that cannot be read, or an image that cannot be written.
///
/// The description is one line naming the file, for example
/// `cannot read 'x.png': IHDR: CRC error`. Reasons from libpng are kept as
/// libpng words them; ConvKitPNG's own reasons are lowercase with no final
/// period.
public enum PNGError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The file at `path` (or the data named `path`) is missing, unreadable or
  /// not a valid PNG.
  case cannotRead(path: String, reason: String)

  /// The image could not be written to `path`; no file was created or changed.
  case cannotWrite(path: String, reason: String)

  /// The image could not be encoded to memory.
  case cannotEncode(reason: String)

  /// The file or data name, if there is one.
  public var path: String? {
    switch self {
    case .cannotRead(let path, _), .cannotWrite(let path, _): path
    case .cannotEncode: nil
    }
  }

  /// Why the operation failed.
  public var reason: String {
    switch self {
    case .cannotRead(_, let reason), .cannotWrite(_, let reason), .cannotEncode(let reason):
      reason
    }
  }

  /// One line: what failed, on which file, and why.
  public var description: String {
    switch self {
    case .cannotRead(let path, let reason): "cannot read '\(path)': \(reason)"
    case .cannotWrite(let path, let reason): "cannot write '\(path)': \(reason)"
    case .cannotEncode(let reason): "cannot encode PNG: \(reason)"
    }
  }
}
