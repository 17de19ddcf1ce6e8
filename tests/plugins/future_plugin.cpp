// Fixture plugin built for another ABI version: the loader must refuse it.
#include "plugin/plugin_api.h"

namespace {
const psr::plugin::PluginInfo kInfo{psr::plugin::kAbiVersion + 1, "future", "9.9", "from a newer studio"};
}

PSR_PLUGIN_EXPORT const psr::plugin::PluginInfo* psr_plugin_info() { return &kInfo; }
PSR_PLUGIN_EXPORT void psr_plugin_register(psr::plugin::Registry*) {}
