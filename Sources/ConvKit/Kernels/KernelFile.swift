import Foundation

/// A kernel stored as JSON, as `convkit learn-kernel` writes it and `convkit filter
/// --kernel-file` reads it.
///
///     {
///       "format": "convkit-kernel", "version": 1,
///       "mode": "shared" | "depthwise" | "full",
///       "weights": [[[[...]]]],   // [C_out][C_in][rows][columns]
///       "bias": [...],            // one per output channel, optional
///       "border": "reflect101"    // optional
///     }
///
/// A hand-written file may give `"kernel": [[...]]` (one matrix for every channel) in
/// place of `mode` and `weights`, and `"divisor"` to divide every weight by.
public struct KernelFile: Equatable, Sendable {
  /// The rule that maps the weights to channels.
  public enum Mode: String, Codable, Sendable, CaseIterable {
    /// One kernel for every channel (`weights` is `[1][1][rows][columns]`).
    case shared

    /// One kernel per channel (`weights` is `[C][1][rows][columns]`).
    case depthwise

    /// Every output channel mixes every input channel (`weights` is `[C][C][rows][columns]`).
    case full
  }

  public var mode: Mode

  /// `[C_out, C_in, rows, columns]`.
  public var weights: Tensor

  /// One value per output channel; zeros when the file has none.
  public var bias: [Float]

  /// The border the kernel was learned with, if any.
  public var border: BorderMode?

  /// Extra top-level fields written along with the kernel, such as a training summary.
  public var details: [String: String]

  public init(
    mode: Mode, weights: Tensor, bias: [Float]? = nil, border: BorderMode? = nil,
    details: [String: String] = [:]
  ) {
    self.mode = mode
    self.weights = weights
    self.bias = bias ?? Array(repeating: 0, count: weights.shape[0])
    self.border = border
    self.details = details
  }

  /// A shared kernel with no bias.
  public init(kernel: Kernel) {
    self.init(mode: .shared, weights: kernel.weight)
  }

  /// The filter that applies these weights to an image.
  public var filter: Filter {
    let (rows, columns) = (weights.shape[2], weights.shape[3])
    let kernels = stride(from: 0, to: weights.count, by: rows * columns).map {
      try! Kernel(rows: rows, columns: columns, values: Array(weights.scalars[$0..<($0 + rows * columns)]))
    }
    switch mode {
    case .shared: return .kernel(kernels[0], bias: bias[0])
    case .depthwise: return .depthwise(kernels, bias: bias)
    case .full: return .full(weight: weights, bias: bias)
    }
  }

  /// Returns the JSON text of this file, with rows of weights on their own lines.
  public func encoded() -> String {
    let (rows, columns) = (weights.shape[2], weights.shape[3])
    var lines = ["{", "  \"format\": \"convkit-kernel\",", "  \"version\": 1,"]
    lines.append("  \"mode\": \"\(mode.rawValue)\",")
    if let border {
      lines.append("  \"border\": \"\(border)\",")
    }
    lines.append("  \"bias\": [\(bias.map { Self.number($0) }.joined(separator: ", "))],")
    for key in details.keys.sorted() {
      lines.append("  \(Self.quoted(key)): \(details[key]!),")
    }

    var outputs: [String] = []
    for output in 0..<weights.shape[0] {
      var inputs: [String] = []
      for input in 0..<weights.shape[1] {
        let start = (output * weights.shape[1] + input) * rows * columns
        let matrix = (0..<rows).map { row in
          let values = weights.scalars[(start + row * columns)..<(start + (row + 1) * columns)]
          return "        [" + values.map { Self.number($0) }.joined(separator: ", ") + "]"
        }
        inputs.append("      [\n" + matrix.joined(separator: ",\n") + "\n      ]")
      }
      outputs.append("    [\n" + inputs.joined(separator: ",\n") + "\n    ]")
    }
    lines.append("  \"weights\": [\n" + outputs.joined(separator: ",\n") + "\n  ]")
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  /// Returns the kernel file that JSON `data` describes.
  ///
  /// - Throws: `KernelError.invalidFile` naming `path` and what is wrong.
  public static func decode(_ data: Data, path: String) throws(KernelError) -> KernelFile {
    let stored: StoredKernelFile
    do {
      stored = try JSONDecoder().decode(StoredKernelFile.self, from: data)
    } catch {
      throw .invalidFile(path: path, reason: "invalid JSON: \(Self.describe(error))")
    }
    do {
      return try stored.kernelFile()
    } catch KernelError.invalidFile(_, let reason) {
      throw .invalidFile(path: path, reason: reason)
    } catch let error as KernelError {
      throw .invalidFile(path: path, reason: error.description)
    } catch {
      throw .invalidFile(path: path, reason: "\(error)")
    }
  }

  private static func number(_ value: Float) -> String {
    "\(value)"
  }

  private static func quoted(_ key: String) -> String {
    "\"" + key.replacingOccurrences(of: "\"", with: "'") + "\""
  }

  private static func describe(_ error: Error) -> String {
    switch error {
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
      DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
      let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
      let location = path.isEmpty ? "" : " at \(path.joined(separator: "."))"
      return context.debugDescription.lowercased().trimmingCharacters(in: ["."]) + location
    default:
      return "\(error)"
    }
  }
}

/// The JSON layout of `KernelFile`, before its shapes are checked.
private struct StoredKernelFile: Decodable {
  var mode: KernelFile.Mode?
  var kernel: [[Float]]?
  var weights: [[[[Float]]]]?
  var bias: [Float]?
  var border: String?
  var divisor: Float?

