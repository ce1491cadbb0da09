import ConvKit

/// An RGB colour with components in [0, 1].
struct Colour {
  let red: Float
  let green: Float
  let blue: Float

  init(_ red: Float, _ green: Float, _ blue: Float) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  static let white = Colour(1, 1, 1)
}

/// An RGB raster to draw the plots into: filled rectangles and one-pixel lines.
struct Canvas {
  let width: Int
  let height: Int

  /// `[3, height, width]`, values in [0, 1].
  private(set) var tensor: Tensor

  init(width: Int, height: Int, background: Colour) {
    self.width = width
    self.height = height
    let plane = width * height
    let scalars =
      [Float](repeating: background.red, count: plane)
      + [Float](repeating: background.green, count: plane)
      + [Float](repeating: background.blue, count: plane)
    tensor = Tensor(shape: [3, height, width], scalars: scalars)
  }

  /// Sets one pixel; points outside the canvas are ignored.
  mutating func plot(_ x: Int, _ y: Int, colour: Colour) {
    guard x >= 0, x < width, y >= 0, y < height else { return }
    let plane = width * height
    let index = y * width + x
    tensor.scalars[index] = colour.red
    tensor.scalars[plane + index] = colour.green
    tensor.scalars[2 * plane + index] = colour.blue
  }

  /// Fills the rectangle with corner `(x, y)` and the given size.
  mutating func fill(x: Int, y: Int, width: Int, height: Int, colour: Colour) {
    for row in y..<(y + height) {
      for column in x..<(x + width) {
        plot(column, row, colour: colour)
      }
    }
  }

  /// Draws a one-pixel line between two points, both included (Bresenham's algorithm).
  mutating func line(from start: (Int, Int), to end: (Int, Int), colour: Colour) {
    var (x, y) = start
    let dx = abs(end.0 - x)
    let dy = -abs(end.1 - y)
    let stepX = x < end.0 ? 1 : -1
    let stepY = y < end.1 ? 1 : -1
    var error = dx + dy

    while true {
      plot(x, y, colour: colour)
      if x == end.0 && y == end.1 { break }
      let doubled = 2 * error
      if doubled >= dy {
        error += dy
        x += stepX
      }
      if doubled <= dx {
        error += dx
        y += stepY
      }
    }
  }
}
