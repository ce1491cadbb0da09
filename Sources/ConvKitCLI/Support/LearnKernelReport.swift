import ConvKit
import Foundation

/// The text `convkit learn-kernel` prints about a learned kernel, and the summary it adds
/// to the kernel file.
struct LearnKernelReport {
  let learned: LearnedKernel

  /// The maximum number of loss values the kernel file stores. A longer history stores
  /// every n-th value.
  static let storedLossValues = 50

  /// Returns the report lines: the kernel as matrices, the bias, the loss, the PSNR, the
  /// solver's steps and the least-squares cross-check.
  func lines() -> [String] {
    var lines = [heading()] + kernelLines()
    lines.append(lossLine())
    lines.append(
      "psnr: \(String(format: "%.2f", learned.peakSignalToNoiseRatio)) dB "
        + "(input filtered with the kernel and clamped to [0, 1], against the target)")
    lines.append(solverLine())
    if learned.solver == .gradientDescent {
      lines.append(leastSquaresLine())
    }
    lines.append(
      "patch autocorrelation condition number: about \(Self.number(learned.conditionNumber))")
    return lines
  }

  /// The `details` of the kernel file: one `training` object with the settings, the fit
  /// and a summary of the loss history.
  var details: [String: String] {
    let difference = Double(learned.maximumWeightDifferenceFromLeastSquares)
    var fields: [(String, String)] = [
      ("solver", Self.quoted(learned.solver.rawValue)),
      ("loss", Self.quoted(learned.loss.name)),
      ("padding", Self.quoted(learned.padding == .valid ? "valid" : "same")),
      ("steps", "\(learned.steps)"),
      ("stop_reason", Self.quoted(learned.stopReason.description)),
      ("final_loss", Self.json(learned.finalLoss)),
      ("psnr_db", Self.json(learned.peakSignalToNoiseRatio)),
      ("included_samples", "\(learned.includedSamples)"),
      ("excluded_clipped_samples", "\(learned.excludedSamples)"),
      ("max_weight_difference_from_lstsq", Self.json(difference)),
    ]
    if let rate = learned.finalLearningRate {
      fields.append(("final_learning_rate", Self.json(rate)))
    }
    if !learned.lossHistory.isEmpty {
      fields.append(("loss_history", lossHistorySummary()))
    }
    let object = fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ")
    return ["training": "{" + object + "}"]
  }

  // MARK: - Parts

  private func heading() -> String {
    let shape = learned.weights.shape
    let padding =
      learned.padding == .valid
      ? "valid target (no padding)" : "same-size target, border \(learned.border)"
    return "learned \(shape[2])x\(shape[3]) kernel, mode \(learned.mode.rawValue), \(padding):"
  }

  private func kernelLines() -> [String] {
    let shape = learned.weights.shape
    let (outputs, inputs, columns) = (shape[0], shape[1], shape[3])
    let taps = shape[2] * columns
    var lines: [String] = []

    for output in 0..<outputs {
      for input in 0..<inputs {
        if outputs > 1 || inputs > 1 {
          lines.append(label(output: output, input: input))
        }
        let start = (output * inputs + input) * taps
        let matrix = stride(from: start, to: start + taps, by: columns).map {
          Array(learned.weights.scalars[$0..<($0 + columns)])
        }
        lines += MatrixFormatter.lines(matrix, indent: "  ")
      }
      lines.append(
        learned.usesBias ? "bias: " + MatrixFormatter.format(learned.bias[output]) : "bias: none")
    }
    return lines
  }

  private func label(output: Int, input: Int) -> String {
    switch learned.mode {
    case .full: return "output channel \(output + 1) from input channel \(input + 1):"
    case .depthwise, .shared: return "channel \(output + 1):"
    }
  }

  private func lossLine() -> String {
    let excluded =
      learned.excludedSamples > 0 ? " (\(learned.excludedSamples) clipped samples left out)" : ""
    return "loss (\(learned.loss.name)): \(Self.number(learned.finalLoss)) "
      + "over \(learned.includedSamples) samples\(excluded)"
  }

  private func solverLine() -> String {
    guard learned.solver == .gradientDescent else {
      return "solver: lstsq (normal equations solved in Double by Cholesky factorisation)"
    }
    let rate = learned.finalLearningRate.map { String(format: "%.3g", $0) } ?? "-"
    return "solver: gd, \(learned.steps) step\(learned.steps == 1 ? "" : "s"), stopped because of \(learned.stopReason), "
      + "final learning rate \(rate)"
  }

  private func leastSquaresLine() -> String {
    let weights = Double(learned.maximumWeightDifferenceFromLeastSquares)
    let bias = Double(learned.maximumBiasDifferenceFromLeastSquares)
    let note =
      learned.loss == .meanSquared
      ? "" : " (least squares minimises squared error, not \(learned.loss.name))"
    return "least squares: largest weight difference from gd \(Self.number(weights)), "
      + "largest bias difference \(Self.number(bias))\(note)"
  }

  private func lossHistorySummary() -> String {
    let history = learned.lossHistory
    let every = max(1, (history.count + Self.storedLossValues - 1) / Self.storedLossValues)
    let values = stride(from: 0, to: history.count, by: every).map { Self.json(history[$0]) }
    return "{\"first\": \(Self.json(history[0])), "
      + "\"last\": \(Self.json(history[history.count - 1])), "
      + "\"minimum\": \(Self.json(history.min()!)), \"every\": \(every), "
      + "\"values\": [\(values.joined(separator: ", "))]}"
  }

  /// Returns a number for the report, with 4 significant digits.
  static func number(_ value: Double) -> String {
    String(format: "%.4g", value)
  }

  /// Returns a JSON number, or `null` for NaN and infinities, which JSON cannot hold.
  static func json(_ value: Double) -> String {
    value.isFinite ? "\(value)" : "null"
  }

  private static func quoted(_ text: String) -> String {
    "\"" + text + "\""
  }
}
