import ConvKit
import ConvKitPNG
import Foundation
import Testing

/// Every bad input of docs/BAD-INPUT.md: damaged and crafted files, bad kernels and
/// arguments, failing and interrupted writes. Each gives one error line, a non-zero exit
/// status, and no output file, partial or temporary.
@Suite("convkit with hostile and broken input")
struct HostileInputTests {
  // MARK: - Input files

  /// A bad input: how to make it, and a part of the reason that convkit must give.
  struct BadFile: CustomStringConvertible, Sendable {
    let name: String
    let reason: String
    let make: @Sendable () throws -> [UInt8]

    var description: String { name }
  }

  static let badFiles: [BadFile] = [
    BadFile(name: "huge.png", reason: "image size 100000x100000 (10000000000 pixels) exceeds the limit of 268435456 pixels; give --max-pixels N") {
      var crafted = try Crafted.gray(width: 1, height: 1)
      crafted.declare(width: 100_000, height: 100_000)
      return crafted.bytes
    },
    BadFile(name: "zero-width.png", reason: "image size 0x1 is invalid: width and height must be 1 to 2147483647") {
      var crafted = try Crafted.gray(width: 1, height: 1)
      crafted.declare(width: 0, height: 1)
      return crafted.bytes
    },
    BadFile(name: "truncated.png", reason: "unexpected end of file") {
      Array(try Crafted.gray(width: 8, height: 8).bytes.prefix(50))
    },
    BadFile(name: "idat-crc.png", reason: "IDAT: CRC error") {
      var crafted = try Crafted.gray(width: 4, height: 4)
      crafted.damagedCRC = "IDAT"
      return crafted.bytes
    },
    BadFile(name: "text-crc.png", reason: "tEXt: CRC error") {
      var crafted = try Crafted.gray(width: 4, height: 4)
      crafted.insertBeforeIDAT("tEXt", Array("Comment\u{0}hello".utf8))
      crafted.damagedCRC = "tEXt"
      return crafted.bytes
    },
    BadFile(name: "zlib.png", reason: "IDAT: ") {
      var crafted = try Crafted.gray(width: 4, height: 4)
      crafted.replaceImageData(with: [0x78, 0x9C] + Array("not deflate data".utf8))
      return crafted.bytes
    },
    BadFile(name: "after-iend.png", reason: "5 bytes of extra data after the IEND chunk") {
      try Crafted.gray(width: 4, height: 4).bytes + Array("extra".utf8)
    },
    BadFile(name: "garbage.png", reason: "invalid chunk type") {
      [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + (0..<200).map { UInt8($0) }
    },
    BadFile(name: "photo.png", reason: "Not a PNG file: the data looks like a JPEG image") {
      [0xFF, 0xD8, 0xFF, 0xE0] + Array("JFIF".utf8) + [UInt8](repeating: 0, count: 100)
    },
    BadFile(name: "empty.png", reason: "file is empty") { [] },
  ]

  @Test("bad input file", arguments: badFiles)
  func badInputFile(file: BadFile) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = folder.file(file.name)
    let bytes = try file.make()
    try Data(bytes).write(to: URL(fileURLWithPath: input))
    let output = try TemporaryFolder()
    defer { output.remove() }

    let run = try ConvKitRun.run(["filter", input, "-k", "sobel", "-o", output.file("out.png")])

    #expect(run.status == 1)
    #expect(run.errorLines.count == 1, "\(run.standardError)")
    #expect(run.standardError.hasPrefix("convkit filter: error: cannot read '\(input)': "))
    #expect(run.standardError.contains(file.reason), "\(run.standardError)")
    #expect(output.contents.isEmpty)

    // A file that starts as a PNG and cannot be read is damaged. Its message ends with what
    // to do, and so does a file of another format, but not an image over the pixel limit.
    let startsAsPNG = bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    let damaged = startsAsPNG && file.name != "huge.png"
    #expect(run.standardError.contains("the file is damaged: export or download it again") == damaged)
    let otherFormat = file.reason.hasPrefix("Not a PNG file")
    #expect(run.standardError.contains("convert it to PNG first") == otherFormat)
    #expect(run.standardError.contains("write the image again") == bytes.isEmpty)
  }

