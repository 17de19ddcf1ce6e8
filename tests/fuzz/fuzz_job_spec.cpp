// Training job specs (`psr train sft|rl --config JOB.json`, the studio's Train panel, shipped
// resources/models/generator/jobs/*.json): the text is read as the CLI reads it (size- and
// depth-limited), then given to both parsers, SftConfig::fromJson and RlConfig::fromJson.
// What a parser accepts must satisfy its checks and write back (toJson, stored with the run)
// to JSON that the same parser reads back unchanged; a refusal of that is a bug.
#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

#include "fuzz_common.h"
#include "io/json_limits.h"
#include "train/rl_config.h"
#include "train/sft_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace psr::train;
  std::optional<nlohmann::json> spec;
  refusalOk([&] {
    spec = psr::io::parseJsonInput(fuzzText(data, size), "job spec", psr::ErrorCode::InvalidArgument, 16u << 20);
  });
  if (!spec) return 0;

  std::optional<SftConfig> sft;
  refusalOk([&] { sft = SftConfig::fromJson(*spec); });
  if (sft) {
    PSR_FUZZ_CHECK(sft->model.has_value() != !sft->init.empty());
    PSR_FUZZ_CHECK(sft->steps >= 1 && sft->batch >= 1 && sft->lr > 0 && sft->checkpointEvery >= 1);
    PSR_FUZZ_CHECK(sft->logEvery >= 1 && sft->sampleCount >= 1 && sft->sampleSteps >= 1);
    PSR_FUZZ_CHECK(sft->data.is_object() && !sft->data.empty() && !sft->references.weights.empty());
    if (sft->model) PSR_FUZZ_CHECK(psr::model::ditParameterCount(sft->model->dit) > 0);
    const nlohmann::json once = sft->toJson();
    const nlohmann::json twice = SftConfig::fromJson(once).toJson();  // no refusal allowed here
    PSR_FUZZ_CHECK(once.dump() == twice.dump());
  }

  std::optional<RlConfig> rl;
  refusalOk([&] { rl = RlConfig::fromJson(*spec); });
  if (rl) {
    PSR_FUZZ_CHECK(!rl->init.empty() && rl->data.is_object() && !rl->data.empty());
    PSR_FUZZ_CHECK(rl->epochs >= 1 && rl->promptsPerEpoch >= 1 && rl->groupSize >= 2 && rl->rolloutBatch >= 1);
    PSR_FUZZ_CHECK(rl->samplingSteps >= 2 && rl->windowStart >= 0 && rl->windowStart < rl->trainedEnd() &&
                   rl->trainedEnd() <= rl->samplingSteps - 1);
    PSR_FUZZ_CHECK(rl->checkpointEvery >= 1 && rl->noiseLevel > 0);
    PSR_FUZZ_CHECK(std::isfinite(rl->klMax) && rl->klMax >= 0);  // a NaN ceiling would never stop a run
    const nlohmann::json once = rl->toJson();
    const nlohmann::json twice = RlConfig::fromJson(once).toJson();
    PSR_FUZZ_CHECK(once.dump() == twice.dump());
  }
  // A spec that names its kind is read by that trainer only.
  if (spec->is_object() && spec->contains("kind")) PSR_FUZZ_CHECK(!(sft && rl));
  return 0;
}
