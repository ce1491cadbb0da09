import Foundation
import ConvKit
import ConvKitPNG

/// Draws a loss curve on a log scale as an RGB image: axes, one light grid line per
/// decade of loss, and the curve. It has no text, so the caller reports the ranges.
enum LossPlot {
  /// The plot area inside the image, in pixels.
  private struct Frame {
    let left: Int
    let top: Int
    let right: Int
    let bottom: Int
  }

  /// The decades the vertical axis spans: from `10^lowest` to `10^highest`.
  struct Decades: Equatable {
    let lowest: Int
    let highest: Int
  }

  /// Returns the decades that cover the positive losses, at least one. Losses of 0 are
  /// drawn at the bottom edge.
  static func decades(of losses: [Double]) -> Decades {
    let positive = losses.filter { $0 > 0 && $0.isFinite }
    guard let smallest = positive.min(), let largest = positive.max() else {
      return Decades(lowest: 0, highest: 1)
    }
    let lowest = Int(log10(smallest).rounded(.down))
    let highest = Int(log10(largest).rounded(.up))
    return Decades(lowest: lowest, highest: max(highest, lowest + 1))
  }

  /// Returns the plot of `losses` (one value per step, starting at step 0).
  static func image(losses: [Double], width: Int = 640, height: Int = 400) -> PNGImage {
    var canvas = Canvas(width: width, height: height, background: Colour.white)
    let frame = Frame(left: 40, top: 16, right: width - 16, bottom: height - 28)
    let decades = decades(of: losses)

    drawGrid(on: &canvas, frame: frame, decades: decades, steps: losses.count - 1)
    drawCurve(losses, on: &canvas, frame: frame, decades: decades)
    drawAxes(on: &canvas, frame: frame, decades: decades)
    return PNGImage(pixels: canvas.tensor, layout: .rgb, bitDepth: 8)
  }

  private static func drawGrid(
    on canvas: inout Canvas, frame: Frame, decades: Decades, steps: Int
  ) {
    let grid = Colour(0.88, 0.88, 0.88)
    for decade in decades.lowest...decades.highest {
      let y = row(of: pow(10, Double(decade)), frame: frame, decades: decades)
      canvas.line(from: (frame.left, y), to: (frame.right, y), colour: grid)
    }
    for tick in stepTicks(steps: steps) {
      let x = column(of: tick, steps: steps, frame: frame)
      canvas.line(from: (x, frame.top), to: (x, frame.bottom), colour: grid)
    }
  }

  private static func drawCurve(
    _ losses: [Double], on canvas: inout Canvas, frame: Frame, decades: Decades
  ) {
    let blue = Colour(0.12, 0.35, 0.75)
    let steps = losses.count - 1
    var previous: (x: Int, y: Int)?
    for (step, loss) in losses.enumerated() {
      let point = (
        x: column(of: step, steps: steps, frame: frame),
        y: row(of: loss, frame: frame, decades: decades)
      )
      let start = previous ?? point
      // Two pixels thick: the segment and a copy one pixel lower.
      canvas.line(from: (start.x, start.y), to: (point.x, point.y), colour: blue)
      canvas.line(from: (start.x, start.y + 1), to: (point.x, point.y + 1), colour: blue)
      previous = point
    }
  }

  private static func drawAxes(on canvas: inout Canvas, frame: Frame, decades: Decades) {
    let black = Colour(0, 0, 0)
    canvas.line(from: (frame.left, frame.top), to: (frame.left, frame.bottom), colour: black)
    canvas.line(from: (frame.left, frame.bottom), to: (frame.right, frame.bottom), colour: black)
    for decade in decades.lowest...decades.highest {
      let y = row(of: pow(10, Double(decade)), frame: frame, decades: decades)
      canvas.line(from: (frame.left - 6, y), to: (frame.left, y), colour: black)
    }
  }

  /// About five round step numbers (1, 2 or 5 times a power of 10 apart) for vertical
  /// grid lines.
  static func stepTicks(steps: Int) -> [Int] {
    guard steps > 0 else { return [] }
    let raw = Double(steps) / 5
    let power = pow(10, log10(raw).rounded(.down))
    let spacing = Int([1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power)
    return Array(stride(from: spacing, through: steps, by: max(spacing, 1)))
  }

  private static func column(of step: Int, steps: Int, frame: Frame) -> Int {
    guard steps > 0 else { return frame.left }
    let fraction = Double(step) / Double(steps)
    return frame.left + Int((fraction * Double(frame.right - frame.left)).rounded())
  }

  private static func row(of loss: Double, frame: Frame, decades: Decades) -> Int {
    guard loss > 0 else { return frame.bottom }
    let span = Double(decades.highest - decades.lowest)
    let fraction = (log10(loss) - Double(decades.lowest)) / span
    let clamped = min(max(fraction, 0), 1)
    return frame.bottom - Int((clamped * Double(frame.bottom - frame.top)).rounded())
  }
}
