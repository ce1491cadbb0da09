import ConvKit
import ConvKitPNG
import Foundation
import Testing

/// `convkit filter` on a file goes through the band pipeline, which decodes, filters and
/// encodes a band at a time. On standard input it filters the whole image. Both must write
/// the same file.
@Suite("Band pipeline")
struct BandPipelineTests {
  @Test(
    "banded file equals whole image",
    arguments: [
      ("astronaut.png", ["--kernel", "gaussian", "--sigma", "2"]),
      ("horse.png", ["--kernel", "gaussian", "--sigma", "1"]),
      ("horse.png", ["--kernel", "sobel"]),
      ("coffee.png", ["--kernel", "box", "--size", "31", "--border", "replicate"]),
      ("camera.png", ["--kernel", "sharpen", "--border", "symmetric", "--depth", "16"]),
      // Running sums and FFT tiles restart at fixed rows, so bands must start there too.
      ("astronaut.png", ["--kernel", "box", "--size", "101"]),
      ("camera.png", ["--kernel", "unsharp", "--sigma", "3"]),
    ])
  func bandsEqualWholeImage(image: String, options: [String]) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = Repository.sampleImage(image)

    let banded = try ConvKitRun.run(
      ["filter", input, "-o", folder.file("bands.png"), "--verbose"] + options)
    let whole = try ConvKitRun.run(
      ["filter", "-", "-o", folder.file("whole.png")] + options,
      input: try Data(contentsOf: URL(fileURLWithPath: input)))

    #expect(banded.status == 0, "\(banded.standardError)")
    #expect(whole.status == 0, "\(whole.standardError)")
    #expect(banded.standardError.contains("in bands of"))
    let bandedBytes = try Data(contentsOf: URL(fileURLWithPath: folder.file("bands.png")))
    let wholeBytes = try Data(contentsOf: URL(fileURLWithPath: folder.file("whole.png")))
    #expect(bandedBytes == wholeBytes)
  }

  @Test("late damage writes no file")
  func damagedDataLeavesNoFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    var random = SeededRandom(seed: 5)
    let pixels = Tensor(
      shape: [3, 256, 256], scalars: (0..<(3 * 256 * 256)).map { _ in Float(random.next() % 256) / 255 })
    // Level 0 stores the rows, so the damaged byte lies in the last rows' IDAT chunk.
    var bytes = try PNGImage(pixels: pixels, layout: .rgb).encoded(compressionLevel: 0)
    bytes[bytes.count - 3000] ^= 0xFF
    try Data(bytes).write(to: URL(fileURLWithPath: folder.file("damaged.png")))

    let run = try ConvKitRun.run(
      ["filter", folder.file("damaged.png"), "--kernel", "gaussian", "-o", folder.file("out.png")])

    #expect(run.status == 1)
    #expect(run.standardError.contains("cannot read '\(folder.file("damaged.png"))'"))
    #expect(run.standardError.contains("CRC error"))
    #expect(run.standardError.contains("the file is damaged: export or download it again"))
    #expect(folder.contents == ["damaged.png"])
  }

  @Test("whole-image cases skip bands")
  func wholeImageCases() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    // PngSuite's basi2c08.png: 32x32 RGB, Adam7 interlaced.
    let interlaced = Repository.fixture("pngsuite/basi2c08.png")
    let photo = Repository.sampleImage("astronaut.png")
    let cases: [[String]] = [
      [interlaced, "--kernel", "sobel"],
      [photo, "--kernel", "sobel", "--border", "zero"],
      [photo, "--kernel", "sobel", "--output", "normalize"],
    ]
    for arguments in cases {
      let run = try ConvKitRun.run(["filter"] + arguments + ["-o", folder.file("out.png"), "--force", "--verbose"])
      #expect(run.status == 0, "\(run.standardError)")
      #expect(run.standardError.contains("whole image"), "\(arguments)")
    }
  }

  @Test("piped small image reads once")
  func pipedInputReadOnce() throws {
    // A pipe cannot be read twice, so a file path that is a pipe must not be opened for
    // bands and then read again whole when the image turns out to be too short for bands.
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let small = try PNGImage(
      pixels: Tensor(shape: [1, 3, 40], repeating: 0.5), layout: .gray
    ).encoded(compressionLevel: 1)

    let run = try ConvKitRun.run(
      ["filter", "/dev/stdin", "--kernel", "gaussian", "--sigma", "2", "-o", folder.file("out.png")],
      input: Data(small))

    #expect(run.status == 0, "\(run.standardError)")
    #expect(try PNGImage(contentsOf: folder.file("out.png")).height == 3)
  }

  @Test("damaged named pipe fails promptly")
  func damagedNamedPipe() throws {
    // The advice for damaged files looks at the file's first bytes again. For a named
    // pipe, that second open would wait for a writer that never comes.
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let fifo = folder.file("in.png")
    try #require(mkfifo(fifo, 0o600) == 0)
    let image = PNGImage(pixels: Tensor(shape: [1, 64, 64], repeating: 0.25), layout: .gray)
    let cut = Data(try image.encoded(compressionLevel: 0).prefix(1000))
    let writer = DispatchGroup()
    let finished = DispatchSemaphore(value: 0)
    DispatchQueue.global().async(group: writer) {
      FileHandle(forWritingAtPath: fifo)?.write(cut)
      // Had convkit opened the pipe again, this open would let that open return.
      _ = finished.wait(timeout: .now() + 10)
      let late = open(fifo, O_WRONLY | O_NONBLOCK)
      if late >= 0 { close(late) }
    }
    let start = Date()

    let run = try ConvKitRun.run(["filter", fifo, "--kernel", "sobel", "-o", folder.file("out.png")])
    let seconds = Date().timeIntervalSince(start)

    // The writer ends before the test does, so the process exits with nothing of it left.
    finished.signal()
    #expect(writer.wait(timeout: .now() + 20) == .success, "the writer did not finish")
    #expect(run.status == 1)
    #expect(run.standardError.contains("unexpected end of file"), "\(run.standardError)")
    #expect(seconds < 8)
  }

  @Test("bands stay small for large kernels")
  func bandsIndependentOfKernel() throws {
    // A Gaussian of sigma 30 reaches 90 rows each way; bands of 64 output rows keep
    // memory near that of a 3x3 kernel instead of growing with the kernel.
    let folder = try TemporaryFolder()
    defer { folder.remove() }

    let run = try ConvKitRun.run(
      ["filter", Repository.sampleImage("camera.png"), "--kernel", "gaussian", "--sigma", "30",
       "--verbose", "-o", folder.file("out.png")])

    #expect(run.status == 0, "\(run.standardError)")
    #expect(run.standardError.contains("in bands of 64 rows"), "\(run.standardError)")
  }
}
