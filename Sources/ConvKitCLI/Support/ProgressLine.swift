import ConvKit
import Foundation

/// Shows learning progress on standard error: one line that updates in place ("\r") on a
/// terminal, or a plain line every `interval` steps when standard error is a file or pipe.
struct ProgressLine {
  /// The steps between plain lines when standard error is not a terminal.
  static let interval = 100

  private let interactive: Bool
  private let start = Date()
  private var lastShown = Date.distantPast
  private var pending: LearningProgress?

  init(interactive: Bool = standardErrorIsTerminal) {
    self.interactive = interactive
  }

  /// Records the progress of a step and shows it when due: on a terminal at most ten
  /// times a second, otherwise at step 0 and every `interval` steps.
  mutating func show(_ progress: LearningProgress) {
    pending = progress
    if interactive {
      guard Date().timeIntervalSince(lastShown) >= 0.1 else { return }
      lastShown = Date()
      write("\r" + text(progress) + "   ")
    } else if progress.step % Self.interval == 0 {
      printError(text(progress))
      pending = nil
    }
  }

  /// Shows the last step if it was not shown, and ends the line on a terminal.
  func finish() {
    guard let pending else {
      return
    }
    if interactive {
      write("\r" + text(pending) + "   \n")
    } else {
      printError(text(pending))
    }
  }

  private func text(_ progress: LearningProgress) -> String {
    let seconds = Date().timeIntervalSince(start)
    return "step \(progress.step)/\(progress.maximumSteps)  loss "
      + String(format: "%.4e", progress.loss) + "  lr "
      + String(format: "%.3g", progress.learningRate) + "  "
      + String(format: "%.1f", seconds) + " s"
  }

  private func write(_ text: String) {
    var stream = StandardError()
    stream.write(text)
  }
}
