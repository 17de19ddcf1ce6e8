#pragma once
// Plugin providers picked on the command line (`psr data synth --captioner openai`,
// `psr bench run --judge openai`): a role's settings from a JSON file and the provider by name,
// with an error that lists what there is and where plugins were looked for.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugin/plugin_api.h"

namespace psr::cli {

/// The JSON that `file` (named by `option` in messages, e.g. "--provider-config") holds for
/// `role` ("prompt_writer", "captioner", "judge"): the file's section of that name when it has
/// per-role sections (any of those keys), else the whole file; {} without a file.
nlohmann::json providerConfig(const std::string& file, const char* option, const char* role);

/// Throws InvalidArgument: `option` names no provider; lists `builtin` and `available`.
[[noreturn]] void refuseUnknownProvider(const std::string& name, const char* option, const std::string& builtin,
                                        const std::vector<std::string>& available,
                                        const std::vector<std::filesystem::path>& dirs);

/// The plugin provider `name` for `Role`, made from `config`; throws InvalidArgument listing the
/// built-in name and the plugins' names when there is none.
template <class Role>
std::shared_ptr<Role> pluginProvider(const plugin::Registry& registry, const std::string& name, const char* option,
                                     const nlohmann::json& config, const std::vector<std::filesystem::path>& dirs,
                                     const std::string& builtin) {
  if (auto provider = registry.create<Role>(name, config)) return provider;
  refuseUnknownProvider(name, option, builtin, registry.names<Role>(), dirs);
}

}  // namespace psr::cli
