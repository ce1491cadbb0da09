#ifndef CMEMORY_HINTS_H
#define CMEMORY_HINTS_H

// Memory hints for the engine's row loops, which Swift cannot express. The optimizer
// inlines the inline functions into the Swift loops as single instructions.

/// Asks the processor to start loading the cache line at `address`, which a loop will read
/// soon. Never faults, whatever the address.
static inline void ckhint_prefetch(const void *address) {
  __builtin_prefetch(address, 0, 3);
}

/// Eight floats at 16-byte alignment, imported into Swift as `SIMD8<Float>`.
typedef float ckhint_float8 __attribute__((ext_vector_type(8), aligned(16)));

/// Stores `value` at `address`, which must be 16-byte aligned, bypassing the cache (SSE2
/// `movntps` on x86-64, `stnp` on arm64). The line is not read from memory first, and the
/// value does not evict data that the program will read again.
/// Call `ckhint_store_fence` before another thread reads the values.
static inline void ckhint_stream_float8(float *address, ckhint_float8 value) {
  __builtin_nontemporal_store(value, (ckhint_float8 *)address);
}

/// Orders the calling thread's cache-bypassing stores before its later stores.
void ckhint_store_fence(void);

#endif
