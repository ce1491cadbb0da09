import Dispatch

/// The timings of one workload at one thread count.
struct Measurement {
  let workload: String
  let threads: Int
  let milliseconds: [Double]
  let megapixels: Double
  let bytesMoved: Double
  let peakResidentMegabytes: Double?
  let checksum: Double

  var medianMilliseconds: Double {
    let sorted = milliseconds.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }

  var megapixelsPerSecond: Double { megapixels / (medianMilliseconds / 1000) }

  var gigabytesPerSecond: Double { bytesMoved / 1e9 / (medianMilliseconds / 1000) }
}

/// Runs `body` `runs` times after one warm-up run and returns the wall-clock milliseconds of
/// each timed run and the checksum of the last one, which keeps the work from being
/// optimised away.
func time(runs: Int, _ body: () -> Double) -> (milliseconds: [Double], checksum: Double) {
  var checksum = body()
  var milliseconds: [Double] = []
  let clock = ContinuousClock()
  for _ in 0..<runs {
    let start = clock.now
    checksum = body()
    let elapsed = clock.now - start
    milliseconds.append(
      Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
  }
  return (milliseconds, checksum)
}

/// Returns the sum of every 4096th value: enough to depend on the whole result, cheap to
/// compute.
func checksum(_ values: UnsafeBufferPointer<Float>) -> Double {
  var sum = 0.0
  for index in stride(from: 0, to: values.count, by: 4096) {
    sum += Double(values[index])
  }
  return sum
}

/// Fills `count` floats in [0, 1) from a fixed xorshift sequence, so every run filters the
/// same data.
func pseudoRandomFloats(count: Int, seed: UInt64) -> [Float] {
  var state = seed | 1
  return (0..<count).map { _ in
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    return Float(state >> 40) / Float(1 << 24)
  }
}

/// Copies `source` into `target` split across `threads` threads: the memory bandwidth floor
/// every filter that reads the image once and writes it once is measured against.
func copyImage(_ source: [Float], into target: inout [Float], threads: Int) {
  let count = source.count
  let chunk = (count + threads - 1) / threads
  source.withUnsafeBufferPointer { from in
    target.withUnsafeMutableBufferPointer { to in
      let (fromBase, toBase) = (SendableAddress(from.baseAddress!), SendableMutableAddress(to.baseAddress!))
      DispatchQueue.concurrentPerform(iterations: threads) { part in
        let start = part * chunk
        let end = min(count, start + chunk)
        guard start < end else { return }
        (toBase.pointer + start).update(from: fromBase.pointer + start, count: end - start)
      }
    }
  }
}

struct SendableAddress: @unchecked Sendable {
  let pointer: UnsafePointer<Float>
  init(_ pointer: UnsafePointer<Float>) { self.pointer = pointer }
}

struct SendableMutableAddress: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<Float>
  init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
