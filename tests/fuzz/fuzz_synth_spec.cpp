// A synthesis run's stored spec (synth_runs.spec, read back by --resume).
#include <nlohmann/json.hpp>

#include "fuzz_common.h"
#include "pipeline/synth_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  refusalOk([&] {
    const auto spec = psr::pipeline::SynthSpec::fromText(fuzzText(data, size));
    (void)spec.attemptLimit();
    const nlohmann::json once = spec.toJson();
    const nlohmann::json twice = psr::pipeline::SynthSpec::fromJson(once).toJson();
    PSR_FUZZ_CHECK(once.dump() == twice.dump());
    spec.validate();
    PSR_FUZZ_CHECK(spec.attemptLimit() > 0);
  });
  return 0;
}
