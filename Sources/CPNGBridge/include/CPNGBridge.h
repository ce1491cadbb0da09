// CPNGBridge: the only code that calls libpng, and the record of temporary
// output files that a signal handler removes.
//
// libpng reports errors by calling longjmp. A longjmp must never cross a Swift
// frame, so every entry point here sets up its own setjmp, runs the whole libpng
// call sequence, and returns a status code with libpng's message copied into a
// buffer that the caller owns. Only ConvKitPNG's LibPNG.swift calls these.
//
// The full libpng API is used, not the simplified png_image API: that one
// gamma-linearises 16-bit data and premultiplies alpha, so it cannot keep the
// stored sample values.
//
// Samples are interleaved ([height][width][channels]); 16-bit samples are
// big-endian, as in the PNG stream, so no byte swapping happens in C.
//
// The temporary-file record is C because a signal handler may call only
// async-signal-safe functions (here unlink and _exit) and read only lock-free
// atomics, which Swift code cannot promise.

#ifndef CPNGBRIDGE_H
#define CPNGBRIDGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The size that message buffers must have; longer messages are cut.
enum { CKPNG_MESSAGE_CAPACITY = 256 };

/// The status that every entry point returns.
typedef enum ckpng_status {
  /// Success; the message buffer is left empty.
  CKPNG_OK = 0,
  /// libpng reported an error (or the data ended early); see the message.
  CKPNG_FAILED = 1,
  /// The arguments are out of range; see the message.
  CKPNG_INVALID_ARGUMENT = 2,
  /// The IHDR chunk declares more pixels than the decode limit allows. The
  /// width and height of the `ckpng_decoded` are the declared size.
  CKPNG_TOO_LARGE = 3,
} ckpng_status;

/// The limits of `ckpng_decode`, which checks them after reading the IHDR
/// chunk and before allocating anything for the pixels.
typedef struct ckpng_decode_limits {
  /// The largest width * height to decode, at least 1.
  uint64_t max_pixels;
} ckpng_decode_limits;

/// The colour-space chunks of a PNG: sRGB, gAMA, cHRM and iCCP.
///
/// When decoding, a `has_` flag is set only if the chunk is in the file and
/// libpng accepted it (libpng itself would also report gAMA and cHRM values
/// derived from an sRGB chunk). When encoding, each chunk whose flag is set is
/// written, except sRGB when there is an ICC profile.
typedef struct ckpng_color_space {
  /// Whether there is an sRGB chunk.
  int has_srgb;
  /// The sRGB rendering intent, 0...3.
  int srgb_intent;
  /// Whether there is a gAMA chunk.
  int has_gamma;
  /// The gAMA value, times 100000 (45455 means 1/2.2).
  int32_t gamma;
  /// Whether there is a cHRM chunk.
  int has_chromaticities;
  /// White x, y, red x, y, green x, y, blue x, y, each times 100000.
  int32_t chromaticities[8];
  /// Whether there is an iCCP chunk.
  int has_icc_profile;
  /// The profile name, NUL-terminated Latin-1 (1 to 79 bytes).
  const char *icc_name;
  /// The uncompressed ICC profile.
  const uint8_t *icc_profile;
  /// The number of bytes in `icc_profile`.
  uint32_t icc_profile_length;
} ckpng_color_space;

/// A decoded image; release it with `ckpng_decoded_free`.
typedef struct ckpng_decoded {
  /// The width in pixels.
  uint32_t width;
  /// The height in pixels.
  uint32_t height;
  /// The decoded channels: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
  int channels;
  /// The decoded sample depth: 8 or 16.
  int bit_depth;
  /// The colour type in the file's IHDR (0, 2, 3, 4 or 6).
  int source_color_type;
  /// The bit depth in the file's IHDR (1, 2, 4, 8 or 16).
  int source_bit_depth;
  /// Whether the file is Adam7 interlaced.
  int interlaced;
  /// The colour-space chunks of the file; the ICC fields are owned here.
  ckpng_color_space color_space;
  /// The samples: height * width * channels * bit_depth / 8 bytes.
  uint8_t *pixels;
  /// The number of bytes in `pixels`.
  size_t pixels_size;
} ckpng_decoded;

