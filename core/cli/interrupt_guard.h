#pragma once
// SIGINT (and SIGTERM) routed to a cancellation token for the lifetime of a command, so a
// long command (training, generation) can save what it has and exit with code 130.
#include "common/cancel.h"

namespace psr::cli {

class InterruptGuard {
 public:
  explicit InterruptGuard(CancellationToken& token);
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  void (*previousInt_)(int);
  void (*previousTerm_)(int);
};

}  // namespace psr::cli
