#pragma once
#include <chrono>

#include "common/cancel.h"

namespace psr::openai {

/// Sleeps for `duration`, waking every few milliseconds to throw Error(Cancelled) once `cancel`
/// fires, so that backoffs and rate-limit waits never delay a cancellation.
void sleepCancellable(std::chrono::steady_clock::duration duration, const CancellationToken& cancel);

}  // namespace psr::openai
