// Decoding a PNG held in memory with the full libpng read API.

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include "ckpng_internal.h"

/// Fills a file source's empty window with the next bytes of the file.
static void ckpng_refill(png_structp png, ckpng_source *source) {
  ssize_t count;
  do {
    count = read(source->descriptor, source->window, CKPNG_WINDOW_SIZE);
  } while (count < 0 && errno == EINTR);
  if (count <= 0) {
    png_error(png, count == 0 ? "unexpected end of file" : strerror(errno));
  }
  source->window_count = (size_t)count;
  source->window_used = 0;
}

/// libpng's read callback: hands out the next `length` bytes of the source.
static void ckpng_read_data(png_structp png, png_bytep destination, size_t length) {
  ckpng_source *source = png_get_io_ptr(png);
  if (!source->is_file) {
    if (length > source->size - source->offset) {
      png_error(png, "unexpected end of file");
    }
    memcpy(destination, source->data + source->offset, length);
    source->offset += length;
    return;
  }

  while (length > 0) {
    if (source->window_used == source->window_count) {
      ckpng_refill(png, source);
    }
    size_t available = source->window_count - source->window_used;
    size_t copied = length < available ? length : available;
    memcpy(destination, source->window + source->window_used, copied);
    source->window_used += copied;
    source->offset += copied;
    destination += copied;
    length -= copied;
  }
}

/// Copies the `count` bytes at `offset` of the source into `out`. Returns 0 if
/// the source ends before them. A file source is read with pread, which leaves
/// its read position alone.
static int ckpng_peek(const ckpng_source *source, size_t offset, uint8_t *out, size_t count) {
  if (offset > source->size || count > source->size - offset) {
    return 0;
  }
  if (!source->is_file) {
    memcpy(out, source->data + offset, count);
    return 1;
  }
  while (count > 0) {
    ssize_t got = pread(source->descriptor, out, count, (off_t)offset);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      return 0;
    }
    out += got;
    offset += (size_t)got;
    count -= (size_t)got;
  }
  return 1;
}

/// Reads a big-endian 32-bit value.
static uint32_t ckpng_read_u32(const uint8_t *bytes) {
  return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 |
         (uint32_t)bytes[3];
}

/// Returns whether four bytes are a chunk type: ASCII letters only.
static int ckpng_is_chunk_type(const uint8_t *type) {
  for (int i = 0; i < 4; i++) {
    int letter = (type[i] >= 'A' && type[i] <= 'Z') || (type[i] >= 'a' && type[i] <= 'z');
    if (!letter) {
      return 0;
    }
  }
  return 1;
}

/// Returns whether every chunk up to IEND fits in the data, reading only
/// their lengths.
///
/// libpng allocates some chunks, such as eXIf and tEXt, at their declared
/// length before it reads them, and only warns about a length over its
/// chunk limit, so an 88-byte file could make it allocate 2 GiB. A length
/// past the end of the file is therefore rejected first. Without a PNG
/// signature, or at a length over 2^31 - 1 or a chunk type that is not four
/// letters, the walk stops and leaves the error to libpng.
static int ckpng_chunks_fit(const ckpng_source *source) {
  static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  uint8_t start[8];
  if (!ckpng_peek(source, 0, start, 8) || memcmp(start, signature, 8) != 0) {
    return 1;
  }

  size_t size = source->size;
  size_t offset = 8;
  uint8_t header[8];
  while (offset <= size - 8 && ckpng_peek(source, offset, header, 8)) {
    uint32_t length = ckpng_read_u32(header);
    if (length > PNG_UINT_31_MAX || !ckpng_is_chunk_type(header + 4)) {
      return 1;
    }
    if ((size_t)length + 12 > size - offset) {
      return 0;
    }
    if (memcmp(header + 4, "IEND", 4) == 0) {
      return 1;
    }
    offset += 12 + (size_t)length;
  }
  return 1;
}

/// Lists the colour-space chunks before the first IDAT.
///
/// libpng derives gAMA and cHRM values from an sRGB chunk and reports them as
/// if they were in the file, so this walk records which chunks really are.
ckpng_chunks_seen ckpng_scan_chunks(const ckpng_source *source) {
  ckpng_chunks_seen seen = {0, 0, 0, 0};
  size_t size = source->size;
  size_t offset = 8;
  uint8_t header[8];

  while (size >= 12 && offset <= size - 12 && ckpng_peek(source, offset, header, 8)) {
    uint32_t length = ckpng_read_u32(header);
    const uint8_t *type = header + 4;
    if (memcmp(type, "IDAT", 4) == 0) {
      break;
    }

    seen.srgb |= memcmp(type, "sRGB", 4) == 0;
    seen.gamma |= memcmp(type, "gAMA", 4) == 0;
    seen.chromaticities |= memcmp(type, "cHRM", 4) == 0;
    seen.icc_profile |= memcmp(type, "iCCP", 4) == 0;

    if (length > size - offset - 12) {
      break;
    }
    offset += 12 + (size_t)length;
  }
  return seen;
}

