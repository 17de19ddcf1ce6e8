#pragma once
#include <string>
#include <vector>

namespace psr {

/// A compute device LibTorch can use; `id` is what configs and the CLI accept ("cpu", "cuda:0").
struct DeviceInfo {
  std::string id;
  std::string name;
  long long memoryBytes = 0;  // 0 when unknown
};

/// CPU first, then every CUDA device LibTorch sees.
std::vector<DeviceInfo> availableDevices();

/// Cores this process may run on (sched affinity / cgroup aware), at least 1.
int availableCores();

/// Points LibTorch's intra-op pool at all available cores (call once at start-up).
void configureThreads();

}  // namespace psr
