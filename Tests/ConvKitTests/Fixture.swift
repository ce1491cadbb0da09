import Foundation

/// Loads JSON fixtures from this test target's `Fixtures` folder.
enum Fixture {
  static func data(_ name: String) throws -> Data {
    let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)!
    return try Data(contentsOf: url)
  }

  static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
    try JSONDecoder().decode(T.self, from: data(name))
  }

  /// Returns the `cases` array of the fixture `name`, or no cases when it cannot be read.
  /// Each suite has a test that counts its cases, so a missing fixture fails there.
  static func cases<Case: Decodable>(_ type: Case.Type, from name: String) -> [Case] {
    (try? decode(Cases<Case>.self, from: name).cases) ?? []
  }

  /// A fixture file whose top level is `{"cases": [...]}`.
  private struct Cases<Case: Decodable>: Decodable {
    let cases: [Case]
  }
}

/// Returns `max|actual - expected| / max(max|expected|, 1e-12)`, the error relative to the
/// largest reference value, which is how Float results are compared with float64
/// references.
func relativeError(_ actual: [Float], _ expected: [Double]) -> Double {
  precondition(actual.count == expected.count, "\(actual.count) values against \(expected.count)")
  let scale = max(expected.map(abs).max() ?? 0, 1e-12)
  let difference = zip(actual, expected).map { abs(Double($0) - $1) }.max() ?? 0
  return difference / scale
}

/// A deterministic generator (SplitMix64), so random test tensors are the same every run.
struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) {
    state = seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func tensor(_ shape: [Int]) -> [Float] {
    (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1, using: &self) }
  }
}
