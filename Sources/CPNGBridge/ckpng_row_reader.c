// Decoding a PNG, held in memory or read from an open file, a few rows at a
// time, so that a filter can work on bands of rows while the rest of the image
// is still compressed.

#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ckpng_internal.h"

/// Everything a decoding in progress needs between calls. It lives on the
/// heap, so the pointers libpng keeps to `error` and `state` stay valid.
struct ckpng_row_reader {
  png_structp png;
  png_infop info;
  ckpng_read_state state;
  /// The destination of libpng's messages, pointed at each call's own buffer.
  ckpng_message error;
  uint32_t height;
  uint32_t next_row;
  size_t row_bytes;
  int interlaced;
  int failed;
};

/// Points the reader's messages at the caller's buffer and empties it.
static void ckpng_row_reader_begin(ckpng_row_reader *reader, char *message, size_t capacity) {
  reader->error.text = message;
  reader->error.capacity = capacity;
  ckpng_message_set(&reader->error, "");
}

/// Reads the header, checks the limit and sets up the expansions. Any libpng
/// error longjmps out of it. Returns CKPNG_TOO_LARGE or CKPNG_OK.
static ckpng_status ckpng_row_reader_start(
  ckpng_row_reader *reader, const ckpng_decode_limits *limits, ckpng_decoded *header) {
  png_structp png = reader->png;
  png_infop info = reader->info;

  ckpng_read_header(png, info, &reader->state, header);
  if (ckpng_exceeds_limit(header, limits)) {
    return CKPNG_TOO_LARGE;
  }

  ckpng_set_transforms(png, info);
  header->channels = png_get_channels(png, info);
  header->bit_depth = png_get_bit_depth(png, info);
  if (header->channels < 1 || header->channels > 4 ||
      (header->bit_depth != 8 && header->bit_depth != 16)) {
    png_error(png, "unexpected layout after expansion");
  }
  reader->row_bytes = png_get_rowbytes(png, info);
  if (reader->row_bytes != (size_t)header->width * (size_t)header->channels *
                             (size_t)(header->bit_depth / 8)) {
    png_error(png, "unexpected row size after expansion");
  }

  ckpng_chunks_seen seen = ckpng_scan_chunks(&reader->state.source);
  ckpng_read_color_space(png, info, seen, &header->color_space);
  reader->height = header->height;
  reader->interlaced = header->interlaced;
  return CKPNG_OK;
}

/// Opens a reader on `source`, as `ckpng_row_reader_open` and
/// `ckpng_row_reader_open_file` describe.
static ckpng_status ckpng_row_reader_open_source(
  ckpng_source source, const ckpng_decode_limits *limits, ckpng_row_reader **reader_out,
  ckpng_decoded *header, char *message, size_t message_capacity) {
  ckpng_message early = {message, message_capacity, {0}};

  ckpng_row_reader *reader = calloc(1, sizeof *reader);
  if (reader == NULL) {
    ckpng_message_set(&early, "out of memory");
    return CKPNG_FAILED;
  }
  ckpng_row_reader_begin(reader, message, message_capacity);
  reader->png =
    png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader->error, ckpng_on_error, ckpng_on_warning);
  reader->info = reader->png != NULL ? png_create_info_struct(reader->png) : NULL;
  if (reader->png == NULL || reader->info == NULL) {
    ckpng_row_reader_free(reader);
    ckpng_message_set(&early, "out of memory");
    return CKPNG_FAILED;
  }
  reader->state.source = source;
  if (source.is_file) {
    reader->state.source.window = malloc(CKPNG_WINDOW_SIZE);
    if (reader->state.source.window == NULL) {
      ckpng_row_reader_free(reader);
      ckpng_message_set(&early, "out of memory");
      return CKPNG_FAILED;
    }
  }

  // The bytes may move before the next call, which passes them again.
  // What must be released after a longjmp lives in *reader and *header.
  if (setjmp(png_jmpbuf(reader->png))) {
    ckpng_row_reader_free(reader);
    ckpng_decoded_free(header);
    return CKPNG_FAILED;
  }

  if (ckpng_row_reader_start(reader, limits, header) == CKPNG_TOO_LARGE) {
    uint32_t width = header->width;
    uint32_t height = header->height;
    ckpng_row_reader_free(reader);
    ckpng_decoded_free(header);
    header->width = width;
    header->height = height;
    ckpng_message_set(&early, "image too large");
    return CKPNG_TOO_LARGE;
  }
  reader->state.source.data = NULL;
  *reader_out = reader;
  return CKPNG_OK;
}

