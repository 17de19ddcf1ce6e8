#include "tensor/tensor_io.h"

#include <cstring>

#include <ATen/ops/empty.h>
#include <c10/core/TensorOptions.h>

#include "common/error.h"

namespace psr::tensor {
namespace {

// One table for both directions, so save and load can never disagree.
struct TypePair {
  io::DType dtype;
  at::ScalarType scalar;
};

constexpr TypePair kTypes[] = {
    {io::DType::Bool, at::kBool},  {io::DType::U8, at::kByte},       {io::DType::I8, at::kChar},
    {io::DType::I16, at::kShort},  {io::DType::I32, at::kInt},       {io::DType::I64, at::kLong},
    {io::DType::F16, at::kHalf},   {io::DType::BF16, at::kBFloat16}, {io::DType::F32, at::kFloat},
    {io::DType::F64, at::kDouble},
};

}  // namespace

std::optional<io::DType> toDType(at::ScalarType type) noexcept {
  for (const auto& pair : kTypes)
    if (pair.scalar == type) return pair.dtype;
  return std::nullopt;
}

std::optional<at::ScalarType> toScalarType(io::DType dtype) noexcept {
  for (const auto& pair : kTypes)
    if (pair.dtype == dtype) return pair.scalar;
  return std::nullopt;
}

void saveTensors(const std::filesystem::path& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                 const std::map<std::string, std::string>& metadata) {
  // The CPU copies must outlive the views handed to the writer.
  std::vector<at::Tensor> hosts;
  std::vector<io::TensorView> views;
  hosts.reserve(tensors.size());
  views.reserve(tensors.size());
  for (const auto& [name, tensor] : tensors) {
    const auto fail = [&, &name = name](const std::string& what) {
      throw Error("cannot save tensor '" + name + "' to " + path.string() + ": " + what, ErrorCode::InvalidArgument);
    };
    if (!tensor.defined()) fail("the tensor is undefined");
    if (tensor.layout() != at::kStrided) fail("only dense (strided) tensors can be saved");
    const auto dtype = toDType(tensor.scalar_type());
    if (!dtype) fail(std::string("unsupported scalar type ") + c10::toString(tensor.scalar_type()));
    // resolve_neg: a lazily negated view would otherwise be written with its un-negated bytes.
    at::Tensor host = tensor.resolve_neg().cpu().contiguous();
    io::TensorView view;
    view.name = name;
    view.dtype = *dtype;
    view.shape = host.sizes().vec();
    view.data = static_cast<const std::byte*>(host.data_ptr());
    view.bytes = std::size_t(host.numel()) * io::dtypeSize(*dtype);
    views.push_back(std::move(view));
    hosts.push_back(std::move(host));
  }
  io::writeSafetensors(path, views, metadata);
}

std::map<std::string, at::Tensor> loadTensors(const std::filesystem::path& path, c10::Device device,
                                              std::map<std::string, std::string>* metadata) {
  const io::SafetensorsReader reader(path);
  std::map<std::string, at::Tensor> result;
  for (const io::TensorView& view : reader.tensors()) {
    const auto scalar = toScalarType(view.dtype);
    if (!scalar)
      throw Error(path.string() + ": tensor '" + view.name + "' has dtype " + io::dtypeName(view.dtype) +
                      ", which this build cannot load into LibTorch",
                  ErrorCode::InvalidArgument);
    // Copy into a fresh allocation: the mapping goes away with the reader, and the buffer may
    // not be aligned for the element type (from_blob would require that).
    at::Tensor tensor = at::empty(view.shape, at::TensorOptions().dtype(*scalar));
    if (view.bytes > 0) std::memcpy(tensor.data_ptr(), view.data, view.bytes);
    if (*scalar == at::kBool) {
      // A LibTorch bool must be 0 or 1; other bytes are undefined behaviour in its kernels.
      auto* bytes = static_cast<unsigned char*>(tensor.data_ptr());
      for (std::size_t i = 0; i < view.bytes; ++i) bytes[i] = bytes[i] != 0;
    }
    if (device != tensor.device()) tensor = tensor.to(device);
    result.emplace(view.name, std::move(tensor));
  }
  if (metadata) *metadata = reader.metadata();
  return result;
}

}  // namespace psr::tensor
