import ConvKitPNG
import Testing

/// Every valid PngSuite file decodes to the samples that pypng reads from it.
@Suite("PngSuite decoding")
struct PngSuiteDecodingTests {
  @Test("the suite and its reference are all there")
  func fixturesArePresent() {
    #expect(Fixtures.validNames.count == 161)
    #expect(Fixtures.invalidNames.count == 14)
    #expect(PngSuiteReference.shared.entries.keys.sorted() == Fixtures.validNames)
  }

  @Test("decodes the stored samples exactly", arguments: Fixtures.validNames)
  func decodesStoredSamples(name: String) throws {
    let reference = try #require(PngSuiteReference.shared.entries[name])
    let image = try PNGImage(contentsOf: Fixtures.valid(name))

    #expect(image.pixels.shape == [reference.channels, reference.height, reference.width])
    #expect(image.layout.channelCount == reference.channels)
    #expect(image.bitDepth == (reference.depth == 16 ? 16 : 8))

    let scale = Float((1 << reference.depth) - 1)
    var mismatches: [String] = []
    for channel in 0..<reference.channels {
      for y in 0..<reference.height {
        for x in 0..<reference.width {
          let stored = reference.sample(channel: channel, y: y, x: x)
          let expected = Float(stored) / scale
          let actual = image.pixels.scalars[(channel * reference.height + y) * reference.width + x]
          if actual != expected && mismatches.count < 3 {
            mismatches.append("[\(channel), \(y), \(x)]: \(actual) != \(stored)/\(scale)")
          }
        }
      }
    }
    #expect(mismatches.isEmpty, "\(name): \(mismatches)")
  }

  @Test("records the file's colour type, depth and interlacing", arguments: Fixtures.validNames)
  func recordsSource(name: String) throws {
    let reference = try #require(PngSuiteReference.shared.entries[name])
    let image = try PNGImage(contentsOf: Fixtures.valid(name))

    let colorType = try #require(PNGColorType(rawValue: reference.colorType))
    let source = PNGSourceFormat(
      colorType: colorType, bitDepth: reference.bitDepth, interlaced: reference.interlaced)
    #expect(image.source == source)
  }
}
