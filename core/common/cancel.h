#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace psr {

/// Shared flag that long operations poll once per step; copies observe the same flag.
class CancellationToken {
 public:
  CancellationToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
  void cancel() const noexcept { flag_->store(true); }
  bool isCancelled() const noexcept { return flag_->load(); }
  /// Throws psr::Error(Cancelled) when cancelled; call at step boundaries.
  void throwIfCancelled() const;

 private:
  std::shared_ptr<std::atomic<bool>> flag_;
};

/// Progress of a long operation: `done` of `total` units, with a short status message.
struct Progress {
  long long done = 0;
  long long total = 0;
  std::string message;
};
using ProgressFn = std::function<void(const Progress&)>;

}  // namespace psr
