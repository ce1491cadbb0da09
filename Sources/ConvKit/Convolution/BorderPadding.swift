/// Extends a `[N, C, D, H, W]` volume by padding, and folds a gradient of the padded volume
/// back onto the samples the padding copied.
///
/// Each axis gets a map from padded position to source index (`-1` for the constant), built
/// once, so no per-sample border test runs in the copy loops.
struct BorderPadding {
  let planes: Int
  let inputSize: [Int]
  let paddedSize: [Int]
  let border: BorderMode
  private let sourceMaps: [[Int]]

  init(planes: Int, inputSize: [Int], padding: [AxisPadding], border: BorderMode) {
    self.planes = planes
    self.inputSize = inputSize
    self.border = border
    self.paddedSize = (0..<3).map { inputSize[$0] + padding[$0].total }
    self.sourceMaps = (0..<3).map { axis in
      (0..<(inputSize[axis] + padding[axis].total)).map { position in
        border.sourceIndex(of: position - padding[axis].before, size: inputSize[axis]) ?? -1
      }
    }
  }

  /// Returns the padded copy of `input`, which holds `planes` volumes of `inputSize`.
  ///
  /// - Complexity: O(planes × padded volume).
  func pad(_ input: [Float]) -> [Float] {
    let (pd, ph, pw) = (paddedSize[0], paddedSize[1], paddedSize[2])
    let (id, ih, iw) = (inputSize[0], inputSize[1], inputSize[2])
    let constant = border.constantValue
    var padded = [Float](repeating: constant, count: planes * pd * ph * pw)
    let (mapD, mapH, mapW) = (sourceMaps[0], sourceMaps[1], sourceMaps[2])

    input.withUnsafeBufferPointer { source in
      padded.withUnsafeMutableBufferPointer { target in
        for plane in 0..<planes {
          for z in 0..<pd where mapD[z] >= 0 {
            for y in 0..<ph where mapH[y] >= 0 {
              let sourceRow = ((plane * id + mapD[z]) * ih + mapH[y]) * iw
              let targetRow = ((plane * pd + z) * ph + y) * pw
              for x in 0..<pw where mapW[x] >= 0 {
                target[targetRow + x] = source[sourceRow + mapW[x]]
              }
            }
          }
        }
      }
    }
    return padded
  }

  /// Returns the gradient with respect to the unpadded input, given the gradient with
  /// respect to the padded volume: each padded sample adds its gradient to the sample it
  /// copied, and constant samples drop theirs.
  ///
  /// - Complexity: O(planes × padded volume).
  func fold(_ paddedGradient: [Float]) -> [Float] {
    let (pd, ph, pw) = (paddedSize[0], paddedSize[1], paddedSize[2])
    let (id, ih, iw) = (inputSize[0], inputSize[1], inputSize[2])
    var gradient = [Float](repeating: 0, count: planes * id * ih * iw)
    let (mapD, mapH, mapW) = (sourceMaps[0], sourceMaps[1], sourceMaps[2])

    paddedGradient.withUnsafeBufferPointer { source in
      gradient.withUnsafeMutableBufferPointer { target in
        for plane in 0..<planes {
          for z in 0..<pd where mapD[z] >= 0 {
            for y in 0..<ph where mapH[y] >= 0 {
              let targetRow = ((plane * id + mapD[z]) * ih + mapH[y]) * iw
              let sourceRow = ((plane * pd + z) * ph + y) * pw
              for x in 0..<pw where mapW[x] >= 0 {
                target[targetRow + mapW[x]] += source[sourceRow + x]
              }
            }
          }
        }
      }
    }
    return gradient
  }
}
