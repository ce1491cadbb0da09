import ConvKit
import ConvKitPNG
import Testing

/// Encoding: bit depths, rounding, clamping, options and checks.
@Suite("Encoding")
struct EncodingTests {
  @Test(
    "a 16-bit file is written as 16-bit",
    arguments: ["basn0g16.png", "basn2c16.png", "basn4a16.png", "basn6a16.png", "tbbn2c16.png"])
  func sixteenBitStaysSixteenBit(name: String) throws {
    let image = try PNGImage(contentsOf: Fixtures.valid(name))
    #expect(image.bitDepth == 16)

    let chunks = ChunkList(try image.encoded())
    #expect(chunks.bitDepth == 16)
    #expect(chunks.colorType == [1: 0, 2: 4, 3: 2, 4: 6][image.layout.channelCount])
  }

  @Test(
    "palette and low-bit files are written as 8-bit of their expanded layout",
    arguments: [
      ("basn3p01.png", PNGColorLayout.rgb), ("tbbn3p08.png", .rgba), ("basn0g02.png", .gray),
      ("tbbn0g04.png", .grayAlpha),
    ])
  func expandedFilesAreEightBit(name: String, layout: PNGColorLayout) throws {
    let image = try PNGImage(contentsOf: Fixtures.valid(name))
    #expect(image.layout == layout)
    #expect(image.bitDepth == 8)
    #expect(ChunkList(try image.encoded()).bitDepth == 8)
  }

  @Test("the caller can change the bit depth")
  func bitDepthCanBeOverridden() throws {
    var image = try PNGImage(contentsOf: Fixtures.valid("basn0g16.png"))
    image.bitDepth = 8
    let eight = try PNGImage.decode(image.encoded(), name: "8")
    #expect(eight.bitDepth == 8)
    #expect(ChunkList(try image.encoded()).bitDepth == 8)

    var small = try PNGImage(contentsOf: Fixtures.valid("basn0g08.png"))
    small.bitDepth = 16
    let sixteen = try PNGImage.decode(small.encoded(), name: "16")
    #expect(sixteen.bitDepth == 16)
    #expect(sixteen.pixels == small.pixels)
  }

  @Test("low-bit gray divides exactly: 2-bit 1 is Float(1) / 3")
  func lowBitValuesAreExact() throws {
    for (bits, factor) in [(1, 255), (2, 85), (4, 17)] {
      let maximum = (1 << bits) - 1
      for value in 0...maximum {
        #expect(Float(value * factor) / 255 == Float(value) / Float(maximum))
      }
    }

    let image = try PNGImage(contentsOf: Fixtures.valid("basn0g02.png"))
    #expect(Set(image.pixels.scalars) == [0, Float(1) / 3, Float(2) / 3, 1])
  }

  @Test("values are clamped, rounded half away from zero, NaN is 0")
  func valuesAreQuantized() throws {
    let values: [Float] = [
      -1, 0, .nan, 0.5, Float(1) / 3, 2, .infinity, -.infinity, 0.999, 1.5 / 255,
    ]
    let expected: [Float] = [0, 0, 0, 128, 85, 255, 255, 0, 255, 2].map { $0 / 255 }
    let image = PNGImage(
      pixels: Tensor(shape: [1, 1, values.count], scalars: values), layout: .gray)

    let decoded = try PNGImage.decode(image.encoded(), name: "quantized")
    #expect(decoded.pixels.scalars == expected)
  }

  @Test("values near ties round correctly", arguments: [8, 16])
  func valuesNearTies(bitDepth: Int) throws {
    let scale = Float((1 << bitDepth) - 1)
    // Each tie k + 0.5, one step below and one above, for a spread of levels k; 8 samples
    // a vector, so most go through the vector loop and the last few through the tail.
    let levels = stride(from: 0, to: Int(scale), by: bitDepth == 8 ? 1 : 97)
    let values = levels.flatMap { k -> [Float] in
      let tie = (Float(k) + 0.5) / scale
      return [tie.nextDown, tie, tie.nextUp]
    }
    let image = PNGImage(
      pixels: Tensor(shape: [1, 1, values.count], scalars: values), layout: .gray,
      bitDepth: bitDepth)

    let decoded = try PNGImage.decode(image.encoded(), name: "ties")
    let stored = decoded.pixels.scalars.map { Int(($0 * scale).rounded()) }
    let expected = values.map { Int((min(max($0, 0), 1) * scale).rounded(.toNearestOrAwayFromZero)) }
    #expect(stored == expected)
  }

  @Test("every 16-bit value survives Float and back")
  func sixteenBitValuesRoundTrip() throws {
    let scalars = (0...65535).map { Float($0) / 65535 }
    let image = PNGImage(
      pixels: Tensor(shape: [1, 256, 256], scalars: scalars), layout: .gray, bitDepth: 16)

    let decoded = try PNGImage.decode(image.encoded(compressionLevel: 1), name: "ramp")
    #expect(decoded.pixels == image.pixels)
    #expect(decoded.bitDepth == 16)
  }

  @Test("compression levels change the size, not the pixels")
  func compressionLevels() throws {
    let image = try PNGImage(contentsOf: Fixtures.valid("PngSuite.png"))
    let stored = try image.encoded(compressionLevel: 0)
    let smallest = try image.encoded(compressionLevel: 9)

    #expect(stored.count > smallest.count)
    #expect(try PNGImage.decode(stored, name: "0").pixels == image.pixels)
    #expect(try PNGImage.decode(smallest, name: "9").pixels == image.pixels)
  }

  @Test(
    "bad images are errors that say why",
    arguments: [
      (Tensor(shape: [4, 4], repeating: 0), PNGColorLayout.gray, 8, 6, "shape"),
      (Tensor(shape: [3, 2, 2], repeating: 0), .rgba, 8, 6, "needs 4 channels, got 3"),
      (Tensor(shape: [1, 2, 2], repeating: 0), .gray, 12, 6, "bit depth must be 8 or 16, got 12"),
      (Tensor(shape: [1, 0, 2], repeating: 0), .gray, 8, 6, "width and height"),
      (
        Tensor(shape: [1, 2, 2], repeating: 0), .gray, 8, 10,
        "compression level must be 0...9, got 10"
      ),
    ])
  func badImagesAreRejected(
    pixels: Tensor, layout: PNGColorLayout, bitDepth: Int, level: Int, reason: String
  ) throws {
    let image = PNGImage(pixels: pixels, layout: layout, bitDepth: bitDepth)
    let error = try #require(throws: PNGError.self) { try image.encoded(compressionLevel: level) }

    #expect(error.reason.contains(reason))
    #expect(error.description == "cannot encode PNG: \(error.reason)")
  }

  @Test("new images keep their layout, depth and no source")
  func newImages() throws {
    let pixels = Tensor(shape: [2, 1, 2], scalars: [0, 1, 32768, 1].map { $0 / 65535 })
    let image = PNGImage(pixels: pixels, layout: .grayAlpha, bitDepth: 16)
    #expect(image.source == nil)
    #expect(image.width == 2 && image.height == 1)

    let decoded = try PNGImage.decode(image.encoded(), name: "new")
    #expect(decoded.layout == .grayAlpha)
    #expect(decoded.pixels == pixels)
    #expect(
      decoded.source == PNGSourceFormat(colorType: .grayAlpha, bitDepth: 16, interlaced: false))
  }
}
