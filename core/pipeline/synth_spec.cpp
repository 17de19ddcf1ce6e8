#include "pipeline/synth_spec.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/json_limits.h"

namespace psr::pipeline {

const char* rejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::Consistency:
      return "consistency";
    case RejectReason::DetectorConfidence:
      return "detector_confidence";
    case RejectReason::CopyPaste:
      return "copy_paste";
    case RejectReason::Duplicate:
      return "duplicate";
    case RejectReason::ProviderError:
      return "provider_error";
  }
  return "unknown";
}

nlohmann::json SynthSpec::toJson() const {
  return {{"subset", subset ? subsetName(*subset) : "all"},
          {"count", count},
          {"split", world::splitName(split)},
          {"seed", seed},
          {"batch_size", batchSize},
          {"image_size", imageSize},
          {"max_attempts", attemptLimit()},
          {"dataset", dataset},
          {"filters",
           {{"min_consistency", filters.minConsistency},
            {"min_detector_confidence", filters.minDetectorConfidence},
            {"max_copy_paste", filters.maxCopyPaste}}}};
}

SynthSpec SynthSpec::fromJson(const nlohmann::json& j) {
  constexpr auto kCorrupt = ErrorCode::Corrupt;
  const std::string what = "synthesis spec";
  try {
    if (!j.is_object()) throw Error(what + " is not a JSON object", kCorrupt);
    io::checkJsonDepth(j, what, kCorrupt);
    SynthSpec s;
    const std::string subset = j.at("subset").get<std::string>();
    if (subset != "all") s.subset = parseSubset(subset);
    s.count = io::jsonInteger<long long>(j.at("count"), what + ": count", kCorrupt);
    s.split = j.at("split").get<std::string>() == "heldout" ? world::Split::Heldout : world::Split::Train;
    s.seed = io::jsonInteger<std::uint64_t>(j.at("seed"), what + ": seed", kCorrupt);
    s.batchSize = io::jsonInteger<int>(j.at("batch_size"), what + ": batch_size", kCorrupt);
    s.imageSize = io::jsonInteger<int>(j.at("image_size"), what + ": image_size", kCorrupt);
    s.maxAttempts = io::jsonInteger<long long>(j.at("max_attempts"), what + ": max_attempts", kCorrupt);
    s.dataset = j.at("dataset").get<std::string>();
    const auto& f = j.at("filters");
    s.filters = {f.at("min_consistency").get<double>(), f.at("min_detector_confidence").get<double>(),
                 f.at("max_copy_paste").get<double>()};
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("synthesis spec is incomplete or malformed: ") + e.what(), ErrorCode::Corrupt);
  }
}

SynthSpec SynthSpec::fromText(std::string_view text) {
  return fromJson(io::parseJsonInput(text, "synthesis spec", ErrorCode::Corrupt, kMaxSpecJsonBytes));
}

void SynthSpec::validate() const {
  auto bad = [](const std::string& m) { throw Error(m, ErrorCode::InvalidArgument); };
  if (count <= 0) bad("--count must be a positive number of samples, got " + std::to_string(count));
  if (batchSize < 1 || batchSize > 4096) bad("--batch-size must be 1 to 4096, got " + std::to_string(batchSize));
  if (imageSize < 16 || imageSize > 1024) bad("--size must be 16 to 1024 pixels, got " + std::to_string(imageSize));
  if (threads < 1 || threads > 256) bad("threads must be 1 to 256");
  if (blobWriters < 1 || blobWriters > 256) bad("blob writers must be 1 to 256");
  if (maxAttempts < 0) bad("max attempts must not be negative");
  if (dataset.empty()) bad("--dataset must not be empty");
  for (double v : {filters.minConsistency, filters.minDetectorConfidence, filters.maxCopyPaste}) {
    if (!(v >= 0.0 && v <= 1.0)) bad("filter thresholds must lie in [0, 1]");
  }
}

StageTimes& StageTimes::operator+=(const StageTimes& o) {
  render += o.render;
  filter += o.filter;
  encode += o.encode;
  blobWrite += o.blobWrite;
  insert += o.insert;
  return *this;
}

nlohmann::json SynthReport::toJson() const {
  const double total = times.render + times.filter + times.encode + times.blobWrite + times.insert;
  auto share = [&](double v) { return total > 0 ? v / total : 0.0; };
  return {{"run_id", runId},
          {"dataset", dataset},
          {"state", state},
          {"message", message},
          {"count", count},
          {"produced", produced},
          {"attempted", attempted},
          {"produced_now", producedNow},
          {"by_subset", bySubset},
          {"rejects", rejects},
          {"seconds", seconds},
          {"samples_per_s", seconds > 0 ? double(producedNow) / seconds : 0.0},
          {"cpu_seconds", cpuSeconds},
          {"samples_per_cpu_s", cpuSeconds > 0 ? double(producedNow) / cpuSeconds : 0.0},
          {"rows_inserted", rowsInserted},
          {"stage_seconds",
           {{"render", times.render},
            {"filter", times.filter},
            {"encode", times.encode},
            {"blob_write", times.blobWrite},
            {"insert", times.insert}}},
          {"stage_share",
           {{"render", share(times.render)},
            {"filter", share(times.filter)},
            {"encode", share(times.encode)},
            {"blob_write", share(times.blobWrite)},
            {"insert", share(times.insert)}}},
          {"insert_to_render", times.render > 0 ? times.insert / times.render : 0.0}};
}

}  // namespace psr::pipeline
