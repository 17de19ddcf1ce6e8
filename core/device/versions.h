#pragma once
#include <string>
#include <utility>
#include <vector>

namespace psr {

/// The studio's own version ("0.1.0").
std::string studioVersion();

/// (component, version) pairs: PSR Studio, LibTorch, Qt, OpenCV, SQLite, spdlog, CUDA.
/// Components not built in say so ("not built in") instead of being left out.
std::vector<std::pair<std::string, std::string>> dependencyVersions();

/// True when LibTorch was built with CUDA and a device is visible.
bool cudaAvailable();

}  // namespace psr
