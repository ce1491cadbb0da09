import ConvKit
import ConvKitPNG
import Foundation
import Testing

@Suite("convkit shape")
struct ShapeCommandTests {
  @Test("1D output size, formula and receptive field")
  func oneDimension() throws {
    let run = try ConvKitRun.run(["shape", "--input", "32", "--kernel", "3", "--padding", "1", "--stride", "2", "--dilation", "2"])
    let text = String(decoding: run.standardOutput, as: UTF8.self)

    #expect(run.status == 0)
    #expect(text.contains("floor((32 + 2*1 - 3 - 2*1) / 2) + 1"))
    #expect(text.contains("output size: 15"))
    #expect(text.contains("receptive field: 5"))
  }

  @Test("2D sizes per axis")
  func twoDimensions() throws {
    let run = try ConvKitRun.run(["shape", "--input", "224x224", "--kernel", "7", "--padding", "3", "--stride", "2"])
    #expect(run.status == 0)
    #expect(String(decoding: run.standardOutput, as: UTF8.self).contains("output size: 112x112"))
  }

  @Test("impossible settings are usage errors", arguments: [
    ["--input", "4", "--kernel", "5"], ["--input", "8", "--kernel", "3", "--stride", "0"],
    ["--input", "8x8", "--kernel", "3x3x3"], ["--input", "8", "--kernel", "3", "--padding", "-1"],
  ])
  func impossible(arguments: [String]) throws {
    let run = try ConvKitRun.run(["shape"] + arguments)
    #expect(run.status == 64)
    #expect(run.errorLines.count == 1)
  }
}

@Suite("convkit filter1d")
struct Filter1DCommandTests {
  @Test("derivative of a CSV column keeps the header")
  func derivative() throws {
    let input = Data("t,v\n1,0\n2,1\n3,4\n4,9\n5,16\n".utf8)
    let run = try ConvKitRun.run(["filter1d", "--column", "2", "--kernel", "derivative"], input: input)
    let lines = String(decoding: run.standardOutput, as: UTF8.self).split(separator: "\n")

    #expect(run.status == 0)
    // Central differences, with reflect101 ends: x[-1] = x[1] and x[5] = x[3].
    #expect(lines == ["v", "0", "2", "4", "6", "0"])
  }

  @Test("box smoothing from a file into a file")
  func boxFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try "3\n6\n9\n12\n".write(toFile: folder.file("in.txt"), atomically: true, encoding: .utf8)

    let run = try ConvKitRun.run(["filter1d", folder.file("in.txt"), "--kernel", "box", "--border", "replicate", "-o", folder.file("out.txt")])

    #expect(run.status == 0)
    let output = try String(contentsOfFile: folder.file("out.txt"), encoding: .utf8)
    #expect(output == "4\n6\n9\n11\n")
  }

  @Test("a word in the data names its line")
  func badNumber() throws {
    let run = try ConvKitRun.run(["filter1d", "--kernel", "box"], input: Data("1\n2\nx\n".utf8))
    #expect(run.status == 1)
    #expect(run.standardError.contains("line 3: 'x' is not a finite number"))
  }
}

@Suite("convkit filter --volume")
struct VolumeFilterTests {
  @Test("gaussian3d agrees with scipy within 1", arguments: [[], ["--portable"]])
  func gaussianAgainstScipy(loop: [String]) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = Repository.fixture("volume/input")

    let run = try ConvKitRun.run(
      ["filter", "--volume", input, "--kernel", "gaussian3d", "--sigma", "1.5", "-v", "-o", folder.path + "/"] + loop)

    #expect(run.status == 0, "\(run.standardError)")
    var arithmetic = VectorInstructions.fusedMultiplyAddAvailable ? "fused multiply-add" : "in "
    if loop == ["--portable"] {
      arithmetic = "portable arithmetic"
    }
    #expect(run.standardError.contains("algorithm direct, \(arithmetic)"), "\(run.standardError)")
    let names = (0..<16).map { String(format: "slice_%02d.png", $0) }
    #expect(Set(folder.contents) == Set(names))
    for name in names {
      let ours = try PNGImage(contentsOf: folder.file(name))
      let reference = try PNGImage(contentsOf: Repository.fixture("volume/gaussian3d-sigma1.5/\(name)"))
      #expect(maximumDifference(ours, reference) <= 1, "\(name)")
    }
  }

  @Test("sobel3d of a constant volume is zero")
  func sobelFlat() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let slices = (0..<3).map { folder.file("s\($0).png") }
    for slice in slices {
      try PNGImage(pixels: .init(shape: [1, 5, 5], repeating: 0.5), layout: .gray).write(to: slice)
    }
    try FileManager.default.createDirectory(atPath: folder.file("out"), withIntermediateDirectories: false)

    let run = try ConvKitRun.run(["filter", "--volume"] + slices + ["--kernel", "sobel3d", "-o", folder.file("out") + "/"])

    #expect(run.status == 0)
    let output = try PNGImage(contentsOf: folder.file("out/s1.png"))
    #expect(output.pixels.scalars.allSatisfy { $0 == 0 })
  }

  @Test("slices of different sizes are rejected")
  func mismatched() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try PNGImage(pixels: .init(shape: [1, 5, 5]), layout: .gray).write(to: folder.file("a.png"))
    try PNGImage(pixels: .init(shape: [1, 4, 5]), layout: .gray).write(to: folder.file("b.png"))
    try FileManager.default.createDirectory(atPath: folder.file("out"), withIntermediateDirectories: false)

    let run = try ConvKitRun.run(
      ["filter", "--volume", folder.file("a.png"), folder.file("b.png"), "--kernel", "box3d", "-o", folder.file("out") + "/"])

    #expect(run.status == 1)
    #expect(run.standardError.contains("every slice needs the same size"))
  }

  @Test("algorithm option with --volume is rejected")
  func algorithmRejected() throws {
    let run = try ConvKitRun.run(
      ["filter", "--volume", Repository.fixture("volume/input"), "--kernel", "gaussian3d",
       "--algorithm", "running-sum", "-o", "/tmp/"])
    #expect(run.status == 64)
    #expect(run.standardError.contains("--algorithm running-sum does not apply to --volume"), "\(run.standardError)")
  }

  @Test("2D kernel name with --volume suggests a 3D one")
  func wrongKernel() throws {
    let run = try ConvKitRun.run(["filter", "--volume", Repository.fixture("volume/input"), "--kernel", "gaussian", "-o", "/tmp/"])
    #expect(run.status == 64)
    #expect(run.standardError.contains("did you mean 'gaussian3d'?"))
  }
}
