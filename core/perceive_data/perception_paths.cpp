#include "perceive_data/perception_paths.h"

#include <cstdlib>

#include "common/paths.h"

namespace psr::perceive_data {

std::filesystem::path perceptionModelsDir(const std::string& explicitDir) {
  if (!explicitDir.empty()) return explicitDir;
  if (const char* env = std::getenv("PSR_PERCEPTION_MODELS"); env && *env) return env;
  return shippedModelsDir("perception", PSR_PERCEPTION_MODELS_DIR);
}

std::filesystem::path perceptionCheckpoint(const std::filesystem::path& dir, const std::string& model) {
  return dir / (model + ".safetensors");
}

}  // namespace psr::perceive_data
