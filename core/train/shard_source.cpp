#include "train/shard_source.h"

#include <algorithm>
#include <map>

#include <ATen/ATen.h>

#include "common/error.h"
#include "tensor/tensor_io.h"
#include "train/step_rng.h"

namespace psr::train {

namespace {

std::vector<std::filesystem::path> shardFiles(const std::vector<std::filesystem::path>& paths) {
  std::vector<std::filesystem::path> files;
  for (const auto& p : paths) {
    if (std::filesystem::is_directory(p)) {
      std::vector<std::filesystem::path> inDir;
      for (const auto& e : std::filesystem::directory_iterator(p))
        if (e.path().extension() == ".safetensors") inDir.push_back(e.path());
      std::sort(inDir.begin(), inDir.end());
      files.insert(files.end(), inDir.begin(), inDir.end());
    } else if (std::filesystem::exists(p)) {
      files.push_back(p);
    } else {
      throw Error("shard path not found: " + p.string(), ErrorCode::NotFound);
    }
  }
  if (files.empty()) throw Error("no shard (*.safetensors) in the given data paths", ErrorCode::NotFound);
  return files;
}

at::Tensor toModelRange(const at::Tensor& hwc) {  // U8 [..., H, W, 3] -> float [..., 3, H, W] in [-1, 1]
  return hwc.movedim(-1, -3).to(at::kFloat).div(127.5).sub(1.0);
}

}  // namespace

ShardSource::ShardSource(const std::vector<std::filesystem::path>& paths, ReferenceMix mix, std::uint64_t seed)
    : mix_(std::move(mix)), seed_(seed) {
  files_ = shardFiles(paths);
  std::map<int, std::vector<std::int64_t>> groups;
  for (const auto& file : files_) {
    std::map<std::string, std::string> meta;
    auto tensors = tensor::loadTensors(file, c10::kCPU, &meta);
    auto bad = [&](const std::string& why) { return Error(file.string() + ": not a usable psr-shard-v1 file: " + why, ErrorCode::Corrupt); };
    if (meta["format"] != "psr-shard-v1") throw bad("format is '" + meta["format"] + "'");
    for (const char* key : {"target", "references", "reference_mask", "instruction", "instruction_offsets"})
      if (!tensors.count(key)) throw bad(std::string("missing tensor '") + key + "'");
    Shard shard{tensors["target"], tensors["references"]};
    const auto n = shard.target.size(0);
    if (shard.target.dim() != 4 || shard.target.size(3) != 3 || shard.references.dim() != 5 ||
        shard.references.size(0) != n || shard.references.size(1) != 4)
      throw bad("unexpected image tensor shapes");
    const auto mask = tensors["reference_mask"].to(at::kLong);
    const auto offsets = tensors["instruction_offsets"].to(at::kLong);
    const auto bytes = tensors["instruction"].contiguous();
    if (mask.sizes() != at::IntArrayRef({n, 4}) || offsets.numel() != n + 1) throw bad("mask or offsets do not match");
    const auto* chars = reinterpret_cast<const char*>(bytes.data_ptr<std::uint8_t>());
    auto off = offsets.accessor<std::int64_t, 1>();
    for (std::int64_t i = 0; i < n; ++i) {
      if (off[i] < 0 || off[i + 1] < off[i] || off[i + 1] > bytes.numel()) throw bad("instruction offsets out of range");
      const int count = int(mask[i].sum().item<std::int64_t>());
      const auto id = std::int64_t(instructions_.size());
      instructions_.emplace_back(chars + off[i], std::size_t(off[i + 1] - off[i]));
      referenceCount_.push_back(count);
      where_.emplace_back(shards_.size(), i);
      groups[count].push_back(id);
    }
    shards_.push_back(std::move(shard));
  }
  byCount_.assign(5, {});
  for (auto& [count, ids] : groups) {
    byCount_[std::size_t(count)] = std::move(ids);
    available_.push_back(count);
  }
}

TrainingBatch ShardSource::batch(std::int64_t step, std::int64_t size) {
  StepRng rng(seed_, std::uint64_t(step), 1);
  const int count = mix_.pick(rng.uniform(), available_);
  const auto& pool = byCount_[std::size_t(count)];
  std::vector<at::Tensor> targets, refs;
  TrainingBatch out;
  for (std::int64_t b = 0; b < size; ++b) {
    const auto id = pool[rng.below(pool.size())];
    const auto [shard, row] = where_[std::size_t(id)];
    targets.push_back(shards_[shard].target[row]);
    refs.push_back(shards_[shard].references[row].slice(0, 0, count));
    out.prompts.push_back(instructions_[std::size_t(id)]);
  }
  out.target = toModelRange(at::stack(targets));
  if (count > 0) {
    const auto all = toModelRange(at::stack(refs));  // [B, count, 3, H, W]
    for (int k = 0; k < count; ++k) out.references.push_back(all.select(1, k).contiguous());
    out.present = at::ones({size, count}, at::kBool);
  }
  return out;
}

std::vector<std::string> ShardSource::corpus() { return instructions_; }

nlohmann::json ShardSource::describe() const {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : files_) files.push_back(f.filename().string());
  nlohmann::json counts = nlohmann::json::object();
  for (int c : available_) counts[std::to_string(c)] = byCount_[std::size_t(c)].size();
  return {{"kind", "shards"}, {"files", files}, {"samples", samples()}, {"samples_by_reference_count", counts},
          {"reference_mix", mix_.toJson()}};
}

}  // namespace psr::train
