#pragma once
// The one place where differences between LibTorch 1.13 (Debian) and 2.x (PyTorch wheels,
// CUDA) are handled. Everything else includes this header instead of guessing versions.
#include <string>

#include <ATen/Parallel.h>
#include <torch/version.h>

namespace psr::compat {

/// "1.13.1" / "2.5.1+cu124", as LibTorch reports itself.
std::string torchVersion();
/// Whether this LibTorch was compiled with CUDA support (devices may still be absent).
bool builtWithCuda();
int cudaDeviceCount();
std::string cudaDeviceName(int index);
long long cudaDeviceMemory(int index);

}  // namespace psr::compat
