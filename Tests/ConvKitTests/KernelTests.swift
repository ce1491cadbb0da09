import ConvKit
import Foundation
import Testing

@Suite("Kernels")
struct KernelTests {
  @Test("gaussian default size and sum", arguments: [0.5, 1.0, 2.0, 3.3])
  func gaussian(sigma: Double) throws {
    let kernel = try Kernel.gaussian(sigma: sigma)
    let expectedSize = 2 * Int((3 * sigma).rounded(.up)) + 1

    #expect(kernel.rows == expectedSize)
    #expect(kernel.columns == expectedSize)
    #expect(abs(kernel.sum - 1) < 1e-5)
    #expect(kernel == kernel.flipped())
  }

  @Test("gaussian taps follow exp(-r^2 / 2 sigma^2)")
  func gaussianShape() throws {
    let kernel = try Kernel.gaussian(sigma: 1, size: 3)
    let edge = exp(-0.5)
    let total = (1 + 2 * edge) * (1 + 2 * edge)

    #expect(abs(Double(kernel[1, 1]) - 1 / total) < 1e-7)
    #expect(abs(Double(kernel[0, 1]) - edge / total) < 1e-7)
    #expect(abs(Double(kernel[0, 0]) - edge * edge / total) < 1e-7)
  }

  @Test("unsharp sums to 1 and is identity at amount 0")
  func unsharp() throws {
    let sharpening = try Kernel.unsharp(sigma: 1, amount: 1.5)
    let none = try Kernel.unsharp(sigma: 1, amount: 0)

    #expect(abs(sharpening.sum - 1) < 1e-5)
    #expect(none.values.filter { $0 != 0 } == [1])
  }

  @Test("every named kernel builds with its defaults")
  func namedKernels() throws {
    for named in NamedKernel.all {
      _ = try named.filter()
    }
    #expect(NamedKernel.all.count == Set(NamedKernel.all.map(\.name)).count)
  }

  @Test("unknown kernel name suggests the closest")
  func unknownName() {
    #expect(throws: KernelError.unknownName("sobl", suggestion: "sobel")) {
      try NamedKernel.named("sobl")
    }
  }

  @Test("parameter a kernel does not take is rejected")
  func unusedParameter() throws {
    let sobel = try NamedKernel.named("sobel")
    #expect(throws: KernelError.unusedParameter(kernel: "sobel", name: "--sigma", accepted: [])) {
      try sobel.filter(KernelParameters(sigma: 2))
    }
  }

  @Test("invalid parameters are rejected", arguments: [
    KernelParameters(sigma: -1), KernelParameters(sigma: 0), KernelParameters(size: 4, sigma: 1),
    KernelParameters(size: 0),
  ])
  func invalidGaussian(parameters: KernelParameters) throws {
    let gaussian = try NamedKernel.named("gaussian")
    #expect(throws: KernelError.self) {
      try gaussian.filter(parameters)
    }
  }
}

@Suite("Kernel parsing")
struct KernelParserTests {
  @Test("matrix string forms agree", arguments: [
    "1 2 1; 2 4 2; 1 2 1", "[1,2,1; 2,4,2; 1,2,1]", "1, 2, 1\n2, 4, 2\n1, 2, 1\n", "1 2 1 # top\n2 4 2\n\n1 2 1",
  ])
  func forms(text: String) throws {
    let kernel = try KernelParser.parse(text)
    #expect(kernel.matrix == [[1, 2, 1], [2, 4, 2], [1, 2, 1]])
  }

  @Test("ragged rows name the row")
  func ragged() {
    #expect(throws: KernelError.raggedRows(row: 2, count: 2, expected: 3)) {
      try KernelParser.parse("1 2 3; 4 5")
    }
  }

  @Test("NaN, infinity and words are rejected", arguments: ["1 nan", "inf 1", "1 -Infinity", "1 x 2", "1e999"])
  func invalidNumbers(text: String) {
    #expect(throws: KernelError.self) {
      try KernelParser.parse(text)
    }
  }

  @Test("empty matrix is rejected", arguments: ["", " ; ", "[]", "# only a comment"])
  func empty(text: String) {
    #expect(throws: KernelError.empty) {
      try KernelParser.parse(text)
    }
  }

  @Test("zero divisor and zero-sum normalisation are rejected")
  func scaling() throws {
    let kernel = try KernelParser.parse("-1 0 1")
    #expect(throws: KernelError.invalidDivisor(0)) { try kernel.divided(by: 0) }
    #expect(throws: KernelError.zeroSum) { try kernel.normalized() }
  }

  @Test("JSON kernel file round trip")
  func jsonRoundTrip() throws {
    let weights = Tensor(shape: [2, 1, 2, 3], scalars: [1, -2, 3.5, 0, 0.25, -1, 2, 2, 2, 1, 1, 1])
    let file = KernelFile(mode: .depthwise, weights: weights, bias: [0.5, -0.25], border: .wrap)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("convkit-kernel-\(UInt32.random(in: 0...UInt32.max)).json").path
    try file.encoded().write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }

    let decoded = try KernelParser.parseFile(atPath: path)

    #expect(decoded.mode == .depthwise)
    #expect(decoded.weights == weights)
    #expect(decoded.bias == [0.5, -0.25])
    #expect(decoded.border == .wrap)
  }

  @Test("JSON with a ragged kernel is rejected with the file name")
  func jsonRagged() throws {
    let data = Data(#"{"kernel": [[1, 2], [3]]}"#.utf8)
    #expect(throws: KernelError.invalidFile(path: "k.json", reason: "kernel row 2 has 1 weight but row 1 has 2; every row needs the same number")) {
      try KernelFile.decode(data, path: "k.json")
    }
  }
}

@Suite("Kernel parsing of other notations")
struct KernelNotationTests {
  @Test("nested lists read as rows", arguments: ["[[1, 2], [3, 4]]", "[[1,2],[3,4]]", "[[1 2]\n [3 4]]"])
  func nestedLists(text: String) throws {
    let kernel = try KernelParser.parse(text)
    #expect(kernel.matrix == [[1, 2], [3, 4]])
  }

  @Test("Windows line endings end rows")
  func crlf() throws {
    let kernel = try KernelParser.parse("1 2\r\n3 4\r\n")
    #expect(kernel.matrix == [[1, 2], [3, 4]])
  }

  @Test("two commas in a row are an empty weight")
  func emptyWeight() {
    #expect(throws: KernelError.emptyWeight(row: 2)) {
      try KernelParser.parse("1, 2; 3,, 4")
    }
  }
}
