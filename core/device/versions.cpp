#include "device/versions.h"

#include <spdlog/version.h>
#include <sqlite3.h>

#include "tensor/torch_compat.h"

// Versions of optional components come from the build system, so core needs no Qt or OpenCV headers.
#ifndef PSR_STUDIO_VERSION
#error "PSR_STUDIO_VERSION must be defined by the build"
#endif

namespace psr {
namespace {

std::string orNotBuilt(const char* version) {
  return (version && *version) ? std::string(version) : std::string("not built in");
}

}  // namespace

std::string studioVersion() { return PSR_STUDIO_VERSION; }

bool cudaAvailable() { return compat::cudaDeviceCount() > 0; }

std::vector<std::pair<std::string, std::string>> dependencyVersions() {
  const int cudaDevices = compat::cudaDeviceCount();
  return {
      {"PSR Studio", studioVersion()},
      {"LibTorch", compat::torchVersion()},
      {"Qt", orNotBuilt(PSR_QT_VERSION)},
      {"OpenCV", orNotBuilt(PSR_OPENCV_VERSION)},
      {"SQLite", sqlite3_libversion()},
      {"spdlog", std::to_string(SPDLOG_VER_MAJOR) + "." + std::to_string(SPDLOG_VER_MINOR) + "." +
                     std::to_string(SPDLOG_VER_PATCH)},
      {"CUDA", cudaDevices > 0 ? "available (" + std::to_string(cudaDevices) + " device" +
                                     (cudaDevices > 1 ? "s)" : ")")
                               : std::string(compat::builtWithCuda() ? "built in, no device visible"
                                                                     : "not available (CPU-only LibTorch)")},
  };
}

}  // namespace psr
