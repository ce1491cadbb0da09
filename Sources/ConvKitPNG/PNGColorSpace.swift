/// The colour-space chunks of a PNG: sRGB, gAMA, cHRM and iCCP.
///
/// ConvKitPNG never converts samples with these: it reads them so that a file
/// can be written back with the same chunks. Values are the numbers stored in
/// the file; `nil` means the chunk is absent. Only chunks that are in the file
/// and that libpng accepts are reported: libpng drops a malformed one with a
/// warning, and the values it would derive (gAMA and cHRM from sRGB, sRGB from
/// a known sRGB ICC profile) are not added.
///
/// When writing, libpng makes gAMA and cHRM agree with an sRGB chunk: a
/// mismatching value is written as the sRGB one (gamma 45455). The PNG
/// specification allows only one of sRGB and iCCP, so with an ICC profile the
/// sRGB chunk is not written. A value that libpng refuses (a gamma of 0,
/// chromaticities that are not a colour space, a malformed ICC profile) is an
/// error.
public struct PNGColorSpace: Sendable, Hashable {
  /// The sRGB chunk's rendering intent: 0 perceptual, 1 relative colorimetric,
  /// 2 saturation, 3 absolute colorimetric.
  public var srgbIntent: Int?

  /// The gAMA chunk's value, times 100000 (45455 means a gamma of 1/2.2).
  public var gamma: Int?

  /// The cHRM chunk's eight values, times 100000: white x, y, red x, y, green
  /// x, y, blue x, y.
  public var chromaticities: [Int]?

  /// The iCCP chunk: an embedded ICC profile.
  public var iccProfile: ICCProfile?

  /// Creates a colour space; with no arguments, one with no chunks.
  public init(
    srgbIntent: Int? = nil, gamma: Int? = nil, chromaticities: [Int]? = nil,
    iccProfile: ICCProfile? = nil
  ) {
    self.srgbIntent = srgbIntent
    self.gamma = gamma
    self.chromaticities = chromaticities
    self.iccProfile = iccProfile
  }

  /// Whether no colour-space chunk is present.
  public var isEmpty: Bool {
    srgbIntent == nil && gamma == nil && chromaticities == nil && iccProfile == nil
  }
}
