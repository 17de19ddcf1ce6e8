// A generator checkpoint's config.json (model::loadGenerator, `"model": {...}` in an SFT job
// spec): from_json, the to_json round trip, and validate(), which must refuse absurd sizes
// before anything is allocated. Nothing here allocates a model: what validate() accepts only
// has its parameter, token and FLOP counts computed, which must not overflow.
#include <cmath>

#include <nlohmann/json.hpp>

#include "fuzz_common.h"
#include "io/json_limits.h"
#include "model/model_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace psr::model;
  refusalOk([&] {
    const auto j = psr::io::parseJsonInput(fuzzText(data, size), "config.json", psr::ErrorCode::Corrupt);
    const ModelConfig config = j.get<ModelConfig>();
    // What was read writes back to JSON that reads back to the same config (valid or not:
    // checkpoints are written from what was read).
    const nlohmann::json once = config;
    const nlohmann::json twice = once.get<ModelConfig>();
    PSR_FUZZ_CHECK(once.dump() == twice.dump());
    config.validate();

    // Accepted: every size is positive and bounded, so the counts are exact and positive.
    const auto& d = config.dit;
    PSR_FUZZ_CHECK(d.hidden > 0 && d.num_heads > 0 && d.hidden % d.num_heads == 0);
    PSR_FUZZ_CHECK(d.headDim() == d.axes_dim[0] + d.axes_dim[1] + d.axes_dim[2]);
    PSR_FUZZ_CHECK(d.mlpHidden() > 0 && d.depth_double >= 0 && d.depth_single >= 0);
    const std::int64_t dit = ditParameterCount(d);
    const std::int64_t text = textEncoderParameterCount(config.text);
    PSR_FUZZ_CHECK(dit > 0 && text >= 0);
    PSR_FUZZ_CHECK(dit + text <= std::int64_t(100'000'000'000));
    const std::int64_t tokens = config.imageTokens();
    PSR_FUZZ_CHECK(tokens > 0);
    const std::int64_t refs = d.max_references;
    const TokenCounts counts{config.text.max_tokens, tokens, tokens * refs, refs};
    const FlopCount full = ditForwardFlops(d, counts);
    const FlopCount cached = ditCachedStepFlops(d, counts);
    PSR_FUZZ_CHECK(std::isfinite(full.total()) && full.total() > 0);
    PSR_FUZZ_CHECK(std::isfinite(cached.total()) && cached.total() > 0);
  });
  return 0;
}
