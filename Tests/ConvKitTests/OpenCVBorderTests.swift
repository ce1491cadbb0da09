import ConvKit
import Testing

/// One case of `opencv-borders.json`: a same-size correlation by OpenCV's `filter2D` (or
/// `copyMakeBorder` plus a valid correlation for wrap), from
/// `Scripts/fixtures/make_filter_reference.py`.
struct OpenCVBorderCase: Decodable, CustomTestStringConvertible {
  let name: String
  let input: [[Double]]
  let kernel: [[Double]]
  let border: String
  let border_value: Double
  let output: [[Double]]

  var testDescription: String { name }
}

private let borderCases = Fixture.cases(OpenCVBorderCase.self, from: "opencv-borders.json")

@Suite("Border modes and anchors against OpenCV")
struct OpenCVBorderTests {
  @Test("fixture loads every case")
  func fixtureLoads() {
    #expect(borderCases.count >= 50)
  }

  @Test("same-size correlation", arguments: borderCases)
  func sameSize(_ reference: OpenCVBorderCase) throws {
    let rows = reference.input.count
    let columns = reference.input[0].count
    let image = Tensor(
      shape: [1, rows, columns], scalars: reference.input.flatMap { $0.map(Float.init) })
    let kernel = try Kernel(reference.kernel.map { $0.map(Float.init) })
    let border = reference.border == "constant"
      ? BorderMode.constant(Float(reference.border_value)) : BorderMode(name: reference.border)!

    let output = try image.correlated(with: kernel.weight, options: .filtering(border: border))

    #expect(output.shape == [1, rows, columns])
    #expect(relativeError(output.scalars, reference.output.flatMap { $0 }) < 1e-5)
  }
}
