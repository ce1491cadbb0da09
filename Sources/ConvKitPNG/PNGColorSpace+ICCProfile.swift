extension PNGColorSpace {
  /// An ICC profile embedded in an iCCP chunk.
  ///
  /// libpng checks the profile header when writing and reading. libpng 1.6
  /// also ignores, when reading, an iCCP chunk shorter than 92 bytes, which
  /// only a tiny, highly compressible profile makes.
  public struct ICCProfile: Sendable, Hashable {
    /// The profile name: 1 to 79 Latin-1 characters.
    public var name: String

    /// The uncompressed profile bytes.
    public var data: [UInt8]

    /// Creates a profile from its name and bytes.
    public init(name: String, data: [UInt8]) {
      self.name = name
      self.data = data
    }
  }
}