/// Asks libpng for the expansions that keep stored values: palette to RGB(A),
/// low-bit gray to 8 bits, tRNS to alpha, and deinterlacing.
void ckpng_set_transforms(png_structp png, png_infop info) {
  int color_type = png_get_color_type(png, info);
  int bit_depth = png_get_bit_depth(png, info);

  if (color_type == PNG_COLOR_TYPE_PALETTE) {
    png_set_palette_to_rgb(png);
  }
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) {
    png_set_expand_gray_1_2_4_to_8(png);
  }
  if (png_get_valid(png, info, PNG_INFO_tRNS)) {
    png_set_tRNS_to_alpha(png);
  }
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
}

/// Copies the accepted colour-space chunks that are really in the file.
void ckpng_read_color_space(
  png_structp png, png_infop info, ckpng_chunks_seen seen, ckpng_color_space *out) {
  int intent = 0;
  if (seen.srgb && png_get_sRGB(png, info, &intent)) {
    out->has_srgb = 1;
    out->srgb_intent = intent;
  }

  png_fixed_point gamma = 0;
  if (seen.gamma && png_get_gAMA_fixed(png, info, &gamma)) {
    out->has_gamma = 1;
    out->gamma = gamma;
  }

  png_fixed_point *c = out->chromaticities;
  if (seen.chromaticities &&
      png_get_cHRM_fixed(png, info, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7])) {
    out->has_chromaticities = 1;
  }

  png_charp name = NULL;
  int compression = 0;
  png_bytep profile = NULL;
  png_uint_32 length = 0;
  if (seen.icc_profile && png_get_iCCP(png, info, &name, &compression, &profile, &length)) {
    char *name_copy = malloc(strlen(name) + 1);
    uint8_t *profile_copy = malloc(length > 0 ? length : 1);
    if (name_copy == NULL || profile_copy == NULL) {
      free(name_copy);
      free(profile_copy);
      png_error(png, "out of memory");
    }
    strcpy(name_copy, name);
    memcpy(profile_copy, profile, length);
    out->has_icc_profile = 1;
    out->icc_name = name_copy;
    out->icc_profile = profile_copy;
    out->icc_profile_length = length;
  }
}

/// Allocates the pixel buffer and the row pointers into it.
static void ckpng_allocate_rows(
  png_structp png, png_infop info, ckpng_decoded *out, ckpng_read_state *state) {
  size_t width = out->width;
  size_t height = out->height;
  size_t row_bytes = png_get_rowbytes(png, info);
  size_t expected = width * (size_t)out->channels * (size_t)(out->bit_depth / 8);
  if (row_bytes != expected) {
    png_error(png, "unexpected row size after expansion");
  }
  if (height > SIZE_MAX / row_bytes || height > SIZE_MAX / sizeof(png_bytep)) {
    png_error(png, "image too large for memory");
  }

  out->pixels = malloc(row_bytes * height);
  state->rows = malloc(sizeof(png_bytep) * height);
  if (out->pixels == NULL || state->rows == NULL) {
    png_error(png, "out of memory");
  }
  out->pixels_size = row_bytes * height;

  for (size_t y = 0; y < height; y++) {
    state->rows[y] = out->pixels + y * row_bytes;
  }
}

/// The largest number of bytes libpng allocates for one ancillary chunk,
/// after decompression (libpng's own default in pnglibconf.h, set here so a
/// libpng built without it gets the same limit).
enum { CKPNG_CHUNK_MALLOC_MAX = 8000000 };

/// The largest number of ancillary chunks libpng keeps (libpng's default).
enum { CKPNG_CHUNK_CACHE_MAX = 1000 };

/// Sets up the read and reads every chunk before the first IDAT, which
/// allocates nothing for the pixels. Any libpng error longjmps out of it.
void ckpng_read_header(
  png_structp png, png_infop info, ckpng_read_state *state, ckpng_decoded *out) {
  png_set_read_fn(png, &state->source, ckpng_read_data);
  if (!ckpng_chunks_fit(&state->source)) {
    png_error(png, "unexpected end of file");
  }

  // The width and height limits stay at the PNG maximum because ckpng_decode
  // checks width * height itself. That check also catches a long, thin image
  // and reports the declared size instead of libpng's "Invalid IHDR data".
  png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
  png_set_chunk_malloc_max(png, CKPNG_CHUNK_MALLOC_MAX);
  png_set_chunk_cache_max(png, CKPNG_CHUNK_CACHE_MAX);

  // A CRC error in an ancillary chunk is an error too, not libpng's default
  // warning, because the file is damaged and a damaged colour-space chunk
  // would otherwise be dropped from the output without a word.
  png_set_crc_action(png, PNG_CRC_DEFAULT, PNG_CRC_ERROR_QUIT);

  // An ICC profile that matches a known sRGB profile would otherwise make
  // libpng report sRGB, gAMA and cHRM values; ckpng_encode skips it too.
  png_set_option(png, PNG_SKIP_sRGB_CHECK_PROFILE, PNG_OPTION_ON);
  png_read_info(png, info);

  out->width = png_get_image_width(png, info);
  out->height = png_get_image_height(png, info);
  out->source_color_type = png_get_color_type(png, info);
  out->source_bit_depth = png_get_bit_depth(png, info);
  out->interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
}

