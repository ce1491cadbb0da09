import ConvKit
import Testing

/// Filtering an image band by band, each band with the rows its kernel reaches, gives the
/// rows of filtering the whole image.
@Suite("Filtering in bands")
struct BandFilteringTests {
  static let filters: [(String, ImageFilter)] = [
    ("sobel magnitude, reflect101", ImageFilter(filter: .gradientMagnitude(x: .sobelX, y: .sobelY))),
    ("sharpen, symmetric", ImageFilter(filter: .kernel(.sharpen), border: .symmetric)),
    ("gaussian 7x7, replicate", ImageFilter(filter: .kernel(try! .gaussian(sigma: 1.2)), border: .replicate)),
    ("box 9x9", ImageFilter(filter: .kernel(try! .box(size: 9)))),
    ("tall 5x1 kernel, abs", ImageFilter(
      filter: .kernel(try! Kernel(rows: 5, columns: 1, values: [1, -2, 3, -2, 1])), mapping: .abs)),
    ("15x15 random, FFT or direct", ImageFilter(filter: .kernel(Self.randomKernel(size: 15)))),
  ]

  @Test("bands equal whole image", arguments: filters.map(\.0), [false, true])
  func bandsEqualWholeImage(name: String, hasAlpha: Bool) throws {
    let filter = Self.filters.first { $0.0 == name }!.1
    let image = Self.randomImage(channels: hasAlpha ? 4 : 3, height: 61, width: 37)
    let whole = try filter.apply(to: image, hasAlpha: hasAlpha)

    #expect(filter.canFilterBands)
    var bands: [Tensor] = []
    for first in stride(from: 0, to: 61, by: 13) {
      bands.append(try filter.apply(toBand: Self.band(of: image, rows: first..<min(first + 13, 61), filter: filter), hasAlpha: hasAlpha))
    }
    let joined = Tensor(joiningRows: bands)

    #expect(joined.shape == whole.shape)
    let difference = zip(joined.scalars, whole.scalars).map { abs($0 - $1) }.max() ?? 0
    #expect(difference <= 1e-5, "largest difference \(difference)")
  }

  @Test("aligned bands match bit for bit", arguments: [
    ("box 41x41, running sums", Filter.kernel(try! .box(size: 41))),
    ("random 21x21, FFT", Filter.kernel(Self.randomKernel(size: 21))),
    ("sharpen, direct", Filter.kernel(.sharpen)),
  ])
  func alignedBandsAreExact(name: String, filter: Filter) throws {
    let imageFilter = ImageFilter(filter: filter)
    let image = Self.randomImage(channels: 2, height: 300, width: 70)
    let whole = try imageFilter.apply(to: image, hasAlpha: false)
    let alignment = try imageFilter.bandAlignment(imageShape: image.shape, hasAlpha: false)

    var bands: [Tensor] = []
    for first in stride(from: 0, to: 300, by: alignment) {
      let rows = first..<min(first + alignment, 300)
      bands.append(try imageFilter.apply(toBand: Self.band(of: image, rows: rows, filter: imageFilter), hasAlpha: false))
    }

    #expect(name.hasSuffix("direct") == (alignment == 1), "alignment \(alignment)")
    #expect(Tensor(joiningRows: bands).scalars == whole.scalars)
  }

  @Test("whole-image filters reject bands")
  func wholeImageFilters() {
    #expect(!ImageFilter(filter: .kernel(.sharpen), border: .zero).canFilterBands)
    #expect(!ImageFilter(filter: .kernel(.sharpen), border: .wrap).canFilterBands)
    #expect(!ImageFilter(filter: .kernel(.sharpen), mapping: .normalize).canFilterBands)
    let uneven = Filter.gradientMagnitude(x: .sobelX, y: try! Kernel(rows: 5, columns: 1, values: [1, 2, 0, -2, -1]))
    #expect(!ImageFilter(filter: uneven).canFilterBands)
  }

  @Test("row reach follows kernel rows")
  func rowReach() throws {
    #expect(ImageFilter(filter: .kernel(.sobelX)).rowReach == (1, 1))
    #expect(ImageFilter(filter: .kernel(try .box(size: 4))).rowReach == (2, 1))
    #expect(ImageFilter(filter: .kernel(try Kernel(rows: 1, columns: 9, values: Array(repeating: 1, count: 9)))).rowReach == (0, 0))
  }

  /// Returns the input band for output rows `rows`: the rows the kernel reaches above and
  /// below, with rows outside the image replaced by the rows the border copies.
  static func band(of image: Tensor, rows: Range<Int>, filter: ImageFilter) -> Tensor {
    let (channels, height, width) = (image.shape[0], image.shape[1], image.shape[2])
    let reach = filter.rowReach
    let sources = ((rows.lowerBound - reach.above)..<(rows.upperBound + reach.below)).map {
      filter.border.sourceIndex(of: $0, size: height)!
    }
    var scalars: [Float] = []
    for channel in 0..<channels {
      for source in sources {
        let start = (channel * height + source) * width
        scalars += image.scalars[start..<(start + width)]
      }
    }
    return Tensor(shape: [channels, sources.count, width], scalars: scalars)
  }

  /// Returns an image of values in [0, 1] with some zeros, so that alpha has transparent pixels.
  static func randomImage(channels: Int, height: Int, width: Int) -> Tensor {
    var random = SeededRandom(seed: 7)
    let scalars = (0..<(channels * height * width)).map { _ in
      Float(random.next() % 1000) / 999
    }
    return Tensor(shape: [channels, height, width], scalars: scalars.map { $0 < 0.1 ? 0 : $0 })
  }

  static func randomKernel(size: Int) -> Kernel {
    var random = SeededRandom(seed: 11)
    let values = (0..<(size * size)).map { _ in Float(random.next() % 200) / 100 - 1 }
    return try! Kernel(rows: size, columns: size, values: values)
  }
}
