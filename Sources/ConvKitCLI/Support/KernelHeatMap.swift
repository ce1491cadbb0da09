import ConvKit
import ConvKitPNG

/// Draws kernel weights as a heat map: each tap is a square block, blue for negative,
/// white for 0 and red for positive, on one scale for all kernels.
///
/// Kernels are laid out in a grid with one row per output channel and one column per
/// input channel of the weight `[C_out, C_in, rows, columns]`, separated by grey gaps.
enum KernelHeatMap {
  private static let negative = Colour(0.13, 0.35, 0.75)
  private static let positive = Colour(0.75, 0.12, 0.15)
  private static let gap = Colour(0.8, 0.8, 0.8)

  /// Returns the largest absolute weight, which maps to full blue or full red (1 for an
  /// all-zero weight).
  static func scale(of weights: Tensor) -> Float {
    let largest = weights.scalars.map(abs).max() ?? 0
    return largest > 0 ? largest : 1
  }

  /// Returns the heat map of `weights`, with each tap drawn as a `block` x `block` square.
  static func image(weights: Tensor, block: Int = 24) -> PNGImage {
    let shape = weights.shape
    let (outputs, inputs, rows, columns) = (shape[0], shape[1], shape[2], shape[3])
    let spacing = max(block / 2, 2)
    let width = inputs * columns * block + (inputs + 1) * spacing
    let height = outputs * rows * block + (outputs + 1) * spacing
    var canvas = Canvas(width: width, height: height, background: gap)
    let largest = scale(of: weights)

    for output in 0..<outputs {
      for input in 0..<inputs {
        let left = spacing + input * (columns * block + spacing)
        let top = spacing + output * (rows * block + spacing)
        let start = (output * inputs + input) * rows * columns
        for tap in 0..<(rows * columns) {
          canvas.fill(
            x: left + (tap % columns) * block, y: top + (tap / columns) * block, width: block,
            height: block, colour: colour(of: weights.scalars[start + tap] / largest))
        }
      }
    }
    return PNGImage(pixels: canvas.tensor, layout: .rgb, bitDepth: 8)
  }

  /// Blends white towards blue (t = -1) or red (t = 1).
  private static func colour(of t: Float) -> Colour {
    let amount = min(abs(t), 1)
    let end = t < 0 ? negative : positive
    return Colour(
      1 + amount * (end.red - 1), 1 + amount * (end.green - 1), 1 + amount * (end.blue - 1))
  }
}
