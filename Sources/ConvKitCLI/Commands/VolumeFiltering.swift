import ConvKit
import ConvKitPNG
import Foundation

/// `convkit filter --volume`: stacks PNG slices into one volume `[C, D, H, W]`, filters it
/// with a 3D kernel and writes each filtered slice under its input's name.
struct VolumeFiltering {
  let slices: [String]
  let outputFolder: String
  let filter: VolumeFilter
  let border: BorderMode
  let mapping: OutputMapping
  let depth: Int?
  let force: Bool
  let createFolders: Bool
  let maximumPixels: Int
  let verbose: Bool
  let vectorInstructions: VectorInstructions

  init(_ arguments: ParsedArguments) throws(UsageError) {
    for option in ["matrix", "kernel-file", "divisor", "normalize", "amount"]
    where arguments.value(option) != nil || arguments.flag(option) {
      throw UsageError("--\(option) does not apply to --volume; give --kernel gaussian3d, sobel3d or box3d")
    }
    if let algorithm = arguments.value("algorithm") {
      throw UsageError(
        "--algorithm \(algorithm) does not apply to --volume: 3D kernels always run the direct sum; leave --algorithm out")
    }
    guard let name = arguments.value("kernel") else {
      throw UsageError("missing kernel; --volume needs --kernel gaussian3d, sobel3d or box3d")
    }
    guard let output = arguments.value("output-file") else {
      throw UsageError("missing output; give -o FOLDER/ for the filtered slices")
    }

    do {
      filter = try VolumeFilter.named(
        name,
        parameters: KernelParameters(
          size: try arguments.integer("size", in: 1...Kernel.maximumSide),
          sigma: try arguments.number("sigma")))
    } catch let error as UsageError {
      throw error
    } catch {
      throw UsageError("\(error)")
    }

    slices = try Self.slicePaths(arguments.positionals)
    outputFolder = Self.isFolder(output) && !output.hasSuffix("/") ? output + "/" : output
    border = try FilterCommand.border(arguments.value("border")) ?? .reflect101
    mapping = try arguments.choice("output", from: OutputMapping.allCases.map(\.rawValue))
      .flatMap(OutputMapping.init(rawValue:)) ?? .clamp
    depth = try arguments.choice("depth", from: ["8", "16"]).flatMap { Int($0) }
    force = arguments.flag("force")
    createFolders = arguments.flag("mkdir")
    maximumPixels = try InputReader.maximumPixels(arguments) ?? PNGImage.defaultMaximumPixels
    verbose = arguments.flag("verbose")
    vectorInstructions = FilterCommand.vectorInstructions(arguments)
  }

  func run() throws {
    let jobs = try OutputPlan(
      inputs: slices, output: outputFolder, force: force, createFolders: createFolders
    ).jobs
    let start = Date()
    let images = try slices.map { try InputReader.readImage($0, maximumPixels: maximumPixels) }
    let (volume, alphas) = try stack(images)

    let execution = ExecutionOptions(vectorInstructions: vectorInstructions)
    let filtered = try filter.apply(to: volume, border: border, execution: execution)
    let mapped = Tensor(shape: filtered.shape, scalars: mapping.apply(to: filtered.scalars))

    for (index, job) in jobs.enumerated() {
      try write(slice: index, of: mapped, alpha: alphas[index], like: images[index], to: job.output)
    }
    if verbose {
      let seconds = Date().timeIntervalSince(start)
      printError(
        "filtered \(images.count) slices of \(images[0].width)x\(images[0].height), algorithm "
          + "\(describe(volumeShape: volume.shape, execution: execution)), "
          + "in \(String(format: "%.3f", seconds)) s")
    }
  }

  /// Names the algorithms of the filter's correlations, then the arithmetic, for `--verbose`.
  private func describe(volumeShape: [Int], execution: ExecutionOptions) -> String {
    guard let algorithms = try? filter.algorithms(volumeShape: volumeShape, border: border, execution: execution)
    else {
      return "unknown"
    }
    let fused = try? filter.usesFusedMultiplyAdd(volumeShape: volumeShape, border: border, execution: execution)
    return Set(algorithms).map(\.rawValue).sorted().joined(separator: ", ")
      + FilterCommand.arithmeticNote(usesFusedMultiplyAdd: fused, instructions: execution.vectorInstructions)
  }

  /// Returns the colour channels of every slice as `[C, D, H, W]`, and each slice's alpha
  /// plane, which is copied to the output unchanged.
  private func stack(_ images: [PNGImage]) throws -> (Tensor, [[Float]?]) {
    let first = images[0]
    let colourChannels = first.layout.channelCount - (first.layout.hasAlpha ? 1 : 0)
    let plane = first.width * first.height
    var values = [Float](repeating: 0, count: colourChannels * images.count * plane)
    var alphas: [[Float]?] = []

    for (z, image) in images.enumerated() {
      guard image.pixels.shape == first.pixels.shape, image.layout == first.layout else {
        throw FilterFailure(
          input: slices[z],
          reason: "slice is \(image.width)x\(image.height) \(image.layout) but '\(slices[0])' is "
            + "\(first.width)x\(first.height) \(first.layout); every slice needs the same size and colour type")
      }
      for channel in 0..<colourChannels {
        let source = channel * plane
        let target = (channel * images.count + z) * plane
        values[target..<(target + plane)] = image.pixels.scalars[source..<(source + plane)]
      }
      alphas.append(image.layout.hasAlpha ? Array(image.pixels.scalars.suffix(plane)) : nil)
    }
    return (Tensor(shape: [colourChannels, images.count, first.height, first.width], scalars: values), alphas)
  }

  private func write(
    slice z: Int, of volume: Tensor, alpha: [Float]?, like image: PNGImage, to path: String
  ) throws {
    let (channels, depthCount) = (volume.shape[0], volume.shape[1])
    let plane = volume.shape[2] * volume.shape[3]
    var values: [Float] = []
    values.reserveCapacity((channels + 1) * plane)
    for channel in 0..<channels {
      let start = (channel * depthCount + z) * plane
      values += volume.scalars[start..<(start + plane)]
    }
    values += alpha ?? []

    let pixels = Tensor(shape: [values.count / plane, volume.shape[2], volume.shape[3]], scalars: values)
    let result = PNGImage(
      pixels: pixels, layout: image.layout, bitDepth: depth ?? image.bitDepth,
      colorSpace: image.colorSpace)
    try OutputWriter.write(result, to: path)
  }

  /// The slice files: the inputs as given, or the PNG files of one folder in name order.
  private static func slicePaths(_ inputs: [String]) throws(UsageError) -> [String] {
    guard !inputs.isEmpty else {
      throw UsageError("missing slices; give the PNG slices of the volume, or one folder of them")
    }
    guard inputs.count == 1, isFolder(inputs[0]) else {
      return inputs
    }
    let folder = inputs[0]
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
      .filter { $0.lowercased().hasSuffix(".png") }
      .sorted()
    guard !names.isEmpty else {
      throw UsageError("folder '\(folder)' contains no .png slices")
    }
    let prefix = folder.hasSuffix("/") ? folder : folder + "/"
    return names.map { prefix + $0 }
  }

  private static func isFolder(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
  }
}
