import CPNGBridge

extension LibPNG {
  /// The size, layout and colour space of the decoded rows, from the chunks before the image
  /// data.
  struct Header {
    var width: Int
    var height: Int
    /// The channel count after the expansions: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    var channels: Int
    /// The sample depth after the expansions: 8 or 16.
    var bitDepth: Int
    var colorSpace: PNGColorSpace
    var source: PNGSourceFormat
  }

  /// A decoding in progress, a few rows at a time: `ckpng_row_reader_open`, then
  /// `ckpng_row_reader_read` for each band of rows.
  final class RowReader {
    let header: Header
    private let reader: OpaquePointer
    /// The whole file, which each call hands to the C reader again. It is empty for a
    /// reader on a file.
    private let bytes: [UInt8]
    /// The file the C reader reads, closed with the reader, or -1 for a reader on `bytes`.
    private let descriptor: Int32
    private let rowBytes: Int

    /// Reads the chunks before the image data of the file in `bytes`, with the checks of
    /// `decode`.
    ///
    /// - Throws: `ReadFailure.tooLarge` with the declared size, or
    ///   `ReadFailure.invalid` with libpng's message.
    convenience init(_ bytes: [UInt8], maximumPixels: Int) throws(ReadFailure) {
      try self.init(bytes: bytes, descriptor: -1, maximumPixels: maximumPixels) {
        limits, reader, decoded, text in
        bytes.withUnsafeBufferPointer { data in
          ckpng_row_reader_open(
            data.baseAddress, data.count, limits, reader, decoded, text.baseAddress, text.count)
        }
      }
    }

    /// Reads the chunks before the image data of the open regular file `descriptor`, of
    /// `size` bytes, from its start. The rows are read from the file as they are decoded,
    /// and the reader closes the descriptor, also when this throws.
    convenience init(file descriptor: Int32, size: Int, maximumPixels: Int) throws(ReadFailure) {
      try self.init(bytes: [], descriptor: descriptor, maximumPixels: maximumPixels) {
        limits, reader, decoded, text in
        ckpng_row_reader_open_file(
          descriptor, size, limits, reader, decoded, text.baseAddress, text.count)
      }
    }

    private init(
      bytes: [UInt8], descriptor: Int32, maximumPixels: Int,
      open: (
        UnsafePointer<ckpng_decode_limits>, UnsafeMutablePointer<OpaquePointer?>,
        UnsafeMutablePointer<ckpng_decoded>, UnsafeMutableBufferPointer<CChar>
      ) -> ckpng_status
    ) throws(ReadFailure) {
      var decoded = ckpng_decoded()
      var reader: OpaquePointer?
      var message = [CChar](repeating: 0, count: Int(CKPNG_MESSAGE_CAPACITY))
      var limits = ckpng_decode_limits(max_pixels: UInt64(max(maximumPixels, 1)))

      let status = message.withUnsafeMutableBufferPointer { text in
        open(&limits, &reader, &decoded, text)
      }
      guard status == CKPNG_OK, let reader else {
        if descriptor >= 0 {
          POSIXFile.closeDescriptor(descriptor)
        }
        if status == CKPNG_TOO_LARGE {
          throw .tooLarge(width: Int(decoded.width), height: Int(decoded.height))
        }
        throw .invalid(FailureReason(string(from: message)))
      }
      defer { ckpng_decoded_free(&decoded) }

      self.reader = reader
      self.bytes = bytes
      self.descriptor = descriptor
      self.header = Header(
        width: Int(decoded.width), height: Int(decoded.height), channels: Int(decoded.channels),
        bitDepth: Int(decoded.bit_depth), colorSpace: colorSpace(from: decoded.color_space),
        source: source(from: decoded))
      self.rowBytes = header.width * header.channels * header.bitDepth / 8
    }

    deinit {
      ckpng_row_reader_free(reader)
      if descriptor >= 0 {
        POSIXFile.closeDescriptor(descriptor)
      }
    }

