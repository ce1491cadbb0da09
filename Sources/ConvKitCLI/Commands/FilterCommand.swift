import ConvKit
import ConvKitPNG
import Foundation

/// `convkit filter`: filters PNG images with a named, inline or file kernel.
struct FilterCommand: Command {
  static let name = "filter"
  static let abstract = "Filter PNG images with a named or custom kernel."
  static let usage = "filter INPUT.png... -o OUTPUT (--kernel NAME | --matrix M | --kernel-file F)"
  static let discussion = """
    Kernels are cross-correlated with each colour channel (the kernel is not flipped),
    with output as large as the input. 'convkit kernels' lists the named kernels.
    Examples:
      convkit filter photo.png --kernel sobel -o edges.png
      convkit filter photo.png --kernel gaussian --sigma 2 -o blur.png
      convkit filter photo.png --matrix "1 2 1; 2 4 2; 1 2 1" --normalize -o blur.png
      convkit filter a.png b.png --kernel sharpen -o out/

    Alpha: blurs (kernels with no negative weight) run on premultiplied colour and blur
    alpha too, so transparent pixels leave no dark halo; every other kernel filters colour
    as stored and keeps alpha unchanged.

    Signed results are mapped into the stored range by --output: clamp cuts values to
    [0, 1]; abs takes the absolute value first; offset adds 0.5 (mid-grey) first;
    normalize stretches the smallest value to 0 and the largest to 1. The default is abs
    for derivatives (sobel-x, laplacian...) and clamp for everything else.

    Border modes: constant or zero (zeros; constant:V for value V, on the 0 to 1 scale of
    samples, so 0.5 is mid-grey), replicate (aaa|abcd), reflect101 (dcb|abcd, the
    default, OpenCV's default), symmetric (cba|abcd), wrap.

    Volumes: with --volume, the inputs are the slices of one volume in name order (or
    one folder, whose PNG files are the slices), and --kernel is gaussian3d (--sigma,
    --size), sobel3d or box3d (--size). The filtered slices get the same names in the
    output folder: convkit filter --volume scan/ --kernel gaussian3d --sigma 2 -o out/

    Use - as INPUT to read standard input and -o - to write standard output. With several
    inputs, OUTPUT is a folder ending in '/', and each output keeps its input's file name.
    Output keeps the input's colour type and bit depth (1-, 2- and 4-bit gray and palette
    images are written as 8-bit) and its sRGB, gAMA, cHRM and iCCP chunks.
    """
  static let options: [OptionSpec] = [
    OptionSpec("output-file", short: "o", value: "PATH", help: "Output file, folder ending in '/', or - for standard output."),
    OptionSpec("kernel", short: "k", value: "NAME", help: "Named kernel (see 'convkit kernels'), e.g. sobel, gaussian, box."),
    OptionSpec("size", value: "N", help: "Kernel size in pixels for box, gaussian and unsharp."),
    OptionSpec("sigma", value: "S", help: "Gaussian standard deviation in pixels for gaussian and unsharp (default 1)."),
    OptionSpec("amount", value: "A", help: "Unsharp-mask strength (default 1)."),
    OptionSpec("matrix", short: "m", value: "M", help: "Custom kernel: rows split by ';', weights by ',' or spaces."),
    OptionSpec("kernel-file", short: "f", value: "FILE", help: "Custom kernel from a text file of rows or a JSON kernel file."),
    OptionSpec("divisor", value: "D", help: "Divide every custom weight by D."),
    OptionSpec("normalize", help: "Scale custom weights to sum to 1."),
    OptionSpec("border", short: "b", value: "MODE", help: "Border mode: constant, constant:V, replicate, reflect101 (default), symmetric, wrap."),
    OptionSpec("output", value: "MAP", help: "Range mapping of results: clamp, abs, offset, normalize."),
    OptionSpec("depth", value: "BITS", help: "Output bit depth, 8 or 16 (default: the input's)."),
    OptionSpec("force", help: "Allow the output to overwrite an input file."),
    OptionSpec("mkdir", help: "Create the output folder and its parents if they do not exist."),
    InputReader.maximumPixelsOption,
    OptionSpec("compression", value: "C", help: "PNG compression: fast (default: zlib level 1, SUB row filter, run-length), small (level 6, adaptive filters, several times slower), or a zlib level 0 to 9."),
    OptionSpec("algorithm", value: "NAME", help: "Convolution algorithm: auto (default: chosen per kernel), direct, separable, running-sum, fft."),
    FilterCommand.portableOption,
    OptionSpec("verbose", short: "v", help: "Print each file, its size, the algorithm and the time taken to standard error."),
    OptionSpec("volume", help: "Treat the inputs (PNG slices, or one folder of them) as one volume for a 3D kernel: gaussian3d, sobel3d, box3d."),
  ]

