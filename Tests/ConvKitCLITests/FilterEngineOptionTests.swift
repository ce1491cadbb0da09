import ConvKit
import ConvKitPNG
import Foundation
import Testing

@Suite("convkit filter --algorithm and --compression")
struct FilterEngineOptionTests {
  @Test("every algorithm gives the same image", arguments: ["direct", "separable", "fft"])
  func algorithmsAgree(algorithm: String) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = Repository.sampleImage("camera.png")
    let arguments = ["filter", input, "-k", "gaussian", "--sigma", "2", "--depth", "16"]

    let automatic = try ConvKitRun.run(arguments + ["-o", folder.file("auto.png")])
    let chosen = try ConvKitRun.run(arguments + ["--algorithm", algorithm, "-o", folder.file("chosen.png")])

    #expect(automatic.status == 0)
    #expect(chosen.status == 0)
    let expected = try PNGImage(contentsOf: folder.file("auto.png")).pixels.scalars
    let actual = try PNGImage(contentsOf: folder.file("chosen.png")).pixels.scalars
    let difference = zip(expected, actual).map { abs($0 - $1) }.max() ?? 0
    #expect(difference <= 1.5 / 65535, "largest difference \(difference * 65535) in 16-bit levels")
  }

  /// `--portable` must give what the library's portable loop gives, encoded the same way.
  /// Where the fused loop runs by default, the two loops round a few 16-bit samples to
  /// different levels, which shows that the option changed the loop.
  @Test("portable option selects the portable loop")
  func portableLoop() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = Repository.sampleImage("camera.png")
    let arguments = ["filter", input, "-k", "gaussian", "--sigma", "2", "--depth", "16"]

    let portable = try ConvKitRun.run(arguments + ["--portable", "-o", folder.file("portable.png")])
    let automatic = try ConvKitRun.run(arguments + ["-o", folder.file("auto.png")])
    #expect(portable.status == 0, "\(portable.standardError)")
    #expect(automatic.status == 0, "\(automatic.standardError)")

    let image = try PNGImage(contentsOf: input)
    var filter = ImageFilter(filter: .kernel(try Kernel.gaussian(sigma: 2)))
    filter.execution.vectorInstructions = .portable
    let library = PNGImage(
      pixels: try filter.apply(to: image.pixels, hasAlpha: false), layout: image.layout,
      bitDepth: 16, colorSpace: image.colorSpace)
    let expected = try PNGImage.decode(library.encoded(compressionLevel: 1), name: "library").pixels
    let actual = try PNGImage(contentsOf: folder.file("portable.png")).pixels
    let differing = zip(actual.scalars, expected.scalars).filter { $0 != $1 }.count
    #expect(actual.shape == expected.shape)
    #expect(differing == 0, "\(differing) samples differ from the library's portable result")

    if VectorInstructions.fusedMultiplyAddAvailable {
      let fused = try PNGImage(contentsOf: folder.file("auto.png")).pixels
      let changed = zip(fused.scalars, actual.scalars).filter { $0 != $1 }.count
      #expect(changed > 0, "the default run gave the portable loop's samples")
    }
  }

  @Test("verbose names the fused loop")
  func verboseFusedLoop() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let arguments = ["filter", Repository.sampleImage("coins.png"), "-k", "gaussian", "--sigma", "2", "-v"]

    let automatic = try ConvKitRun.run(arguments + ["-o", folder.file("auto.png")])
    let portable = try ConvKitRun.run(arguments + ["--portable", "-o", folder.file("portable.png")])

    let fused = "algorithm separable, fused multiply-add,"
    #expect(automatic.standardError.contains(fused) == VectorInstructions.fusedMultiplyAddAvailable, "\(automatic.standardError)")
    #expect(portable.standardError.contains("algorithm separable, portable arithmetic,"), "\(portable.standardError)")
  }

  @Test("box runs on running sums")
  func runningSum() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = Repository.sampleImage("coins.png")
    let arguments = ["filter", input, "-k", "box", "--size", "9", "--depth", "16"]

    let sums = try ConvKitRun.run(arguments + ["--algorithm", "running-sum", "-o", folder.file("sums.png")])
    let direct = try ConvKitRun.run(arguments + ["--algorithm", "direct", "-o", folder.file("direct.png")])

    #expect(sums.status == 0)
    #expect(direct.status == 0)
    let expected = try PNGImage(contentsOf: folder.file("direct.png")).pixels.scalars
    let actual = try PNGImage(contentsOf: folder.file("sums.png")).pixels.scalars
    #expect(zip(expected, actual).allSatisfy { abs($0 - $1) <= 1.5 / 65535 })
  }

  @Test("verbose names the algorithm")
  func verboseAlgorithm() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = Repository.sampleImage("coins.png")

    let run = try ConvKitRun.run(["filter", input, "-k", "sharpen", "-v", "-o", folder.file("out.png")])

    #expect(run.status == 0)
    #expect(run.standardError.contains("algorithm direct"), "\(run.standardError)")

    let sobel = try ConvKitRun.run(["filter", input, "-k", "sobel", "-v", "-o", folder.file("edges.png")])
    #expect(sobel.standardError.contains("algorithm direct (x), direct (y)"), "\(sobel.standardError)")
  }

  /// Arguments after the input, and the text `--verbose` must print about how it was read.
  /// coins.png has 303 rows, and a box of 201 rows needs more than 400 for bands.
  static let readingCases: [(String, [String], String)] = [
    ("coins.png", ["-k", "box"], "in bands of 64 rows"),
    ("coins.png", ["-k", "box", "--border", "constant"], "whole image (--border constant needs the whole image)"),
    ("coins.png", ["-k", "sobel-x", "--output", "normalize"], "whole image (--output normalize needs the whole image)"),
    ("coins.png", ["-k", "box", "--size", "201"], "whole image (the image is too short for bands of this kernel)"),
    ("pngsuite/basi2c08.png", ["-k", "box"], "whole image (interlaced)"),
  ]

  @Test("verbose names the reading mode", arguments: readingCases.indices)
  func verboseBands(index: Int) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let (name, arguments, expected) = Self.readingCases[index]
    let input = name.hasPrefix("pngsuite/") ? Repository.fixture(name) : Repository.sampleImage(name)

    let run = try ConvKitRun.run(["filter", input] + arguments + ["-v", "-o", folder.file("out.png")])

    #expect(run.status == 0)
    #expect(run.standardError.contains(expected), "\(run.standardError)")
  }

  @Test("verbose names standard input")
  func verboseStandardInput() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = try Data(contentsOf: URL(fileURLWithPath: Repository.sampleImage("coins.png")))

    let run = try ConvKitRun.run(["filter", "-", "-k", "box", "-v", "-o", folder.file("out.png")], input: input)

    #expect(run.status == 0)
    #expect(run.standardError.hasPrefix("<stdin> -> "), "\(run.standardError)")
    #expect(run.standardError.contains("whole image (standard input)"), "\(run.standardError)")
  }

  @Test("separable rejects a kernel of rank 2 with the reason")
  func separableRejected() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = Repository.sampleImage("coins.png")

    let run = try ConvKitRun.run(
      ["filter", input, "-k", "sharpen", "--algorithm", "separable", "-o", folder.file("out.png")])

    #expect(run.status == 64)
    #expect(run.standardError.contains("does not have rank 1"), "\(run.standardError)")
    #expect(run.standardError.contains("leave --algorithm out"), "\(run.standardError)")
    #expect(folder.contents.isEmpty)

    // Checked before any image is read: a missing input does not hide it.
    let missing = try ConvKitRun.run(
      ["filter", folder.file("none.png"), "-k", "sobel", "--algorithm", "running-sum", "-o", folder.file("out.png")])
    #expect(missing.status == 64)
    #expect(missing.standardError.contains("weights that are not all equal"), "\(missing.standardError)")
  }

  @Test("unknown algorithm is a usage error")
  func unknownAlgorithm() throws {
    let run = try ConvKitRun.run(
      ["filter", Repository.sampleImage("coins.png"), "-k", "box", "--algorithm", "ftt", "-o", "/dev/null"])

    #expect(run.status == 64)
    #expect(run.standardError.contains("did you mean 'fft'"), "\(run.standardError)")
  }

  @Test("compression settings keep the pixels", arguments: ["fast", "small", "0", "9"])
  func compressionKeepsPixels(compression: String) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = Repository.sampleImage("astronaut.png")

    let run = try ConvKitRun.run(
      ["filter", input, "-k", "identity", "--compression", compression, "-o", folder.file("out.png")])

    #expect(run.status == 0)
    #expect(try PNGImage(contentsOf: folder.file("out.png")).pixels == PNGImage(contentsOf: input).pixels)
  }

  @Test("small compression writes a smaller file than fast")
  func smallIsSmaller() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = Repository.sampleImage("astronaut.png")

    _ = try ConvKitRun.run(["filter", input, "-k", "identity", "-o", folder.file("fast.png")])
    _ = try ConvKitRun.run(
      ["filter", input, "-k", "identity", "--compression", "small", "-o", folder.file("small.png")])

    let fast = try FileManager.default.attributesOfItem(atPath: folder.file("fast.png"))[.size] as! Int
    let small = try FileManager.default.attributesOfItem(atPath: folder.file("small.png"))[.size] as! Int
    #expect(small < fast)
  }

  @Test("invalid compression is a usage error")
  func invalidCompression() throws {
    let run = try ConvKitRun.run(
      ["filter", Repository.sampleImage("coins.png"), "-k", "box", "--compression", "10", "-o", "/dev/null"])

    #expect(run.status == 64)
    #expect(run.standardError.contains("zlib level from 0 to 9"), "\(run.standardError)")
  }
}
