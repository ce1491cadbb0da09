import ConvKit
import ConvKitPNG
import Testing

/// sRGB, gAMA, cHRM and iCCP chunks are read, and written back unchanged.
@Suite("Colour-space chunks")
struct ColorSpaceTests {
  @Test(
    "gAMA is read and written back", arguments: ["g03n0g16.png", "g25n2c08.png", "g04n3p04.png"])
  func gammaIsCarriedOver(name: String) throws {
    let image = try PNGImage(contentsOf: Fixtures.valid(name))
    let expected = ["g03": 35000, "g25": 250000, "g04": 45000][String(name.prefix(3))]
    #expect(image.colorSpace == PNGColorSpace(gamma: expected))

    let bytes = try image.encoded()
    #expect(ChunkList(bytes).types.contains("gAMA"))
    #expect(try PNGImage.decode(bytes, name: name).colorSpace == image.colorSpace)
  }

  @Test("cHRM is read and written back", arguments: ["ccwn2c08.png", "ccwn3p08.png"])
  func chromaticitiesAreCarriedOver(name: String) throws {
    let image = try PNGImage(contentsOf: Fixtures.valid(name))
    let chromaticities = try #require(image.colorSpace.chromaticities)
    #expect(chromaticities.count == 8)
    #expect(image.colorSpace.gamma == 100000)

    let bytes = try image.encoded()
    #expect(ChunkList(bytes).types.contains("cHRM"))
    #expect(try PNGImage.decode(bytes, name: name).colorSpace == image.colorSpace)
  }

  @Test("a file with no colour-space chunk gets none")
  func noChunksStayNone() throws {
    let image = try PNGImage(contentsOf: Fixtures.valid("PngSuite.png"))
    #expect(image.colorSpace.isEmpty)

    let types = ChunkList(try image.encoded()).types
    #expect(!types.contains { ["sRGB", "gAMA", "cHRM", "iCCP"].contains($0) })
  }

