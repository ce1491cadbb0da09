import ConvKitPNG
import Testing

/// `convkit filter` output against OpenCV's on the same definitions; the reference images
/// come from `Scripts/fixtures/make_filter_reference.py` (see `Fixtures/opencv/README.md`).
@Suite("convkit filter against OpenCV")
struct FilterAgainstOpenCVTests {
  static let filters: [(name: String, arguments: [String])] = [
    ("sobel", ["--kernel", "sobel"]),
    ("gaussian", ["--kernel", "gaussian", "--sigma", "1"]),
    ("box", ["--kernel", "box", "--size", "5"]),
    ("sharpen", ["--kernel", "sharpen"]),
  ]

  @Test(
    "8-bit result within 1 of OpenCV",
    arguments: ["astronaut", "camera"], filters.map(\.name))
  func agreesWithOpenCV(image: String, filter: String) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let output = folder.file("\(image)-\(filter).png")
    let arguments = Self.filters.first { $0.name == filter }!.arguments

    let run = try ConvKitRun.run(
      ["filter", Repository.sampleImage("\(image).png")] + arguments + ["-o", output])

    #expect(run.status == 0, "\(run.standardError)")
    let ours = try PNGImage(contentsOf: output)
    let reference = try PNGImage(contentsOf: Repository.fixture("opencv/\(image)-\(filter).png"))
    #expect(ours.layout == reference.layout)
    #expect(ours.bitDepth == 8)
    #expect(maximumDifference(ours, reference) <= 1)
  }
}
