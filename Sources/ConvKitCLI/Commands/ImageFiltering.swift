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
    filter.execution.vectorInstructions = FilterCommand.vectorInstructions(arguments)
    try Self.checkAlgorithm(of: filter)
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
    var (failures, usageErrors) = (0, 0)
    for job in jobs {
      do {
        try process(job)
      } catch let error as UsageError {
        printError(usageLine(error, command: "filter"))
        usageErrors += 1
      } catch {
        printError("convkit filter: error: \(error)")
        failures += 1
      }
    }
    if failures + usageErrors > 0 {
      throw CommandFailure(status: failures > 0 ? ExitStatus.failure : ExitStatus.usage)
    }
  }

  private func process(_ job: OutputPlan.Job) throws {
    let start = Date()
    var summary: Summary
    var decoder: PNGRowDecoder?
    if job.input != "-", filter.canFilterBands {
      decoder = try InputReader.openRows(job.input, maximumPixels: maximumPixels)
    }
    if let decoder,
      let pipeline = BandPipeline(
        filter: filter, imageShape: [decoder.layout.channelCount, decoder.height, decoder.width],
        hasAlpha: decoder.layout.hasAlpha)
    {
      summary = try processBands(decoder, job: job, pipeline: pipeline)
    } else {
      summary = try processWhole(job)
      summary.wholeReason = wholeImageReason(job.input, opened: decoder != nil)
    }

    if verbose {
      let seconds = Date().timeIntervalSince(start)
      let (shape, hasAlpha) = (summary.inputShape, summary.inputLayout.hasAlpha)
      let algorithms = Self.describe(
        try? filter.algorithms(imageShape: shape, hasAlpha: hasAlpha), of: filter.filter)
        + FilterCommand.arithmeticNote(
          usesFusedMultiplyAdd: try? filter.usesFusedMultiplyAdd(imageShape: shape, hasAlpha: hasAlpha),
          instructions: filter.execution.vectorInstructions)
      let bands = summary.bandRows.map { ", in bands of \($0) rows" }
        ?? ", whole image (\(summary.wholeReason))"
      printError(
        "\(job.input == "-" ? "<stdin>" : job.input) -> \(job.output): \(summary.inputShape[2])x\(summary.inputShape[1]) "
          + "\(summary.outputLayout), \(summary.bitDepth)-bit, algorithm \(algorithms)\(bands), "
          + "\(String(format: "%.3f", seconds)) s")
    }
  }

  /// Names the algorithm of each correlation, labelled x and y for a gradient magnitude.
  private static func describe(_ algorithms: [ConvolutionAlgorithm]?, of filter: Filter) -> String {
    guard let algorithms else { return "unknown" }
    if case .gradientMagnitude = filter, algorithms.count == 2 {
      return "\(algorithms[0].rawValue) (x), \(algorithms[1].rawValue) (y)"
    }
    return algorithms.map(\.rawValue).joined(separator: ", ")
  }

  /// The facts `--verbose` prints about one image.
  private struct Summary {
    let inputShape: [Int]
    let inputLayout: PNGColorLayout
    let outputLayout: PNGColorLayout
    let bitDepth: Int
    /// The band height, or `nil` when the image was filtered whole.
    let bandRows: Int?
    /// The reason the image was filtered whole, for `--verbose`.
    var wholeReason = ""
  }

  /// Returns the encoder for `output`. When the output is written through a temporary
  /// file, the encoder sends its compressed bytes there as they come. Otherwise it keeps
  /// them in memory until the file is complete.
  private func makeEncoder(
    _ output: String, decoder: PNGRowDecoder, layout: PNGColorLayout, colorSpace: PNGColorSpace
  ) throws(PNGError) -> PNGRowEncoder {
    let bitDepth = depth ?? decoder.bitDepth
    guard OutputWriter.writesThroughTemporaryFile(output) else {
      return try PNGRowEncoder(
        width: decoder.width, height: decoder.height, layout: layout, bitDepth: bitDepth,
        colorSpace: colorSpace, compression: compression)
    }
    return try PNGRowEncoder(
      writingTo: output, width: decoder.width, height: decoder.height, layout: layout,
      bitDepth: bitDepth, colorSpace: colorSpace, compression: compression)
  }

  /// Returns the reason `input`, filtered whole, could not go through the band pipeline.
  /// `opened` is true when the file could be decoded by rows.
  private func wholeImageReason(_ input: String, opened: Bool) -> String {
    if input == "-" {
      return "standard input"
    }
    switch filter.border {
    case .constant: return "--border constant needs the whole image"
    case .wrap: return "--border wrap needs the whole image"
    case .replicate, .reflect101, .symmetric: break
    }
    if filter.mapping == .normalize {
      return "--output normalize needs the whole image"
    }
    if !filter.canFilterBands {
      return "the kernels differ in height"
    }
    if opened {
      return "the image is too short for bands of this kernel"
    }
    guard isRegularFile(input) else {
      return "not a regular file"
    }
    return "interlaced"
  }

  /// Decodes, filters and encodes the whole image at once: for standard input, pipes and
  /// devices, interlaced files, and filters or images that cannot go in bands.
  private func processWhole(_ job: OutputPlan.Job) throws -> Summary {
    let image = try InputReader.readImage(job.input, maximumPixels: maximumPixels)
    let pixels = try filtered(job.input, colourChannels: image.layout) { () throws(ConvolutionError) in
      try filter.apply(to: image.pixels, hasAlpha: image.layout.hasAlpha)
    }
    let (layout, colorSpace) = try outputFormat(
      job.input, channels: pixels.shape[0], input: image.layout, colorSpace: image.colorSpace)
    let result = PNGImage(
      pixels: pixels, layout: layout, bitDepth: depth ?? image.bitDepth, colorSpace: colorSpace)
    try OutputWriter.write(result, to: job.output, compression: compression)
    return Summary(
      inputShape: image.pixels.shape, inputLayout: image.layout, outputLayout: layout,
      bitDepth: result.bitDepth, bandRows: nil)
  }

  /// Decodes, filters and encodes band by band (see `BandPipeline`).
  private func processBands(
    _ decoder: PNGRowDecoder, job: OutputPlan.Job, pipeline: BandPipeline
  ) throws -> Summary {
    let hasAlpha = decoder.layout.hasAlpha
    var outputLayout = decoder.layout
    let encoder: PNGRowEncoder
    var started: PNGRowEncoder?
    do {
      encoder = try pipeline.run(decoder) { band in
        try filtered(job.input, colourChannels: decoder.layout) { () throws(ConvolutionError) in
          try filter.apply(toBand: band, hasAlpha: hasAlpha)
        }
      } makeEncoder: { band in
        let (layout, colorSpace) = try outputFormat(
          job.input, channels: band.shape[0], input: decoder.layout, colorSpace: decoder.colorSpace)
        outputLayout = layout
        let created = try makeEncoder(job.output, decoder: decoder, layout: layout, colorSpace: colorSpace)
        started = created
        return created
      }
    } catch {
      started?.abandon()
      guard let error = error as? PNGError else { throw error }

      // A read error here is damage that the reader thread found part way through the file.
      throw UnreadableInput.explaining(error)
    }
    defer { encoder.abandon() }
    try OutputWriter.write(encoder, to: job.output)
    return Summary(
      inputShape: [decoder.layout.channelCount, decoder.height, decoder.width],
      inputLayout: decoder.layout, outputLayout: outputLayout, bitDepth: encoder.bitDepth,
      bandRows: pipeline.bandRows)
  }

  /// Checks, before any image is read, that `--algorithm` can run the kernel, by preparing
  /// the filter for a small image with the channels it needs. Reasons that depend on the
  /// image itself still come from `filtered`.
  private static func checkAlgorithm(of filter: ImageFilter) throws(UsageError) {
    guard filter.execution.algorithm != nil else { return }
    let channels = filter.filter.requiredInputChannels ?? 1
    do {
      _ = try filter.algorithms(imageShape: [channels, 32, 32], hasAlpha: false)
    } catch .algorithmNotApplicable(let algorithm, let reason) {
      throw algorithmError(algorithm, reason)
    } catch {
      return
    }
  }

  /// Returns the usage error for an `--algorithm` that cannot run the kernel.
  private static func algorithmError(_ algorithm: String, _ reason: String) -> UsageError {
    UsageError(
      "--algorithm \(algorithm) cannot run this kernel: \(reason); leave --algorithm out to let "
        + "convkit choose")
  }

  /// Runs `apply`, turning a channel count that does not fit the filter into a message,
  /// and an `--algorithm` that cannot run the kernel into a usage error.
  private func filtered(
    _ input: String, colourChannels layout: PNGColorLayout,
    _ apply: () throws(ConvolutionError) -> Tensor
  ) throws -> Tensor {
    do {
      return try apply()
    } catch .channelMismatch {
      let colour = layout.channelCount - (layout.hasAlpha ? 1 : 0)
      let needed = filter.filter.requiredInputChannels ?? colour
      throw FilterFailure(
        input: input,
        reason: "the kernel needs \(needed) colour channel\(needed == 1 ? "" : "s") but the image has "
          + "\(colour); a kernel learned with --mode shared applies to any image")
    } catch .algorithmNotApplicable(let algorithm, let reason) {
      throw Self.algorithmError(algorithm, reason)
    } catch {
      throw FilterFailure(input: input, reason: "\(error)")
    }
  }

  /// Returns the layout and colour space of the output, which has `channels` channels.
  private func outputFormat(
    _ input: String, channels: Int, input inputLayout: PNGColorLayout, colorSpace: PNGColorSpace
  ) throws -> (PNGColorLayout, PNGColorSpace) {
    guard let layout = Self.layout(channels: channels, hasAlpha: inputLayout.hasAlpha) else {
      throw FilterFailure(input: input, reason: "the kernel produces \(channels) channels but PNG stores 1 to 4; use a kernel with at most 4 output channels")
    }
    var colorSpace = colorSpace
    if (layout.channelCount < 3) != (inputLayout.channelCount < 3) {
      // An ICC profile describes either gray or RGB data, so it cannot follow a kernel
      // that turns one into the other. The other colour-space chunks suit both.
      colorSpace.iccProfile = nil
    }
    return (layout, colorSpace)
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
