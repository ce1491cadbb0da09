/// Why an internal step failed, before the public API adds the file name.
///
/// `LibPNG`, `POSIXFile` and the image checks throw this; `PNGImage` turns it
/// into a `PNGError` naming the path.
struct FailureReason: Error, Equatable {
  /// The reason as shown after the colon of a `PNGError`.
  var text: String

  /// Creates a reason from its text.
  init(_ text: String) {
    self.text = text
  }
}
