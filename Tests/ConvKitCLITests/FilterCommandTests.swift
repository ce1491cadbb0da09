import ConvKit
import ConvKitPNG
import Foundation
import Testing

@Suite("convkit filter")
struct FilterCommandTests {
  @Test("16-bit input stays 16-bit, --depth 8 overrides")
  func bitDepth() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = Repository.sampleImage("chessboard_RGB.png")

    let keep = try ConvKitRun.run(["filter", input, "-k", "box", "-o", folder.file("16.png")])
    let eight = try ConvKitRun.run(
      ["filter", input, "-k", "box", "--depth", "8", "-o", folder.file("8.png")])

    #expect(keep.status == 0)
    #expect(eight.status == 0)
    #expect(try PNGImage(contentsOf: folder.file("16.png")).bitDepth == 16)
    #expect(try PNGImage(contentsOf: folder.file("8.png")).bitDepth == 8)
  }

  @Test("identity kernel reproduces the input exactly")
  func identity() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = Repository.sampleImage("coffee.png")

    let run = try ConvKitRun.run(["filter", input, "--kernel", "identity", "-o", folder.file("same.png")])

    #expect(run.status == 0)
    let original = try PNGImage(contentsOf: input)
    let copy = try PNGImage(contentsOf: folder.file("same.png"))
    #expect(copy.pixels == original.pixels)
    #expect(copy.layout == original.layout)
    #expect(copy.colorSpace == original.colorSpace)
  }

  @Test("standard input to standard output")
  func pipes() throws {
    let input = try Data(contentsOf: URL(fileURLWithPath: Repository.sampleImage("coins.png")))

    let run = try ConvKitRun.run(["filter", "-", "--kernel", "sobel", "-o", "-"], input: input)

    #expect(run.status == 0)
    let image = try PNGImage.decode([UInt8](run.standardOutput), name: "stdout")
    #expect(image.width == 384)
    #expect(image.height == 303)
  }

  @Test("several inputs into a folder keep their names")
  func severalInputs() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let inputs = ["camera.png", "coins.png"].map(Repository.sampleImage)

    let run = try ConvKitRun.run(["filter"] + inputs + ["--kernel", "sharpen", "-o", folder.path + "/"])

    #expect(run.status == 0)
    #expect(Set(folder.contents) == ["camera.png", "coins.png"])
  }

  @Test("blur of a transparent image has no dark halo")
  func alphaBlur() throws {
    // A white opaque square on a fully transparent black background.
    var pixels = Tensor(shape: [4, 9, 9])
    for y in 3..<6 {
      for x in 3..<6 {
        for channel in 0..<4 {
          pixels[channel, y, x] = 1
        }
      }
    }
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try PNGImage(pixels: pixels, layout: .rgba).write(to: folder.file("in.png"))

    let run = try ConvKitRun.run(
      ["filter", folder.file("in.png"), "--kernel", "gaussian", "--sigma", "1", "-o", folder.file("out.png")])

    #expect(run.status == 0)
    let output = try PNGImage(contentsOf: folder.file("out.png")).pixels
    for y in 0..<9 {
      for x in 0..<9 where output[3, y, x] > 0.01 {
        #expect(output[0, y, x] > 0.98, "red at (\(x), \(y)) with alpha \(output[3, y, x])")
      }
    }
    #expect(output[3, 2, 4] > 0)
    #expect(output[3, 2, 4] < 1)
  }

  @Test("edge kernel keeps alpha unchanged")
  func alphaEdges() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = Repository.sampleImage("horse.png")

    let run = try ConvKitRun.run(["filter", input, "--kernel", "sobel", "-o", folder.file("edges.png")])

    #expect(run.status == 0)
    let original = try PNGImage(contentsOf: input).pixels
    let output = try PNGImage(contentsOf: folder.file("edges.png")).pixels
    let plane = original.shape[1] * original.shape[2]
    #expect(output.scalars.suffix(plane) == original.scalars.suffix(plane))
  }

  @Test("custom matrix with divisor equals the named box")
  func customMatrix() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = Repository.sampleImage("camera.png")

    _ = try ConvKitRun.run(["filter", input, "--matrix", "1 1 1; 1 1 1; 1 1 1", "--divisor", "9", "-o", folder.file("a.png")])
    _ = try ConvKitRun.run(["filter", input, "--kernel", "box", "-o", folder.file("b.png")])

    let a = try PNGImage(contentsOf: folder.file("a.png"))
    let b = try PNGImage(contentsOf: folder.file("b.png"))
    #expect(maximumDifference(a, b) <= 1)
  }

  @Test("RGB to gray kernel drops the RGB colour profile")
  func rgbToGray() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let luma = #"""
      {"mode": "full", "weights": [[[[0.299]], [[0.587]], [[0.114]]]]}
      """#
    try luma.write(toFile: folder.file("luma.json"), atomically: true, encoding: .utf8)
    let input = Repository.sampleImage("astronaut.png")

    let run = try ConvKitRun.run(["filter", input, "--kernel-file", folder.file("luma.json"), "-o", folder.file("gray.png")])

    #expect(run.status == 0, "\(run.standardError)")
    let gray = try PNGImage(contentsOf: folder.file("gray.png"))
    #expect(gray.layout == .gray)
    #expect(gray.colorSpace.iccProfile == nil)
  }

  @Test("kernel file in text and JSON form")
  func kernelFiles() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try "0 -1 0\n-1 5 -1\n0 -1 0\n".write(toFile: folder.file("k.txt"), atomically: true, encoding: .utf8)
    try #"{"kernel": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]}"#.write(toFile: folder.file("k.json"), atomically: true, encoding: .utf8)
    let input = Repository.sampleImage("camera.png")

    let text = try ConvKitRun.run(["filter", input, "--kernel-file", folder.file("k.txt"), "-o", folder.file("t.png")])
    let json = try ConvKitRun.run(["filter", input, "--kernel-file", folder.file("k.json"), "-o", folder.file("j.png")])

    #expect(text.status == 0)
    #expect(json.status == 0)
    let reference = try PNGImage(contentsOf: Repository.fixture("opencv/camera-sharpen.png"))
    #expect(maximumDifference(try PNGImage(contentsOf: folder.file("t.png")), reference) <= 1)
    #expect(maximumDifference(try PNGImage(contentsOf: folder.file("j.png")), reference) <= 1)
  }
}
