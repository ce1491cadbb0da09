import ConvKit

extension PNGImage {
  /// Reads and decodes the PNG file at `path`.
  ///
  /// - Parameter path: a file path; it is named in any error.
  /// - Throws: `PNGError.cannotRead` if the file is missing, a directory,
  ///   empty, unreadable or not a valid PNG (with libpng's message).
  public init(contentsOf path: String) throws(PNGError) {
    let bytes: [UInt8]
    do {
      bytes = try POSIXFile.contents(of: path)
    } catch {
      throw .cannotRead(path: path, reason: error.text)
    }
    self = try Self.decode(bytes, name: path)
  }

  /// Decodes a PNG held in memory, such as standard input.
  ///
  /// - Parameters:
  ///   - bytes: the whole PNG file.
  ///   - name: the file name to show in errors, such as `-` or a path.
  /// - Returns: the image, with its file's layout, depth and colour space.
  /// - Throws: `PNGError.cannotRead` naming `name`, with libpng's message.
  public static func decode(_ bytes: [UInt8], name: String) throws(PNGError) -> PNGImage {
    guard !bytes.isEmpty else {
      throw .cannotRead(path: name, reason: "file is empty")
    }

    let decoded: LibPNG.Decoded
    do {
      decoded = try LibPNG.decode(bytes)
    } catch {
      throw .cannotRead(path: name, reason: error.text)
    }

    return PNGImage(decoded)
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