  let mode: Mode

  /// The input kind of `convkit filter`: separate images, or one volume made of slices.
  enum Mode {
    case images(ImageFiltering)
    case volume(VolumeFiltering)
  }

  init(_ arguments: ParsedArguments) throws(UsageError) {
    if arguments.flag("volume") {
      mode = .volume(try VolumeFiltering(arguments))
    } else {
      mode = .images(try ImageFiltering(arguments))
    }
  }

  func run() throws {
    switch mode {
    case .images(let images): try images.run()
    case .volume(let volume): try volume.run()
    }
  }

  /// Border names of OpenCV, scipy.ndimage, NumPy and PyTorch that mean one ConvKit mode
  /// (`reflect` is left out: it means reflect101 in NumPy and PyTorch, symmetric in scipy).
  static let otherLibraryBorderNames = [
    "mirror": "reflect101", "reflect_101": "reflect101", "reflect-101": "reflect101",
    "nearest": "replicate", "edge": "replicate", "circular": "wrap", "grid-wrap": "wrap",
    "zeros": "constant", "zero": "constant",
  ]

  static func border(_ name: String?) throws(UsageError) -> BorderMode? {
    guard let name else { return nil }
    guard let border = BorderMode(name: name) else {
      let suggestion = otherLibraryBorderNames[name] ?? Suggestion.closest(to: name, among: BorderMode.names)
      let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
      throw .invalidValue(
        "border", name,
        expected: "one of \(BorderMode.names.joined(separator: ", ")) or constant:VALUE\(hint)")
    }
    return border
  }

  /// Returns the `--compression` choice, `PNGCompression.fast` without the option.
  static func compression(_ arguments: ParsedArguments) throws(UsageError) -> PNGCompression {
    guard let name = arguments.value("compression") else { return .fast }
    guard let compression = PNGCompression(name: name) else {
      throw .invalidValue("compression", name, expected: "fast, small or a zlib level from 0 to 9")
    }
    return compression
  }

  /// The `--portable` flag of `filter` and `filter1d`.
  static let portableOption = OptionSpec("portable", help: "Use portable arithmetic, whose results are the same on every processor. Without it, direct and separable sums use the faster fused multiply-add where x86-64 has AVX2 and FMA.")

  /// Returns the note on the arithmetic that `--verbose` adds after the algorithm: the fused
  /// multiply-add loop when a correlation ran it, `--portable` when given, else nothing.
  static func arithmeticNote(usesFusedMultiplyAdd: Bool?, instructions: VectorInstructions) -> String {
    if usesFusedMultiplyAdd == true {
      return ", fused multiply-add"
    }
    return instructions == .portable ? ", portable arithmetic" : ""
  }

  /// Returns the vector instructions that `--portable` selects.
  static func vectorInstructions(_ arguments: ParsedArguments) -> VectorInstructions {
    arguments.flag("portable") ? .portable : .automatic
  }

  /// Returns the `--algorithm` choice: `nil` for `auto` or no option, so ConvKit chooses.
  static func algorithm(_ arguments: ParsedArguments) throws(UsageError) -> ConvolutionAlgorithm? {
    let names = ["auto"] + ConvolutionAlgorithm.allCases.map(\.rawValue)
    return try arguments.choice("algorithm", from: names).flatMap(ConvolutionAlgorithm.init(rawValue:))
  }
}

/// A failure to filter one input, named by its path.
struct FilterFailure: Error, CustomStringConvertible {
  let input: String
  let reason: String

  var description: String { "cannot filter '\(input)': \(reason)" }
}
