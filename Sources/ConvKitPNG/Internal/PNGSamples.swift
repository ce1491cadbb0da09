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
    let step = channels * bytesPerSample
    let scalars = [Float](unsafeUninitializedCapacity: plane * channels) { scalars, initialized in
      samples.withUnsafeBufferPointer { samples in
        for channel in 0..<channels {
          let source = samples.baseAddress! + channel * bytesPerSample
          let destination = scalars.baseAddress! + channel * plane
          for pixel in 0..<plane {
            let sample = source + pixel * step
            let value = bytesPerSample == 2 ? Int(sample[0]) << 8 | Int(sample[1]) : Int(sample[0])
            destination[pixel] = Float(value) / scale
          }
        }
      }
      initialized = plane * channels
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
          let source = scalars.baseAddress! + channel * plane
          let target = samples.baseAddress! + channel * bytesPerSample
          let step = channels * bytesPerSample
          var pixel = 0
          while pixel + 8 <= plane {
            let values = quantize(
              UnsafeRawPointer(source + pixel).loadUnaligned(as: SIMD8<Float>.self), scale: scale)
            for lane in 0..<8 {
              store(Int(values[lane]), to: target + (pixel + lane) * step, bytes: bytesPerSample)
            }
            pixel += 8
          }
          while pixel < plane {
            store(quantize(source[pixel], scale: scale), to: target + pixel * step, bytes: bytesPerSample)
            pixel += 1
          }
        }
      }
    }
    return samples
  }

  /// Writes one sample: one byte, or two bytes big-endian.
  @inline(__always)
  private static func store(_ value: Int, to target: UnsafeMutablePointer<UInt8>, bytes: Int) {
    if bytes == 2 {
      target[0] = UInt8(truncatingIfNeeded: value >> 8)
      target[1] = UInt8(truncatingIfNeeded: value)
    } else {
      target[0] = UInt8(truncatingIfNeeded: value)
    }
  }

  /// Returns `quantize(_:scale:)` of each lane, as whole numbers in floats, computed with
  /// the same float operations.
  ///
  /// `scale` is at most 65535, so adding and subtracting 2^23 rounds a scaled value to the
  /// nearest whole number, which a comparison turns into its floor. The standard library's
  /// float-to-integer conversion of SIMD vectors converts lane by lane with range checks,
  /// which made it the slowest step of writing a PNG.
  @inline(__always)
  static func quantize(_ values: SIMD8<Float>, scale: Float) -> SIMD8<Float> {
    let numbers = values.replacing(with: 0, where: values .!= values)
    let clamped = numbers.replacing(with: 0, where: numbers .< 0).replacing(with: 1, where: numbers .> 1)
    let scaled = clamped * scale
    let shift = SIMD8<Float>(repeating: 8_388_608)
    let nearest = (scaled + shift) - shift
    let floor = nearest.replacing(with: nearest - 1, where: nearest .> scaled)
    return floor.replacing(with: floor + 1, where: scaled - floor .>= 0.5)
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
