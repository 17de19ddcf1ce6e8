#include "common/paths.h"

#include <cstdlib>

#include <pwd.h>
#include <unistd.h>

namespace psr {
namespace {

std::filesystem::path homeDir() {
  if (const char* home = std::getenv("HOME"); home && *home) return home;
  if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) return pw->pw_dir;
  return std::filesystem::temp_directory_path();
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

}  // namespace psr