  @Test("directory, missing file, stream of zeros")
  func unusualInputs() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let out = folder.file("out.png")

    let directory = try ConvKitRun.run(["filter", folder.path, "-k", "box", "-o", out])
    let missing = try ConvKitRun.run(["filter", folder.file("none.png"), "-k", "box", "-o", out])
    let zeros = try Self.run(["filter", "-", "-k", "box", "-o", out], standardInput: "/dev/zero")

    #expect(directory.status == 1)
    #expect(directory.standardError.contains("cannot read '\(folder.path)': is a directory"))
    #expect(missing.status == 1)
    #expect(missing.standardError.contains("none.png': no such file or directory"))
    #expect(zeros.status == 1)
    #expect(zeros.standardError.contains("cannot read '<stdin>': Not a PNG file"))
    #expect(folder.contents.isEmpty)
  }

  @Test("endless standard input")
  func endlessStandardInput() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    // A valid 1x1 PNG followed by 80 MiB of zeros (a sparse file): as standard input it is
    // read like a pipe, without knowing its size.
    let input = folder.file("padded")
    try Data(try Crafted.gray(width: 1, height: 1).bytes).write(to: URL(fileURLWithPath: input))
    let handle = try #require(FileHandle(forWritingAtPath: input))
    try handle.truncate(atOffset: 80 << 20)
    try handle.close()

    let run = try Self.run(["filter", "-", "-k", "box", "-o", folder.file("out.png")], standardInput: input)

    #expect(run.status == 1)
    #expect(run.standardError.contains("cannot read '<stdin>': file is larger than 67108882 bytes"))
    #expect(folder.contents == ["padded"])
  }

  @Test("--max-pixels limit, inclusive")
  func maximumPixelsOption() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = folder.file("in.png")
    try Data(try Crafted.gray(width: 4, height: 4).bytes).write(to: URL(fileURLWithPath: input))

    let exact = try ConvKitRun.run(["filter", input, "-k", "box", "--max-pixels", "16", "-o", folder.file("16.png")])
    let below = try ConvKitRun.run(["filter", input, "-k", "box", "--max-pixels", "15", "-o", folder.file("15.png")])
    let invalid = try ConvKitRun.run(["filter", input, "-k", "box", "--max-pixels", "0", "-o", folder.file("0.png")])

    #expect(exact.status == 0)
    #expect(below.status == 1)
    #expect(below.standardError.contains("image size 4x4 (16 pixels) exceeds the limit of 15 pixels; give --max-pixels N"))
    #expect(invalid.status == 64)
    #expect(invalid.standardError.contains("invalid value '0' for --max-pixels: expected an integer from 1 to 576460752303423487"))
    #expect(folder.contents.sorted() == ["16.png", "in.png"])
  }

  @Test("bad file among good ones")
  func badAmongGood() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let good = folder.file("good.png")
    let bad = folder.file("bad.png")
    try FileManager.default.copyItem(atPath: Repository.sampleImage("coins.png"), toPath: good)
    try Data("not a png".utf8).write(to: URL(fileURLWithPath: bad))
    let output = try TemporaryFolder()
    defer { output.remove() }

    let run = try ConvKitRun.run(["filter", bad, good, "-k", "box", "-o", output.path + "/"])

    #expect(run.status == 1)
    #expect(run.errorLines.count == 1)
    #expect(run.standardError.contains("cannot read '\(bad)': Not a PNG file"))
    #expect(output.contents == ["good.png"])
  }

  @Test("unreadable input file", .enabled(if: Unprivileged.isAvailable))
  func unreadableInput() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = folder.file("secret.png")
    try FileManager.default.copyItem(atPath: Repository.sampleImage("coins.png"), toPath: input)
    try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: input)
    try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder.path)

    let run = try Self.run(
      ["filter", input, "-k", "box", "-o", folder.file("out.png")], unprivileged: true)

    #expect(run.status == 1)
    #expect(run.errorLines.count == 1)
    #expect(run.standardError.contains("cannot read '\(input)': permission denied"))
    #expect(folder.contents == ["secret.png"])
  }

  // MARK: - Kernels and arguments

  static let badArguments: [(name: String, arguments: [String], message: String)] = [
    ("NaN weight", ["--matrix", "1 nan 1"], "kernel weight 'nan' in row 1 is not a number; weights are finite decimal numbers"),
    ("infinite weight", ["--matrix", "1 -inf 1"], "kernel weight '-inf' in row 1 is not a number"),
    ("weight beyond Float", ["--matrix", "1e39 1"], "kernel weight '1e39' in row 1 is not a number; weights are finite decimal numbers within ±3.4e38"),
    ("empty matrix", ["--matrix", " ; "], "kernel is empty: give at least one weight"),
    ("ragged matrix", ["--matrix", "1 2 1; 2 4"], "kernel row 2 has 2 weights but row 1 has 3; every row needs the same number"),
    ("zero divisor", ["--matrix", "1 1", "--divisor", "0"], "divisor 0.0 is invalid: give a finite non-zero number"),
    ("NaN divisor", ["--matrix", "1 1", "--divisor", "nan"], "invalid value 'nan' for --divisor: expected a finite number"),
    ("normalize a zero sum", ["--matrix", "-1 0 1", "--normalize"], "cannot normalize a kernel whose weights sum to 0"),
    ("absurd size", ["--kernel", "box", "--size", "10001"], "invalid value '10001' for --size: expected an integer from 1 to 1025"),
    ("negative sigma", ["--kernel", "gaussian", "--sigma", "-2"], "invalid sigma '-2' for kernel gaussian: expected a number greater than 0"),
    ("infinite sigma", ["--kernel", "gaussian", "--sigma", "inf"], "invalid value 'inf' for --sigma: expected a finite number"),
    ("unknown kernel", ["--kernel", "gausian"], "unknown kernel 'gausian'; did you mean 'gaussian'?"),
    ("unknown kernel far from any", ["--kernel", "zzzzzzzz"], "unknown kernel 'zzzzzzzz' (run 'convkit kernels' to list them)"),
    ("unknown border", ["--kernel", "box", "--border", "mirror"], "invalid value 'mirror' for --border: expected one of constant, replicate, reflect101, symmetric, wrap"),
    ("option twice", ["--kernel", "box", "--size", "3", "--size", "5"], "option --size is given twice; give it once"),
    ("missing value at the end", ["--kernel", "box", "--size"], "option --size needs a value (N)"),
    ("missing value before an option", ["--kernel", "--size", "3"], "option --kernel needs a value (NAME), but '--size' is an option"),
    ("value for a flag", ["--matrix", "1 1", "--normalize=yes"], "option --normalize takes no value"),
    ("unknown option", ["--kernel", "box", "--sizes", "3"], "unknown option '--sizes'; did you mean '--size'?"),
    ("bad --max-pixels", ["--kernel", "box", "--max-pixels", "many"], "invalid value 'many' for --max-pixels"),
    ("no kernel", [], "missing kernel; give --kernel NAME, --matrix \"ROWS\" or --kernel-file FILE"),
  ]

  @Test("bad kernel or argument", arguments: badArguments.map(\.name))
  func badArgument(name: String) throws {
    let bad = Self.badArguments.first { $0.name == name }!
    let folder = try TemporaryFolder()
    defer { folder.remove() }

    let run = try ConvKitRun.run(
      ["filter", Repository.sampleImage("coins.png"), "-o", folder.file("out.png")] + bad.arguments)

    #expect(run.status == 64)
    #expect(run.errorLines.count == 1)
    #expect(run.standardError.contains(bad.message), "\(run.standardError)")
    #expect(folder.contents.isEmpty)

    // Exactly one pointer to what to run next: `convkit kernels` or the command's --help.
    let pointers = ["(run 'convkit kernels'", "(see 'convkit filter --help')"]
    #expect(pointers.filter(run.standardError.contains).count == 1, "\(run.standardError)")
  }

  @Test("matrix starting with a negative weight")
  func negativeFirstWeight() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }

    let run = try ConvKitRun.run(
      ["filter", Repository.sampleImage("coins.png"), "--matrix", "-1 0 1", "-o", folder.file("out.png")])

    #expect(run.status == 0, "\(run.standardError)")
  }

  static let badKernelFiles: [(name: String, contents: String, message: String)] = [
    ("1026x1026.txt", String(repeating: String(repeating: "1 ", count: 1026) + "\n", count: 1026), "kernel of 1026x1026 is too large: at most 1025 rows and columns"),
    ("1x10001.txt", String(repeating: "0 ", count: 10_001), "kernel of 1x10001 is too large"),
    ("10001x1.json", "{\"kernel\": [" + Array(repeating: "[1]", count: 10_001).joined(separator: ",") + "]}", "kernel of 10001x1 is too large"),
    ("nan.txt", "1 2\nnan 4\n", "kernel weight 'nan' in row 2 is not a number"),
    ("ragged.json", "{\"kernel\": [[1, 2], [3]]}", "kernel row 2 has 1 weight but row 1 has 2"),
    ("empty.txt", "# only a comment\n", "kernel is empty"),
    ("bad.json", "{\"kernel\": [[1, 2]", "invalid JSON"),
    ("words.txt", "one two\n", "kernel weight 'one' in row 1 is not a number"),
  ]

  @Test("bad kernel file", arguments: badKernelFiles.map(\.name))
  func badKernelFile(name: String) throws {
    let bad = Self.badKernelFiles.first { $0.name == name }!
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = folder.file(bad.name)
    try bad.contents.write(toFile: path, atomically: false, encoding: .utf8)

    let run = try ConvKitRun.run(
      ["filter", Repository.sampleImage("coins.png"), "--kernel-file", path, "-o", folder.file("out.png")])

    #expect(run.status == 64)
    #expect(run.errorLines.count == 1)
    #expect(run.standardError.contains("cannot read kernel file '\(path)': "))
    #expect(run.standardError.contains(bad.message), "\(run.standardError)")
    #expect(folder.contents == [bad.name])
  }

  @Test("huge kernel file and kernel folder")
  func hugeKernelFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let path = folder.file("huge.txt")
    #expect(FileManager.default.createFile(atPath: path, contents: Data("1 ".utf8)))
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.truncate(atOffset: 200 << 20)
    try handle.close()

    let directory = try ConvKitRun.run(
      ["filter", Repository.sampleImage("coins.png"), "--kernel-file", folder.path, "-o", folder.file("out.png")])
    let huge = try ConvKitRun.run(
      ["filter", Repository.sampleImage("coins.png"), "--kernel-file", path, "-o", folder.file("out.png")])

    #expect(directory.status == 64)
    #expect(directory.standardError.contains("cannot read kernel file '\(folder.path)': is a directory"))
    #expect(huge.status == 64)
    #expect(huge.standardError.contains("file is larger than 64 MiB"))
    #expect(folder.contents == ["huge.txt"])
  }

  // MARK: - Outputs

  @Test("input overwritten only with --force")
  func overwriteInput() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = folder.file("in.png")
    try FileManager.default.copyItem(atPath: Repository.sampleImage("coins.png"), toPath: input)
    try FileManager.default.linkItem(atPath: input, toPath: folder.file("link.png"))
    let original = try Data(contentsOf: URL(fileURLWithPath: input))

    let same = try ConvKitRun.run(["filter", input, "-k", "box", "-o", input])
    let linked = try ConvKitRun.run(["filter", input, "-k", "box", "-o", folder.file("link.png")])
    #expect(same.status == 64)
    #expect(same.standardError.contains("output '\(input)' would overwrite input '\(input)'; give another output or --force"))
    #expect(linked.status == 64)
    #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == original)

    let forced = try ConvKitRun.run(["filter", input, "-k", "box", "-o", input, "--force"])
    #expect(forced.status == 0)
    #expect(try Data(contentsOf: URL(fileURLWithPath: input)) != original)
    #expect(folder.contents.sorted() == ["in.png", "link.png"])
  }

  @Test("existing, missing and created folders")
  func outputFolders() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = Repository.sampleImage("coins.png")
    try FileManager.default.createDirectory(atPath: folder.file("existing"), withIntermediateDirectories: false)
    try Data("x".utf8).write(to: URL(fileURLWithPath: folder.file("plain")))

    let intoDirectory = try ConvKitRun.run(["filter", input, "-k", "box", "-o", folder.file("existing")])
    let missing = try ConvKitRun.run(["filter", input, "-k", "box", "-o", folder.file("new/deeper/out.png")])
    let underFile = try ConvKitRun.run(["filter", input, "-k", "box", "-o", folder.file("plain/out.png")])
    #expect(intoDirectory.status == 64)
    #expect(intoDirectory.standardError.contains("is a folder; write into it with -o"))
    #expect(missing.status == 64)
    #expect(missing.standardError.contains("output folder '\(folder.file("new/deeper"))' does not exist; create it first or give --mkdir"))
    #expect(underFile.status == 64)
    #expect(underFile.standardError.contains("output folder '\(folder.file("plain"))' is a file, not a folder"))
    #expect(folder.contents.sorted() == ["existing", "plain"])

    let created = try ConvKitRun.run(["filter", input, "-k", "box", "-o", folder.file("new/deeper/out.png"), "--mkdir"])
    let createdFolder = try ConvKitRun.run(
      ["filter", input, Repository.sampleImage("camera.png"), "-k", "box", "-o", folder.file("many/") , "--mkdir"])
    #expect(created.status == 0)
    #expect(FileManager.default.fileExists(atPath: folder.file("new/deeper/out.png")))
    #expect(createdFolder.status == 0)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("many")).sorted() == ["camera.png", "coins.png"])
  }

  @Test("same file name into one folder")
  func sameNameIntoFolder() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    for sub in ["a", "b", "out"] {
      try FileManager.default.createDirectory(atPath: folder.file(sub), withIntermediateDirectories: false)
    }
    try FileManager.default.copyItem(atPath: Repository.sampleImage("coins.png"), toPath: folder.file("a/x.png"))
    try FileManager.default.copyItem(atPath: Repository.sampleImage("camera.png"), toPath: folder.file("b/x.png"))

    let run = try ConvKitRun.run(["filter", folder.file("a/x.png"), folder.file("b/x.png"), "-k", "box", "-o", folder.file("out/")])

    #expect(run.status == 64)
    #expect(run.standardError.contains("would both be written to '\(folder.file("out/x.png"))'"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("out")).isEmpty)
  }

  @Test("write to a full device")
  func fullDevice() throws {
    let input = Repository.sampleImage("coins.png")

    let named = try ConvKitRun.run(["filter", input, "-k", "box", "-o", "/dev/full"])
    let standardOutput = try Self.run(["filter", input, "-k", "box", "-o", "-"], standardOutput: "/dev/full")
    let null = try ConvKitRun.run(["filter", input, "-k", "box", "-o", "/dev/null"])

    #expect(named.status == 1)
    #expect(named.standardError.contains("cannot write '/dev/full': no space left on device"))
    #expect(standardOutput.status == 1)
    #expect(standardOutput.standardError.contains("cannot write '<stdout>': no space left on device"))
    #expect(null.status == 0)
  }

  @Test(
    "write over the file size limit",
    .disabled(
      if: Sanitizer.isThreadSanitizer,
      "ThreadSanitizer's runtime crashes with SIGBUS under `ulimit -f 8`, even with -o /dev/null"))
  func fileSizeLimit() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }

    // `ulimit -f 8` allows 4 or 8 KiB, depending on the shell; the output is larger.
    let run = try Self.run(
      ["/bin/sh", "-c", "ulimit -f 8; exec \"$0\" \"$@\"", ConvKitRun.executable.path, "filter",
       Repository.sampleImage("astronaut.png"), "-k", "box", "-o", folder.file("out.png")],
      direct: true)

    #expect(run.status == 1)
    #expect(run.standardError.contains("cannot write '\(folder.file("out.png"))': file too large"))
    #expect(folder.contents.isEmpty)
  }

  @Test("read-only output folder", .enabled(if: Unprivileged.isAvailable))
  func readOnlyFolder() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)

    let run = try Self.run(
      ["filter", Repository.sampleImage("coins.png"), "-k", "box", "-o", folder.file("out.png")],
      unprivileged: true)

    #expect(run.status == 1)
    #expect(run.standardError.contains("cannot write '\(folder.file("out.png"))': permission denied"))
    #expect(folder.contents.isEmpty)
  }

  @Test("SIGINT during a write")
  func interruptedWrite() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let input = folder.file("big.png")
    try Self.noiseImage(width: 2048, height: 2048).write(to: input, compressionLevel: 0)
    let output = try TemporaryFolder()
    defer { output.remove() }

    // The temporary file exists only while the encoded bytes are written and synced, so
    // the test waits for it to appear. A run that ends first is tried again.
    var interrupted: (status: Int32, sawTemporaryFile: Bool) = (0, false)
    for _ in 0..<3 where !interrupted.sawTemporaryFile {
      interrupted = try Self.interruptWhenWriting(
        ["filter", input, "-k", "identity", "-o", output.file("out.png")], folder: output)
      if !interrupted.sawTemporaryFile {
        try? FileManager.default.removeItem(atPath: output.file("out.png"))
      }
    }

    try #require(interrupted.sawTemporaryFile, "convkit finished before its temporary file was seen")
    #expect(interrupted.status == 130)
    #expect(output.contents.isEmpty)
  }

  // MARK: - Numerical edge cases

  static let borders: [BorderMode] = [.constant(0), .constant(0.25), .replicate, .reflect101, .symmetric, .wrap]

  @Test("kernel larger than the image", arguments: [(1, 1), (1, 7), (7, 1), (2, 3)])
  func kernelLargerThanImage(height: Int, width: Int) throws {
    let value: Float = 0.5
    let image = Tensor(shape: [1, height, width], repeating: value)
    let box = try Kernel.box(size: 9)

    for border in Self.borders {
      let result = try ImageFilter(filter: .kernel(box), border: border).apply(to: image, hasAlpha: false)

      #expect(result.shape == [1, height, width])
      for (index, sample) in result.scalars.enumerated() {
        let (y, x) = (index / width, index % width)
        let expected = Self.boxReference(value: value, height: height, width: width, y: y, x: x, size: 9, border: border)
        #expect(abs(sample - expected) < 1e-5, "\(border) at (\(y), \(x)): \(sample), expected \(expected)")
      }
    }
  }

  @Test("1x1, one-row and one-column images", arguments: [(1, 1), (1, 9), (9, 1)])
  func thinImagesThroughTheCommand(height: Int, width: Int) throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let scalars = (0..<height * width).map { Float($0 % 5) / 4 }
    try PNGImage(pixels: Tensor(shape: [1, height, width], scalars: scalars), layout: .gray)
      .write(to: folder.file("in.png"))

    for border in ["constant", "constant:0.5", "replicate", "reflect101", "symmetric", "wrap"] {
      for kernel in [["-k", "sobel"], ["-k", "gaussian", "--sigma", "3"], ["--matrix", "1 2; 3 4"]] {
        let output = folder.file("out-\(border).png")
        let run = try ConvKitRun.run(["filter", folder.file("in.png"), "--border", border, "-o", output] + kernel)

        #expect(run.status == 0, "\(border) \(kernel): \(run.standardError)")
        let image = try PNGImage(contentsOf: output)
        #expect(image.width == width)
        #expect(image.height == height)
      }
    }
  }

  // MARK: - Help

  @Test("exit statuses in every help")
  func exitStatusesInHelp() throws {
    let overview = try ConvKitRun.run(["--help"])
    let overviewText = String(decoding: overview.standardOutput, as: UTF8.self)
    #expect(overviewText.contains("Exit status: 0 on success, 1 on failure, 64 on a usage error, 130"))

    let commands = overviewText.split(separator: "\n")
      .drop { !$0.hasPrefix("Commands:") }.dropFirst()
      .prefix { $0.hasPrefix("  ") }
      .compactMap { $0.split(separator: " ").first.map(String.init) }
    #expect(commands.contains("filter"))
    for command in commands {
      let help = try ConvKitRun.run([command, "--help"])
      let text = String(decoding: help.standardOutput, as: UTF8.self)
      #expect(text.contains("Exit status: 0 on success, 1 on failure, 64 on a usage error, 130 when interrupted"), "\(command)")
    }
  }
}

