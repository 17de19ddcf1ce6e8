// Fixture plugin: registers a Greeter whose greeting comes from its JSON config.
#include <nlohmann/json.hpp>

#include "greeter.h"
#include "plugin/plugin_api.h"

namespace {

class ConfiguredGreeter : public Greeter {
 public:
  explicit ConfiguredGreeter(std::string word) : word_(std::move(word)) {}
  std::string greet(const std::string& who) const override { return word_ + ", " + who; }

 private:
  std::string word_;
};

const psr::plugin::PluginInfo kInfo{psr::plugin::kAbiVersion, "echo", "1.2.3", "test greeter"};

}  // namespace

PSR_PLUGIN_EXPORT const psr::plugin::PluginInfo* psr_plugin_info() { return &kInfo; }

PSR_PLUGIN_EXPORT void psr_plugin_register(psr::plugin::Registry* registry) {
  registry->add<Greeter>("echo", [](const nlohmann::json& config) {
    return std::make_shared<ConfiguredGreeter>(config.value("word", std::string("hello")));
  });
  registry->log()->info("echo plugin registered");
}
