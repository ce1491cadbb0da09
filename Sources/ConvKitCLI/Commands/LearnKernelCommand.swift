import ConvKit
import ConvKitPNG
import Foundation

/// `convkit learn-kernel`: learns the kernel that turns an input PNG into a target PNG.
struct LearnKernelCommand: Command {
  static let name = "learn-kernel"
  static let abstract = "Learn the kernel that turns one PNG image into another."
  static let usage = "learn-kernel INPUT.png TARGET.png [--size N] [-o KERNEL.json] [OPTIONS]"
  static let discussion = """
    Finds the weights and bias that 'convkit filter --kernel-file KERNEL.json' needs to turn
    INPUT into TARGET, by preconditioned gradient descent through the convolution's
    backward pass (default) or by solving the least-squares normal equations (--solver
    lstsq). After gradient descent, the least-squares solution is computed too and the
    largest difference between the two is printed.

    The target is either as large as the input (outside samples come from --border) or
    smaller by the kernel size minus 1 in each axis (no padding); the command says which
    it assumed. Target samples that are exactly 0 or 1 are left out of the loss, because
    filters clip there; --keep-clipped uses them. An alpha channel is ignored: the kernel
    is learned on the colour channels only.

    Gradient descent runs on centred and scaled samples, in coordinates whitened by the
    patch autocorrelation matrix (--preconditioner full), where squared error has the
    Hessian 2I. The default sgd learning rate 0.5 is the Newton step there, and the
    default adam learning rate is 0.01. The learning rate halves when the mean loss over
    10 steps is not lower than over the 10 steps before.

    Examples:
      convkit filter photo.png --kernel sobel-x --output offset --depth 16 -o edges.png
      convkit learn-kernel photo.png edges.png --size 3 --mode shared -o sobel.json
      convkit learn-kernel rgb.png mixed.png --mode full --loss-plot loss.png -o mix.json
    """
  static let options: [OptionSpec] = [
    OptionSpec("output-file", short: "o", value: "PATH", help: "Write the kernel as JSON for 'convkit filter --kernel-file' (- for standard output)."),
    OptionSpec("size", short: "s", value: "N", help: "Kernel size: N for N x N, or ROWSxCOLUMNS, each 1 to \(KernelLearner.maximumSide) (default 3)."),
    OptionSpec("mode", value: "MODE", help: "depthwise (one kernel per channel, default), shared (one for all) or full (C_out x C_in)."),
    OptionSpec("no-bias", help: "Learn no constant; the kernel alone must produce the target."),
    OptionSpec("border", short: "b", value: "MODE", help: "Border for a same-size target: constant, constant:V, replicate, reflect101 (default), symmetric, wrap."),
    OptionSpec("loss", value: "LOSS", help: "mse (default), l1 or huber."),
    OptionSpec("huber-delta", value: "D", help: "Where Huber loss turns from squared to linear, in sample units (default 0.01)."),
    OptionSpec("optimizer", value: "NAME", help: "sgd (default) or adam."),
    OptionSpec("learning-rate", value: "R", help: "Starting learning rate (default 0.5 for sgd, 0.01 for adam)."),
    OptionSpec("momentum", value: "M", help: "sgd momentum, 0 up to but not including 1 (default 0)."),
    OptionSpec("steps", value: "N", help: "Maximum number of steps (default 1000)."),
    OptionSpec("tolerance", value: "T", help: "Stop when no weight or bias changes by more than T in a step (default 1e-6)."),
    OptionSpec("batch-patches", value: "N", help: "Use N random output positions per step instead of the whole image."),
    OptionSpec("seed", value: "S", help: "Seed of the random positions for --batch-patches (default 0)."),
    OptionSpec("solver", value: "NAME", help: "gd (gradient descent, default) or lstsq (least squares)."),
    OptionSpec("preconditioner", value: "KIND", help: "full (default), diagonal or none."),
    OptionSpec("keep-clipped", help: "Use target samples that are exactly 0 or 1 too."),
    OptionSpec("loss-plot", value: "PNG", help: "Write the loss curve (log scale, one grid line per decade) as a PNG."),
    OptionSpec("kernel-image", value: "PNG", help: "Write the kernel as a heat map PNG: blue negative, white 0, red positive."),
    OptionSpec("quiet", short: "q", help: "Show no progress line."),
  ]

  let inputPath: String
  let targetPath: String
  let output: String?
  let learner: KernelLearner
  let lossPlot: String?
  let kernelImage: String?
  let quiet: Bool

