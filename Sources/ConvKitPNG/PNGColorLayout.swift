/// The channels of a decoded PNG, or of one to write.
///
/// Palette images decode to `rgb`, or to `rgba` when they have a tRNS chunk; a
/// tRNS chunk on a gray or RGB image adds an alpha channel.
public enum PNGColorLayout: String, Sendable, CaseIterable {
  /// One channel: gray.
  case gray
  /// Two channels: gray, alpha.
  case grayAlpha
  /// Three channels: red, green, blue.
  case rgb
  /// Four channels: red, green, blue, alpha.
  case rgba

  /// Creates the layout that has `channelCount` channels (1...4), or nil.
  public init?(channelCount: Int) {
    switch channelCount {
    case 1: self = .gray
    case 2: self = .grayAlpha
    case 3: self = .rgb
    case 4: self = .rgba
    default: return nil
    }
  }

  /// The number of channels: 1, 2, 3 or 4.
  public var channelCount: Int {
    switch self {
    case .gray: 1
    case .grayAlpha: 2
    case .rgb: 3
    case .rgba: 4
    }
  }

  /// Whether the last channel is alpha (not premultiplied).
  public var hasAlpha: Bool {
    self == .grayAlpha || self == .rgba
  }
}