/// The image and settings to encode.
typedef struct ckpng_encode_options {
  /// The width in pixels, 1...2^31-1.
  uint32_t width;
  /// The height in pixels, 1...2^31-1.
  uint32_t height;
  /// 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
  int channels;
  /// 8 or 16.
  int bit_depth;
  /// The zlib level, 0...9.
  int compression_level;
  /// The colour-space chunks to write; the pointers are borrowed.
  ckpng_color_space color_space;
  /// 0: libpng's default row filters (an adaptive choice per row) and zlib
  /// strategy. 1: the SUB row filter on every row and zlib's run-length
  /// strategy (Z_RLE): faster to write than 0 at the same level, and larger.
  int fast_filters;
} ckpng_encode_options;

/// A growable byte buffer; release it with `ckpng_buffer_free`.
typedef struct ckpng_buffer {
  /// The bytes, or NULL when nothing was written.
  uint8_t *bytes;
  /// The number of bytes written.
  size_t count;
  /// The number of bytes allocated.
  size_t capacity;
} ckpng_buffer;

/// Decodes a whole PNG from memory, keeping the stored sample values.
///
/// Palette images become RGB (or RGBA with a tRNS chunk), gray images of 1, 2
/// or 4 bits become 8-bit, and a tRNS chunk on gray or RGB becomes an alpha
/// channel. No gamma, sRGB, sBIT or premultiplication change the samples; 16-bit
/// samples stay 16-bit (big-endian). Interlaced images are deinterlaced.
///
/// The whole of `data` must be one PNG: a CRC error in any chunk, critical or
/// ancillary, and any byte after the IEND chunk are errors. An image whose
/// width * height exceeds `limits->max_pixels` is rejected with
/// CKPNG_TOO_LARGE before its pixel buffer or libpng's row buffers are
/// allocated. libpng allocates at most 8,000,000 bytes for one ancillary chunk
/// (decompressed) and keeps at most 1000 ancillary chunks.
///
/// On success returns CKPNG_OK and fills `out`, which the caller must release
/// with `ckpng_decoded_free`. On failure returns another status, leaves `out`
/// empty (nothing to release) except for the declared width and height after
/// CKPNG_TOO_LARGE, and writes a NUL-terminated message of at most
/// `message_capacity` bytes to `message`.
ckpng_status ckpng_decode(
  const uint8_t *data, size_t size, const ckpng_decode_limits *limits, ckpng_decoded *out,
  char *message, size_t message_capacity);

/// Releases what `ckpng_decode` allocated and empties `decoded`.
void ckpng_decoded_free(ckpng_decoded *decoded);

/// Encodes interleaved samples as a non-interlaced PNG into memory.
///
/// `pixels` contains height * width * channels * bit_depth / 8 bytes, 16-bit
/// samples big-endian. On success returns CKPNG_OK and fills `out`, which the
/// caller must release with `ckpng_buffer_free`. On failure returns another
/// status, leaves `out` empty and writes a message as `ckpng_decode` does.
ckpng_status ckpng_encode(
  const ckpng_encode_options *options, const uint8_t *pixels, size_t pixels_size,
  ckpng_buffer *out, char *message, size_t message_capacity);

/// Releases the bytes of `buffer` and empties it.
void ckpng_buffer_free(ckpng_buffer *buffer);

/// A decoding in progress that hands out rows in order (see
/// `ckpng_row_reader_open`).
typedef struct ckpng_row_reader ckpng_row_reader;

/// Starts decoding a non-interlaced PNG held in memory row by row, so that the
/// whole image never has to be in memory. The reader does not keep `data`:
/// each `ckpng_row_reader_read` is given the same bytes again, which may have
/// moved in between.
///
/// Reads every chunk before the image data and fills `header` as
/// `ckpng_decode` fills its result, except `pixels`, which stays NULL. Release
/// `header` with `ckpng_decoded_free`. The same expansions and checks apply,
/// and the limit is checked the same way. On success `*reader` is the reader
/// to pass to `ckpng_row_reader_read` and `ckpng_row_reader_free`. An
/// interlaced image opens, with `header->interlaced` set, but cannot be read
/// row by row: decode it whole with `ckpng_decode`. On failure `*reader` is
/// NULL and the status and message are those of `ckpng_decode`.
ckpng_status ckpng_row_reader_open(
  const uint8_t *data, size_t size, const ckpng_decode_limits *limits,
  ckpng_row_reader **reader, ckpng_decoded *header, char *message, size_t message_capacity);

