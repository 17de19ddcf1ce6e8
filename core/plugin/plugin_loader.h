#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "plugin/plugin_api.h"

namespace psr::plugin {

/// A plugin found in a folder: loaded, or refused with the reason.
struct LoadedPlugin {
  std::filesystem::path file;
  std::string name;
  std::string version;
  std::string description;
  std::string error;  // empty when loaded
};

/// Loads every `*.so` in `dirs` (non-recursive, sorted) into `registry`, and nothing from
/// anywhere else. A plugin that cannot be opened, lacks the entry points or has another ABI
/// version is reported, never fatal; so is one that every user may write (the file, or its
/// folder unless that folder is sticky like /tmp), which is refused without being opened.
/// Libraries stay loaded for the life of the process (their factories live in the registry).
std::vector<LoadedPlugin> loadPlugins(const std::vector<std::filesystem::path>& dirs, Registry& registry);

}  // namespace psr::plugin
