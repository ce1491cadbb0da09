// Encoding a PNG into a growable memory buffer with the full libpng write API.

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ckpng_internal.h"

/// The resources to release if libpng longjmps. It lives on the heap, so the
/// pointer to it does not change after setjmp.
typedef struct ckpng_write_state {
  png_bytep *rows;
} ckpng_write_state;

/// libpng's write callback: appends to the ckpng_buffer, growing it as needed.
static void ckpng_write_data(png_structp png, png_bytep data, size_t length) {
  ckpng_buffer *buffer = png_get_io_ptr(png);
  if (length > SIZE_MAX - buffer->count) {
    png_error(png, "encoded image too large for memory");
  }

  size_t needed = buffer->count + length;
  if (needed > buffer->capacity) {
    size_t capacity = buffer->capacity > 0 ? buffer->capacity : 4096;
    while (capacity < needed) {
      capacity = capacity > SIZE_MAX / 2 ? needed : capacity * 2;
    }
    uint8_t *bytes = realloc(buffer->bytes, capacity);
    if (bytes == NULL) {
      png_error(png, "out of memory");
    }
    buffer->bytes = bytes;
    buffer->capacity = capacity;
  }

  memcpy(buffer->bytes + buffer->count, data, length);
  buffer->count = needed;
}

/// libpng's flush callback: nothing to flush in memory.
static void ckpng_flush(png_structp png) {
  (void)png;
}

/// Returns the PNG colour type for a channel count, or -1.
static int ckpng_color_type(int channels) {
  switch (channels) {
  case 1: return PNG_COLOR_TYPE_GRAY;
  case 2: return PNG_COLOR_TYPE_GRAY_ALPHA;
  case 3: return PNG_COLOR_TYPE_RGB;
  case 4: return PNG_COLOR_TYPE_RGB_ALPHA;
  default: return -1;
  }
}

const char *ckpng_check_layout(const ckpng_encode_options *options) {
  if (ckpng_color_type(options->channels) < 0) {
    return "channel count must be 1...4";
  }
  if (options->bit_depth != 8 && options->bit_depth != 16) {
    return "bit depth must be 8 or 16";
  }
  if (options->width < 1 || options->width > PNG_UINT_31_MAX || options->height < 1 ||
      options->height > PNG_UINT_31_MAX) {
    return "width and height must be 1...2147483647";
  }
  if (options->compression_level < 0 || options->compression_level > 9) {
    return "compression level must be 0...9";
  }
  return NULL;
}

/// Returns a message if the options or the pixel buffer size cannot be
/// encoded, else NULL.
static const char *ckpng_check_options(const ckpng_encode_options *options, size_t pixels_size) {
  const char *problem = ckpng_check_layout(options);
  if (problem != NULL) {
    return problem;
  }

  size_t row_bytes = (size_t)options->width * (size_t)options->channels *
                     (size_t)(options->bit_depth / 8);
  if (options->height > SIZE_MAX / row_bytes || row_bytes * options->height != pixels_size) {
    return "pixel buffer size does not match the image size";
  }
  return NULL;
}

/// Forgets the last warning, so that ckpng_require_valid reports a fresh one.
static void ckpng_clear_warning(png_structp png) {
  ckpng_message *message = png_get_error_ptr(png);
  message->last_warning[0] = '\0';
}

/// Fails with libpng's last warning (or `fallback`) if `chunk` was dropped.
static void ckpng_require_valid(
  png_structp png, png_infop info, png_uint_32 chunk, const char *fallback) {
  if (png_get_valid(png, info, chunk) != 0) {
    return;
  }

  ckpng_message *message = png_get_error_ptr(png);
  char text[CKPNG_MESSAGE_CAPACITY];
  const char *reason = message->last_warning[0] != '\0' ? message->last_warning : fallback;
  snprintf(text, sizeof text, "%s", reason);
  png_error(png, text);
}

