#include "tensor/torch_compat.h"

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

}  // namespace psr::compat