  @Test("sRGB alone is written alone: no gAMA or cHRM is made up", arguments: 0...3)
  func srgbIsCarriedOver(intent: Int) throws {
    let image = Self.image(colorSpace: PNGColorSpace(srgbIntent: intent))

    let bytes = try image.encoded()
    let types = ChunkList(bytes).types
    #expect(types.contains("sRGB"))
    #expect(!types.contains("gAMA"))
    #expect(!types.contains("cHRM"))
    #expect(
      try PNGImage.decode(bytes, name: "srgb").colorSpace == PNGColorSpace(srgbIntent: intent))
  }

  @Test("sRGB with its matching gAMA and cHRM is kept as it is")
  func srgbWithGammaAndChromaticities() throws {
    let space = PNGColorSpace(
      srgbIntent: 0, gamma: 45455,
      chromaticities: [31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000])
    let bytes = try Self.image(colorSpace: space).encoded()

    #expect(try PNGImage.decode(bytes, name: "srgb").colorSpace == space)
  }

  @Test(
    "iCCP is written and read back with its name and bytes",
    arguments: [PNGColorLayout.gray, .rgba])
  func iccProfileIsCarriedOver(layout: PNGColorLayout) throws {
    let profile = PNGColorSpace.ICCProfile(
      name: "ConvKit test", data: Self.minimalProfile(for: layout))
    let image = Self.image(layout: layout, colorSpace: PNGColorSpace(iccProfile: profile))

    let bytes = try image.encoded()
    #expect(ChunkList(bytes).types.contains("iCCP"))
    let decoded = try PNGImage.decode(bytes, name: "icc")
    #expect(decoded.colorSpace == PNGColorSpace(iccProfile: profile))

    let again = try PNGImage.decode(decoded.encoded(), name: "icc again")
    #expect(again.colorSpace == decoded.colorSpace)
  }

  @Test("an embedded ICC profile is read and written back alone")
  func realICCProfileIsCarriedOver() throws {
    let path = Fixtures.folder.appendingPathComponent("icc/astronaut-8x8.png").path
    let image = try PNGImage(contentsOf: path)
    let profile = try #require(image.colorSpace.iccProfile)
    #expect(profile.name == "ICC profile")
    #expect(profile.data.count == 3144)
    #expect(Array(profile.data[36..<40]) == Array("acsp".utf8))
    #expect(image.colorSpace == PNGColorSpace(iccProfile: profile))

    // libpng flags this profile as an incorrect sRGB one. The encoder must still
    // write it, and must not add sRGB, gAMA or cHRM chunks for it.
    let bytes = try image.encoded()
    #expect(ChunkList(bytes).types.filter { $0 != "IDAT" } == ["IHDR", "iCCP", "IEND"])
    #expect(try PNGImage.decode(bytes, name: "icc").colorSpace == image.colorSpace)
  }

  @Test("with an ICC profile, sRGB is not written: PNG allows only one")
  func iccProfileWinsOverSRGB() throws {
    let profile = PNGColorSpace.ICCProfile(name: "test", data: Self.minimalProfile(for: .rgb))
    let space = PNGColorSpace(srgbIntent: 0, iccProfile: profile)

    let bytes = try Self.image(colorSpace: space).encoded()
    #expect(ChunkList(bytes).types.filter { $0 != "IDAT" } == ["IHDR", "iCCP", "IEND"])
    #expect(
      try PNGImage.decode(bytes, name: "icc").colorSpace == PNGColorSpace(iccProfile: profile))
  }

  @Test("sRGB wins over gAMA and cHRM that do not match it")
  func srgbOverridesMismatches() throws {
    let space = PNGColorSpace(srgbIntent: 0, gamma: 100000)
    let decoded = try PNGImage.decode(Self.image(colorSpace: space).encoded(), name: "srgb")
    #expect(decoded.colorSpace == PNGColorSpace(srgbIntent: 0, gamma: 45455))
  }

  @Test(
    "values out of range are errors, not crashes",
    arguments: [
      PNGColorSpace(srgbIntent: 4),
      PNGColorSpace(gamma: -1),
      PNGColorSpace(gamma: 0),
      PNGColorSpace(chromaticities: [1, 2, 3]),
      PNGColorSpace(chromaticities: [1, 2, 3, 4, 5, 6, 7, 8]),
      PNGColorSpace(iccProfile: .init(name: "", data: [])),
      PNGColorSpace(iccProfile: .init(name: "bad", data: [1, 2, 3])),
    ])
  func invalidValuesAreRejected(space: PNGColorSpace) throws {
    let error = try #require(throws: PNGError.self) { try Self.image(colorSpace: space).encoded() }
    guard case .cannotEncode(let reason) = error else {
      Issue.record("expected cannotEncode, got \(error)")
      return
    }
    #expect(!reason.isEmpty)
  }

  // MARK: - Helpers

  /// A 3x2 image with a gradient.
  static func image(layout: PNGColorLayout = .rgb, colorSpace: PNGColorSpace) -> PNGImage {
    let count = layout.channelCount * 2 * 3
    let pixels = Tensor(
      shape: [layout.channelCount, 2, 3], scalars: (0..<count).map { Float($0) / Float(count) })
    return PNGImage(pixels: pixels, layout: layout, colorSpace: colorSpace)
  }

  /// A small ICC profile that libpng accepts: a header with no tags, a D50
  /// illuminant and the colour space of `layout`, then 128 seeded random bytes.
  ///
  /// libpng 1.6 ignores an iCCP chunk shorter than 92 bytes when reading, so
  /// the padding keeps the compressed profile above that.
  static func minimalProfile(for layout: PNGColorLayout) -> [UInt8] {
    var profile = [UInt8](repeating: 0, count: 132)
    func put(_ text: String, at offset: Int) {
      profile.replaceSubrange(offset..<offset + 4, with: Array(text.utf8))
    }
    put(layout.channelCount < 3 ? "GRAY" : "RGB ", at: 16)
    put("mntr", at: 12)
    put("XYZ ", at: 20)
    put("acsp", at: 36)
    profile[8] = 4
    profile.replaceSubrange(68..<80, with: [0, 0, 0xF6, 0xD6, 0, 1, 0, 0, 0, 0, 0xD3, 0x2D])

    var seed: UInt32 = 12345
    for _ in 0..<128 {
      seed = seed &* 1_103_515_245 &+ 12345
      profile.append(UInt8(truncatingIfNeeded: seed >> 16))
    }
    profile[2] = UInt8(profile.count >> 8)
    profile[3] = UInt8(profile.count & 0xFF)
    return profile
  }
}