  init(_ arguments: ParsedArguments) throws(UsageError) {
    guard arguments.positionals.count == 2 else {
      throw UsageError(
        "expected INPUT.png and TARGET.png, got \(arguments.positionals.count) file argument(s)")
    }
    inputPath = arguments.positionals[0]
    targetPath = arguments.positionals[1]
    guard inputPath != "-" || targetPath != "-" else {
      throw UsageError("only one of INPUT and TARGET can be - (standard input)")
    }
    output = arguments.value("output-file")
    lossPlot = arguments.value("loss-plot")
    kernelImage = arguments.value("kernel-image")
    quiet = arguments.flag("quiet")
    learner = try Self.learner(arguments)
    try Self.checkApplicable(arguments, solver: learner.solver)
    try Self.checkOutputs(
      [output, lossPlot, kernelImage].compactMap { $0 }, inputs: [inputPath, targetPath])
  }

  func run() throws {
    let input = try Self.colourChannels(of: InputReader.readImage(inputPath), path: inputPath)
    let target = try Self.colourChannels(of: InputReader.readImage(targetPath), path: targetPath)
    try describeAssumptions(input: input, target: target)

    let learned = try learn(input: input, target: target)
    let report = LearnKernelReport(learned: learned)
    report.lines().forEach(show)
    try write(learned, report: report)
  }

  /// Prints a report line to standard output, or to standard error when the kernel file
  /// goes to standard output.
  private func show(_ line: String) {
    if output == "-" {
      printError(line)
    } else {
      print(line)
    }
  }

  // MARK: - Options

  private static func learner(_ arguments: ParsedArguments) throws(UsageError) -> KernelLearner {
    let (rows, columns) = try size(arguments.value("size") ?? "3")
    var learner = KernelLearner(rows: rows, columns: columns)
    let modes = KernelFile.Mode.allCases.map(\.rawValue)
    learner.mode =
      try arguments.choice("mode", from: modes).flatMap(KernelFile.Mode.init) ?? .depthwise
    learner.usesBias = !arguments.flag("no-bias")
    learner.border = try border(arguments.value("border")) ?? .reflect101
    learner.loss = try loss(arguments)
    learner.optimizer = try optimizer(arguments)
    learner.learningRate = try positive("learning-rate", arguments)
    learner.maximumSteps =
      try arguments.integer("steps", in: 1...10_000_000) ?? learner.maximumSteps
    if let tolerance = try arguments.number("tolerance") {
      guard tolerance >= 0 else {
        throw .invalidValue("tolerance", "\(tolerance)", expected: "a number of at least 0")
      }
      learner.tolerance = tolerance
    }
    learner.batchPatches = try arguments.integer("batch-patches", in: 1...100_000_000)
    learner.seed = try seed(arguments)
    let solvers = Solver.allCases.map(\.rawValue)
    learner.solver =
      try arguments.choice("solver", from: solvers).flatMap(Solver.init) ?? .gradientDescent
    let preconditioners = Preconditioning.allCases.map(\.rawValue)
    learner.preconditioning =
      try arguments.choice("preconditioner", from: preconditioners).flatMap(Preconditioning.init)
      ?? .full
    learner.excludesClippedSamples = !arguments.flag("keep-clipped")
    return learner
  }

  private static func border(_ name: String?) throws(UsageError) -> BorderMode? {
    guard let name else { return nil }
    guard let border = BorderMode(name: name) else {
      let hint = Suggestion.closest(to: name, among: BorderMode.names)
        .map { " (did you mean '\($0)'?)" } ?? ""
      throw .invalidValue(
        "border", name,
        expected: "one of \(BorderMode.names.joined(separator: ", ")) or constant:VALUE\(hint)")
    }
    return border
  }

  /// Parses `N` or `ROWSxCOLUMNS`.
  private static func size(_ text: String) throws(UsageError) -> (Int, Int) {
    let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
    let numbers = parts.compactMap { Int($0) }
    let sides = 1...KernelLearner.maximumSide
    guard numbers.count == parts.count, (1...2).contains(numbers.count),
      numbers.allSatisfy(sides.contains)
    else {
      throw .invalidValue(
        "size", text,
        expected: "N or ROWSxCOLUMNS with each side from 1 to \(KernelLearner.maximumSide)")
    }
    return (numbers[0], numbers.last!)
  }

