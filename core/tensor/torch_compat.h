#pragma once
// The one place where differences between LibTorch 1.13 (Debian) and 2.x (PyTorch wheels,
// CUDA) are handled. Everything else includes this header instead of guessing versions.
#include <string>

#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <torch/version.h>

namespace psr::compat {

/// "1.13.1" / "2.5.1+cu124", as LibTorch reports itself.
std::string torchVersion();
/// Whether this LibTorch was compiled with CUDA support (devices may still be absent).
bool builtWithCuda();
int cudaDeviceCount();
std::string cudaDeviceName(int index);
long long cudaDeviceMemory(int index);

/// softmax(q·kᵀ/√D + bias)·v for q [B,H,Lq,D] and k, v [B,H,Lk,D]; `bias` is additive (0 / -inf),
/// broadcastable to [B,H,Lq,Lk], or undefined. LibTorch 2.x runs its fused kernel; 1.13 has none.
at::Tensor attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v, const at::Tensor& bias);

}  // namespace psr::compat
