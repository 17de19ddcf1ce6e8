#pragma once
#include <chrono>
#include <mutex>

#include "common/cancel.h"

namespace psr::openai {

/// A token bucket of capacity one shared by every thread of a client: requests leave at most
/// once per 60/requestsPerMinute seconds. Capacity one rather than a burst, because servers
/// count requests in rolling windows and a burst at the start of a run would hit their limit.
class RateLimiter {
 public:
  /// `requestsPerMinute` <= 0 means unlimited.
  explicit RateLimiter(double requestsPerMinute);

  /// Waits until the caller may send one request; true when it had to wait. Throws
  /// Error(Cancelled) when `cancel` fires while waiting (the slot is then lost).
  bool acquire(const CancellationToken& cancel);

 private:
  std::chrono::steady_clock::duration interval_{};
  std::mutex mutex_;
  std::chrono::steady_clock::time_point next_{};  // when the next token becomes available
};

}  // namespace psr::openai
