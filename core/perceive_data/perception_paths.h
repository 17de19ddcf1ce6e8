#pragma once
#include <filesystem>
#include <string>

namespace psr::perceive_data {

/// The folder holding detector.safetensors, features.safetensors and aesthetic.safetensors:
/// `explicitDir` when given, else $PSR_PERCEPTION_MODELS, else the shipped defaults
/// (an installed package's share/psr-studio/models/perception, else resources/models/perception of
/// this build's source tree).
std::filesystem::path perceptionModelsDir(const std::string& explicitDir = {});

/// `dir`/<model>.safetensors.
std::filesystem::path perceptionCheckpoint(const std::filesystem::path& dir, const std::string& model);

}  // namespace psr::perceive_data
