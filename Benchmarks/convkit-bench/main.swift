// convkit-bench: fixed convolution workloads, timed in this process.
//
//   swift run -c release convkit-bench [--threads 1,2] [--runs 7] [--only NAME,...]
//     [--size 4096] [--gradient-size 512] [--png FILE] [--compression fast|small|LEVEL]
//     [--no-png] [--json FILE] [--portable]
//
// Prints, per workload and thread count, the median wall-clock time and megapixels per
// second. It also prints the bytes that must cross memory (input read once, output written
// once) per second, and that rate as a fraction of the rate of copying the image into an
// existing buffer on the same number of threads. --json also writes one JSON object per measurement to FILE.
// --portable runs the engine workloads with the portable row-sum loop instead of the fused
// multiply-add loop (see `VectorInstructions`); the end-to-end rows use convkit's default.

import ConvKit

#if canImport(Glibc)
  @preconcurrency import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

struct BenchmarkOptions {
  var threads = [1, 2]
  var runs = 7
  var only: Set<String>? = nil
  var size = 4096
  var gradientSize = 512
  var png: String? = nil
  var compression: String? = nil
  var endToEnd = true
  var json: String? = nil
  var instructions = VectorInstructions.automatic

  init(arguments: [String]) {
    var remaining = arguments[...]
    func value(_ option: String) -> String {
      guard let value = remaining.popFirst() else {
        fail("missing value after \(option)")
      }
      return value
    }
    while let argument = remaining.popFirst() {
      switch argument {
      case "--threads": threads = value(argument).split(separator: ",").compactMap { Int($0) }
      case "--runs": runs = Int(value(argument)) ?? runs
      case "--only": only = Set(value(argument).split(separator: ",").map(String.init))
      case "--size": size = Int(value(argument)) ?? size
      case "--gradient-size": gradientSize = Int(value(argument)) ?? gradientSize
      case "--png": png = value(argument)
      case "--compression": compression = value(argument)
      case "--no-png": endToEnd = false
      case "--json": json = value(argument)
      case "--portable": instructions = .portable
      case "-h", "--help":
        print("usage: convkit-bench [--threads 1,2] [--runs 7] [--only NAME,...] [--size 4096]")
        print("         [--gradient-size 512] [--png FILE] [--compression fast|small|LEVEL]")
        print("         [--no-png] [--json FILE] [--portable]")
        exit(0)
      default: fail("unknown option '\(argument)'; see --help")
      }
    }
    guard !threads.isEmpty, threads.allSatisfy({ $0 >= 1 }), runs >= 1, size >= 16 else {
      fail("invalid --threads, --runs or --size")
    }
  }
}

func fail(_ message: String) -> Never {
  var standardError = StandardError()
  print("convkit-bench: error: \(message)", to: &standardError)
  exit(64)
}

struct StandardError: TextOutputStream {
  mutating func write(_ string: String) {
    var bytes = Array(string.utf8)
    _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
  }
}

let options = BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst()))
let execution = ExecutionOptions(vectorInstructions: options.instructions)
var workloads = imageWorkloads(size: options.size, execution: execution)
  + [gradientWorkload(size: options.gradientSize, execution: execution)]
if options.endToEnd {
  let executable = CommandLine.arguments[0]
  let folder = executable.contains("/") ? String(executable[..<executable.lastIndex(of: "/")!]) : "."
  let image = options.png ?? "/tmp/convkit-bench-\(options.size).png"
  if access(image, R_OK) != 0 {
    do {
      try makeTestImage(size: options.size, path: image)
    } catch {
      fail("cannot make the test image \(image): \(error)")
    }
  }
  workloads += endToEndWorkloads(
    convkit: folder + "/convkit", image: image, size: options.size,
    compression: options.compression)
}
if let only = options.only {
  workloads = workloads.filter { only.contains($0.name) || only.contains("copy") && $0.name == "copy" }
}

