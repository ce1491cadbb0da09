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
    var padded = [Float](repeating: border.constantValue, count: planes * paddedSize.reduce(1, *))
    let mapW = sourceMaps[2]

    input.withUnsafeBufferPointer { source in
      padded.withUnsafeMutableBufferPointer { target in
        forEachCopiedRow { inputRow, paddedRow in
          for x in 0..<paddedSize[2] where mapW[x] >= 0 {
            target[paddedRow + x] = source[inputRow + mapW[x]]
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
    var gradient = [Float](repeating: 0, count: planes * inputSize.reduce(1, *))
    let mapW = sourceMaps[2]

    paddedGradient.withUnsafeBufferPointer { source in
      gradient.withUnsafeMutableBufferPointer { target in
        forEachCopiedRow { inputRow, paddedRow in
          for x in 0..<paddedSize[2] where mapW[x] >= 0 {
            target[inputRow + mapW[x]] += source[paddedRow + x]
          }
        }
      }
    }
    return gradient
  }

  /// Calls `body` for each padded row that copies an input row (not a constant one), in
  /// order, with the offsets of the input row and of the padded row.
  private func forEachCopiedRow(_ body: (_ inputRow: Int, _ paddedRow: Int) -> Void) {
    let (pd, ph, pw) = (paddedSize[0], paddedSize[1], paddedSize[2])
    let (id, ih, iw) = (inputSize[0], inputSize[1], inputSize[2])
    let (mapD, mapH) = (sourceMaps[0], sourceMaps[1])
    for plane in 0..<planes {
      for z in 0..<pd where mapD[z] >= 0 {
        for y in 0..<ph where mapH[y] >= 0 {
          body(((plane * id + mapD[z]) * ih + mapH[y]) * iw, ((plane * pd + z) * ph + y) * pw)
        }
      }
    }
  }
}
