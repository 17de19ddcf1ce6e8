#include "tensor/torch_compat.h"

#include <cmath>

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <torch/cuda.h>

namespace psr::compat {

std::string torchVersion() {
#ifdef TORCH_VERSION
  return TORCH_VERSION;
#else
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
#endif
}

bool builtWithCuda() { return at::hasCUDA(); }

int cudaDeviceCount() { return builtWithCuda() ? int(torch::cuda::device_count()) : 0; }

std::string cudaDeviceName(int index) {
  // Device properties live in the CUDA-only ATen headers; the id is enough on CPU builds.
  return "CUDA device " + std::to_string(index);
}

long long cudaDeviceMemory(int /*index*/) { return 0; }

at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& bias) {
#if TORCH_VERSION_MAJOR >= 2
  const auto mask = bias.defined() ? c10::optional<at::Tensor>(bias.to(q.scalar_type())) : c10::nullopt;
  return at::scaled_dot_product_attention(q, k, v, mask, 0.0, false);
#else
  auto scores = at::matmul(q, k.transpose(-2, -1)).mul_(1.0 / std::sqrt(double(q.size(-1))));
  if (bias.defined()) scores = scores + bias;
  return at::matmul(at::softmax(scores, -1), v);
#endif
}

}  // namespace psr::compat