// The memory bandwidth reference: copying the image into an existing buffer.
let copySource = pseudoRandomFloats(count: 3 * options.size * options.size, seed: 13)
var copyTarget = [Float](repeating: 0, count: copySource.count)
var copyRate: [Int: Double] = [:]
var measurements: [Measurement] = []
for threads in options.threads {
  let (milliseconds, _) = time(runs: options.runs) {
    copyImage(copySource, into: &copyTarget, threads: threads)
    return Double(copyTarget[copyTarget.count / 2])
  }
  let measurement = Measurement(
    workload: "copy", threads: threads, milliseconds: milliseconds,
    megapixels: Double(copySource.count) / 1e6,
    bytesMoved: Double(copySource.count * 2 * MemoryLayout<Float>.size),
    peakResidentMegabytes: nil, checksum: 0)
  copyRate[threads] = measurement.gigabytesPerSecond
  measurements.append(measurement)
}

for workload in workloads {
  for threads in workload.usesThreads ? options.threads : [0] {
    var peak: Double? = nil
    var result = 0.0
    let runs = workload.usesThreads ? options.runs : max(1, min(options.runs, 3))
    let (milliseconds, _) = time(runs: runs) {
      switch workload.run(threads) {
      case .checksum(let value):
        result = value
        return value
      case .process(let run):
        peak = max(peak ?? 0, run.peakResidentMegabytes)
        return run.milliseconds
      }
    }
    measurements.append(
      Measurement(
        workload: workload.name, threads: threads, milliseconds: milliseconds,
        megapixels: workload.megapixels, bytesMoved: workload.bytesMoved,
        peakResidentMegabytes: peak, checksum: result))
  }
}

func format(_ value: Double, _ decimals: Int) -> String {
  var scale = 1.0
  for _ in 0..<decimals { scale *= 10 }
  let rounded = (value * scale).rounded() / scale
  var text = "\(rounded)"
  if decimals == 0, text.hasSuffix(".0") { text.removeLast(2) }
  return text
}

if let path = options.json {
  var lines = ""
  for m in measurements {
    let peak = m.peakResidentMegabytes.map { format($0, 1) } ?? "null"
    lines +=
      "{\"workload\": \"\(m.workload)\", \"threads\": \(m.threads), "
      + "\"median_ms\": \(format(m.medianMilliseconds, 3)), "
      + "\"runs_ms\": [\(m.milliseconds.map { format($0, 3) }.joined(separator: ", "))], "
      + "\"megapixels_per_s\": \(format(m.megapixelsPerSecond, 1)), "
      + "\"gb_per_s\": \(format(m.gigabytesPerSecond, 2)), \"peak_rss_mb\": \(peak)}\n"
  }
  guard let file = fopen(path, "w") else {
    fail("cannot write \(path)")
  }
  fputs(lines, file)
  fclose(file)
}

let fused = execution.vectorInstructions == .automatic && VectorInstructions.fusedMultiplyAddAvailable
print("row sums: " + (fused ? "fused multiply-add loop (AVX2, FMA)" : "portable SIMD8 loop"))
print("workload            threads   median ms      MP/s     GB/s  of copy  peak RSS MB")
for m in measurements {
  let fraction = m.threads > 0 ? copyRate[m.threads].map { m.gigabytesPerSecond / $0 } : nil
  let columns = [
    m.workload.padding(18), (m.threads == 0 ? "all" : "\(m.threads)").leftPadding(7),
    format(m.medianMilliseconds, 1).leftPadding(11), format(m.megapixelsPerSecond, 0).leftPadding(9),
    format(m.gigabytesPerSecond, 2).leftPadding(8),
    (fraction.map { format($0 * 100, 0) + "%" } ?? "").leftPadding(8),
    (m.peakResidentMegabytes.map { format($0, 0) } ?? "").leftPadding(12),
  ]
  print(columns.joined(separator: " "))
}

extension String {
  func padding(_ width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
  func leftPadding(_ width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
