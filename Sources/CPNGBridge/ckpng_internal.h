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

#endif  // CKPNG_INTERNAL_H