  private static func loss(_ arguments: ParsedArguments) throws(UsageError) -> Loss {
    let name = try arguments.choice("loss", from: ["mse", "l1", "huber"]) ?? "mse"
    let delta = try positive("huber-delta", arguments)
    if delta != nil && name != "huber" {
      throw UsageError("--huber-delta applies to --loss huber only")
    }
    switch name {
    case "l1": return .meanAbsolute
    case "huber": return .huber(delta: delta ?? Loss.defaultHuberDelta)
    default: return .meanSquared
    }
  }

  private static func optimizer(_ arguments: ParsedArguments) throws(UsageError) -> Optimizer {
    let name = try arguments.choice("optimizer", from: ["sgd", "adam"]) ?? "sgd"
    let momentum = try arguments.number("momentum")
    if name == "adam" {
      guard momentum == nil else {
        throw UsageError(
          "--momentum applies to --optimizer sgd only; adam keeps its own moment estimates")
      }
      return .adam()
    }
    if let momentum, !(0..<1).contains(momentum) {
      throw .invalidValue(
        "momentum", "\(momentum)", expected: "a number from 0 up to but not including 1")
    }
    return .sgd(momentum: momentum ?? 0)
  }

  private static func positive(
    _ name: String, _ arguments: ParsedArguments
  ) throws(UsageError) -> Double? {
    guard let value = try arguments.number(name) else { return nil }
    guard value > 0 else {
      throw .invalidValue(name, arguments.value(name)!, expected: "a number greater than 0")
    }
    return value
  }

  private static func seed(_ arguments: ParsedArguments) throws(UsageError) -> UInt64 {
    guard let text = arguments.value("seed") else { return 0 }
    guard arguments.value("batch-patches") != nil else {
      throw UsageError(
        "--seed applies to --batch-patches only; the whole image involves no randomness")
    }
    guard let seed = UInt64(text) else {
      throw .invalidValue("seed", text, expected: "an integer from 0 to \(UInt64.max)")
    }
    return seed
  }

  /// Rejects gradient-descent options together with `--solver lstsq`.
  private static func checkApplicable(
    _ arguments: ParsedArguments, solver: Solver
  ) throws(UsageError) {
    guard solver == .leastSquares else { return }
    let gradientOnly = [
      "loss", "huber-delta", "optimizer", "learning-rate", "momentum", "steps", "tolerance",
      "preconditioner", "loss-plot",
    ]
    if let option = gradientOnly.first(where: { arguments.value($0) != nil }) {
      throw UsageError(
        "--\(option) applies to --solver gd only; "
          + "lstsq solves the squared-error normal equations directly")
    }
  }

