// Helpers shared by the decoder and the encoder; not part of the module.

#ifndef CKPNG_INTERNAL_H
#define CKPNG_INTERNAL_H

#include <png.h>
#include <stddef.h>

#include "CPNGBridge.h"

/// Where libpng's error message goes: the caller's buffer, plus the last
/// warning, which tells what "Invalid IHDR data" is about.
typedef struct ckpng_message {
  char *text;
  size_t capacity;
  char last_warning[CKPNG_MESSAGE_CAPACITY];
} ckpng_message;

/// Copies `text` into `message`, cut to fit and NUL-terminated.
void ckpng_message_set(ckpng_message *message, const char *text);

/// libpng's error callback: copies the message, then longjmps to the setjmp
/// of the entry point that is running. Its error pointer is a ckpng_message.
///
/// libpng reports each IHDR problem as a warning, then fails with "Invalid
/// IHDR data"; that error gets the last warning appended in parentheses.
void ckpng_on_error(png_structp png, png_const_charp text);

/// libpng's warning callback: keeps the last warning, never prints it.
void ckpng_on_warning(png_structp png, png_const_charp text);

// MARK: - Decoding, shared by ckpng_decode and the row reader

/// The compressed bytes and how far libpng has read them: a file in memory, or
/// an open file read through a window (`is_file`). Zero fields are a memory source.
typedef struct ckpng_source {
  /// The whole file for a memory source, or NULL for a file source.
  const uint8_t *data;
  /// The size of the file.
  size_t size;
  /// The bytes handed to libpng so far.
  size_t offset;
  /// Set for a file source, read from `descriptor`.
  int is_file;
  int descriptor;
  /// A file source's read-ahead: `window_count` bytes, of which libpng has taken
  /// `window_used`.
  uint8_t *window;
  size_t window_count;
  size_t window_used;
} ckpng_source;

/// The read-ahead of a file source, in bytes.
enum { CKPNG_WINDOW_SIZE = 1 << 16 };

/// Flags for the colour-space chunks that appear before the first IDAT.
typedef struct ckpng_chunks_seen {
  int srgb;
  int gamma;
  int chromaticities;
  int icc_profile;
} ckpng_chunks_seen;

/// The resources to release if libpng longjmps. It lives on the heap, so the
/// pointer to it does not change after setjmp.
typedef struct ckpng_read_state {
  ckpng_source source;
  png_bytep *rows;
} ckpng_read_state;

/// Sets up the read from `state->source` and reads every chunk before the
/// first IDAT into `info`, filling the size and source fields of `out`.
void ckpng_read_header(
  png_structp png, png_infop info, ckpng_read_state *state, ckpng_decoded *out);

/// Returns whether the size in `out` exceeds the limit or cannot be decoded
/// into memory.
int ckpng_exceeds_limit(const ckpng_decoded *out, const ckpng_decode_limits *limits);

/// Asks libpng for the expansions that keep stored sample values.
void ckpng_set_transforms(png_structp png, png_infop info);

/// Reads the chunks after the image data and fails if any byte follows IEND.
void ckpng_read_end(png_structp png, const ckpng_read_state *state);

/// Lists the colour-space chunks before the first IDAT.
ckpng_chunks_seen ckpng_scan_chunks(const ckpng_source *source);

/// Copies the accepted colour-space chunks that `seen` lists as present in the file.
void ckpng_read_color_space(
  png_structp png, png_infop info, ckpng_chunks_seen seen, ckpng_color_space *out);

// MARK: - Encoding, shared by ckpng_encode and the row writer

/// Returns a message if the options cannot be encoded, else NULL.
const char *ckpng_check_layout(const ckpng_encode_options *options);

/// Sets up a write into `out` and writes every chunk before the first IDAT.
void ckpng_write_header(
  png_structp png, png_infop info, const ckpng_encode_options *options, ckpng_buffer *out);

#endif  // CKPNG_INTERNAL_H
