#include "openai/rate_limiter.h"

#include <algorithm>

#include "openai/cancellable_sleep.h"

namespace psr::openai {

RateLimiter::RateLimiter(double requestsPerMinute) {
  if (requestsPerMinute > 0) {
    interval_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(60.0 / requestsPerMinute));
  }
}

bool RateLimiter::acquire(const CancellationToken& cancel) {
  if (interval_ == std::chrono::steady_clock::duration::zero()) return false;
  std::chrono::steady_clock::time_point slot;
  {
    // Reserving the slot under the lock and sleeping outside it keeps waiting threads in order
    // without holding the lock while they sleep.
    std::lock_guard lock(mutex_);
    slot = std::max(next_, std::chrono::steady_clock::now());
    next_ = slot + interval_;
  }
  const auto wait = slot - std::chrono::steady_clock::now();
  if (wait <= std::chrono::steady_clock::duration::zero()) return false;
  sleepCancellable(wait, cancel);
  return true;
}

}  // namespace psr::openai
