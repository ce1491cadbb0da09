import ConvKit

extension PNGImage {
  /// The largest image decoded when no limit is given: 2^28 = 268,435,456
  /// pixels (256 Mi pixels, for example 16384 x 16384).
  ///
  /// Decoding keeps the samples as 32-bit floats, 4 to 16 bytes per pixel,
  /// so an RGBA image at this limit takes 4 GiB as a tensor alone.
  public static let defaultMaximumPixels = 1 << 28

  /// The largest pixel limit that means anything: 2^59 - 1. Beyond it, the
  /// byte count of a decoded RGBA tensor (16 bytes per pixel) overflows `Int`,
  /// so a larger `maximumPixels` acts as this one.
  public static let largestPixelLimit = Int.max / 16

  /// Reads and decodes the PNG file at `path`.
  ///
  /// Reads the signature and IHDR chunk first and stops there if the image
  /// has more than `maximumPixels` pixels, so a small file that declares a
  /// huge image, or a huge file, is rejected without reading it all. A file
  /// that is not a PNG is read no further than 64 KiB.
  ///
  /// - Parameters:
  ///   - path: a file path; it is named in any error.
  ///   - maximumPixels: the largest width * height to decode, at least 1.
  /// - Throws: `PNGError.tooLarge` for an image over the limit, and
  ///   `PNGError.cannotRead` if the file is missing, a directory, empty,
  ///   unreadable or not a valid PNG (with libpng's message).
  public init(
    contentsOf path: String, maximumPixels: Int = PNGImage.defaultMaximumPixels
  ) throws(PNGError) {
    let limit = Self.pixelLimit(maximumPixels)
    self = try Self.decode(Self.fileBytes(path, maximumPixels: limit), name: path, maximumPixels: limit)
  }

  /// Returns the bytes of the PNG file at `path`, reading no more than its declared size
  /// allows, as `init(contentsOf:maximumPixels:)` describes.
  ///
  /// - Throws: `PNGError.tooLarge` or `PNGError.cannotRead` naming `path`.
  static func fileBytes(_ path: String, maximumPixels: Int) throws(PNGError) -> [UInt8] {
    let file: (descriptor: Int32, size: Int?)
    do {
      file = try POSIXFile.openForReading(path)
    } catch {
      throw .cannotRead(path: path, reason: error.text)
    }
    defer { POSIXFile.closeDescriptor(file.descriptor) }

    return try readBytes(file.descriptor, size: file.size, name: path, maximumPixels: maximumPixels)
  }

  /// Reads and decodes a PNG from an open file descriptor, such as standard
  /// input (0), until its end. The descriptor stays open.
  ///
  /// Checks the size as `init(contentsOf:maximumPixels:)` does, so an endless
  /// stream is never read into memory.
  ///
  /// - Parameters:
  ///   - descriptor: a descriptor open for reading.
  ///   - name: the name to show in errors, such as `<stdin>`.
  ///   - maximumPixels: the largest width * height to decode, at least 1.
  /// - Throws: `PNGError.tooLarge` or `PNGError.cannotRead` naming `name`.
  public init(
    fileDescriptor descriptor: Int32, name: String,
    maximumPixels: Int = PNGImage.defaultMaximumPixels
  ) throws(PNGError) {
    self = try Self.read(descriptor, size: nil, name: name, maximumPixels: maximumPixels)
  }

  /// Decodes a PNG held in memory.
  ///
  /// - Parameters:
  ///   - bytes: the whole PNG file; nothing may follow its IEND chunk.
  ///   - name: the file name to show in errors, such as `-` or a path.
  ///   - maximumPixels: the largest width * height to decode, at least 1.
  /// - Returns: the image, with its file's layout, depth and colour space.
  /// - Throws: `PNGError.tooLarge` if the IHDR chunk declares more than
  ///   `maximumPixels` pixels, checked before any pixel memory is allocated.
  ///   `PNGError.cannotRead` naming `name`, with libpng's message, for any
  ///   other problem, such as a CRC error in any chunk, data after IEND, a
  ///   truncated file or a damaged zlib stream.
  public static func decode(
    _ bytes: [UInt8], name: String, maximumPixels: Int = PNGImage.defaultMaximumPixels
  ) throws(PNGError) -> PNGImage {
    guard !bytes.isEmpty else {
      throw .cannotRead(path: name, reason: "file is empty")
    }

    let limit = Self.pixelLimit(maximumPixels)
    let decoded: LibPNG.Decoded
    do {
      decoded = try LibPNG.decode(bytes, maximumPixels: limit)
    } catch {
      throw Self.error(error, name: name, maximumPixels: limit, bytes: bytes)
    }

    return PNGImage(decoded)
  }

  /// Reads a PNG from `descriptor` without reading more than its declared
  /// size allows, then decodes it.
  private static func read(
    _ descriptor: Int32, size: Int?, name: String, maximumPixels: Int
  ) throws(PNGError) -> PNGImage {
    let limit = Self.pixelLimit(maximumPixels)
    let bytes = try readBytes(descriptor, size: size, name: name, maximumPixels: limit)
    return try decode(bytes, name: name, maximumPixels: limit)
  }

  /// Reads a PNG from `descriptor` without reading more than its declared
  /// size allows.
  private static func readBytes(
    _ descriptor: Int32, size: Int?, name: String, maximumPixels: Int
  ) throws(PNGError) -> [UInt8] {
    do {
      return try PNGInput.read(descriptor, size: size, maximumPixels: maximumPixels)
    } catch {
      throw Self.error(error, name: name, maximumPixels: maximumPixels, bytes: [])
    }
  }

  /// Clamps a pixel limit to 1...`largestPixelLimit`.
  static func pixelLimit(_ maximumPixels: Int) -> Int {
    min(max(maximumPixels, 1), largestPixelLimit)
  }

  /// Turns an internal failure into the public error naming `name`.
  ///
  /// libpng's "Not a PNG file" gets the format the data looks like, if it is
  /// a common one, such as a JPEG image with a `.png` name. A width or height
  /// of 0 or over 2^31 - 1 gets a message with the declared size.
  static func error(
    _ failure: ReadFailure, name: String, maximumPixels: Int, bytes: [UInt8]
  ) -> PNGError {
    switch failure {
    case .tooLarge(let width, let height):
      return .tooLarge(path: name, width: width, height: height, maximumPixels: maximumPixels)
    case .invalid(let reason):
      if reason.text == "Not a PNG file", let format = PNGHeader.otherFormat(bytes) {
        return .cannotRead(path: name, reason: "Not a PNG file: the data looks like \(format)")
      }
      // libpng words these "Invalid IHDR data" or "PNG unsigned integer out of range".
      if let size = PNGHeader.sizeFields(bytes), PNGHeader.declaredSize(bytes) == nil {
        return .cannotRead(
          path: name,
          reason: "image size \(size.width)x\(size.height) is invalid: width and height must "
            + "be 1 to \(Int32.max)")
      }
      return .cannotRead(path: name, reason: reason.text)
    }
  }

  /// Wraps what the bridge decoded.
  private init(_ decoded: LibPNG.Decoded) {
    let raster = decoded.raster
    let pixels = PNGSamples.tensor(
      interleaved: raster.samples, width: raster.width, height: raster.height,
      channels: raster.channels, bitDepth: raster.bitDepth)

    self.init(
      pixels: pixels,
      layout: PNGColorLayout(channelCount: raster.channels) ?? .rgba,
      bitDepth: raster.bitDepth,
      colorSpace: raster.colorSpace)
    self.source = decoded.source
  }
}
