#include "pipeline/synthesize.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/logging.h"
#include "pipeline/blob_writer.h"
#include "pipeline/sample_writer.h"
#include "pipeline/scene_edits.h"
#include "pipeline/world_providers.h"
#include "store/workspace.h"
#include "world/catalog.h"

namespace psr::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

/// User + system CPU seconds of the whole process: with other work on the machine, samples per
/// CPU second compare across runs where samples per wall second do not.
double processCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

struct Attempt {
  long long seq;
  Subset subset;
};

std::vector<Subset> subsetsOf(const SynthSpec& spec) {
  return spec.subset ? std::vector<Subset>{*spec.subset} : std::vector<Subset>(kAllSubsets.begin(), kAllSubsets.end());
}

/// The next batch: round-robin over the subsets that still lack samples, never more attempts
/// for a subset than it lacks. Depends only on committed state, so a resumed run plans the
/// same batches as an uninterrupted one.
std::vector<Attempt> planBatch(const SynthSpec& spec, const std::map<std::string, long long>& bySubset,
                               long long attempted) {
  const auto subsets = subsetsOf(spec);
  const long long k = (long long)subsets.size();
  std::vector<long long> need(subsets.size());
  for (std::size_t i = 0; i < subsets.size(); ++i) {
    const long long quota = spec.count / k + ((long long)i < spec.count % k ? 1 : 0);
    const auto it = bySubset.find(subsetName(subsets[i]));
    need[i] = std::max(0LL, quota - (it == bySubset.end() ? 0 : it->second));
  }
  const long long room = std::min<long long>(spec.batchSize, spec.attemptLimit() - attempted);
  std::vector<Attempt> out;
  for (bool added = true; added && (long long)out.size() < room;) {
    added = false;
    for (std::size_t i = 0; i < subsets.size() && (long long)out.size() < room; ++i) {
      if (need[i] == 0) continue;
      --need[i];
      out.push_back({attempted + (long long)out.size(), subsets[i]});
      added = true;
    }
  }
  return out;
}

nlohmann::json providerNames(const ProviderSet& p) {
  return {{"prompt_writer", p.promptWriter->name()},
          {"t2i", p.t2i->name()},
          {"detector", p.detector->name()},
          {"single_subject", p.singleSubject->name()},
          {"editor", p.editor->name()},
          {"captioner", p.captioner->name()},
          {"scorer", p.scorer->name()}};
}

/// Whether an attempt's error is one sample's bad luck with a provider (a request that failed
/// after its retries: Io; an unusable answer: Corrupt) rather than a reason to stop the run.
bool isProviderFailure(const Error& e) { return e.code() == ErrorCode::Io || e.code() == ErrorCode::Corrupt; }

/// Makes the batch's candidates on one worker per provider set; accepted candidates' blobs go to
/// the blob writer as soon as they are encoded. A provider failure rejects its attempt
/// (provider_error), unless every attempt of the batch failed so: then the provider is down or
/// misconfigured and the run stops with the first failure instead of spending its attempt budget
/// on it. Rethrows the first other worker error.
std::vector<Candidate> runBatch(const std::vector<Attempt>& attempts, std::vector<ProviderSet>& sets,
                                const world::WorldCatalog& catalog, const SynthSpec& spec,
                                const std::unordered_set<std::string>& hashes, BlobWriter& writer,
                                const CancellationToken& cancel) {
  std::vector<Candidate> out(attempts.size());
  std::vector<std::optional<Error>> providerFailures(attempts.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::exception_ptr> errors(sets.size());
  auto work = [&](std::size_t t) {
    try {
      for (std::size_t i; !failed && (i = next++) < attempts.size();) {
        CandidateInput in{attempts[i].seq, attempts[i].subset, spec.split, spec.seed, spec.filters, cancel};
        try {
          out[i] = makeCandidate(sets[t], catalog, in, hashes);
        } catch (const Error& e) {
          if (!isProviderFailure(e)) throw;
          logger()->warn("synthesis attempt {} rejected (provider_error): {}", attempts[i].seq, e.what());
          providerFailures[i] = e;
          out[i].seq = attempts[i].seq;
          out[i].subset = attempts[i].subset;
          out[i].reject = RejectReason::ProviderError;
        }
        if (out[i].reject) continue;
        writer.submit(out[i].target.sha256, out[i].target.bytes);
        writer.submit(out[i].source.sha256, out[i].source.bytes);
        for (const auto& r : out[i].references) writer.submit(r.image.sha256, r.image.bytes);
      }
    } catch (...) {
      errors[t] = std::current_exception();
      failed = true;
    }
  };
  const std::size_t workers = std::min(sets.size(), attempts.size());
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < workers; ++t) threads.emplace_back(work, t);
  work(0);
  for (auto& th : threads) th.join();
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  if (std::all_of(providerFailures.begin(), providerFailures.end(), [](const auto& e) { return e.has_value(); })) {
    const Error& first = *providerFailures.front();
    throw Error("all " + std::to_string(attempts.size()) + " attempts of a batch failed in a provider, so the run " +
                    "stops (resume it once the provider works); the first failure: " + first.what(),
                first.code());
  }
  return out;
}

}  // namespace

