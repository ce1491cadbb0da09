/// The patch statistics of the problem: `G`, `c` and `s` of `PatchStatistics` for each
/// learned output kernel, read from the same padded input the correlation uses.
extension LearningProblem {
  /// Returns one `PatchStatistics` per learned output kernel, over the included target
  /// samples at `positions` (row-major indices into `H' × W'`), or at every position when
  /// `positions` is `nil`. Sums are divided by the number of included samples used.
  ///
  /// - Complexity: O(positions × C_out × T² / 2) for `T` parameters per output kernel.
  func patchStatistics(positions: [Int]?) -> [PatchStatistics] {
    var statistics = Array(
      repeating: PatchStatistics(size: parametersPerBlock), count: blockCount)
    var patch = [Double](repeating: usesBias ? 1 : 0, count: parametersPerBlock)
    var used = 0

    let allPositions = positions == nil ? outputHeight * outputWidth : 0
    for index in 0..<(positions?.count ?? allPositions) {
      let position = positions?[index] ?? index
      used += addSamples(at: position, to: &statistics, patch: &patch)
    }

    for block in statistics.indices {
      statistics[block].finish(dividingBy: used)
    }
    return statistics
  }

  /// Adds the included samples at one output position and returns how many there were.
  private func addSamples(
    at position: Int, to statistics: inout [PatchStatistics], patch: inout [Double]
  ) -> Int {
    let plane = outputHeight * outputWidth
    let (row, column) = (position / outputWidth, position % outputWidth)
    var added = 0

    switch mode {
    case .shared, .depthwise:
      for channel in 0..<inputChannels where included[channel * plane + position] {
        fillPatch(&patch, channels: channel..<(channel + 1), row: row, column: column)
        let block = mode == .shared ? 0 : channel
        add(patch, target: target[channel * plane + position], to: &statistics[block])
        added += 1
      }
    case .full:
      fillPatch(&patch, channels: 0..<inputChannels, row: row, column: column)
      for channel in 0..<outputChannels where included[channel * plane + position] {
        add(patch, target: target[channel * plane + position], to: &statistics[channel])
        added += 1
      }
    }
    return added
  }

  /// Writes the padded input samples under the kernel at one output position into the
  /// first taps of `patch`, channel after channel. The bias entry stays 1.
  private func fillPatch(_ patch: inout [Double], channels: Range<Int>, row: Int, column: Int) {
    var index = 0
    for channel in channels {
      for tapRow in 0..<kernelRows {
        let source = (channel * paddedHeight + row + tapRow) * paddedWidth + column
        for tapColumn in 0..<kernelColumns {
          patch[index] = Double(paddedInput[source + tapColumn])
          index += 1
        }
      }
    }
  }

  private func add(_ patch: [Double], target: Float, to statistics: inout PatchStatistics) {
    patch.withUnsafeBufferPointer { values in
      statistics.add(values, target: Double(target))
    }
  }
}
