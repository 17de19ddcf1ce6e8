#pragma once
// Files around the generator: which checkpoint folder a model name means, reference images
// from any file to the model's square input, and images back to PNG.
#include <filesystem>
#include <string>

#include <ATen/core/Tensor.h>

namespace psr::train_data {

/// The shipped generators' folder: $PSR_GENERATOR_MODELS, else an installed package's
/// share/psr-studio/models/generator, else resources/models/generator of the source tree.
std::filesystem::path generatorModelsDir();

/// A model argument to a checkpoint folder: "base"/"sft"/"rl" (shipped), a checkpoint folder
/// (has config.json), or a training run folder (its newest checkpoint). Throws NotFound saying
/// which of these was tried.
std::filesystem::path resolveGenerator(const std::string& model);

/// Reads an image file (PNG, WebP, JPEG; grey, RGB or RGBA of any size) as the model's input:
/// alpha composited over white, padded to a square with white, resampled to size x size;
/// [1, 3, size, size] float in [-1, 1]. Throws InvalidArgument/Corrupt naming the file.
at::Tensor loadModelImage(const std::filesystem::path& file, std::int64_t size);

/// Writes [3, H, W] in [-1, 1] as PNG (atomically: temporary file, then rename).
void writeModelImage(const std::filesystem::path& file, const at::Tensor& image);

}  // namespace psr::train_data