/// Starts decoding a PNG from the open regular file `descriptor`, of `size`
/// bytes, as `ckpng_row_reader_open` does from memory. The chunk lengths are
/// checked first with `pread`. Then the file is read from its current position,
/// which must be its start, through a 64 KiB window, so it never has to be in
/// memory whole. The caller keeps the descriptor open until
/// `ckpng_row_reader_free` and closes it after.
ckpng_status ckpng_row_reader_open_file(
  int descriptor, size_t size, const ckpng_decode_limits *limits,
  ckpng_row_reader **reader, ckpng_decoded *header, char *message, size_t message_capacity);

/// Decodes the next `count` rows of the file in `data` (the bytes given to
/// `ckpng_row_reader_open`, or NULL for a reader on a file) into `rows`, `count * width * channels *
/// bit_depth / 8` bytes laid out as in `ckpng_decoded`. After the last row it
/// reads the chunks after the image data and fails if any byte follows IEND.
/// After a failure every later call fails.
ckpng_status ckpng_row_reader_read(
  ckpng_row_reader *reader, const uint8_t *data, uint8_t *rows, uint32_t count,
  char *message, size_t message_capacity);

/// Releases a reader, or does nothing for NULL.
void ckpng_row_reader_free(ckpng_row_reader *reader);

/// An encoding in progress that takes rows in order (see
/// `ckpng_row_writer_open`).
typedef struct ckpng_row_writer ckpng_row_writer;

/// Starts encoding a non-interlaced PNG into memory row by row, with the
/// settings and checks of `ckpng_encode`. On success `*writer` is the writer
/// to pass to `ckpng_row_writer_write`, `ckpng_row_writer_finish` and
/// `ckpng_row_writer_free`. On failure it is NULL.
ckpng_status ckpng_row_writer_open(
  const ckpng_encode_options *options, ckpng_row_writer **writer, char *message,
  size_t message_capacity);

/// Compresses the next `count` rows, laid out as `ckpng_encode` takes them.
/// After a failure every later call fails.
ckpng_status ckpng_row_writer_write(
  ckpng_row_writer *writer, const uint8_t *rows, uint32_t count, char *message,
  size_t message_capacity);

/// Ends the file after its last row and moves the encoded bytes into `out`,
/// which the caller releases with `ckpng_buffer_free`. Fails if rows are
/// missing.
ckpng_status ckpng_row_writer_finish(
  ckpng_row_writer *writer, ckpng_buffer *out, char *message, size_t message_capacity);

/// Releases a writer and any bytes it still has, or does nothing for NULL.
/// Moves the bytes encoded so far into `out`, which the caller must release
/// with `ckpng_buffer_free`, and empties the writer's buffer: the bytes of
/// later calls follow them in the file.
void ckpng_row_writer_take(ckpng_row_writer *writer, ckpng_buffer *out);

void ckpng_row_writer_free(ckpng_row_writer *writer);

/// The number of temporary files that can be recorded at the same time.
enum { CKPNG_TEMPORARY_SLOTS = 16 };

/// Records `path` as a temporary file to remove if the process is ended by a
/// signal that `ckpng_remove_temporary_files_on_signals` handles.
///
/// Call it before creating the file, so that no moment exists in which the
/// file exists unrecorded. Returns the slot to pass to
/// `ckpng_temporary_file_forget`, or -1 if the path is longer than 4095 bytes
/// or all CKPNG_TEMPORARY_SLOTS slots are taken. Thread-safe.
int ckpng_temporary_file_record(const char *path);

/// Forgets the temporary file in `slot`, after it was renamed or removed.
/// Does nothing for -1. Thread-safe.
void ckpng_temporary_file_forget(int slot);

/// Installs handlers for SIGINT, SIGTERM and SIGHUP that remove every recorded
/// temporary file with `unlink`, then end the process with `_exit(128 +
/// signal)`, so SIGINT gives exit status 130. A signal whose disposition is
/// SIG_IGN stays ignored. The three signals are unblocked in the calling
/// thread. Replaces any handler installed before, so call it at a program's
/// start.
void ckpng_remove_temporary_files_on_signals(void);

#ifdef __cplusplus
}
#endif

#endif  // CPNGBRIDGE_H
