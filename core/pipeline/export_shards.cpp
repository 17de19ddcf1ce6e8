#include "pipeline/export_shards.h"

#include <cstring>
#include <iomanip>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/safetensors.h"
#include "store/workspace.h"
#include "world/image_codec.h"

namespace psr::pipeline {
namespace {

using nlohmann::json;

constexpr int kSlots = 4;

struct ShardSample {
  long long id = 0;
  world::Image target;
  std::vector<world::Image> references;
  std::string instruction;
  json meta;
};

world::Image rgbOf(const store::BlobStore& blobs, const std::string& sha) {
  const world::Image rgba = world::decodeImage(blobs.read(sha), "blob " + sha);
  world::Image rgb(rgba.width, rgba.height, 3);
  for (std::size_t i = 0, n = std::size_t(rgba.width) * rgba.height; i < n; ++i) {
    std::memcpy(&rgb.pixels[i * 3], &rgba.pixels[i * 4], 3);
  }
  return rgb;
}

class ShardBuilder {
 public:
  ShardBuilder(std::filesystem::path dir) : dir_(std::move(dir)) {}

  void add(ShardSample s) {
    if (!samples_.empty() &&
        (s.target.width != samples_[0].target.width || s.target.height != samples_[0].target.height)) {
      flush();
    }
    samples_.push_back(std::move(s));
  }

  void flush() {
    if (samples_.empty()) return;
    const std::int64_t n = std::int64_t(samples_.size()), h = samples_[0].target.height, w = samples_[0].target.width;
    const std::size_t image = std::size_t(h * w * 3);
    std::vector<std::uint8_t> target(std::size_t(n) * image), refs(std::size_t(n) * kSlots * image, 0),
        mask(std::size_t(n) * kSlots, 0);
    std::vector<std::uint8_t> text;
    std::vector<std::int64_t> offsets{0};
    json meta = json::array();
    for (std::size_t i = 0; i < samples_.size(); ++i) {
      const auto& s = samples_[i];
      std::memcpy(&target[i * image], s.target.pixels.data(), image);
      for (std::size_t k = 0; k < s.references.size() && k < kSlots; ++k) {
        const auto& r = s.references[k];
        if (r.width != w || r.height != h) {
          throw Error("sample " + std::to_string(s.id) + " has a reference of another size than its target",
                      ErrorCode::Corrupt);
        }
        std::memcpy(&refs[(i * kSlots + k) * image], r.pixels.data(), image);
        mask[i * kSlots + k] = 1;
      }
      text.insert(text.end(), s.instruction.begin(), s.instruction.end());
      offsets.push_back(std::int64_t(text.size()));
      meta.push_back(s.meta);
    }
    auto view = [](const char* name, io::DType dtype, std::vector<std::int64_t> shape, const void* data,
                   std::size_t bytes) {
      return io::TensorView{name, dtype, std::move(shape), static_cast<const std::byte*>(data), bytes};
    };
    const std::vector<io::TensorView> tensors = {
        view("target", io::DType::U8, {n, h, w, 3}, target.data(), target.size()),
        view("references", io::DType::U8, {n, kSlots, h, w, 3}, refs.data(), refs.size()),
        view("reference_mask", io::DType::U8, {n, kSlots}, mask.data(), mask.size()),
        view("instruction", io::DType::U8, {std::int64_t(text.size())}, text.data(), text.size()),
        view("instruction_offsets", io::DType::I64, {n + 1}, offsets.data(), offsets.size() * sizeof(std::int64_t)),
    };
    std::ostringstream name;
    name << "shard-" << std::setw(5) << std::setfill('0') << shards_ << ".safetensors";
    io::writeSafetensors(dir_ / name.str(), tensors, {{"format", "psr-shard-v1"}, {"samples", meta.dump()}});
    ++shards_;
    samples_.clear();
  }

  long long shards() const { return shards_; }
  std::size_t pending() const { return samples_.size(); }

 private:
  std::filesystem::path dir_;
  std::vector<ShardSample> samples_;
  long long shards_ = 0;
};

}  // namespace

ShardExportReport exportShards(store::Workspace& ws, const ShardExportOptions& o) {
  if (o.shardSize < 1) throw Error("--shard-size must be positive", ErrorCode::InvalidArgument);
  auto& db = ws.db();
  const std::string where =
      "FROM samples s JOIN datasets d ON d.id = s.dataset_id LEFT JOIN reviews v ON v.sample_id = s.id "
      "WHERE d.name = ?1 AND (?2 = '' OR s.split = ?2) AND (v.verdict IS NULL OR v.verdict <> 'rejected') ";
  auto count = db.prepare("SELECT count(*) " + where);
  count.bind(1, std::string_view(o.dataset)).bind(2, std::string_view(o.split));
  count.step();
  if (count.columnInt(0) == 0) {
    throw Error("dataset '" + o.dataset + "' has no " + (o.split.empty() ? std::string() : o.split + " ") +
                    "samples to export; synthesise some with `psr data synth`",
                ErrorCode::NotFound);
  }
  auto st = db.prepare(
      "SELECT s.id, s.subset, s.split, s.instruction, s.target_blob, s.consistency, s.synth_run_id, s.seq, "
      "  (SELECT group_concat(r.blob, ',') FROM (SELECT blob FROM sample_references WHERE sample_id = s.id "
      "   ORDER BY slot) r), "
      "  (SELECT json_group_array(c.category) FROM (SELECT category FROM sample_references WHERE sample_id = s.id "
      "   ORDER BY slot) c) " +
      where + "ORDER BY s.id");
  st.bind(1, std::string_view(o.dataset)).bind(2, std::string_view(o.split));
  std::error_code ec;
  std::filesystem::create_directories(o.outDir, ec);
  if (ec) throw Error("cannot create " + o.outDir.string() + ": " + ec.message(), ErrorCode::Io);
  ShardBuilder builder(o.outDir);
  ShardExportReport report;
  while (st.step()) {
    ShardSample s;
    s.id = st.columnInt(0);
    s.instruction = st.columnText(3);
    s.target = rgbOf(ws.blobs(), st.columnText(4));
    std::stringstream refs(st.columnText(8));
    for (std::string sha; std::getline(refs, sha, ',');) s.references.push_back(rgbOf(ws.blobs(), sha));
    s.meta = {{"id", s.id},
              {"subset", st.columnText(1)},
              {"split", st.columnText(2)},
              {"instruction", s.instruction},
              {"categories", json::parse(st.columnText(9))},
              {"consistency", st.columnDouble(5)},
              {"run", st.columnInt(6)},
              {"seq", st.columnInt(7)}};
    builder.add(std::move(s));
    ++report.samples;
    if (builder.pending() >= std::size_t(o.shardSize)) builder.flush();
  }
  builder.flush();
  report.shards = builder.shards();
  return report;
}

}  // namespace psr::pipeline
