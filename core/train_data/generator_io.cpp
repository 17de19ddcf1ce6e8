#include "train_data/generator_io.h"

#include <cstdlib>

#include <ATen/ATen.h>

#include "common/error.h"
#include "common/paths.h"
#include "perceive_data/image_tensor.h"
#include "train/sft_trainer.h"
#include "world/image_codec.h"

namespace psr::train_data {

namespace fs = std::filesystem;

fs::path generatorModelsDir() {
  if (const char* env = std::getenv("PSR_GENERATOR_MODELS"); env && *env) return env;
  return shippedModelsDir("generator", PSR_GENERATOR_MODELS_DIR);
}

fs::path resolveGenerator(const std::string& model) {
  if (model.empty()) throw Error("no model given", ErrorCode::InvalidArgument);
  fs::path dir = model;
  if (model == "base" || model == "sft" || model == "rl") {
    dir = generatorModelsDir() / model;
    if (!fs::exists(dir / "config.json"))
      throw Error("the shipped model '" + model + "' is not in " + generatorModelsDir().string() +
                      " (set PSR_GENERATOR_MODELS or pass a checkpoint folder)",
                  ErrorCode::NotFound);
    return dir;
  }
  if (fs::exists(dir / "config.json")) return dir;
  if (fs::is_directory(dir)) {
    auto latest = train::latestCheckpoint(dir);
    if (!latest.empty()) return latest;
  }
  throw Error("model '" + model + "' is neither base/sft/rl, a checkpoint folder (with config.json) nor a training run",
              ErrorCode::NotFound);
}

at::Tensor loadModelImage(const fs::path& file, std::int64_t size) {
  if (!fs::exists(file)) throw Error("image not found: " + file.string(), ErrorCode::NotFound);
  auto rgb = perceive_data::readImageTensor(file).to(at::kFloat);  // [3, H, W], alpha over white
  const auto h = rgb.size(1), w = rgb.size(2);
  if (h != w) {  // pad to a square with white, subject centred
    const auto side = std::max(h, w);
    auto square = at::full({3, side, side}, 255.0f);
    square.narrow(1, (side - h) / 2, h).narrow(2, (side - w) / 2, w).copy_(rgb);
    rgb = square;
  }
  auto x = rgb.unsqueeze(0);
  if (x.size(2) > size) x = at::adaptive_avg_pool2d(x, {size, size});  // area downscale
  else if (x.size(2) < size) x = at::upsample_bilinear2d(x, {size, size}, false);
  return x.div(127.5).sub(1.0).clamp(-1, 1);
}

void writeModelImage(const fs::path& file, const at::Tensor& image) {
  const auto u8 = image.detach().cpu().add(1.0).mul(127.5).round().clamp(0, 255).to(at::kByte);
  const auto tmp = file.parent_path() / (file.filename().string() + ".tmp");
  if (!file.parent_path().empty()) fs::create_directories(file.parent_path());
  world::writePngFile(tmp, perceive_data::tensorToImage(u8));
  fs::rename(tmp, file);
}

}  // namespace psr::train_data
