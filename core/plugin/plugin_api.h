#pragma once
// The contract between the studio and a provider plugin (a MODULE library linking psr_core).
// A plugin exports two C functions:
//   const psr::plugin::PluginInfo* psr_plugin_info();
//   void psr_plugin_register(psr::plugin::Registry* registry);
// The host refuses a plugin whose abiVersion differs from kAbiVersion: C++ types cross the
// boundary, so host and plugin must come from the same build of PSR Studio.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <typeindex>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <spdlog/logger.h>

namespace psr::plugin {

/// Bumped whenever a type that crosses the plugin boundary changes.
inline constexpr int kAbiVersion = 1;

/// What a plugin says about itself.
struct PluginInfo {
  int abiVersion;
  const char* name;
  const char* version;
  const char* description;
};

/// Providers by interface and name; plugins add factories, the host creates instances.
class Registry {
 public:
  explicit Registry(std::shared_ptr<spdlog::logger> log) : log_(std::move(log)) {}

  /// Registers `factory` for interface `Interface` under `name` (e.g. "openai").
  template <class Interface>
  void add(const std::string& name, std::function<std::shared_ptr<Interface>(const nlohmann::json&)> factory) {
    factories_[{std::type_index(typeid(Interface)), name}] = [factory](const nlohmann::json& config) {
      return std::shared_ptr<void>(factory(config));
    };
  }

  /// Creates the provider `name` for `Interface`, or nullptr when none is registered.
  template <class Interface>
  std::shared_ptr<Interface> create(const std::string& name, const nlohmann::json& config) const {
    auto it = factories_.find({std::type_index(typeid(Interface)), name});
    if (it == factories_.end()) return nullptr;
    return std::static_pointer_cast<Interface>(it->second(config));
  }

  /// Names registered for `Interface`, sorted.
  template <class Interface>
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [key, factory] : factories_) {
      if (key.first == std::type_index(typeid(Interface))) out.push_back(key.second);
    }
    return out;
  }

  /// The host's logger; plugins log through it so their lines reach the studio's log panel.
  const std::shared_ptr<spdlog::logger>& log() const { return log_; }

 private:
  std::shared_ptr<spdlog::logger> log_;
  std::map<std::pair<std::type_index, std::string>, std::function<std::shared_ptr<void>(const nlohmann::json&)>>
      factories_;
};

}  // namespace psr::plugin

#define PSR_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))
