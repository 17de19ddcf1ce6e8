// The OpenAI-compatible provider plugin. It registers the chat client that the prompt-writer,
// captioner and judge providers are built on: "openai", made from OpenAiConfig's JSON.
// With the emoji world's pipeline it also registers the prompt writer and captioner "openai",
// made from the same JSON; each owns its client, so its rate limit covers every thread sharing it.
// The benchmark's semantic judge "openai" (psr bench run --judge openai) is the VLM judge over
// such a client.
#include <nlohmann/json.hpp>

#include "openai/openai_client.h"
#include "openai/openai_semantic_judge.h"
#include "plugin/plugin_api.h"
#ifdef PSR_WITH_WORLD
#include "openai/openai_captioner.h"
#include "openai/openai_prompt_writer.h"
#endif

namespace {

const psr::plugin::PluginInfo kInfo{psr::plugin::kAbiVersion, "openai", PSR_OPENAI_PLUGIN_VERSION,
                                    "OpenAI-compatible HTTP chat models (LLM, MLLM, VLM judge)"};

/// Registers `Provider` for `Role` as "openai": each instance owns a client made from the JSON
/// and is named after its model.
template <class Role, class Provider>
void addOverClient(psr::plugin::Registry& registry, const std::shared_ptr<spdlog::logger>& log) {
  registry.add<Role>("openai", [log](const nlohmann::json& config) -> std::shared_ptr<Role> {
    auto c = psr::openai::OpenAiConfig::fromJson(config);
    return std::make_shared<Provider>(std::make_shared<psr::openai::OpenAiClient>(c, log), c.model);
  });
}

}  // namespace

PSR_PLUGIN_EXPORT const psr::plugin::PluginInfo* psr_plugin_info() { return &kInfo; }

PSR_PLUGIN_EXPORT void psr_plugin_register(psr::plugin::Registry* registry) {
  auto log = registry->log();
  registry->add<psr::openai::ChatClient>("openai", [log](const nlohmann::json& config) {
    return std::make_shared<psr::openai::OpenAiClient>(psr::openai::OpenAiConfig::fromJson(config), log);
  });
  addOverClient<psr::bench::SemanticJudge, psr::openai::OpenAiSemanticJudge>(*registry, log);
#ifdef PSR_WITH_WORLD
  addOverClient<psr::pipeline::PromptWriter, psr::openai::OpenAiPromptWriter>(*registry, log);
  addOverClient<psr::pipeline::Captioner, psr::openai::OpenAiCaptioner>(*registry, log);
#endif
}
