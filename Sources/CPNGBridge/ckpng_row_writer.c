// Encoding a PNG into memory a few rows at a time, so that filtered bands can
// be compressed while later bands are still being computed.

#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ckpng_internal.h"

/// Everything an encoding in progress needs between calls. It lives on the
/// heap, so the pointers libpng keeps to `error` and `buffer` stay valid.
struct ckpng_row_writer {
  png_structp png;
  png_infop info;
  /// The destination of libpng's messages, pointed at each call's own buffer.
  ckpng_message error;
  /// The encoded bytes so far.
  ckpng_buffer buffer;
  uint32_t height;
  uint32_t next_row;
  size_t row_bytes;
  int failed;
};

/// Points the writer's messages at the caller's buffer and empties it.
static void ckpng_row_writer_begin(ckpng_row_writer *writer, char *message, size_t capacity) {
  writer->error.text = message;
  writer->error.capacity = capacity;
  ckpng_message_set(&writer->error, "");
}

ckpng_status ckpng_row_writer_open(
  const ckpng_encode_options *options, ckpng_row_writer **writer_out, char *message,
  size_t message_capacity) {
  ckpng_message early = {message, message_capacity, {0}};
  ckpng_message_set(&early, "");
  *writer_out = NULL;
  const char *problem = ckpng_check_layout(options);
  if (problem != NULL) {
    ckpng_message_set(&early, problem);
    return CKPNG_INVALID_ARGUMENT;
  }

  ckpng_row_writer *writer = calloc(1, sizeof *writer);
  if (writer == NULL) {
    ckpng_message_set(&early, "out of memory");
    return CKPNG_FAILED;
  }
  ckpng_row_writer_begin(writer, message, message_capacity);
  writer->png =
    png_create_write_struct(PNG_LIBPNG_VER_STRING, &writer->error, ckpng_on_error, ckpng_on_warning);
  writer->info = writer->png != NULL ? png_create_info_struct(writer->png) : NULL;
  if (writer->png == NULL || writer->info == NULL) {
    ckpng_row_writer_free(writer);
    ckpng_message_set(&early, "out of memory");
    return CKPNG_FAILED;
  }

  // What must be released after a longjmp lives in *writer.
  if (setjmp(png_jmpbuf(writer->png))) {
    ckpng_row_writer_free(writer);
    return CKPNG_FAILED;
  }

  ckpng_write_header(writer->png, writer->info, options, &writer->buffer);
  writer->height = options->height;
  writer->row_bytes = png_get_rowbytes(writer->png, writer->info);
  *writer_out = writer;
  return CKPNG_OK;
}

ckpng_status ckpng_row_writer_write(
  ckpng_row_writer *writer, const uint8_t *rows, uint32_t count, char *message,
  size_t message_capacity) {
  ckpng_row_writer_begin(writer, message, message_capacity);
  if (writer->failed) {
    ckpng_message_set(&writer->error, "encoding stopped at an earlier error");
    return CKPNG_FAILED;
  }
  if (rows == NULL || count > writer->height - writer->next_row) {
    ckpng_message_set(&writer->error, "more rows given than the image has left");
    return CKPNG_INVALID_ARGUMENT;
  }

  if (setjmp(png_jmpbuf(writer->png))) {
    writer->failed = 1;
    return CKPNG_FAILED;
  }

  for (uint32_t row = 0; row < count; row++) {
    png_write_row(writer->png, rows + (size_t)row * writer->row_bytes);
    writer->next_row += 1;
  }
  return CKPNG_OK;
}

ckpng_status ckpng_row_writer_finish(
  ckpng_row_writer *writer, ckpng_buffer *out, char *message, size_t message_capacity) {
  ckpng_row_writer_begin(writer, message, message_capacity);
  memset(out, 0, sizeof *out);
  if (writer->failed || writer->next_row != writer->height) {
    ckpng_message_set(
      &writer->error, writer->failed ? "encoding stopped at an earlier error" : "rows are missing");
    return writer->failed ? CKPNG_FAILED : CKPNG_INVALID_ARGUMENT;
  }

  if (setjmp(png_jmpbuf(writer->png))) {
    writer->failed = 1;
    return CKPNG_FAILED;
  }

  png_write_end(writer->png, NULL);
  *out = writer->buffer;
  memset(&writer->buffer, 0, sizeof writer->buffer);
  return CKPNG_OK;
}

void ckpng_row_writer_take(ckpng_row_writer *writer, ckpng_buffer *out) {
  *out = writer->buffer;
  memset(&writer->buffer, 0, sizeof writer->buffer);
}

void ckpng_row_writer_free(ckpng_row_writer *writer) {
  if (writer == NULL) {
    return;
  }
  png_destroy_write_struct(
    writer->png != NULL ? &writer->png : NULL, writer->info != NULL ? &writer->info : NULL);
  ckpng_buffer_free(&writer->buffer);
  free(writer);
}
