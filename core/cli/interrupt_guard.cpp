#include "cli/interrupt_guard.h"

#include <csignal>

namespace psr::cli {

namespace {
CancellationToken* gToken = nullptr;
extern "C" void onCliInterrupt(int) {
  if (gToken) gToken->cancel();  // an atomic store: async-signal-safe
}
}  // namespace

InterruptGuard::InterruptGuard(CancellationToken& token) {
  gToken = &token;
  previousInt_ = std::signal(SIGINT, onCliInterrupt);
  previousTerm_ = std::signal(SIGTERM, onCliInterrupt);
}

InterruptGuard::~InterruptGuard() {
  std::signal(SIGINT, previousInt_);
  std::signal(SIGTERM, previousTerm_);
  gToken = nullptr;
}

}  // namespace psr::cli