    /// Returns the next `count` rows of interleaved samples, laid out as in `Raster`.
    ///
    /// - Throws: `FailureReason` with libpng's message, such as a damaged zlib stream.
    func read(rows count: Int) throws(FailureReason) -> [UInt8] {
      var message = [CChar](repeating: 0, count: Int(CKPNG_MESSAGE_CAPACITY))
      var status = CKPNG_OK
      let samples = [UInt8](unsafeUninitializedCapacity: count * rowBytes) { buffer, initialized in
        status = bytes.withUnsafeBufferPointer { data in
          message.withUnsafeMutableBufferPointer { text in
            ckpng_row_reader_read(
              reader, data.baseAddress, buffer.baseAddress, UInt32(count), text.baseAddress,
              text.count)
          }
        }
        initialized = status == CKPNG_OK ? count * rowBytes : 0
      }
      guard status == CKPNG_OK else {
        throw FailureReason(string(from: message))
      }
      return samples
    }
  }

  /// An encoding in progress, a few rows at a time: `ckpng_row_writer_open`, then
  /// `ckpng_row_writer_write` for each band and `ckpng_row_writer_finish`.
  final class RowWriter {
    private let writer: OpaquePointer

    /// Writes the chunks before the image data of a PNG with the size, layout and colour
    /// space of `raster`, whose samples are not used.
    ///
    /// - Precondition: the raster and colour space passed `PNGImage`'s checks.
    /// - Throws: `FailureReason` with libpng's message.
    init(_ raster: Raster, compressionLevel: Int, fastRowFilters: Bool) throws(FailureReason) {
      var writer: OpaquePointer?
      var message = [CChar](repeating: 0, count: Int(CKPNG_MESSAGE_CAPACITY))
      let status = withEncodeOptions(
        raster, compressionLevel: compressionLevel, fastRowFilters: fastRowFilters
      ) { options in
        message.withUnsafeMutableBufferPointer { text in
          ckpng_row_writer_open(options, &writer, text.baseAddress, text.count)
        }
      }
      guard status == CKPNG_OK, let writer else {
        throw FailureReason(string(from: message))
      }
      self.writer = writer
    }

    deinit {
      ckpng_row_writer_free(writer)
    }

    /// Compresses `count` rows of interleaved samples, laid out as in `Raster`.
    func write(_ samples: [UInt8], rows count: Int) throws(FailureReason) {
      var message = [CChar](repeating: 0, count: Int(CKPNG_MESSAGE_CAPACITY))
      let status = samples.withUnsafeBufferPointer { samples in
        message.withUnsafeMutableBufferPointer { text in
          ckpng_row_writer_write(
            writer, samples.baseAddress, UInt32(count), text.baseAddress, text.count)
        }
      }
      guard status == CKPNG_OK else {
        throw FailureReason(string(from: message))
      }
    }

    /// Calls `body` with the bytes encoded since the last call, and frees them after it.
    func take(_ body: (UnsafeRawBufferPointer) throws(FailureReason) -> Void) throws(FailureReason) {
      var buffer = ckpng_buffer()
      ckpng_row_writer_take(writer, &buffer)
      defer { ckpng_buffer_free(&buffer) }
      try body(UnsafeRawBufferPointer(start: buffer.bytes, count: buffer.count))
    }

    /// Ends the file and returns its bytes.
    func finish() throws(FailureReason) -> [UInt8] {
      try finish { bytes in Array(bytes) }
    }

    /// Ends the file and calls `body` with its bytes, which are valid only during the call.
    func finish<Result>(
      _ body: (UnsafeRawBufferPointer) throws(FailureReason) -> Result
    ) throws(FailureReason) -> Result {
      var buffer = ckpng_buffer()
      var message = [CChar](repeating: 0, count: Int(CKPNG_MESSAGE_CAPACITY))
      let status = message.withUnsafeMutableBufferPointer { text in
        ckpng_row_writer_finish(writer, &buffer, text.baseAddress, text.count)
      }
      guard status == CKPNG_OK else {
        throw FailureReason(string(from: message))
      }
      defer { ckpng_buffer_free(&buffer) }
      return try body(UnsafeRawBufferPointer(start: buffer.bytes, count: buffer.count))
    }
  }
}
