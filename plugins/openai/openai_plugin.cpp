// The OpenAI-compatible provider plugin. It registers the chat client that the prompt-writer,
// captioner and judge providers are built on: "openai", made from OpenAiConfig's JSON.
// With the emoji world's pipeline it also registers the prompt writer and captioner "openai",
// made from the same JSON; each owns its client, so its rate limit covers every thread sharing it.
#include <nlohmann/json.hpp>

#include "openai/openai_client.h"
#include "plugin/plugin_api.h"
#ifdef PSR_WITH_WORLD
#include "openai/openai_captioner.h"
#include "openai/openai_prompt_writer.h"
#endif

namespace {

const psr::plugin::PluginInfo kInfo{psr::plugin::kAbiVersion, "openai", PSR_OPENAI_PLUGIN_VERSION,
                                    "OpenAI-compatible HTTP chat models (LLM, MLLM, VLM judge)"};

}  // namespace

PSR_PLUGIN_EXPORT const psr::plugin::PluginInfo* psr_plugin_info() { return &kInfo; }

PSR_PLUGIN_EXPORT void psr_plugin_register(psr::plugin::Registry* registry) {
  auto log = registry->log();
  registry->add<psr::openai::ChatClient>("openai", [log](const nlohmann::json& config) {
    return std::make_shared<psr::openai::OpenAiClient>(psr::openai::OpenAiConfig::fromJson(config), log);
  });
#ifdef PSR_WITH_WORLD
  registry->add<psr::pipeline::PromptWriter>("openai", [log](const nlohmann::json& config) {
    auto c = psr::openai::OpenAiConfig::fromJson(config);
    return std::make_shared<psr::openai::OpenAiPromptWriter>(std::make_shared<psr::openai::OpenAiClient>(c, log),
                                                             c.model);
  });
  registry->add<psr::pipeline::Captioner>("openai", [log](const nlohmann::json& config) {
    auto c = psr::openai::OpenAiConfig::fromJson(config);
    return std::make_shared<psr::openai::OpenAiCaptioner>(std::make_shared<psr::openai::OpenAiClient>(c, log),
                                                          c.model);
  });
#endif
}
