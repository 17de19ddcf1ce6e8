#include "plugin/plugin_loader.h"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "common/logging.h"

namespace psr::plugin {
namespace {

using InfoFn = const PluginInfo* (*)();
using RegisterFn = void (*)(Registry*);

/// Why a plugin file must not be loaded although it lies in a configured folder: anyone could
/// have replaced it (it, or the folder holding it, is writable by every user). Empty when fine.
std::string unsafeLocation(const std::filesystem::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) {
    if (st.st_mode & S_IWOTH) return "the file is writable by every user; refusing to load code anyone could have replaced";
    if (st.st_uid != 0 && st.st_uid != ::geteuid())
      return "the file belongs to another user; refusing to load code this user did not install";
  }
  auto dir = file.parent_path();
  if (dir.empty()) dir = ".";
  if (::stat(dir.c_str(), &st) == 0 && (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
    return "its folder is writable by every user; refusing to load code anyone could have placed there";
  return {};
}

LoadedPlugin loadOne(const std::filesystem::path& file, Registry& registry) {
  LoadedPlugin out;
  out.file = file;
  if (out.error = unsafeLocation(file); !out.error.empty()) return out;
  // RTLD_LOCAL: each plugin keeps its own copy of psr_core's symbols to itself.
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* err = dlerror();
    out.error = std::string("cannot load: ") + (err ? err : "unknown dlopen error");
    return out;
  }
  auto info = reinterpret_cast<InfoFn>(dlsym(handle, "psr_plugin_info"));
  auto reg = reinterpret_cast<RegisterFn>(dlsym(handle, "psr_plugin_register"));
  if (!info || !reg) {
    out.error = "not a PSR Studio plugin (psr_plugin_info / psr_plugin_register missing)";
    dlclose(handle);
    return out;
  }
  const PluginInfo* meta = info();
  if (!meta || meta->abiVersion != kAbiVersion) {
    out.error = "built for plugin ABI " + std::to_string(meta ? meta->abiVersion : -1) + ", this studio uses " +
                std::to_string(kAbiVersion) + "; rebuild the plugin with this version";
    dlclose(handle);
    return out;
  }
  out.name = meta->name ? meta->name : "";
  out.version = meta->version ? meta->version : "";
  out.description = meta->description ? meta->description : "";
  try {
    reg(&registry);
  } catch (const std::exception& e) {
    out.error = std::string("registration failed: ") + e.what();
  }
  return out;
}

}  // namespace

std::vector<LoadedPlugin> loadPlugins(const std::vector<std::filesystem::path>& dirs, Registry& registry) {
  std::vector<LoadedPlugin> out;
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".so") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      out.push_back(loadOne(file, registry));
      const auto& p = out.back();
      if (p.error.empty()) {
        logger()->info("plugin {} {} loaded from {}", p.name, p.version, file.string());
      } else {
        logger()->warn("plugin {} skipped: {}", file.string(), p.error);
      }
    }
  }
  return out;
}

}  // namespace psr::plugin
