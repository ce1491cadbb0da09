import ConvKit
import ConvKitPNG

/// Makes the end-to-end test file: `SampleImages/astronaut.png` enlarged to `size` x `size`
/// by bilinear interpolation, with seeded noise of up to ±3 levels added so the file
/// compresses like a photograph rather than like a smooth enlargement. Written as 8-bit RGB
/// at zlib level 6.
func makeTestImage(size: Int, path: String) throws {
  let repository = String(#filePath.split(separator: "/").dropLast(3).joined(separator: "/"))
  let source = try PNGImage(contentsOf: "/" + repository + "/SampleImages/astronaut.png")
  let (channels, height, width) = (3, source.pixels.shape[1], source.pixels.shape[2])
  let noise = pseudoRandomFloats(count: size * size, seed: 7)
  var pixels = [Float](repeating: 0, count: channels * size * size)

  for y in 0..<size {
    let sourceY = (Double(y) + 0.5) * Double(height) / Double(size) - 0.5
    let y0 = min(max(Int(sourceY.rounded(.down)), 0), height - 1)
    let y1 = min(y0 + 1, height - 1)
    let fy = Float(min(max(sourceY - Double(y0), 0), 1))
    for x in 0..<size {
      let sourceX = (Double(x) + 0.5) * Double(width) / Double(size) - 0.5
      let x0 = min(max(Int(sourceX.rounded(.down)), 0), width - 1)
      let x1 = min(x0 + 1, width - 1)
      let fx = Float(min(max(sourceX - Double(x0), 0), 1))
      let jitter = (noise[y * size + x] - 0.5) * 6 / 255
      for c in 0..<channels {
        let plane = c * height * width
        let top = source.pixels.scalars[plane + y0 * width + x0] * (1 - fx)
          + source.pixels.scalars[plane + y0 * width + x1] * fx
        let bottom = source.pixels.scalars[plane + y1 * width + x0] * (1 - fx)
          + source.pixels.scalars[plane + y1 * width + x1] * fx
        pixels[(c * size + y) * size + x] = top * (1 - fy) + bottom * fy + jitter
      }
    }
  }

  let image = PNGImage(
    pixels: Tensor(shape: [channels, size, size], scalars: pixels), layout: .rgb, bitDepth: 8,
    colorSpace: source.colorSpace)
  try image.write(to: path)
}
