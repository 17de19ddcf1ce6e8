#include "openai/cancellable_sleep.h"

#include <algorithm>
#include <thread>

namespace psr::openai {

void sleepCancellable(std::chrono::steady_clock::duration duration, const CancellationToken& cancel) {
  constexpr auto kStep = std::chrono::milliseconds(10);
  const auto until = std::chrono::steady_clock::now() + duration;
  for (;;) {
    cancel.throwIfCancelled();
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now, kStep));
  }
}

}  // namespace psr::openai
