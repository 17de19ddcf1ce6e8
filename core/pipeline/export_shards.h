#pragma once
#include <filesystem>
#include <string>

namespace psr::store {
class Workspace;
}

namespace psr::pipeline {

/// Options of `psr data export shards`.
struct ShardExportOptions {
  std::filesystem::path outDir;
  std::string dataset = "synthetic";
  std::string split = "train";  // "train", "heldout" or "" for both
  int shardSize = 1024;
};

/// What an export wrote.
struct ShardExportReport {
  long long shards = 0, samples = 0;
};

/// Writes `shard-NNNNN.safetensors` files the engine reads without OpenCV. Per shard of N
/// samples with H x W images (one size per shard; a size change starts a new shard):
///   target           U8  [N, H, W, 3]
///   references       U8  [N, 4, H, W, 3]   slots beyond a sample's subjects are zero
///   reference_mask   U8  [N, 4]            1 where the slot holds a reference
///   instruction      U8  [total bytes]     the instructions' UTF-8 bytes, back to back
///   instruction_offsets I64 [N + 1]        sample i's bytes are [offsets[i], offsets[i+1])
/// and `__metadata__` {"format": "psr-shard-v1", "samples": JSON list of per-sample
/// {id, subset, split, instruction, categories, consistency, run, seq}}. Samples a reviewer
/// rejected are left out. Throws NotFound when the dataset has no matching sample.
ShardExportReport exportShards(store::Workspace& workspace, const ShardExportOptions& options);

}  // namespace psr::pipeline
