// The OpenAI-compatible provider's JSON config (`--provider-config FILE`).
#include <nlohmann/json.hpp>

#include "fuzz_common.h"
#include "io/json_limits.h"
#include "openai/openai_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  refusalOk([&] {
    const auto json = psr::io::parseJsonInput(fuzzText(data, size), "fuzz config", psr::ErrorCode::InvalidArgument);
    const auto config = psr::openai::OpenAiConfig::fromJson(json);
    PSR_FUZZ_CHECK(!config.model.empty());
    PSR_FUZZ_CHECK(config.chatCompletionsUrl().rfind("http", 0) == 0);
    PSR_FUZZ_CHECK(config.maxRetries >= 0 && config.timeoutS > 0);
  });
  return 0;
}
