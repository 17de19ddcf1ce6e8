#pragma once
// LibTorch tensors to and from safetensors files, on top of the torch-free io/safetensors layer.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include "io/safetensors.h"

namespace psr::tensor {

/// The safetensors dtype for a LibTorch scalar type; nullopt when the format or this layer lacks one.
std::optional<io::DType> toDType(at::ScalarType type) noexcept;
/// The LibTorch scalar type for a safetensors dtype; nullopt for U16/U32/U64/F8 (not in every LibTorch).
std::optional<at::ScalarType> toScalarType(io::DType dtype) noexcept;

/// Saves tensors in the given order (each copied to a contiguous CPU tensor first); atomic like
/// io::writeSafetensors. Undefined, non-strided or unsupported-dtype tensors throw InvalidArgument.
/// (No std::map overload: braced lists would be ambiguous; pass `{map.begin(), map.end()}`.)
void saveTensors(const std::filesystem::path& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                 const std::map<std::string, std::string>& metadata = {});

/// Loads every tensor into memory it owns (no reference to the file remains) on `device`;
/// fills `metadata` when given. Throws Corrupt for a bad file and InvalidArgument for a dtype
/// this LibTorch cannot hold.
std::map<std::string, at::Tensor> loadTensors(const std::filesystem::path& path, c10::Device device = c10::kCPU,
                                              std::map<std::string, std::string>* metadata = nullptr);

}  // namespace psr::tensor
