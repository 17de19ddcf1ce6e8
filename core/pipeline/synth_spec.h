#pragma once
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "pipeline/providers.h"
#include "pipeline/subset.h"
#include "world/catalog_rules.h"

namespace psr::pipeline {

/// Acceptance thresholds of the filters.
struct FilterThresholds {
  double minConsistency = 0.5;         // per subject, reference crop vs target crop
  double minDetectorConfidence = 0.5;  // per subject, every detection the sample relies on
  double maxCopyPaste = 0.9;           // per subject, copyPasteSimilarity of the box crops
};

/// Why a candidate sample was dropped. ProviderError: a provider failed on this attempt (an
/// HTTP model gave up after its retries or answered with something unusable).
enum class RejectReason { Consistency, DetectorConfidence, CopyPaste, Duplicate, ProviderError };

/// Database/JSON spelling: "consistency", "detector_confidence", "copy_paste", "duplicate",
/// "provider_error".
const char* rejectReasonName(RejectReason reason);

/// What a synthesis run makes. Stored (without the provider factory) as the run's spec, so a
/// resumed run continues with exactly the same settings.
struct SynthSpec {
  std::optional<Subset> subset;  // nullopt: all seven subsets, in equal shares
  long long count = 0;           // accepted samples to produce
  world::Split split = world::Split::Train;
  std::uint64_t seed = 0;
  int batchSize = 64;  // samples per transaction
  int imageSize = 64;
  long long maxAttempts = 0;          // 0: 4 x count + 64; the run fails when filters reject more
  std::string dataset = "synthetic";  // datasets.name; created when missing
  FilterThresholds filters;

  int threads = 2;            // candidate workers (not stored: results do not depend on it)
  int blobWriters = 2;        // threads writing blob files
  ProviderFactory providers;  // empty: the built-in emoji-world providers
  long long resumeRun = 0;    // continue this synth_runs row instead of starting a new one

  /// The reproducibility-relevant fields as JSON.
  nlohmann::json toJson() const;
  /// Reads toJson's form back (threads, writers, providers and resumeRun keep their defaults).
  static SynthSpec fromJson(const nlohmann::json& j);
  /// fromJson over text from outside (a database row, a file): size and nesting are checked
  /// before parsing; throws Corrupt naming the problem.
  static SynthSpec fromText(std::string_view text);
  /// Spec text longer than this is refused (a spec is a few hundred bytes).
  static constexpr std::size_t kMaxSpecJsonBytes = std::size_t(1) << 20;
  /// Throws InvalidArgument for a count, batch size, image size or threshold out of range.
  void validate() const;
  /// maxAttempts, or its default.
  long long attemptLimit() const {
    if (maxAttempts > 0) return maxAttempts;
    // Saturates: a count read from a damaged spec must not overflow (undefined behaviour).
    long long limit = 0;
    if (__builtin_mul_overflow(count, 4LL, &limit) || __builtin_add_overflow(limit, 64LL, &limit))
      return count > 0 ? std::numeric_limits<long long>::max() : std::numeric_limits<long long>::min();
    return limit;
  }
};

/// Seconds spent per stage, summed over threads: render = every provider call of both stages;
/// filter = detection, scoring, copy-paste and duplicate checks; encode = PNG; blob_write =
/// blob files (fsync'ed); insert = database rows and commits.
struct StageTimes {
  double render = 0, filter = 0, encode = 0, blobWrite = 0, insert = 0;
  StageTimes& operator+=(const StageTimes& o);
};

/// The outcome of synthesize().
struct SynthReport {
  long long runId = 0;
  std::string dataset;
  std::string state;  // finished, failed, cancelled
  std::string message;
  long long produced = 0, attempted = 0, count = 0;
  long long rowsInserted = 0;                 // this invocation: samples + references + blob rows
  long long producedNow = 0;                  // this invocation's accepted samples
  std::map<std::string, long long> bySubset;  // whole run
  std::map<std::string, long long> rejects;   // whole run, by reason
  double seconds = 0;                         // this invocation's wall time
  double cpuSeconds = 0;                      // this invocation's process CPU time (user + system)
  StageTimes times;                           // this invocation

  nlohmann::json toJson() const;
};

}  // namespace psr::pipeline
