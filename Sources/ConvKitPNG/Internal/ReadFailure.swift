/// A failure to read or decode a PNG, before the public API adds the file
/// name.
enum ReadFailure: Error {
  /// The file cannot be read or is not a valid PNG.
  case invalid(FailureReason)

  /// The IHDR chunk declares more pixels than allowed.
  case tooLarge(width: Int, height: Int)
}
