import ConvKit
import ConvKitPNG
import Foundation

/// `convkit filter` on separate images: each input is filtered on its own and written to
/// its own output.
struct ImageFiltering {
  let inputs: [String]
  let output: String
  let filter: ImageFilter
  let depth: Int?
  let force: Bool
  let createFolders: Bool
  let maximumPixels: Int
  let compression: PNGCompression
  let verbose: Bool

  init(_ arguments: ParsedArguments) throws(UsageError) {
    inputs = arguments.positionals
    guard !inputs.isEmpty else {
      throw UsageError("missing input file; give one or more PNG files, or - for standard input")
    }
    guard let output = arguments.value("output-file") else {
      let hint = arguments.value("output") == nil ? "" : "; --output sets the range mapping, not the file"
      throw UsageError("missing output; give -o OUTPUT.png (or -o FOLDER/ for several inputs)\(hint)")
    }
    self.output = output
    let selection = try KernelSelection(arguments)
    let mapping = try arguments.choice("output", from: OutputMapping.allCases.map(\.rawValue))
    let border = try FilterCommand.border(arguments.value("border")) ?? selection.border ?? .reflect101
    var filter = ImageFilter(
      filter: selection.filter, border: border,
      mapping: mapping.flatMap(OutputMapping.init(rawValue:)) ?? selection.defaultMapping)
    filter.execution.algorithm = try FilterCommand.algorithm(arguments)
    self.filter = filter
    depth = try arguments.choice("depth", from: ["8", "16"]).flatMap { Int($0) }
    force = arguments.flag("force")
    createFolders = arguments.flag("mkdir")
    maximumPixels = try InputReader.maximumPixels(arguments) ?? PNGImage.defaultMaximumPixels
    compression = try FilterCommand.compression(arguments)
    verbose = arguments.flag("verbose")
  }

  func run() throws {
    let jobs = try OutputPlan(
      inputs: inputs, output: output, force: force, createFolders: createFolders
    ).jobs
    var failures = 0
    for job in jobs {
      do {
        try process(job)
      } catch {
        printError("convkit filter: error: \(error)")
        failures += 1
      }
    }
    if failures > 0 {
      throw CommandFailure(status: ExitStatus.failure)
    }
  }

  private func process(_ job: OutputPlan.Job) throws {
    let start = Date()
    let image = try InputReader.readImage(job.input, maximumPixels: maximumPixels)
    let pixels: Tensor
    do {
      pixels = try filter.apply(to: image.pixels, hasAlpha: image.layout.hasAlpha)
    } catch .channelMismatch {
      let colour = image.layout.channelCount - (image.layout.hasAlpha ? 1 : 0)
      let needed = filter.filter.requiredInputChannels ?? colour
      throw FilterFailure(
        input: job.input,
        reason: "the kernel needs \(needed) colour channel\(needed == 1 ? "" : "s") but the image has "
          + "\(colour); a kernel learned with --mode shared applies to any image")
    } catch {
      throw FilterFailure(input: job.input, reason: "\(error)")
    }

    guard let layout = Self.layout(channels: pixels.shape[0], hasAlpha: image.layout.hasAlpha) else {
      throw FilterFailure(input: job.input, reason: "the kernel produces \(pixels.shape[0]) channels but PNG stores 1 to 4; use a kernel with at most 4 output channels")
    }
    var colorSpace = image.colorSpace
    if (layout.channelCount < 3) != (image.layout.channelCount < 3) {
      // An ICC profile describes either gray or RGB data, so it cannot follow a kernel
      // that turns one into the other. The other colour-space chunks suit both.
      colorSpace.iccProfile = nil
    }
    let result = PNGImage(
      pixels: pixels, layout: layout, bitDepth: depth ?? image.bitDepth, colorSpace: colorSpace)
    try OutputWriter.write(result, to: job.output, compression: compression)

    if verbose {
      let seconds = Date().timeIntervalSince(start)
      let algorithms = (try? filter.algorithms(
        imageShape: image.pixels.shape, hasAlpha: image.layout.hasAlpha))?
        .map(\.rawValue).joined(separator: ", ") ?? "unknown"
      printError(
        "\(job.input) -> \(job.output): \(pixels.shape[2])x\(pixels.shape[1]) \(layout), "
          + "\(result.bitDepth)-bit, algorithm \(algorithms), \(String(format: "%.3f", seconds)) s")
    }
  }

  /// Returns the PNG layout of a filtered image: colour channels from the filter, plus alpha
  /// if the input had it. Returns `nil` when PNG has no such layout (two colour channels).
  private static func layout(channels: Int, hasAlpha: Bool) -> PNGColorLayout? {
    switch (channels, hasAlpha) {
    case (1, false): return .gray
    case (3, false): return .rgb
    case (2, true): return .grayAlpha
    case (4, true): return .rgba
    default: return nil
    }
  }
}
