import CPNGBridge

/// The calls into CPNGBridge, the C target that owns libpng's `setjmp`.
///
/// This file and its extension in `LibPNG+Rows.swift` are the only Swift code
/// that calls libpng through CPNGBridge or touches its pointers. Each call hands C a message buffer and turns a
/// non-zero status into a `FailureReason` carrying libpng's text unchanged.
enum LibPNG {
  /// Interleaved samples and what describes them.
  struct Raster {
    /// The width in pixels.
    var width: Int

    /// The height in pixels.
    var height: Int

    /// 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    var channels: Int

    /// 8 or 16.
    var bitDepth: Int

    /// `height * width * channels` samples in row-major order, one byte each
    /// at 8 bits, two bytes big-endian at 16 bits.
    var samples: [UInt8]

    /// The colour-space chunks.
    var colorSpace: PNGColorSpace
  }

  /// A decoded file: its raster and how the file stored it.
  struct Decoded {
    /// The expanded samples.
    var raster: Raster

    /// The file's IHDR colour type, bit depth and interlacing.
    var source: PNGSourceFormat
  }

  /// Decodes a whole PNG held in memory, keeping the stored sample values.
  ///
  /// Calls `ckpng_decode`, which runs libpng's `png_read_info`, checks
  /// width * height against `maximumPixels`, then runs the expansions
  /// (`png_set_palette_to_rgb`, `png_set_expand_gray_1_2_4_to_8`,
  /// `png_set_tRNS_to_alpha`, `png_set_interlace_handling`), `png_read_image`
  /// and `png_read_end`, then reads `png_get_sRGB`, `png_get_gAMA_fixed`,
  /// `png_get_cHRM_fixed` and `png_get_iCCP`.
  ///
  /// - Throws: `ReadFailure.tooLarge` with the declared size, or
  ///   `ReadFailure.invalid` with libpng's message.
  static func decode(_ bytes: [UInt8], maximumPixels: Int) throws(ReadFailure) -> Decoded {
    var decoded = ckpng_decoded()
    var message = [CChar](repeating: 0, count: Int(CKPNG_MESSAGE_CAPACITY))
    var limits = ckpng_decode_limits(max_pixels: UInt64(max(maximumPixels, 1)))

    let status = bytes.withUnsafeBufferPointer { data in
      message.withUnsafeMutableBufferPointer { text in
        ckpng_decode(
          data.baseAddress, data.count, &limits, &decoded, text.baseAddress, text.count)
      }
    }
    if status == CKPNG_TOO_LARGE {
      throw .tooLarge(width: Int(decoded.width), height: Int(decoded.height))
    }
    guard status == CKPNG_OK else {
      throw .invalid(FailureReason(string(from: message)))
    }
    defer { ckpng_decoded_free(&decoded) }

    return Decoded(raster: raster(from: decoded), source: source(from: decoded))
  }

  /// Encodes a raster as a non-interlaced PNG in memory.
  ///
  /// Calls `ckpng_encode`, which runs libpng's `png_set_IHDR`,
  /// `png_set_compression_level`, `png_set_gAMA_fixed`, `png_set_cHRM_fixed`,
  /// `png_set_iCCP`, `png_set_sRGB` (not with an ICC profile), `png_write_info`,
  /// `png_write_image` and `png_write_end` into a buffer grown by its
  /// `png_set_write_fn` callback. Colour-space chunks are set with
  /// `png_set_benign_errors` on and libpng's sRGB profile check off
  /// (`png_set_option`), so that whatever decoding accepted can be written.
  ///
  /// With `fastRowFilters`, every row gets the SUB filter (`png_set_filter`) and zlib the
  /// run-length strategy (`png_set_compression_strategy(Z_RLE)`).
  ///
  /// - Precondition: the raster and colour space passed `PNGImage`'s checks.
  /// - Throws: `FailureReason` with libpng's message.
  static func encode(
    _ raster: Raster, compressionLevel: Int, fastRowFilters: Bool = false
  ) throws(FailureReason) -> [UInt8] {
    var buffer = ckpng_buffer()
    var message = [CChar](repeating: 0, count: Int(CKPNG_MESSAGE_CAPACITY))
    let status = withEncodeOptions(
      raster, compressionLevel: compressionLevel, fastRowFilters: fastRowFilters
    ) { options in
      raster.samples.withUnsafeBufferPointer { pixels in
        message.withUnsafeMutableBufferPointer { text in
          ckpng_encode(
            options, pixels.baseAddress, pixels.count, &buffer, text.baseAddress, text.count)
        }
      }
    }
    guard status == CKPNG_OK else {
      throw FailureReason(string(from: message))
    }
    defer { ckpng_buffer_free(&buffer) }

    return Array(UnsafeBufferPointer(start: buffer.bytes, count: buffer.count))
  }

  // MARK: - From C

