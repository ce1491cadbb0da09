import Foundation
import Testing

/// Bad input: one error line, a non-zero exit and no output file.
@Suite("convkit errors")
struct ErrorTests {
  static let cases: [(name: String, arguments: [String], status: Int32, message: String)] = [
    ("unknown option", ["--kernal", "sobel"], 64, "unknown option '--kernal'; did you mean '--kernel'?"),
    ("bad kernel string", ["--matrix", "1 2; 3"], 64, "kernel row 2 has 1 weight but row 1 has 2"),
    ("NaN in kernel", ["--matrix", "1 nan 1"], 64, "kernel weight 'nan' in row 1 is not a number"),
    ("unknown kernel", ["--kernel", "sobol"], 64, "unknown kernel 'sobol'; did you mean 'sobel'?"),
    ("negative sigma", ["--kernel", "gaussian", "--sigma", "-2"], 64, "invalid sigma '-2' for kernel gaussian"),
    ("parameter of another kernel", ["--kernel", "sobel", "--sigma", "2"], 64, "kernel sobel does not take --sigma"),
    ("two kernels", ["--kernel", "sobel", "--matrix", "1"], 64, "give only one of --kernel, --matrix and --kernel-file"),
    ("option twice", ["--kernel", "sobel", "--kernel", "box"], 64, "option --kernel is given twice"),
    ("missing value", ["--kernel"], 64, "option --kernel needs a value"),
    ("bad border", ["--kernel", "box", "--border", "reflect"], 64, "invalid value 'reflect' for --border"),
    ("bad depth", ["--kernel", "box", "--depth", "12"], 64, "invalid value '12' for --depth"),
    ("missing kernel file", ["--kernel-file", "/nonexistent/k.txt"], 64, "cannot read kernel file '/nonexistent/k.txt': no such file"),
  ]

  @Test("usage errors", arguments: cases.map(\.name))
  func usageError(name: String) throws {
    let error = Self.cases.first { $0.name == name }!
    let folder = try TemporaryFolder()
    defer { folder.remove() }

    let run = try ConvKitRun.run(
      ["filter", Repository.sampleImage("camera.png"), "-o", folder.file("out.png")] + error.arguments)

    #expect(run.status == error.status)
    #expect(run.errorLines.count == 1)
    #expect(run.standardError.contains(error.message), "\(run.standardError)")
    #expect(folder.contents.isEmpty)
  }

  @Test("JPEG output name rejected", arguments: ["out.jpg", "OUT.JPEG", "out.tiff"])
  func otherFormatOutput(name: String) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }

    let run = try ConvKitRun.run(
      ["filter", Repository.sampleImage("camera.png"), "--kernel", "box", "-o", folder.file(name)])

    #expect(run.status == 64)
    #expect(run.standardError.contains("convkit writes PNG only; give a .png name"), "\(run.standardError)")
    #expect(folder.contents.isEmpty)
  }

  @Test("missing input file")
  func missingInput() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }

    let run = try ConvKitRun.run(["filter", folder.file("none.png"), "-k", "sobel", "-o", folder.file("out.png")])

    #expect(run.status == 1)
    #expect(run.errorLines.count == 1)
    #expect(run.standardError.contains("none.png"))
    #expect(folder.contents.isEmpty)
  }

  @Test("corrupt PNG input", arguments: ["xcrn0g04.png", "xd0n2c08.png", "xs1n0g01.png", "xhdn0g08.png"])
  func corruptInput(name: String) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }

    let run = try ConvKitRun.run(
      ["filter", Repository.fixture("invalid/\(name)"), "-k", "sobel", "-o", folder.file("out.png")])

    #expect(run.status == 1)
    #expect(run.errorLines.count == 1)
    #expect(run.standardError.contains(name))
    #expect(folder.contents.isEmpty)
  }

  @Test("output over the input is refused")
  func overwriteInput() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = folder.file("in.png")
    try FileManager.default.copyItem(atPath: Repository.sampleImage("coins.png"), toPath: input)

    let run = try ConvKitRun.run(["filter", input, "-k", "sobel", "-o", input])

    #expect(run.status == 64)
    #expect(run.standardError.contains("would overwrite input"))
  }

  @Test("unknown command suggests the closest")
  func unknownCommand() throws {
    let run = try ConvKitRun.run(["filtr"])
    #expect(run.status == 64)
    #expect(run.standardError.contains("did you mean 'filter'?"))
  }

  @Test("help and version exit 0", arguments: [["--help"], ["--version"], ["filter", "--help"], ["kernels", "-h"], ["help", "filter"]])
  func help(arguments: [String]) throws {
    let run = try ConvKitRun.run(arguments)
    #expect(run.status == 0)
    #expect(!run.standardOutput.isEmpty)
  }
}
