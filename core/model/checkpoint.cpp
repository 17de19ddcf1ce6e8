#include "model/checkpoint.h"

#include <functional>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/json_limits.h"
#include "tensor/tensor_io.h"

namespace psr::model {
namespace {

/// fsync of a file or folder; best effort (the data is complete either way after a crash of
/// the process, the sync only matters for power loss).
void syncPath(const std::filesystem::path& path, bool directory) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::string listOf(const std::vector<std::string>& items) {
  constexpr std::size_t kShown = 8;
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < kShown; ++i) out += (i ? ", " : "") + items[i];
  if (items.size() > kShown) out += ", ... and " + std::to_string(items.size() - kShown) + " more";
  return out;
}

}  // namespace

std::vector<std::pair<std::string, at::Tensor>> stateDict(const torch::nn::Module& module) {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& p : module.named_parameters()) out.emplace_back(p.key(), p.value());
  for (const auto& b : module.named_buffers()) out.emplace_back(b.key(), b.value());
  return out;
}

void loadStateDict(torch::nn::Module& module, const std::map<std::string, at::Tensor>& tensors,
                   const std::string& source) {
  const auto own = stateDict(module);
  std::vector<std::string> missing, unexpected, mismatched;
  std::map<std::string, bool> known;
  for (const auto& [name, tensor] : own) {
    known[name] = true;
    const auto it = tensors.find(name);
    if (it == tensors.end())
      missing.push_back(name);
    else if (it->second.sizes() != tensor.sizes())
      mismatched.push_back(name + " (file " + c10::str(it->second.sizes()) + ", model " + c10::str(tensor.sizes()) +
                           ")");
  }
  for (const auto& [name, tensor] : tensors)
    if (!known.count(name)) unexpected.push_back(name);
  if (!missing.empty() || !unexpected.empty() || !mismatched.empty()) {
    std::string msg = source + " does not match the model:";
    if (!missing.empty()) msg += " " + std::to_string(missing.size()) + " missing [" + listOf(missing) + "];";
    if (!unexpected.empty())
      msg += " " + std::to_string(unexpected.size()) + " unexpected [" + listOf(unexpected) + "];";
    if (!mismatched.empty())
      msg += " " + std::to_string(mismatched.size()) + " shape mismatches [" + listOf(mismatched) + "];";
    msg.pop_back();
    throw Error(msg, ErrorCode::InvalidArgument);
  }
  at::NoGradGuard noGrad;
  for (auto& [name, tensor] : own) tensor.copy_(tensors.at(name));
}

void saveWeights(const std::filesystem::path& path, const torch::nn::Module& module,
                 const std::map<std::string, std::string>& metadata) {
  tensor::saveTensors(path, stateDict(module), metadata);
}

void loadWeights(const std::filesystem::path& path, torch::nn::Module& module) {
  const auto device = [&] {
    const auto params = module.parameters();
    return params.empty() ? c10::Device(c10::kCPU) : params.front().device();
  }();
  loadStateDict(module, tensor::loadTensors(path, device), path.string());
}

Generator createGenerator(const ModelConfig& config, const WordTokenizer& tokenizer) {
  config.validate();
  if (config.text.vocab_size > 0 && tokenizer.size() > config.text.vocab_size)
    throw Error("the tokenizer has " + std::to_string(tokenizer.size()) + " tokens, the config's text encoder only " +
                    std::to_string(config.text.vocab_size),
                ErrorCode::InvalidArgument);
  Generator g;
  g.config = config;
  g.dit = Dit(config.dit);
  if (config.text.vocab_size > 0) g.text = TextEncoder(config.text);
  g.tokenizer = tokenizer;
  return g;
}

