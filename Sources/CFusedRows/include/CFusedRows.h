#ifndef CFUSED_ROWS_H
#define CFUSED_ROWS_H

#include <stddef.h>

// The engine's weighted row sum in AVX2 with fused multiply-add, for the x86-64 processors
// that have both (Intel since 2013, AMD since 2015). Swift compiles a whole module for one
// instruction set, baseline SSE2 on x86-64 unless given `unsafeFlags`, and cannot mark one
// function for more. C can: the loop below is compiled for AVX2 and FMA on its own, and
// runs only after the processor is checked. The portable loop in Swift
// (`RowKernels.weightedSum`) stays the reference and the fallback.

/// Returns 1 when the processor and the operating system run AVX2 and FMA instructions, and
/// 0 otherwise, always 0 outside x86-64.
int ckfused_available(void);

/// For `x` in `first..<end`, sets `output[x]` to the sum of `weights[i] * sources[i][x]`
/// over `i` in `0..<taps`: the first term multiplied, each later one added with a fused
/// multiply-add in order of `i`, then `bias` added when it is not 0. Vector steps and the
/// scalar tail round alike.
///
/// With `streams`, `output + first` is 32-byte aligned, `end - first` a multiple of 8, and
/// the stores bypass the cache. `ahead`, when not NULL, is prefetched at the samples
/// `first..<end` below `ahead_count`.
///
/// Call only when `taps` is at least 1 and `ckfused_available()` returned 1.
void ckfused_weighted_sum(
    const float *_Nonnull const *_Nonnull sources, const float *_Nonnull weights,
    ptrdiff_t taps, float bias, float *_Nonnull output, ptrdiff_t first, ptrdiff_t end,
    int streams, const float *_Nullable ahead, ptrdiff_t ahead_count);

/// Computes two rows from the `taps + 1` rows of `sources`, with the same `weights`:
/// `first_row` from `sources[0..<taps]` and `second_row` from `sources[1...taps]`, for
/// `x` in `0..<count` and with no bias. The values equal those of two calls of
/// `ckfused_weighted_sum`. Each source row is loaded once for both rows, which halves the
/// loads of a column pass whose rows come from the L2 cache.
void ckfused_weighted_sum_pair(
    const float *_Nonnull const *_Nonnull sources, const float *_Nonnull weights,
    ptrdiff_t taps, float *_Nonnull first_row, float *_Nonnull second_row, ptrdiff_t count,
    const float *_Nullable ahead, ptrdiff_t ahead_count);

#endif
