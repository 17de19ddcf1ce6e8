#include "perceive/checkpoint_io.h"

#include <set>
#include <utility>
#include <vector>

#include "common/error.h"
#include "tensor/tensor_io.h"

namespace psr::perceive {
namespace {

constexpr const char* kFormat = "psr-perception-v1";

std::map<std::string, at::Tensor> namedState(const torch::nn::Module& module) {
  std::map<std::string, at::Tensor> state;
  for (const auto& p : module.named_parameters(true)) state[p.key()] = p.value();
  for (const auto& b : module.named_buffers(true)) state[b.key()] = b.value();
  return state;
}

CheckpointInfo infoFrom(const std::map<std::string, std::string>& meta, const std::filesystem::path& path) {
  auto get = [&](const char* key) {
    const auto it = meta.find(key);
    if (it == meta.end()) throw Error(path.string() + " is not a perception checkpoint (no '" + key + "')", ErrorCode::Corrupt);
    return it->second;
  };
  if (get("format") != kFormat) throw Error(path.string() + ": unknown checkpoint format " + get("format"), ErrorCode::Corrupt);
  try {
    CheckpointInfo info;
    info.kind = get("kind");
    info.config = nlohmann::json::parse(get("config"));
    const auto extra = meta.find("extra");
    info.extra = extra == meta.end() ? nlohmann::json::object() : nlohmann::json::parse(extra->second);
    return info;
  } catch (const nlohmann::json::exception& e) {
    throw Error(path.string() + ": bad checkpoint metadata: " + e.what(), ErrorCode::Corrupt);
  }
}

}  // namespace

void saveCheckpoint(const std::filesystem::path& path, const torch::nn::Module& module, const CheckpointInfo& info,
                    bool half) {
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& [name, t] : namedState(module)) {
    auto value = t.detach();
    if (half && value.is_floating_point()) value = value.to(at::kHalf);
    tensors.emplace_back(name, value);
  }
  const std::map<std::string, std::string> meta = {
      {"format", kFormat}, {"kind", info.kind}, {"config", info.config.dump()}, {"extra", info.extra.dump()}};
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  tensor::saveTensors(path, tensors, meta);
}

CheckpointInfo readCheckpointInfo(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) {
    throw Error("no checkpoint at " + path.string() + " (train one with `psr perceive train`)", ErrorCode::NotFound);
  }
  std::map<std::string, std::string> meta;
  tensor::loadTensors(path, c10::kCPU, &meta);
  return infoFrom(meta, path);
}

CheckpointInfo loadCheckpoint(const std::filesystem::path& path, torch::nn::Module& module,
                              const std::string& expectedKind, std::vector<std::string>* skipped) {
  if (!std::filesystem::exists(path)) {
    throw Error("no checkpoint at " + path.string() + " (train one with `psr perceive train`)", ErrorCode::NotFound);
  }
  std::map<std::string, std::string> meta;
  const auto loaded = tensor::loadTensors(path, c10::kCPU, &meta);
  auto info = infoFrom(meta, path);
  if (info.kind != expectedKind) {
    throw Error(path.string() + " holds a " + info.kind + ", not a " + expectedKind, ErrorCode::InvalidArgument);
  }
  auto state = namedState(module);
  std::string problems;
  auto absent = [&](const std::string& what) {
    if (skipped) {
      skipped->push_back(what);
    } else {
      problems += " " + what + ";";
    }
  };
  for (const auto& [name, t] : state) {
    const auto it = loaded.find(name);
    if (it == loaded.end()) {
      absent("missing " + name);
    } else if (it->second.sizes() != t.sizes()) {
      problems += " " + name + " has shape " + c10::str(it->second.sizes()) + ", model wants " + c10::str(t.sizes()) + ";";
    }
  }
  for (const auto& [name, t] : loaded) {
    if (!state.count(name)) absent("unexpected " + name);
  }
  if (!problems.empty()) throw Error(path.string() + " does not fit the model:" + problems, ErrorCode::Corrupt);
  torch::NoGradGuard noGrad;
  for (auto& [name, t] : state) {
    const auto it = loaded.find(name);
    if (it != loaded.end()) t.copy_(it->second);
  }
  return info;
}

}  // namespace psr::perceive
