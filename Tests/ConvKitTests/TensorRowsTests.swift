import ConvKit
import Testing

/// Cutting `[C, H, W]` tensors into rows and joining them again.
@Suite("Tensor rows")
struct TensorRowsTests {
  /// A `[2, 5, 3]` tensor whose value at (c, y, x) is `100c + 10y + x`.
  static let image: Tensor = {
    var scalars: [Float] = []
    for c in 0..<2 {
      for y in 0..<5 {
        for x in 0..<3 {
          scalars.append(Float(100 * c + 10 * y + x))
        }
      }
    }
    return Tensor(shape: [2, 5, 3], scalars: scalars)
  }()

  @Test("rows keep every channel")
  func rowsOfEveryChannel() {
    let band = Self.image.rows(1..<3)

    #expect(band.shape == [2, 2, 3])
    #expect(band.scalars == [10, 11, 12, 20, 21, 22, 110, 111, 112, 120, 121, 122])
  }

  @Test("joined rows rebuild the tensor")
  func joinedRowsRebuild() {
    let parts = [Self.image.rows(0..<2), Self.image.rows(2..<3), Self.image.rows(3..<5)]

    #expect(Tensor(joiningRows: parts) == Self.image)
  }

  @Test("all rows return the tensor")
  func allRows() {
    #expect(Self.image.rows(0..<5) == Self.image)
  }
}