/// Checks the arguments that every opening shares and empties the outputs.
static int ckpng_row_reader_arguments_valid(
  int has_data, const ckpng_decode_limits *limits, ckpng_row_reader **reader_out,
  ckpng_decoded *header, char *message, size_t message_capacity) {
  ckpng_message early = {message, message_capacity, {0}};
  ckpng_message_set(&early, "");
  *reader_out = NULL;
  memset(header, 0, sizeof *header);
  if (!has_data || limits == NULL) {
    ckpng_message_set(&early, limits == NULL ? "no limits" : "no data");
    return 0;
  }
  return 1;
}

ckpng_status ckpng_row_reader_open(
  const uint8_t *data, size_t size, const ckpng_decode_limits *limits,
  ckpng_row_reader **reader_out, ckpng_decoded *header, char *message, size_t message_capacity) {
  if (!ckpng_row_reader_arguments_valid(
        data != NULL || size == 0, limits, reader_out, header, message, message_capacity)) {
    return CKPNG_INVALID_ARGUMENT;
  }
  ckpng_source source = {0};
  source.data = data;
  source.size = size;
  return ckpng_row_reader_open_source(
    source, limits, reader_out, header, message, message_capacity);
}

ckpng_status ckpng_row_reader_open_file(
  int descriptor, size_t size, const ckpng_decode_limits *limits,
  ckpng_row_reader **reader_out, ckpng_decoded *header, char *message, size_t message_capacity) {
  if (!ckpng_row_reader_arguments_valid(
        descriptor >= 0, limits, reader_out, header, message, message_capacity)) {
    return CKPNG_INVALID_ARGUMENT;
  }
  ckpng_source source = {0};
  source.size = size;
  source.is_file = 1;
  source.descriptor = descriptor;
  return ckpng_row_reader_open_source(
    source, limits, reader_out, header, message, message_capacity);
}

ckpng_status ckpng_row_reader_read(
  ckpng_row_reader *reader, const uint8_t *data, uint8_t *rows, uint32_t count,
  char *message, size_t message_capacity) {
  ckpng_row_reader_begin(reader, message, message_capacity);
  int is_file = reader->state.source.is_file;
  if (!is_file) {
    reader->state.source.data = data;
  }
  if (reader->failed) {
    ckpng_message_set(&reader->error, "decoding stopped at an earlier error");
    return CKPNG_FAILED;
  }
  if (reader->interlaced) {
    ckpng_message_set(&reader->error, "an interlaced image cannot be read row by row");
    return CKPNG_INVALID_ARGUMENT;
  }
  if ((data == NULL && !is_file) || rows == NULL || count > reader->height - reader->next_row) {
    ckpng_message_set(&reader->error, "no data, or more rows requested than the image has left");
    return CKPNG_INVALID_ARGUMENT;
  }

  if (setjmp(png_jmpbuf(reader->png))) {
    reader->failed = 1;
    return CKPNG_FAILED;
  }

  for (uint32_t row = 0; row < count; row++) {
    png_read_row(reader->png, rows + (size_t)row * reader->row_bytes, NULL);
    reader->next_row += 1;
  }
  if (count > 0 && reader->next_row == reader->height) {
    ckpng_read_end(reader->png, &reader->state);
  }
  return CKPNG_OK;
}

void ckpng_row_reader_free(ckpng_row_reader *reader) {
  if (reader == NULL) {
    return;
  }
  png_destroy_read_struct(
    reader->png != NULL ? &reader->png : NULL, reader->info != NULL ? &reader->info : NULL, NULL);
  free(reader->state.source.window);
  free(reader);
}