  /// Copies the samples and colour space out of a decoded C image.
  private static func raster(from decoded: ckpng_decoded) -> Raster {
    Raster(
      width: Int(decoded.width),
      height: Int(decoded.height),
      channels: Int(decoded.channels),
      bitDepth: Int(decoded.bit_depth),
      samples: Array(UnsafeBufferPointer(start: decoded.pixels, count: decoded.pixels_size)),
      colorSpace: colorSpace(from: decoded.color_space))
  }

  /// Reads the file's IHDR facts from a decoded C image.
  static func source(from decoded: ckpng_decoded) -> PNGSourceFormat {
    PNGSourceFormat(
      colorType: PNGColorType(rawValue: Int(decoded.source_color_type)) ?? .rgba,
      bitDepth: Int(decoded.source_bit_depth),
      interlaced: decoded.interlaced != 0)
  }

  /// Converts the C colour-space chunks, copying the ICC profile.
  static func colorSpace(from space: ckpng_color_space) -> PNGColorSpace {
    var result = PNGColorSpace()
    if space.has_srgb != 0 {
      result.srgbIntent = Int(space.srgb_intent)
    }
    if space.has_gamma != 0 {
      result.gamma = Int(space.gamma)
    }
    if space.has_chromaticities != 0 {
      let c = space.chromaticities
      result.chromaticities = [c.0, c.1, c.2, c.3, c.4, c.5, c.6, c.7].map { Int($0) }
    }
    if space.has_icc_profile != 0, let name = space.icc_name {
      let profile = UnsafeBufferPointer(
        start: space.icc_profile, count: Int(space.icc_profile_length))
      result.iccProfile = PNGColorSpace.ICCProfile(
        name: latin1String(cString: name), data: Array(profile))
    }
    return result
  }

  // MARK: - To C

  /// Calls `body` with the C options for `raster`, its ICC profile included; the pointers
  /// in them are valid only during the call.
  static func withEncodeOptions<Result>(
    _ raster: Raster, compressionLevel: Int, fastRowFilters: Bool,
    _ body: (UnsafePointer<ckpng_encode_options>) -> Result
  ) -> Result {
    let profile = raster.colorSpace.iccProfile
    let name = latin1CString(profile?.name ?? "")
    return name.withUnsafeBufferPointer { name in
      (profile?.data ?? []).withUnsafeBufferPointer { profileBytes in
        var options = encodeOptions(raster, compressionLevel: compressionLevel)
        options.fast_filters = fastRowFilters ? 1 : 0
        if profile != nil {
          options.color_space.has_icc_profile = 1
          options.color_space.icc_name = name.baseAddress
          options.color_space.icc_profile = profileBytes.baseAddress
          options.color_space.icc_profile_length = UInt32(clamping: profileBytes.count)
        }
        return body(&options)
      }
    }
  }

  /// Builds the C options, without the ICC pointers (set by `withEncodeOptions`).
  private static func encodeOptions(
    _ raster: Raster, compressionLevel: Int
  ) -> ckpng_encode_options {
    var options = ckpng_encode_options()
    options.width = UInt32(clamping: raster.width)
    options.height = UInt32(clamping: raster.height)
    options.channels = Int32(clamping: raster.channels)
    options.bit_depth = Int32(clamping: raster.bitDepth)
    options.compression_level = Int32(clamping: compressionLevel)

    let space = raster.colorSpace
    if let intent = space.srgbIntent {
      options.color_space.has_srgb = 1
      options.color_space.srgb_intent = Int32(clamping: intent)
    }
    if let gamma = space.gamma {
      options.color_space.has_gamma = 1
      options.color_space.gamma = Int32(clamping: gamma)
    }
    if let c = space.chromaticities?.map({ Int32(clamping: $0) }), c.count == 8 {
      options.color_space.has_chromaticities = 1
      options.color_space.chromaticities = (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7])
    }
    return options
  }

  // MARK: - Text

  /// Reads a NUL-terminated message buffer.
  static func string(from message: [CChar]) -> String {
    let bytes = message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    let text = String(decoding: bytes, as: UTF8.self)
    return text.isEmpty ? "unknown libpng error" : text
  }

  /// Decodes a NUL-terminated Latin-1 string, as PNG keywords are stored.
  private static func latin1String(cString: UnsafePointer<CChar>) -> String {
    var scalars = String.UnicodeScalarView()
    var index = 0
    while cString[index] != 0 {
      scalars.append(Unicode.Scalar(UInt8(bitPattern: cString[index])))
      index += 1
    }
    return String(scalars)
  }

  /// Encodes a string whose characters are all Latin-1, NUL-terminated.
  private static func latin1CString(_ string: String) -> [CChar] {
    string.unicodeScalars.map { CChar(bitPattern: UInt8(truncatingIfNeeded: $0.value)) } + [0]
  }
}
