#pragma once
// Helpers of the training tests: a psr-shard-v1 file of random images written like
// `psr data export shards` writes one, and a tiny SFT job over it.
#include <ATen/ATen.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tensor/tensor_io.h"

namespace train_fixtures {

/// `n` samples of size x size; sample i has 1 + i % 3 references (capped at 4).
inline void writeShard(const std::filesystem::path& file, std::int64_t n, std::int64_t size, std::uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto target = at::randint(0, 256, {n, size, size, 3}, gen, at::kLong).to(at::kByte);
  auto refs = at::randint(0, 256, {n, 4, size, size, 3}, gen, at::kLong).to(at::kByte);
  auto mask = at::zeros({n, 4}, at::kByte);
  std::string bytes;
  std::vector<std::int64_t> offsets{0};
  nlohmann::json samples = nlohmann::json::array();
  for (std::int64_t i = 0; i < n; ++i) {
    const auto count = 1 + i % 3;
    mask[i].narrow(0, 0, count).fill_(1);
    refs[i].narrow(0, count, 4 - count).zero_();
    const std::string text = "put the crab number " + std::to_string(i) + " on a beach";
    bytes += text;
    offsets.push_back(std::int64_t(bytes.size()));
    samples.push_back({{"id", i}, {"instruction", text}});
  }
  auto instr = at::empty({std::int64_t(bytes.size())}, at::kByte);
  std::memcpy(instr.data_ptr(), bytes.data(), bytes.size());
  psr::tensor::saveTensors(file,
                           {{"target", target},
                            {"references", refs},
                            {"reference_mask", mask},
                            {"instruction", instr},
                            {"instruction_offsets", at::tensor(offsets, at::kLong)}},
                           {{"format", "psr-shard-v1"}, {"samples", samples.dump()}});
}

/// A tiny full-fine-tune job over `shardDir`, one thread (bit-exact resume needs a fixed count).
inline nlohmann::json tinyJob(const std::filesystem::path& shardDir, const std::filesystem::path& out, int steps) {
  return {{"kind", "sft"},  {"name", "tiny-test"}, {"model", "tiny"},          {"data", {{"shards", shardDir.string()}}},
          {"references", {{"1", 0.5}, {"2", 0.5}}}, {"steps", steps}, {"batch", 3}, {"lr", 1e-3},
          {"warmup", 2},      {"ema", 0.9},         {"checkpoint_every", 2},    {"sample_every", 0},
          {"sample_count", 2}, {"sample_steps", 2}, {"log_every", 1},           {"seed", 5},
          {"threads", 1},     {"out", out.string()}};
}

}  // namespace train_fixtures
