#include "common/paths.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>

#include <pwd.h>
#include <unistd.h>

namespace psr {
namespace {

std::filesystem::path homeDir() {
  if (const char* home = std::getenv("HOME"); home && *home) return home;
  if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return std::filesystem::temp_directory_path();
}

/// The running executable's folder; empty when /proc is not mounted.
std::filesystem::path executableDir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

}  // namespace

std::filesystem::path userDataDir() {
  // XDG says a relative XDG_DATA_HOME is invalid and must be ignored.
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg == '/') {
    return std::filesystem::path(xdg) / "psr-studio";
  }
  return homeDir() / ".local" / "share" / "psr-studio";
}

std::filesystem::path defaultWorkspaceDir() { return userDataDir() / "default-workspace"; }

std::filesystem::path resolveWorkspaceDir(const std::filesystem::path& explicitDir) {
  if (!explicitDir.empty()) return explicitDir;
  if (const char* env = std::getenv("PSR_WORKSPACE"); env && *env) return env;
  return defaultWorkspaceDir();
}

std::vector<std::filesystem::path> pluginDirs() {
  std::vector<std::filesystem::path> candidates;
  if (const char* env = std::getenv("PSR_PLUGIN_PATH"); env && *env) {
    std::istringstream entries(env);
    for (std::string entry; std::getline(entries, entry, ':');) {
      if (!entry.empty()) candidates.emplace_back(entry);
    }
  }
  if (const auto exeDir = executableDir(); !exeDir.empty()) {
    candidates.push_back(exeDir / ".." / "lib" / "psr-studio" / "plugins");
  }
  // One folder named twice (the build tree's plugin folder in PSR_PLUGIN_PATH, say) must not
  // load its plugins twice.
  std::vector<std::filesystem::path> out, seen;
  for (const auto& dir : candidates) {
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(dir, ec).lexically_normal();
    const auto canonical = std::filesystem::weakly_canonical(absolute, ec);
    const auto& key = ec ? absolute : canonical;
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    out.push_back(absolute);
  }
  return out;
}

std::filesystem::path shippedModelsDir(const std::string& kind, const std::filesystem::path& sourceTreeDir,
                                       const std::filesystem::path& exeDir) {
  if (!exeDir.empty()) {
    const auto installed = (exeDir / ".." / "share" / "psr-studio" / "models" / kind).lexically_normal();
    std::error_code ec;
    if (std::filesystem::is_directory(installed, ec)) return installed;
  }
  return sourceTreeDir;
}

std::filesystem::path shippedModelsDir(const std::string& kind, const std::filesystem::path& sourceTreeDir) {
  return shippedModelsDir(kind, sourceTreeDir, executableDir());
}

}  // namespace psr
