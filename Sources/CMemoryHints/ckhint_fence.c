#include "CMemoryHints.h"

#if defined(__x86_64__)
#include <xmmintrin.h>

void ckhint_store_fence(void) { _mm_sfence(); }

#else

void ckhint_store_fence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

#endif
