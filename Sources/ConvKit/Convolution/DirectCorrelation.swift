/// The direct cross-correlation loop over contiguous `[N, C, D, H, W]` storage with no
/// padding:
///
///     out[n, co, o] = bias[co] + Σ_ci Σ_t w[co, ci, t] · x[n, g·C_in/G + ci, o·s + t·d]
///
/// where `g` is the group of output channel `co`, `t` runs over the kernel taps and `o`
/// over output positions (both three-dimensional).
///
/// The loops visit one kernel tap at a time and sweep a whole output row with it, so the
/// innermost loop is a multiply-add over contiguous memory when the width stride is 1.
struct DirectCorrelation {
  let batch: Int
  let inputChannels: Int
  let outputChannels: Int
  let groups: Int
  let inputSize: [Int]
  let kernelSize: [Int]
  let stride: [Int]
  let dilation: [Int]
  let outputSize: [Int]

  /// Returns the correlation of `input` (`[N, C_in, inputSize]`) with `weight`
  /// (`[C_out, C_in / groups, kernelSize]`), plus `bias` per output channel.
  ///
  /// - Complexity: O(N × C_out × C_in / groups × kernel taps × output positions).
  func run(input: [Float], weight: [Float], bias: [Float]?) -> [Float] {
    let outputVolume = outputSize[0] * outputSize[1] * outputSize[2]
    var output = [Float](repeating: 0, count: batch * outputChannels * outputVolume)

    input.withUnsafeBufferPointer { x in
      weight.withUnsafeBufferPointer { w in
        output.withUnsafeMutableBufferPointer { y in
          for n in 0..<batch {
            for co in 0..<outputChannels {
              let plane = y.baseAddress! + (n * outputChannels + co) * outputVolume
              plane.update(repeating: bias?[co] ?? 0, count: outputVolume)
              accumulate(into: plane, batchIndex: n, outputChannel: co, x: x, w: w)
            }
          }
        }
      }
    }
    return output
  }

  private func accumulate(
    into plane: UnsafeMutablePointer<Float>, batchIndex n: Int, outputChannel co: Int,
    x: UnsafeBufferPointer<Float>, w: UnsafeBufferPointer<Float>
  ) {
    let groupInputs = inputChannels / groups
    let group = co / (outputChannels / groups)
    let (kd, kh, kw) = (kernelSize[0], kernelSize[1], kernelSize[2])
    let (id, ih, iw) = (inputSize[0], inputSize[1], inputSize[2])
    let (od, oh, ow) = (outputSize[0], outputSize[1], outputSize[2])
    let taps = kd * kh * kw

    for ci in 0..<groupInputs {
      let channel = group * groupInputs + ci
      let volume = x.baseAddress! + (n * inputChannels + channel) * id * ih * iw
      let kernel = w.baseAddress! + (co * groupInputs + ci) * taps

      for tz in 0..<kd {
        for ty in 0..<kh {
          for tx in 0..<kw {
            let tap = kernel[(tz * kh + ty) * kw + tx]
            for z in 0..<od {
              let inputZ = z * stride[0] + tz * dilation[0]
              for y in 0..<oh {
                let inputY = y * stride[1] + ty * dilation[1]
                let source = volume + (inputZ * ih + inputY) * iw + tx * dilation[2]
                let target = plane + (z * oh + y) * ow
                multiplyAdd(tap, source, stride: stride[2], into: target, count: ow)
              }
            }
          }
        }
      }
    }
  }

  /// `target[i] += tap * source[i * stride]` for `i` in `0..<count`.
  @inline(__always)
  private func multiplyAdd(
    _ tap: Float, _ source: UnsafePointer<Float>, stride: Int,
    into target: UnsafeMutablePointer<Float>, count: Int
  ) {
    if stride == 1 {
      for i in 0..<count {
        target[i] += tap * source[i]
      }
    } else {
      for i in 0..<count {
        target[i] += tap * source[i * stride]
      }
    }
  }
}
