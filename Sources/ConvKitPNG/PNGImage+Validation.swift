import ConvKit

extension PNGImage {
  /// The largest width or height that PNG allows: 2^31 - 1.
  public static let maximumDimension = Int(Int32.max)

  /// Checks that the image can be written.
  ///
  /// - Throws: `FailureReason` describing the first problem found.
  func validate(compressionLevel: Int) throws(FailureReason) {
    try validateShape()

    guard bitDepth == 8 || bitDepth == 16 else {
      throw FailureReason("bit depth must be 8 or 16, got \(bitDepth)")
    }
    guard (0...9).contains(compressionLevel) else {
      throw FailureReason("compression level must be 0...9, got \(compressionLevel)")
    }
    try colorSpace.validate()
  }

  /// Checks the rank, channel count and size of `pixels`.
  private func validateShape() throws(FailureReason) {
    let shape = pixels.shape
    guard shape.count == 3 else {
      throw FailureReason("pixels must have shape [channels, height, width], got \(shape)")
    }
    let needed = layout.channelCount
    guard shape[0] == needed else {
      let channels = needed == 1 ? "1 channel" : "\(needed) channels"
      throw FailureReason("layout \(layout.rawValue) needs \(channels), got \(shape[0])")
    }

    let sizes = 1...Self.maximumDimension
    guard sizes.contains(shape[1]), sizes.contains(shape[2]) else {
      throw FailureReason(
        "width and height must be 1...\(Self.maximumDimension), got \(shape[2])x\(shape[1])")
    }
  }
}

extension PNGColorSpace {
  /// Checks that every chunk value fits its PNG field.
  ///
  /// libpng checks more (a gamma of 0, chromaticities that are not a
  /// colour space, a malformed ICC profile) and its message is reported then.
  ///
  /// - Throws: `FailureReason` describing the first problem found.
  func validate() throws(FailureReason) {
    let fixedPoint = 0...Int(Int32.max)
    if let srgbIntent, !(0...3).contains(srgbIntent) {
      throw FailureReason("sRGB rendering intent must be 0...3, got \(srgbIntent)")
    }
    if let gamma, !fixedPoint.contains(gamma) {
      throw FailureReason("gamma must be 0...\(Int32.max), got \(gamma)")
    }
    if let chromaticities {
      guard chromaticities.count == 8, chromaticities.allSatisfy(fixedPoint.contains) else {
        throw FailureReason(
          "chromaticities must be 8 values in 0...\(Int32.max), got \(chromaticities)")
      }
    }
    if let iccProfile {
      try iccProfile.validate()
    }
  }
}

extension PNGColorSpace.ICCProfile {
  /// Checks the name and size that an iCCP chunk can hold.
  ///
  /// - Throws: `FailureReason` describing the problem.
  func validate() throws(FailureReason) {
    let scalars = name.unicodeScalars
    guard (1...79).contains(scalars.count), scalars.allSatisfy({ $0.value < 256 }) else {
      throw FailureReason("ICC profile name must be 1...79 Latin-1 characters, got '\(name)'")
    }
    guard data.count <= Int(UInt32.max) else {
      throw FailureReason("ICC profile of \(data.count) bytes is too large")
    }
  }
}