  func kernelFile() throws -> KernelFile {
    var file: KernelFile
    if let kernel, weights == nil {
      file = KernelFile(kernel: try Kernel(kernel))
    } else if let weights {
      file = KernelFile(mode: mode ?? .full, weights: try Self.tensor(weights), bias: bias)
    } else {
      throw KernelError.invalidFile(path: "", reason: "needs \"kernel\" or \"weights\"")
    }
    if let border {
      guard let parsed = BorderMode(name: border) else {
        throw KernelError.invalidParameter(
          kernel: "file", name: "border", value: border,
          expected: BorderMode.names.joined(separator: ", "))
      }
      file.border = parsed
    }
    if let divisor {
      file.weights = Tensor(
        shape: file.weights.shape,
        scalars: try Kernel(rows: 1, columns: file.weights.count, values: file.weights.scalars)
          .divided(by: divisor).values)
    }
    try Self.check(file, biasCount: bias?.count)
    return file
  }

  private static func tensor(_ weights: [[[[Float]]]]) throws -> Tensor {
    guard let firstOutput = weights.first, let firstInput = firstOutput.first else {
      throw KernelError.empty
    }
    let kernel = try Kernel(firstInput)
    var scalars: [Float] = []
    for output in weights {
      guard output.count == firstOutput.count else {
        throw KernelError.invalidFile(
          path: "", reason: "every output channel needs \(firstOutput.count) input kernels")
      }
      for input in output {
        let next = try Kernel(input)
        guard next.rows == kernel.rows, next.columns == kernel.columns else {
          throw KernelError.invalidFile(
            path: "", reason: "kernels differ in size: \(next.rows)x\(next.columns) "
              + "and \(kernel.rows)x\(kernel.columns)")
        }
        scalars += next.values
      }
    }
    return Tensor(
      shape: [weights.count, firstOutput.count, kernel.rows, kernel.columns], scalars: scalars)
  }

  private static func check(_ file: KernelFile, biasCount: Int?) throws {
    let shape = file.weights.shape
    if let biasCount, biasCount != shape[0] {
      throw KernelError.invalidFile(
        path: "", reason: "bias has \(biasCount) values for \(shape[0]) output channels")
    }
    if let index = file.bias.firstIndex(where: { !$0.isFinite }) {
      throw KernelError.invalidFile(path: "", reason: "bias value \(index + 1) is not finite")
    }
    switch file.mode {
    case .shared where shape[0] != 1 || shape[1] != 1:
      throw KernelError.invalidFile(path: "", reason: "mode shared needs weights [1][1][rows][columns], got \(shape)")
    case .depthwise where shape[1] != 1:
      throw KernelError.invalidFile(path: "", reason: "mode depthwise needs weights [C][1][rows][columns], got \(shape)")
    default:
      break
    }
  }
}