void saveGenerator(const std::filesystem::path& dir, const Generator& generator) {
  // The folder appears whole or not at all: its files are written into a hidden sibling,
  // flushed, and the sibling is renamed into place (or atomically exchanged with an existing
  // checkpoint, which is then removed). A process killed at any point leaves either the old
  // checkpoint or the new one, plus at most a stale ".<name>.partial" that the next save clears.
  namespace fs = std::filesystem;
  fs::path target = dir;
  if (!target.has_filename()) target = target.parent_path();  // "ckpt/" names "ckpt"
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  fs::create_directories(parent);
  const fs::path staging = parent / ("." + target.filename().string() + ".partial");
  fs::remove_all(staging);
  fs::create_directory(staging);
  {
    std::ofstream out(staging / "config.json", std::ios::trunc);
    out << nlohmann::json(generator.config).dump(2) << '\n';
    if (!out.flush()) throw Error("cannot write " + (staging / "config.json").string(), ErrorCode::Io);
  }
  const std::map<std::string, std::string> meta{{"format", "psr-generator"}, {"config", generator.config.name}};
  saveWeights(staging / "dit.safetensors", *generator.dit, meta);
  if (generator.text) saveWeights(staging / "text_encoder.safetensors", *generator.text, meta);
  if (generator.tokenizer) generator.tokenizer->save(staging / "vocab.txt");
  for (const auto& entry : fs::directory_iterator(staging)) syncPath(entry.path(), false);
  syncPath(staging, true);

  std::error_code ec;
  const auto status = fs::status(target, ec);  // a link to a folder counts as that folder
  if (fs::exists(status) && !fs::is_directory(status))
    throw Error("cannot save a checkpoint to " + target.string() + ": it exists and is not a folder",
                ErrorCode::InvalidArgument);
  if (!fs::exists(status)) {
    fs::rename(staging, target);
  } else {
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0)
      throw Error("cannot replace checkpoint " + target.string() + ": " + std::strerror(errno), ErrorCode::Io);
    fs::remove_all(staging);  // now the previous checkpoint
  }
  syncPath(parent, true);
}

Generator loadGenerator(const std::filesystem::path& dir, c10::Device device) {
  const auto configPath = dir / "config.json";
  std::ifstream in(configPath, std::ios::binary);
  if (!in) throw Error("no config.json in checkpoint " + dir.string(), ErrorCode::NotFound);
  // A downloaded checkpoint is outside data: the size is checked before reading, the text
  // through the project's JSON limits, and the values by createGenerator's validate() before anything is allocated.
  std::error_code sizeError;
  const auto bytes = std::filesystem::file_size(configPath, sizeError);
  if (sizeError || bytes > io::kMaxSmallJsonBytes)
    throw Error(configPath.string() + ": too large for a model config (" + std::to_string(bytes) + " bytes)",
                ErrorCode::Corrupt);
  std::string text(static_cast<std::size_t>(bytes), '\0');
  in.read(text.data(), std::streamsize(text.size()));
  ModelConfig config;
  try {
    config = io::parseJsonInput(text, configPath.string(), ErrorCode::Corrupt).get<ModelConfig>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(configPath.string() + ": " + e.what(), ErrorCode::Corrupt);
  }
  auto g = createGenerator(config, WordTokenizer::load(dir / "vocab.txt"));
  g.dit->to(device);
  loadWeights(dir / "dit.safetensors", *g.dit);
  if (g.text) {
    g.text->to(device);
    loadWeights(dir / "text_encoder.safetensors", *g.text);
  }
  return g;
}

}  // namespace psr::model

namespace psr::model {

namespace {

// A copy of `generator` whose config `change` modified, every existing tensor kept and the new
// ones at their fresh initialisation.
Generator withChangedConfig(Generator generator, const std::function<void(DitConfig&)>& change) {
  auto config = generator.config;
  change(config.dit);
  config.validate();
  const auto device = generator.dit->img_in->weight.device();
  Dit dit(config.dit);
  dit->to(device);
  at::NoGradGuard noGrad;
  const auto old = generator.dit->named_parameters();
  for (auto& p : dit->named_parameters())
    if (const auto* src = old.find(p.key())) p.value().copy_(*src);
  generator.dit = dit;
  generator.config = config;
  return generator;
}

}  // namespace

Generator withReferenceCopy(Generator generator) {
  if (generator.config.dit.reference_copy) return generator;
  return withChangedConfig(std::move(generator), [](DitConfig& d) { d.reference_copy = true; });
}

Generator withPositions(Generator generator, PositionEncoding positions) {
  if (generator.config.dit.positions == positions) return generator;
  return withChangedConfig(std::move(generator), [positions](DitConfig& d) { d.positions = positions; });
}

Generator withReferenceWarp(Generator generator, WarpPool pool) {
  if (generator.config.dit.reference_warp) {
    if (generator.config.dit.reference_warp_pool != pool)
      throw Error(std::string("the model already has a warp head pooling by \"") +
                      warpPoolName(generator.config.dit.reference_warp_pool) + "\"; it cannot be changed to \"" +
                      warpPoolName(pool) + "\"",
                  ErrorCode::InvalidArgument);
    return generator;
  }
  return withChangedConfig(std::move(generator), [pool](DitConfig& d) {
    d.reference_warp = true;
    d.reference_warp_pool = pool;
  });
}

}  // namespace psr::model
