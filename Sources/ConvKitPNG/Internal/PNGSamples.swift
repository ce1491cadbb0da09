import ConvKit

/// Conversions between interleaved PNG samples and `[channels, height, width]`
/// tensors of values in [0, 1].
///
/// Samples are one byte at 8 bits and two bytes big-endian at 16 bits, in
/// row-major `[height, width, channels]` order, as libpng reads and writes them.
enum PNGSamples {
  /// Returns the largest sample value at a bit depth: 255 or 65535.
  static func maxValue(bitDepth: Int) -> Int {
    (1 << bitDepth) - 1
  }

  /// Converts interleaved samples to a `[channels, height, width]` tensor.
  ///
  /// Each value is `Float(sample) / Float(2^bitDepth - 1)`, a single correctly
  /// rounded division, so an 8-bit 85 gives exactly `Float(1) / 3`.
  ///
  /// - Complexity: O(`samples.count`).
  static func tensor(
    interleaved samples: [UInt8], width: Int, height: Int, channels: Int, bitDepth: Int
  ) -> Tensor {
    let plane = width * height
    let bytesPerSample = bitDepth / 8
    let scale = Float(maxValue(bitDepth: bitDepth))
    var scalars = [Float](repeating: 0, count: plane * channels)

    for channel in 0..<channels {
      var source = channel * bytesPerSample
      let destination = channel * plane
      for pixel in 0..<plane {
        let value =
          bytesPerSample == 2
          ? Int(samples[source]) << 8 | Int(samples[source + 1]) : Int(samples[source])
        scalars[destination + pixel] = Float(value) / scale
        source += channels * bytesPerSample
      }
    }
    return Tensor(shape: [channels, height, width], scalars: scalars)
  }

  /// Converts a `[channels, height, width]` tensor to interleaved samples.
  ///
  /// Values are clamped to [0, 1], multiplied by `2^bitDepth - 1` and rounded
  /// to nearest with ties away from zero; NaN becomes 0.
  ///
  /// - Precondition: `tensor` has rank 3 and `bitDepth` is 8 or 16.
  /// - Complexity: O(`tensor.count`).
  static func interleaved(_ tensor: Tensor, bitDepth: Int) -> [UInt8] {
    let (channels, height, width) = (tensor.shape[0], tensor.shape[1], tensor.shape[2])
    let plane = width * height
    let bytesPerSample = bitDepth / 8
    let scale = Float(maxValue(bitDepth: bitDepth))
    var samples = [UInt8](repeating: 0, count: tensor.count * bytesPerSample)

    tensor.scalars.withUnsafeBufferPointer { scalars in
      samples.withUnsafeMutableBufferPointer { samples in
        for channel in 0..<channels {
          var destination = channel * bytesPerSample
          let source = channel * plane
          for pixel in 0..<plane {
            let value = quantize(scalars[source + pixel], scale: scale)
            if bytesPerSample == 2 {
              samples[destination] = UInt8(truncatingIfNeeded: value >> 8)
              samples[destination + 1] = UInt8(truncatingIfNeeded: value)
            } else {
              samples[destination] = UInt8(truncatingIfNeeded: value)
            }
            destination += channels * bytesPerSample
          }
        }
      }
    }
    return samples
  }

  /// Clamps a value to [0, 1] and scales it to an integer sample.
  ///
  /// Rounds half away from zero (`value * scale` 0.5 becomes 1); NaN gives 0.
  static func quantize(_ value: Float, scale: Float) -> Int {
    guard !value.isNaN else { return 0 }
    let scaled = min(max(value, 0), 1) * scale
    // For scaled >= 0 this equals scaled.rounded(.toNearestOrAwayFromZero), without the
    // call to roundf that baseline x86-64 makes for it: truncation is floor here, and the
    // difference scaled - floor is exact.
    let floor = Int(scaled)
    return scaled - Float(floor) >= 0.5 ? floor + 1 : floor
  }
}