SynthReport synthesize(store::Workspace& ws, const SynthSpec& requested, const ProgressFn& progress,
                       const CancellationToken& cancel) {
  const auto started = Clock::now();
  const double cpuStarted = processCpuSeconds();
  auto& db = ws.db();
  RunState run;
  SynthSpec spec = requested;
  if (requested.resumeRun > 0) {
    run = loadRun(db, requested.resumeRun);
    spec = SynthSpec::fromJson(run.spec);
    spec.threads = requested.threads;
    spec.blobWriters = requested.blobWriters;
    spec.providers = requested.providers;
  }
  spec.validate();
  const world::WorldCatalog catalog = world::WorldCatalog::load(ws);
  for (Subset s : subsetsOf(spec)) checkCatalogServes(s, spec.split, catalog);
  const ProviderFactory factory =
      spec.providers ? spec.providers : [&] { return worldProviders(catalog, spec.imageSize); };
  std::vector<ProviderSet> sets;
  for (int t = 0; t < spec.threads; ++t) {
    sets.push_back(factory());
    sets.back().requireComplete();
  }
  nlohmann::json specJson = spec.toJson();
  specJson["providers"] = providerNames(sets[0]);

  SynthReport report;
  report.count = spec.count;
  report.dataset = spec.dataset;
  if (requested.resumeRun > 0) {
    if (run.spec.value("providers", nlohmann::json()) != specJson["providers"]) {
      throw Error("run " + std::to_string(run.id) + " was made with providers " +
                      run.spec.value("providers", nlohmann::json()).dump() + "; resume it with the same providers",
                  ErrorCode::InvalidArgument);
    }
    if (run.state == "finished") {
      report.message = "run " + std::to_string(run.id) + " is already finished";
    } else {
      run.state = "running";
      store::Transaction tx(db);
      updateRun(db, run);
      tx.commit();
    }
  } else {
    store::Transaction tx(db);
    run.datasetId = ensureDataset(db, spec.dataset);
    run.id = createRun(db, run.datasetId, specJson);
    run.state = "running";
    tx.commit();
  }
  report.runId = run.id;
  auto bySubset = samplesBySubset(db, run.id);
  auto finish = [&](const std::string& state, const std::string& message) {
    run.state = state;
    store::Transaction tx(db);
    updateRun(db, run, message, true);
    tx.commit();
    report.state = state;
    report.message = message;
  };
  if (run.state == "finished") {
    report.state = run.state;
  } else {
    std::unordered_set<std::string> hashes = datasetHashes(db, run.datasetId);
    BlobWriter writer(ws.blobs(), spec.blobWriters);
    SampleWriter samples(db, run.id, run.datasetId, world::splitName(spec.split));
    logger()->info("synthesis run {}: {} {} samples ({}), seed {}, from attempt {}", run.id, spec.count,
                   specJson["subset"].get<std::string>(), world::splitName(spec.split), spec.seed, run.attempted);
    try {
      for (;;) {
        if (run.produced >= spec.count) {
          finish("finished", "");
          break;
        }
        if (cancel.isCancelled()) {
          finish("cancelled", "cancelled after attempt " + std::to_string(run.attempted));
          break;
        }
        const auto attempts = planBatch(spec, bySubset, run.attempted);
        if (attempts.empty()) {
          finish("failed", "stopped after " + std::to_string(run.attempted) + " attempts with " +
                               std::to_string(run.produced) + " of " + std::to_string(spec.count) +
                               " samples: the filters rejected too many (see rejects)");
          break;
        }
        const auto candidates = runBatch(attempts, sets, catalog, spec, hashes, writer, cancel);
        for (const auto& c : candidates) report.times += c.times;
        writer.sync();
        const auto insertStarted = Clock::now();
        // Counters change only once the batch committed, so a failure inside it leaves the
        // in-memory run equal to the database's.
        RunState next = run;
        auto nextBySubset = bySubset;
        long long rows = 0;
        store::Transaction tx(db);
        for (const auto& c : candidates) {
          std::optional<RejectReason> reject = c.reject;
          if (!reject && !hashes.insert(c.contentHash).second) reject = RejectReason::Duplicate;
          if (reject) {
            ++next.rejects[rejectReasonName(*reject)];
            continue;
          }
          rows += samples.insert(c);
          ++nextBySubset[subsetName(c.subset)];
          ++next.produced;
        }
        next.attempted += (long long)attempts.size();
        updateRun(db, next);
        tx.commit();
        report.producedNow += next.produced - run.produced;
        report.rowsInserted += rows;
        run = std::move(next);
        bySubset = std::move(nextBySubset);
        report.times.insert += std::chrono::duration<double>(Clock::now() - insertStarted).count();
        if (progress) {
          progress({run.produced, spec.count,
                    std::to_string(run.attempted) + " attempts, " + std::to_string(run.attempted - run.produced) +
                        " rejected"});
        }
      }
    } catch (const Error& e) {
      // The batch in flight was rolled back; the committed ones stay and the run is resumable.
      if (e.code() == ErrorCode::Cancelled) {
        finish("cancelled", e.what());
      } else {
        finish("failed", e.what());
        throw;
      }
    }
    report.times.blobWrite = writer.busySeconds();
  }
  report.produced = run.produced;
  report.attempted = run.attempted;
  report.rejects = run.rejects;
  report.bySubset = bySubset;
  report.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  report.cpuSeconds = processCpuSeconds() - cpuStarted;
  return report;
}

}  // namespace psr::pipeline
