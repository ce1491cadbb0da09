import ConvKitPNG
import Testing

/// Writing a decoded PngSuite file and decoding it again changes nothing.
@Suite("PngSuite round trip")
struct PngSuiteRoundTripTests {
  @Test("decode, encode, decode is lossless", arguments: Fixtures.validNames)
  func roundTripIsLossless(name: String) throws {
    let image = try PNGImage(contentsOf: Fixtures.valid(name))
    let again = try PNGImage.decode(image.encoded(), name: name)

    #expect(again.pixels == image.pixels)
    #expect(again.layout == image.layout)
    #expect(again.bitDepth == image.bitDepth)
    #expect(again.colorSpace == image.colorSpace)
    #expect(again.source?.colorType == Self.colorType(of: image.layout))
    #expect(again.source?.bitDepth == image.bitDepth)
    #expect(again.source?.interlaced == false)
  }

  /// The colour type that ConvKitPNG writes for a layout.
  static func colorType(of layout: PNGColorLayout) -> PNGColorType {
    switch layout {
    case .gray: .gray
    case .grayAlpha: .grayAlpha
    case .rgb: .rgb
    case .rgba: .rgba
    }
  }
}