void ckpng_read_end(png_structp png, const ckpng_read_state *state) {
  png_read_end(png, NULL);

  size_t extra = state->source.size > state->source.offset ? state->source.size - state->source.offset : 0;
  if (extra > 0) {
    char text[CKPNG_MESSAGE_CAPACITY];
    snprintf(text, sizeof text, "%zu bytes of extra data after the IEND chunk", extra);
    png_error(png, text);
  }
}

/// Allocates and reads the pixels, reads the chunks after them and checks
/// that nothing follows IEND. Any libpng error longjmps out of it.
static void ckpng_read_pixels(
  png_structp png, png_infop info, ckpng_read_state *state, ckpng_decoded *out) {
  ckpng_set_transforms(png, info);
  out->channels = png_get_channels(png, info);
  out->bit_depth = png_get_bit_depth(png, info);
  if (out->channels < 1 || out->channels > 4 || (out->bit_depth != 8 && out->bit_depth != 16)) {
    png_error(png, "unexpected layout after expansion");
  }

  ckpng_allocate_rows(png, info, out, state);
  png_read_image(png, state->rows);
  ckpng_read_end(png, state);

  ckpng_chunks_seen seen = ckpng_scan_chunks(&state->source);
  ckpng_read_color_space(png, info, seen, &out->color_space);
}

/// Returns whether the declared size exceeds the limit, or makes the decoded
/// tensor's byte count (at most 16 bytes per pixel, four 32-bit floats) too
/// large for a size_t.
int ckpng_exceeds_limit(const ckpng_decoded *out, const ckpng_decode_limits *limits) {
  uint64_t pixels = (uint64_t)out->width * (uint64_t)out->height;
  return pixels > limits->max_pixels || pixels > SIZE_MAX / 16;
}

ckpng_status ckpng_decode(
  const uint8_t *data, size_t size, const ckpng_decode_limits *limits, ckpng_decoded *out,
  char *message, size_t message_capacity) {
  ckpng_message error = {message, message_capacity, {0}};
  ckpng_message_set(&error, "");
  memset(out, 0, sizeof *out);
  if ((data == NULL && size > 0) || limits == NULL) {
    ckpng_message_set(&error, limits == NULL ? "no limits" : "no data");
    return CKPNG_INVALID_ARGUMENT;
  }

  ckpng_read_state *state = calloc(1, sizeof *state);
  png_structp png =
    png_create_read_struct(PNG_LIBPNG_VER_STRING, &error, ckpng_on_error, ckpng_on_warning);
  png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
  if (state == NULL || png == NULL || info == NULL) {
    png_destroy_read_struct(png != NULL ? &png : NULL, info != NULL ? &info : NULL, NULL);
    free(state);
    ckpng_message_set(&error, "out of memory");
    return CKPNG_FAILED;
  }
  state->source = (ckpng_source){data, size, 0};

  // No local of this frame that is used after a longjmp changes after the
  // setjmp: what must be released lives in *state and *out.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, NULL);
    free(state->rows);
    free(state);
    ckpng_decoded_free(out);
    return CKPNG_FAILED;
  }

  ckpng_read_header(png, info, state, out);
  if (ckpng_exceeds_limit(out, limits)) {
    uint32_t width = out->width;
    uint32_t height = out->height;
    png_destroy_read_struct(&png, &info, NULL);
    free(state);
    ckpng_decoded_free(out);
    out->width = width;
    out->height = height;
    ckpng_message_set(&error, "image too large");
    return CKPNG_TOO_LARGE;
  }
  ckpng_read_pixels(png, info, state, out);

  png_destroy_read_struct(&png, &info, NULL);
  free(state->rows);
  free(state);
  return CKPNG_OK;
}

void ckpng_decoded_free(ckpng_decoded *decoded) {
  free(decoded->pixels);
  free((void *)decoded->color_space.icc_name);
  free((void *)decoded->color_space.icc_profile);
  memset(decoded, 0, sizeof *decoded);
}