/// Sets the colour-space chunks to write, exactly those asked for.
///
/// libpng reports a doubtful chunk as an error when writing but only as a
/// warning when reading, so a file could be read but not written back.
/// Benign errors are therefore warnings here, and a chunk that libpng then
/// drops fails with libpng's message. libpng's check of ICC profiles against
/// the known sRGB ones is skipped: it would add gAMA and cHRM chunks, and
/// reject the widespread "known incorrect sRGB profile". With an ICC profile,
/// sRGB is not written.
static void ckpng_set_color_space(png_structp png, png_infop info, const ckpng_color_space *space) {
  png_set_benign_errors(png, 1);
  png_set_option(png, PNG_SKIP_sRGB_CHECK_PROFILE, PNG_OPTION_ON);

  if (space->has_gamma) {
    ckpng_clear_warning(png);
    png_set_gAMA_fixed(png, info, space->gamma);
    ckpng_require_valid(png, info, PNG_INFO_gAMA, "gAMA: rejected");
  }

  const int32_t *c = space->chromaticities;
  if (space->has_chromaticities) {
    ckpng_clear_warning(png);
    png_set_cHRM_fixed(png, info, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
    ckpng_require_valid(png, info, PNG_INFO_cHRM, "cHRM: rejected");
  }
  if (space->has_icc_profile) {
    ckpng_clear_warning(png);
    png_set_iCCP(
      png, info, space->icc_name, PNG_COMPRESSION_TYPE_BASE, space->icc_profile,
      space->icc_profile_length);
    ckpng_require_valid(png, info, PNG_INFO_iCCP, "iCCP: profile rejected");
  }
  // The PNG specification allows only one of iCCP and sRGB, and setting both
  // would make libpng add a gAMA chunk. So the profile wins.
  if (space->has_srgb && !space->has_icc_profile) {
    ckpng_clear_warning(png);
    png_set_sRGB(png, info, space->srgb_intent);
    ckpng_require_valid(png, info, PNG_INFO_sRGB, "sRGB: rejected");
  }
}

void ckpng_write_header(
  png_structp png, png_infop info, const ckpng_encode_options *options, ckpng_buffer *out) {
  png_set_write_fn(png, out, ckpng_write_data, ckpng_flush);
  png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
  png_set_compression_level(png, options->compression_level);
  if (options->fast_filters) {
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
    png_set_compression_strategy(png, Z_RLE);
  }
  png_set_IHDR(
    png, info, options->width, options->height, options->bit_depth,
    ckpng_color_type(options->channels), PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
    PNG_FILTER_TYPE_DEFAULT);
  ckpng_set_color_space(png, info, &options->color_space);
  png_write_info(png, info);
}

/// Runs the whole write sequence; any libpng error longjmps out of it.
static void ckpng_write(
  png_structp png, png_infop info, const ckpng_encode_options *options, const uint8_t *pixels,
  ckpng_write_state *state, ckpng_buffer *out) {
  ckpng_write_header(png, info, options, out);

  size_t height = options->height;
  size_t row_bytes = png_get_rowbytes(png, info);
  state->rows = malloc(sizeof(png_bytep) * height);
  if (state->rows == NULL) {
    png_error(png, "out of memory");
  }
  for (size_t y = 0; y < height; y++) {
    // libpng only reads the rows it is given; the cast drops const for its API.
    state->rows[y] = (png_bytep)(pixels + y * row_bytes);
  }

  png_write_image(png, state->rows);
  png_write_end(png, NULL);
}

ckpng_status ckpng_encode(
  const ckpng_encode_options *options, const uint8_t *pixels, size_t pixels_size,
  ckpng_buffer *out, char *message, size_t message_capacity) {
  ckpng_message error = {message, message_capacity, {0}};
  ckpng_message_set(&error, "");
  memset(out, 0, sizeof *out);

  const char *problem = ckpng_check_options(options, pixels_size);
  if (problem != NULL || pixels == NULL) {
    ckpng_message_set(&error, problem != NULL ? problem : "no pixels");
    return CKPNG_INVALID_ARGUMENT;
  }

  ckpng_write_state *state = calloc(1, sizeof *state);
  png_structp png =
    png_create_write_struct(PNG_LIBPNG_VER_STRING, &error, ckpng_on_error, ckpng_on_warning);
  png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
  if (state == NULL || png == NULL || info == NULL) {
    png_destroy_write_struct(png != NULL ? &png : NULL, info != NULL ? &info : NULL);
    free(state);
    ckpng_message_set(&error, "out of memory");
    return CKPNG_FAILED;
  }

  // No local of this frame that is used after a longjmp changes after the
  // setjmp: what must be released lives in *state and *out.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    free(state->rows);
    free(state);
    ckpng_buffer_free(out);
    return CKPNG_FAILED;
  }

  ckpng_write(png, info, options, pixels, state, out);

  png_destroy_write_struct(&png, &info);
  free(state->rows);
  free(state);
  return CKPNG_OK;
}

void ckpng_buffer_free(ckpng_buffer *buffer) {
  free(buffer->bytes);
  memset(buffer, 0, sizeof *buffer);
}
