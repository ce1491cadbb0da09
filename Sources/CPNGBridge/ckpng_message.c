// The error and warning callbacks given to libpng.

#include <stdio.h>
#include <string.h>

#include "ckpng_internal.h"

/// Copies `text` into `destination`, cut to fit and NUL-terminated.
static void ckpng_copy_text(char *destination, size_t capacity, const char *text) {
  if (destination == NULL || capacity == 0) {
    return;
  }

  size_t length = strlen(text);
  if (length >= capacity) {
    length = capacity - 1;
  }
  memcpy(destination, text, length);
  destination[length] = '\0';
}

void ckpng_message_set(ckpng_message *message, const char *text) {
  ckpng_copy_text(message->text, message->capacity, text);
}

void ckpng_on_error(png_structp png, png_const_charp text) {
  ckpng_message *message = png_get_error_ptr(png);
  text = text != NULL ? text : "unknown libpng error";

  char detailed[2 * CKPNG_MESSAGE_CAPACITY];
  if (strcmp(text, "Invalid IHDR data") == 0 && message->last_warning[0] != '\0') {
    snprintf(detailed, sizeof detailed, "%s (%s)", text, message->last_warning);
    text = detailed;
  }
  ckpng_message_set(message, text);

  // Back to the setjmp in ckpng_decode or ckpng_encode; never returns.
  png_longjmp(png, 1);
}

void ckpng_on_warning(png_structp png, png_const_charp text) {
  ckpng_message *message = png_get_error_ptr(png);
  ckpng_copy_text(message->last_warning, sizeof message->last_warning, text != NULL ? text : "");
}
