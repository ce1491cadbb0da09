// The record of temporary output files, and the signal handler that removes
// them when the process is interrupted.

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "CPNGBridge.h"

/// The longest path recorded, without its NUL.
enum { CKPNG_TEMPORARY_PATH_MAX = 4095 };

/// The states of a slot.
enum {
  /// Nothing: the slot is free.
  CKPNG_SLOT_FREE = 0,
  /// A writer has taken the slot and is copying its path in.
  CKPNG_SLOT_FILLING = 1,
  /// A complete path that the signal handler removes.
  CKPNG_SLOT_RECORDED = 2,
};

/// One recorded path. The handler reads `path` only in the RECORDED state,
/// which a writer sets after the copy is complete and leaves before reusing
/// the slot, so the handler never reads a partial path.
typedef struct ckpng_temporary_slot {
  atomic_int state;
  char path[CKPNG_TEMPORARY_PATH_MAX + 1];
} ckpng_temporary_slot;

static ckpng_temporary_slot ckpng_slots[CKPNG_TEMPORARY_SLOTS];

// The handler may interrupt any thread between any two instructions, so the
// slot state must be read without a lock.
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the signal handler needs lock-free atomic int");

int ckpng_temporary_file_record(const char *path) {
  size_t length = strlen(path);
  if (length > CKPNG_TEMPORARY_PATH_MAX) {
    return -1;
  }

  for (int slot = 0; slot < CKPNG_TEMPORARY_SLOTS; slot++) {
    int expected = CKPNG_SLOT_FREE;
    if (atomic_compare_exchange_strong(&ckpng_slots[slot].state, &expected, CKPNG_SLOT_FILLING)) {
      memcpy(ckpng_slots[slot].path, path, length + 1);
      atomic_store(&ckpng_slots[slot].state, CKPNG_SLOT_RECORDED);
      return slot;
    }
  }
  return -1;
}

void ckpng_temporary_file_forget(int slot) {
  if (slot < 0 || slot >= CKPNG_TEMPORARY_SLOTS) {
    return;
  }
  atomic_store(&ckpng_slots[slot].state, CKPNG_SLOT_FREE);
}

/// Removes every recorded file, then ends the process. Calls only
/// async-signal-safe functions: unlink and _exit.
static void ckpng_on_termination_signal(int signal_number) {
  for (int slot = 0; slot < CKPNG_TEMPORARY_SLOTS; slot++) {
    if (atomic_load(&ckpng_slots[slot].state) == CKPNG_SLOT_RECORDED) {
      unlink(ckpng_slots[slot].path);
    }
  }
  _exit(128 + signal_number);
}

void ckpng_remove_temporary_files_on_signals(void) {
  static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
  enum { SIGNAL_COUNT = sizeof signals / sizeof signals[0] };

  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = ckpng_on_termination_signal;

  // The other signals wait while the handler runs on a thread. A handler
  // running on another thread at the same time only repeats the unlink calls.
  sigset_t handled;
  sigemptyset(&handled);
  for (int i = 0; i < SIGNAL_COUNT; i++) {
    sigaddset(&handled, signals[i]);
  }
  action.sa_mask = handled;

  for (int i = 0; i < SIGNAL_COUNT; i++) {
    // A signal that the parent set to be ignored stays ignored, as `nohup`
    // and shells running background jobs expect.
    struct sigaction current;
    if (sigaction(signals[i], NULL, &current) == 0 && current.sa_handler == SIG_IGN) {
      continue;
    }
    sigaction(signals[i], &action, NULL);
  }

  // A blocked signal would wait until the process ends, and some parents,
  // such as test runners, start children with these blocked. Threads started
  // later inherit this thread's mask.
  pthread_sigmask(SIG_UNBLOCK, &handled, NULL);
}
