#pragma once
#include "common/cancel.h"
#include "pipeline/synth_spec.h"

namespace psr::store {
class Workspace;
}

namespace psr::pipeline {

/// Runs the paper's two-stage data pipeline into the workspace until `spec.count` samples passed
/// the filters (or the attempt limit is reached: state "failed"). Batches of `spec.batchSize`
/// attempts are made on `spec.threads` workers and committed in one transaction each, together
/// with the run's counters, so a killed run loses at most the batch in flight and
/// `spec.resumeRun` continues after the last committed attempt with results identical to an
/// uninterrupted run (sample `seq` depends only on (seed, seq) and on the committed state).
/// Cancellation is honoured between batches (state "cancelled"). An attempt whose providers fail
/// with ErrorCode::Io or Corrupt (an HTTP model giving up, an unusable answer) is rejected as
/// "provider_error"; a batch of nothing but such failures, and other errors, mark the run
/// "failed" and are rethrown.
SynthReport synthesize(store::Workspace& workspace, const SynthSpec& spec, const ProgressFn& progress = {},
                       const CancellationToken& cancel = {});

}  // namespace psr::pipeline
