#pragma once
// Shared by the fuzz targets: each defines LLVMFuzzerTestOneInput, is linked either with
// libFuzzer (the `fuzz` preset) or with replay_main.cpp (CTest replays the committed corpus).
// A target catches psr::Error only: that is how a parser refuses bad input. Any other
// exception, a sanitizer report or a failed PSR_FUZZ_CHECK is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/error.h"

#define PSR_FUZZ_CHECK(cond)                                                                   \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                            \
    }                                                                                          \
  } while (0)

inline std::string_view fuzzText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Runs `fn`; a psr::Error is an accepted refusal (its message must not be empty).
template <class Fn>
void refusalOk(Fn&& fn) {
  try {
    fn();
  } catch (const psr::Error& e) {
    PSR_FUZZ_CHECK(e.what()[0] != '\0');
  }
}
