#include "CFusedRows.h"

#if defined(__x86_64__) && defined(__clang__)

#define CKFUSED_TARGET __attribute__((target("avx2,fma")))

/// Eight floats at any float alignment, and at the 32-byte alignment of streaming stores.
typedef float ckfused_float8 __attribute__((ext_vector_type(8), aligned(4)));
typedef float ckfused_aligned8 __attribute__((ext_vector_type(8), aligned(32)));

/// Samples per step of the main loop: eight vectors with independent sums, so that the
/// processor can keep several fused multiply-adds in flight at once.
enum { CKFUSED_BLOCK = 64, CKFUSED_LINE = 16 };

int ckfused_available(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

CKFUSED_TARGET static inline ckfused_float8 load8(const float *p) {
  return *(const ckfused_float8 *)p;
}

CKFUSED_TARGET static inline void store8(float *p, ckfused_float8 v, int streams) {
  if (streams) {
    __builtin_nontemporal_store((ckfused_aligned8)v, (ckfused_aligned8 *)p);
  } else {
    *(ckfused_float8 *)p = v;
  }
}

/// Returns `w * x + sum` rounded once.
CKFUSED_TARGET static inline ckfused_float8 fma8(ckfused_float8 w, ckfused_float8 x,
                                                  ckfused_float8 sum) {
  return __builtin_elementwise_fma(w, x, sum);
}

/// Prefetches the lines of `ahead` that the block at `x` will need, below `ahead_count`.
CKFUSED_TARGET static inline void prefetch_block(const float *ahead, ptrdiff_t ahead_count,
                                                 ptrdiff_t x) {
  if (!ahead) return;
  for (ptrdiff_t line = 0; line < CKFUSED_BLOCK; line += CKFUSED_LINE) {
    if (x + line < ahead_count) __builtin_prefetch(ahead + x + line, 0, 3);
  }
}

/// Writes the 64 samples from `x` on.
CKFUSED_TARGET static inline void sum_block(
    const float *const *sources, const float *weights, ptrdiff_t taps, float bias,
    float *output, ptrdiff_t x, int streams) {
  ckfused_float8 a[8];
  ckfused_float8 w = weights[0];
  const float *p = sources[0] + x;
  for (int v = 0; v < 8; v++) a[v] = w * load8(p + 8 * v);

  for (ptrdiff_t tap = 1; tap < taps; tap++) {
    w = weights[tap];
    p = sources[tap] + x;
    for (int v = 0; v < 8; v++) a[v] = fma8(w, load8(p + 8 * v), a[v]);
  }

  for (int v = 0; v < 8; v++) {
    store8(output + x + 8 * v, bias != 0 ? a[v] + bias : a[v], streams);
  }
}

/// Writes the 8 samples from `x` on.
CKFUSED_TARGET static inline void sum_vector(
    const float *const *sources, const float *weights, ptrdiff_t taps, float bias,
    float *output, ptrdiff_t x, int streams) {
  ckfused_float8 a = weights[0] * load8(sources[0] + x);
  for (ptrdiff_t tap = 1; tap < taps; tap++) {
    a = fma8(weights[tap], load8(sources[tap] + x), a);
  }
  store8(output + x, bias != 0 ? a + bias : a, streams);
}

/// Writes the sample at `x`, rounded as in the vector steps.
CKFUSED_TARGET static inline void sum_sample(
    const float *const *sources, const float *weights, ptrdiff_t taps, float bias,
    float *output, ptrdiff_t x) {
  float a = weights[0] * sources[0][x];
  for (ptrdiff_t tap = 1; tap < taps; tap++) {
    a = __builtin_fmaf(weights[tap], sources[tap][x], a);
  }
  output[x] = bias != 0 ? a + bias : a;
}

CKFUSED_TARGET void ckfused_weighted_sum(
    const float *const *sources, const float *weights, ptrdiff_t taps, float bias,
    float *output, ptrdiff_t first, ptrdiff_t end, int streams, const float *ahead,
    ptrdiff_t ahead_count) {
  ptrdiff_t x = first;
  for (; x + CKFUSED_BLOCK <= end; x += CKFUSED_BLOCK) {
    prefetch_block(ahead, ahead_count, x);
    sum_block(sources, weights, taps, bias, output, x, streams);
  }
  for (; x + 8 <= end; x += 8) {
    sum_vector(sources, weights, taps, bias, output, x, streams);
  }
  for (; x < end; x++) {
    sum_sample(sources, weights, taps, bias, output, x);
  }
}

/// Writes the 32 samples from `x` on of both rows of `ckfused_weighted_sum_pair`.
CKFUSED_TARGET static inline void sum_pair_block(
    const float *const *sources, const float *weights, ptrdiff_t taps, float *first_row,
    float *second_row, ptrdiff_t x) {
  ckfused_float8 a[4], b[4], v[4];
  const float *p = sources[0] + x;
  ckfused_float8 w = weights[0];
  for (int k = 0; k < 4; k++) a[k] = w * load8(p + 8 * k);

  p = sources[1] + x;
  for (int k = 0; k < 4; k++) v[k] = load8(p + 8 * k);
  for (int k = 0; k < 4; k++) b[k] = w * v[k];
  for (ptrdiff_t tap = 1; tap < taps; tap++) {
    // Source row `tap` is tap `tap` of the first row and tap `tap - 1` of the second.
    ckfused_float8 w_first = weights[tap], w_second = weights[tap - 1];
    if (tap > 1) {
      p = sources[tap] + x;
      for (int k = 0; k < 4; k++) v[k] = load8(p + 8 * k);
      for (int k = 0; k < 4; k++) b[k] = fma8(w_second, v[k], b[k]);
    }
    for (int k = 0; k < 4; k++) a[k] = fma8(w_first, v[k], a[k]);
  }
  if (taps > 1) {
    p = sources[taps] + x;
    w = weights[taps - 1];
    for (int k = 0; k < 4; k++) b[k] = fma8(w, load8(p + 8 * k), b[k]);
  }

  for (int k = 0; k < 4; k++) {
    store8(first_row + x + 8 * k, a[k], 0);
    store8(second_row + x + 8 * k, b[k], 0);
  }
}

CKFUSED_TARGET void ckfused_weighted_sum_pair(
    const float *const *sources, const float *weights, ptrdiff_t taps, float *first_row,
    float *second_row, ptrdiff_t count, const float *ahead, ptrdiff_t ahead_count) {
  ptrdiff_t x = 0;
  for (; x + 32 <= count; x += 32) {
    if (ahead) {
      if (x < ahead_count) __builtin_prefetch(ahead + x, 0, 3);
      if (x + CKFUSED_LINE < ahead_count) __builtin_prefetch(ahead + x + CKFUSED_LINE, 0, 3);
    }
    sum_pair_block(sources, weights, taps, first_row, second_row, x);
  }
  for (; x + 8 <= count; x += 8) {
    sum_vector(sources, weights, taps, 0, first_row, x, 0);
    sum_vector(sources + 1, weights, taps, 0, second_row, x, 0);
  }
  for (; x < count; x++) {
    sum_sample(sources, weights, taps, 0, first_row, x);
    sum_sample(sources + 1, weights, taps, 0, second_row, x);
  }
}

#else

int ckfused_available(void) { return 0; }

void ckfused_weighted_sum_pair(
    const float *const *sources, const float *weights, ptrdiff_t taps, float *first_row,
    float *second_row, ptrdiff_t count, const float *ahead, ptrdiff_t ahead_count) {
  // Unreachable: the engine calls this only after ckfused_available() returned 1.
  (void)sources, (void)weights, (void)taps, (void)first_row, (void)second_row;
  (void)count, (void)ahead, (void)ahead_count;
  __builtin_trap();
}

void ckfused_weighted_sum(
    const float *const *sources, const float *weights, ptrdiff_t taps, float bias,
    float *output, ptrdiff_t first, ptrdiff_t end, int streams, const float *ahead,
    ptrdiff_t ahead_count) {
  // Unreachable: the engine calls this only after ckfused_available() returned 1.
  (void)sources, (void)weights, (void)taps, (void)bias, (void)output, (void)first;
  (void)end, (void)streams, (void)ahead, (void)ahead_count;
  __builtin_trap();
}

#endif
