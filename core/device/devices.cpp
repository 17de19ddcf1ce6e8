#include "device/devices.h"

#include <sched.h>

#include <thread>

#include "tensor/torch_compat.h"

namespace psr {

int availableCores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? int(hw) : 1;
}

void configureThreads() { at::set_num_threads(availableCores()); }

std::vector<DeviceInfo> availableDevices() {
  std::vector<DeviceInfo> out;
  out.push_back({"cpu", "CPU (" + std::to_string(availableCores()) + " cores)", 0});
  const int n = compat::cudaDeviceCount();
  for (int i = 0; i < n; ++i) {
    out.push_back({"cuda:" + std::to_string(i), compat::cudaDeviceName(i), compat::cudaDeviceMemory(i)});
  }
  return out;
}

}  // namespace psr