// MARK: - Helpers

extension HostileInputTests {
  /// Runs `convkit` (or, with `direct`, the program in `arguments[0]`) with standard input
  /// or output connected to a file, and optionally as an unprivileged user.
  static func run(
    _ arguments: [String], standardInput: String? = nil, standardOutput: String? = nil,
    unprivileged: Bool = false, direct: Bool = false
  ) throws -> ConvKitRun {
    var command = direct ? arguments : [ConvKitRun.executable.path] + arguments
    if unprivileged {
      command = Unprivileged.prefix + command
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    process.standardInput = try standardInput.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) } ?? FileHandle.nullDevice
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardOutput = try standardOutput.map { try FileHandle(forWritingTo: URL(fileURLWithPath: $0)) } ?? stdout
    process.standardError = stderr
    try process.run()

    let output = standardOutput == nil ? stdout.fileHandleForReading.readDataToEndOfFile() : Data()
    let error = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ConvKitRun(
      status: process.terminationStatus, standardOutput: output,
      standardError: String(decoding: error, as: UTF8.self))
  }

  /// Starts `convkit`, sends SIGINT as soon as a temporary file appears in `folder`, and
  /// returns the exit status and whether the temporary file was seen.
  static func interruptWhenWriting(
    _ arguments: [String], folder: TemporaryFolder
  ) throws -> (status: Int32, sawTemporaryFile: Bool) {
    let process = Process()
    process.executableURL = ConvKitRun.executable
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()

    var saw = false
    while process.isRunning && !saw {
      saw = folder.contents.contains { $0.hasSuffix(".tmp") }
      if saw {
        kill(process.processIdentifier, SIGINT)
      } else {
        usleep(200)
      }
    }
    process.waitUntilExit()
    return (process.terminationStatus, saw)
  }

  /// Returns a 16-bit RGBA image of pseudo-random samples, which deflate cannot shrink, so
  /// that writing its PNG takes long enough to be interrupted.
  static func noiseImage(width: Int, height: Int) -> PNGImage {
    var state: UInt64 = 0x1234_5678
    let scalars = (0..<4 * width * height).map { _ -> Float in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(state >> 48) / 65535
    }
    return PNGImage(
      pixels: Tensor(shape: [4, height, width], scalars: scalars), layout: .rgba, bitDepth: 16)
  }

  /// Returns the value of a `size` x `size` box blur at (y, x) of a constant image, padded
  /// by hand. Outside samples are `value` in every mode but constant, where they are the
  /// constant.
  static func boxReference(
    value: Float, height: Int, width: Int, y: Int, x: Int, size: Int, border: BorderMode
  ) -> Float {
    guard case .constant(let outside) = border else { return value }
    var sum: Float = 0
    for dy in -(size / 2)...(size / 2) {
      for dx in -(size / 2)...(size / 2) {
        let inside = (0..<height).contains(y + dy) && (0..<width).contains(x + dx)
        sum += inside ? value : outside
      }
    }
    return sum / Float(size * size)
  }
}

