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

  /// The PNG at `path` declares `width` x `height` pixels, more than the
  /// `maximumPixels` allowed, so it was rejected before its pixels were read.
  case tooLarge(path: String, width: Int, height: Int, maximumPixels: Int)

  /// The image could not be written to `path`; no file was created or changed.
  case cannotWrite(path: String, reason: String)

  /// The image could not be encoded to memory.
  case cannotEncode(reason: String)

  /// The file or data name, if there is one.
  public var path: String? {
    switch self {
    case .cannotRead(let path, _), .cannotWrite(let path, _), .tooLarge(let path, _, _, _): path
    case .cannotEncode: nil
    }
  }

  /// The reason the operation failed.
  public var reason: String {
    switch self {
    case .cannotRead(_, let reason), .cannotWrite(_, let reason), .cannotEncode(let reason):
      reason
    case .tooLarge(_, let width, let height, let maximumPixels):
      "image size \(width)x\(height) (\(Self.product(width, height)) pixels) exceeds the "
        + "limit of \(maximumPixels) pixels"
    }
  }

  /// One line: what failed, on which file, and why.
  public var description: String {
    switch self {
    case .cannotRead(let path, _), .tooLarge(let path, _, _, _): "cannot read '\(path)': \(reason)"
    case .cannotWrite(let path, let reason): "cannot write '\(path)': \(reason)"
    case .cannotEncode(let reason): "cannot encode PNG: \(reason)"
    }
  }

  /// Returns `width * height` as text, without trapping on overflow.
  private static func product(_ width: Int, _ height: Int) -> String {
    let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
    return overflow ? "more than \(Int.max)" : "\(pixels)"
  }
}
