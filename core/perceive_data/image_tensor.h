#pragma once
// Plain images (any channel count, any size) to the engine's uint8 [3,H,W] tensors and back.
#include <filesystem>

#include <ATen/core/Tensor.h>

#include "world/image.h"

namespace psr::perceive_data {

/// RGB uint8 [3,H,W]. Grey is replicated; alpha is composited over white (references with
/// transparency show the subject on a plain backdrop). Throws InvalidArgument for an empty image.
at::Tensor imageToTensor(const world::Image& image);

/// Reads any image file the world's codec reads (PNG, WebP, JPEG) into RGB uint8 [3,H,W].
at::Tensor readImageTensor(const std::filesystem::path& file);

/// uint8 or unit-range float [3,H,W] -> RGB image.
world::Image tensorToImage(const at::Tensor& chw);

}  // namespace psr::perceive_data