  /// Rejects an output path that is an input or another output, or whose folder does not
  /// exist.
  private static func checkOutputs(_ outputs: [String], inputs: [String]) throws(UsageError) {
    let resolve = { (path: String) in
      URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
    let files = outputs.filter { $0 != "-" }
    let resolved = files.map(resolve)
    let inputPaths = inputs.filter { $0 != "-" }.map(resolve)
    for (index, path) in resolved.enumerated() {
      if inputPaths.contains(path) {
        throw UsageError(
          "output '\(files[index])' would overwrite an input image; give another path")
      }
      if resolved[..<index].contains(path) {
        throw UsageError("output '\(files[index])' is given twice; give each output its own path")
      }
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
        throw UsageError("output '\(files[index])' is a folder; give a file path")
      }
      let folder = (path as NSString).deletingLastPathComponent
      let folderExists = FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder)
      guard folderExists, isFolder.boolValue else {
        throw UsageError("output folder '\(folder)' does not exist; create it first")
      }
    }
  }

  // MARK: - Steps

  /// Returns the colour channels of an image, leaving out alpha (and saying so).
  private static func colourChannels(of image: PNGImage, path: String) -> Tensor {
    guard image.layout.hasAlpha else {
      return image.pixels
    }
    note(
      "'\(path)' has an alpha channel; it is ignored and the kernel is learned on the colour "
        + "channels only")
    let shape = image.pixels.shape
    let colour = (shape[0] - 1) * shape[1] * shape[2]
    return Tensor(
      shape: [shape[0] - 1, shape[1], shape[2]], scalars: Array(image.pixels.scalars[..<colour]))
  }

  /// Prints which padding the target's size implies and how many samples are left out.
  ///
  /// - Throws: `KernelLearningError` when the target's shape does not fit the input.
  private func describeAssumptions(input: Tensor, target: Tensor) throws {
    let (height, width) = (target.shape[1], target.shape[2])
    switch try learner.padding(inputShape: input.shape, targetShape: target.shape) {
    case .valid:
      Self.note(
        "target is \(width)x\(height), smaller than the input by the kernel size minus 1; "
          + "assuming valid output (no padding, --border unused)")
    default:
      Self.note(
        "target is \(width)x\(height) like the input; "
          + "assuming same-size output with border \(learner.border)")
    }
    guard learner.excludesClippedSamples else { return }

    let clipped = target.scalars.reduce(0) { $0 + ($1 == 0 || $1 == 1 ? 1 : 0) }
    let share = Double(clipped) / Double(max(target.count, 1))
    Self.note(
      "left out \(clipped) of \(target.count) target samples (\(Self.percent(share))) "
        + "that are exactly 0 or 1 (clipped); --keep-clipped uses them")
    if share > Self.clippedShareWarning {
      Self.warning(
        "\(Self.percent(share)) of the target samples are clipped; the kernel is fitted to "
          + "the rest only, so check that the target is not saturated")
    }
  }

  private func learn(input: Tensor, target: Tensor) throws -> LearnedKernel {
    var progressLine = ProgressLine()
    defer {
      if !quiet { progressLine.finish() }
    }
    do throws(KernelLearningError) {
      return try learner.learn(input: input, target: target) { progress in
        if !quiet { progressLine.show(progress) }
      }
    } catch .diverged(let step, let loss, let rate) {
      throw LearnFailure(
        "learning diverged at step \(step): the loss became \(loss.isNaN ? "NaN" : "\(loss)") "
          + "with learning rate \(Self.number(rate)); give a lower --learning-rate, for example "
          + Self.number(rate / 10))
    } catch {
      throw error
    }
  }

  private func write(_ learned: LearnedKernel, report: LearnKernelReport) throws {
    if let output {
      try Self.writeText(learned.kernelFile(details: report.details).encoded(), to: output)
      if output != "-" {
        show("wrote \(output)")
      }
    }
    if let lossPlot {
      try OutputWriter.write(LossPlot.image(losses: learned.lossHistory), to: lossPlot)
      let decades = LossPlot.decades(of: learned.lossHistory)
      Self.note(
        "wrote \(lossPlot): steps 0 to \(learned.steps) across, loss 1e\(decades.lowest) to "
          + "1e\(decades.highest) up (log scale, one grid line per decade)")
    }
    if let kernelImage {
      try OutputWriter.write(KernelHeatMap.image(weights: learned.weights), to: kernelImage)
      let scale = MatrixFormatter.format(KernelHeatMap.scale(of: learned.weights), digits: 4)
      Self.note(
        "wrote \(kernelImage): full blue is -\(scale), white 0, full red +\(scale); "
          + "one row per output channel, one column per input channel")
    }
  }

  /// Writes `text` to standard output for `-`, directly into an existing device or pipe
  /// (such as `/dev/null`), and atomically into a regular file.
  ///
  /// - Throws: `LearnFailure` naming the path when the write fails.
  private static func writeText(_ text: String, to path: String) throws {
    let data = Data(text.utf8)
    if path == "-" {
      FileHandle.standardOutput.write(data)
      return
    }
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    if let type = attributes?[.type] as? FileAttributeType, type != .typeRegular {
      guard let handle = FileHandle(forWritingAtPath: path) else {
        throw LearnFailure("cannot write '\(path)': it cannot be opened for writing")
      }
      handle.write(data)
      return
    }
    do {
      // NOTE: `Interrupts` removes the temporary files of PNG writes only, so a signal
      // during this short write may leave Foundation's temporary file beside `path`.
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw LearnFailure("cannot write '\(path)': \(error.localizedDescription)")
    }
  }

  /// The share of clipped target samples above which the command warns.
  static let clippedShareWarning = 0.2

  private static func note(_ message: String) {
    printError("convkit learn-kernel: note: \(message)")
  }

  private static func warning(_ message: String) {
    printError("convkit learn-kernel: warning: \(message)")
  }

  private static func number(_ value: Double) -> String {
    String(format: "%g", value)
  }

  static func percent(_ share: Double) -> String {
    String(format: "%.1f%%", 100 * share)
  }
}

/// A failure of `convkit learn-kernel` with a message for the user.
struct LearnFailure: Error, CustomStringConvertible {
  let description: String

  init(_ description: String) {
    self.description = description
  }
}