/// The sanitizer this test process was built with.
enum Sanitizer {
  /// Whether this process runs under ThreadSanitizer, whose runtime exports `__tsan_init`.
  static let isThreadSanitizer = dlsym(dlopen(nil, RTLD_NOW), "__tsan_init") != nil
}

/// Runs a command as the `nobody` user (65534), so that permission checks apply when the
/// tests run as root, as they do in containers.
enum Unprivileged {
  static let setpriv = "/usr/bin/setpriv"

  /// Whether permission tests can run: as an ordinary user, or as root with setpriv.
  static var isAvailable: Bool {
    getuid() != 0 || FileManager.default.isExecutableFile(atPath: setpriv)
  }

  /// The command prefix: setpriv as root, nothing otherwise.
  static var prefix: [String] {
    getuid() == 0 ? [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"] : []
  }
}

/// A PNG file as a list of chunks, to damage one part of a valid file on purpose. Every
/// CRC is correct unless `damagedCRC` names the chunk.
struct Crafted {
  var chunks: [(type: String, data: [UInt8])]
  var damagedCRC: String?

  /// Returns a valid 8-bit gray image with samples 0, 1, 2...
  static func gray(width: Int, height: Int) throws -> Crafted {
    let scalars = (0..<width * height).map { Float($0 % 256) / 255 }
    let bytes = try PNGImage(pixels: Tensor(shape: [1, height, width], scalars: scalars), layout: .gray).encoded()
    var chunks: [(type: String, data: [UInt8])] = []
    var offset = 8
    while offset + 12 <= bytes.count {
      let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
      chunks.append((String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self), Array(bytes[offset + 8..<offset + 8 + length])))
      offset += 12 + length
    }
    return Crafted(chunks: chunks)
  }

