// Declares a fuzz target's entry point. Built for libFuzzer it is LLVMFuzzerTestOneInput; built
// into fuzz_replay_test (-DSKYDIR_FUZZ_REPLAY) it is SkydirFuzz_<name>, so several targets link
// into one binary. The body sees `data` and `size`; it returns 0. FUZZ_CHECK aborts on a broken
// invariant so that libFuzzer (and the replay test, as a death) report it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#ifdef SKYDIR_FUZZ_REPLAY
#define SKYDIR_FUZZ_ENTRY(name) extern "C" int SkydirFuzz_##name(const uint8_t* data, size_t size)
#else
#define SKYDIR_FUZZ_ENTRY(name) \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
#endif

#define FUZZ_CHECK(cond)                                                                \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)
