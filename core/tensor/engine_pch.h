#pragma once
// Precompiled for every engine translation unit: the LibTorch headers that dominate build time.
#include <ATen/ATen.h>
#include <torch/types.h>