  var bytes: [UInt8] {
    var result: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    for chunk in chunks {
      let typeAndData = Array(chunk.type.utf8) + chunk.data
      let crc = Self.crc32(typeAndData) ^ (chunk.type == damagedCRC ? 0xFFFF_FFFF : 0)
      result += Self.bigEndian(UInt32(chunk.data.count)) + typeAndData + Self.bigEndian(crc)
    }
    return result
  }

  mutating func declare(width: UInt32, height: UInt32) {
    let index = chunks.firstIndex { $0.type == "IHDR" }!
    chunks[index].data.replaceSubrange(0..<8, with: Self.bigEndian(width) + Self.bigEndian(height))
  }

  mutating func insertBeforeIDAT(_ type: String, _ data: [UInt8]) {
    chunks.insert((type, data), at: chunks.firstIndex { $0.type == "IDAT" }!)
  }

  mutating func replaceImageData(with data: [UInt8]) {
    let index = chunks.firstIndex { $0.type == "IDAT" }!
    chunks.removeAll { $0.type == "IDAT" }
    chunks.insert(("IDAT", data), at: index)
  }

  static func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
  }

  /// Returns the CRC-32 of PNG chunks, computed bit by bit.
  static func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 {
        crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
      }
    }
    return ~crc
  }
}
