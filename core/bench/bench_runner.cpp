#include "bench/bench_runner.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include "bench/bench_judge.h"
#include "common/error.h"
#include "common/sha256.h"
#include "model/checkpoint.h"
#include "model/generation.h"
#include "perceive/perception_models.h"
#include "perceive/semantic_scorer.h"
#include "perceive_data/image_tensor.h"
#include "store/workspace.h"
#include "train_data/generator_io.h"
#include "train_data/reference_crop.h"
#include "world/image_codec.h"
#include "world/rng.h"

namespace psr::bench {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// The scoring resolution of references (the perception models are sized for 64 px).
constexpr std::int64_t kReferenceSize = 64;
/// Stored output images are at most this many pixels on a side (area-downscaled).
constexpr std::int64_t kMaxStoredSide = 256;

const char* kindName(ModelSpec::Kind k) {
  switch (k) {
    case ModelSpec::Kind::Generator: return "generator";
    case ModelSpec::Kind::Blind: return "blind";
    case ModelSpec::Kind::Oracle: return "oracle";
    case ModelSpec::Kind::External: return "external";
  }
  return "?";
}

std::string describe(const std::exception& e) {
  if (const auto* c = dynamic_cast<const c10::Error*>(&e)) return c->what_without_backtrace();
  return e.what();
}

/// [-1, 1] [3, H, W] -> PNG bytes, area-downscaled to kMaxStoredSide.
std::string toPng(const at::Tensor& modelRange) {
  auto x = modelRange.detach().cpu().to(at::kFloat).unsqueeze(0);
  const auto side = std::max(x.size(2), x.size(3));
  if (side > kMaxStoredSide) {
    const double f = double(kMaxStoredSide) / double(side);
    x = at::adaptive_avg_pool2d(x, {std::max<std::int64_t>(1, std::int64_t(double(x.size(2)) * f)),
                                    std::max<std::int64_t>(1, std::int64_t(double(x.size(3)) * f))});
  }
  const auto u8 = x[0].add(1.0).mul(127.5).round().clamp(0, 255).to(at::kByte);
  return world::encodePng(perceive_data::tensorToImage(u8));
}

/// An outside image (PSRBench result) as [1, 3, H, W] in [-1, 1], at its own size.
at::Tensor loadExternal(const fs::path& file, int expectSize) {
  if (!fs::exists(file)) throw Error("result image not found: " + file.string(), ErrorCode::NotFound);
  const auto image = world::readImageFile(file);
  if (image.width < 16 || image.height < 16) {
    throw Error("result image " + file.filename().string() + " is " + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + " px; at least 16x16 is needed",
                ErrorCode::InvalidArgument);
  }
  if (expectSize > 0 && (image.width != expectSize || image.height != expectSize)) {
    throw Error("result image " + file.filename().string() + " is " + std::to_string(image.width) + "x" +
                    std::to_string(image.height) + " px; expected " + std::to_string(expectSize) + "x" +
                    std::to_string(expectSize),
                ErrorCode::InvalidArgument);
  }
  return perceive_data::imageToTensor(image).to(at::kFloat).div(127.5).sub(1.0).unsqueeze(0);
}

/// Category indices of the perception models' vocabulary for an item's subjects: by catalog key
/// first, else by the noun phrase (PSRBench categories are phrases).
class CategoryLookup {
 public:
  explicit CategoryLookup(const perceive::Vocabulary& v) : vocabulary_(v) {
    for (std::size_t i = 0; i < v.categories.size(); ++i) byKey_[v.categories[i].name] = std::int64_t(i);
  }
  std::int64_t operator()(const ItemCategory& c) const {
    if (!c.key.empty()) {
      const auto it = byKey_.find(c.key);
      if (it != byKey_.end()) return it->second;
    }
    if (c.noun.empty()) throw Error("subject without a category", ErrorCode::InvalidArgument);
    return vocabulary_.findCategory(c.noun);
  }

 private:
  const perceive::Vocabulary& vocabulary_;
  std::map<std::string, std::int64_t> byKey_;
};

/// One sample being evaluated in a batch.
struct Work {
  const SuiteItem* item = nullptr;
  at::Tensor image;            // [3, H, W] in [-1, 1]
  std::vector<at::Tensor> refsForScore;  // [1, 3, 64, 64] each
  perceive::RewardRequest request;
  std::string error;
  double generateSeconds = 0, scoreSeconds = 0;
  double psr = 0, semantic = 0, aesthetic = 0;
  std::string imageBlob;
  bool judged = false;        // semantic is the judge's verdict (flags to record)
  SemanticJudgment judgment;
  std::string semanticError;  // the judge gave no verdict: PSR and aesthetic stored, semantic missing
};

struct RunRow {
  std::int64_t id = 0;
  int seed = 0;
  long long computed = 0, skipped = 0, failed = 0;
  long long judged = 0, judgeFailed = 0;
  json errors = json::array();

  void fail(const SuiteItem& item, const std::string& error) {
    ++failed;
    errors.push_back({{"sample_id", item.id}, {"subset", pipeline::subsetName(item.subset)}, {"error", error}});
  }
};

/// SHA-256 over the model folder's weight files (each name with its file's digest, in name
/// order): a model retrained into the same folder is a different evaluation, not more samples
/// of the stored one.
std::string weightsDigest(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".safetensors") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::string listing;
  for (const auto& f : files) listing += f.filename().string() + ' ' + sha256OfFile(f) + '\n';
  return sha256Hex(listing);
}

json runConfig(const ModelSpec& spec, const RunOptions& o) {
  json c = {{"model", spec.argument}, {"kind", kindName(spec.kind)}, {kScorerKey, semanticScorer(o.judge.get())}};
  if (spec.kind == ModelSpec::Kind::Generator || spec.kind == ModelSpec::Kind::Blind) {
    c["path"] = fs::weakly_canonical(spec.dir).string();
    c["weights_sha256"] = weightsDigest(spec.dir);
    c["steps"] = o.steps;
    c["guidance"] = o.guidance;
  }
  return c;
}

/// Whether two run configs describe the same evaluation (the keys that change numbers).
bool sameEvaluation(const json& a, const json& b) {
  if (storedSemanticScorer(a) != storedSemanticScorer(b)) return false;
  for (const char* key : {"kind", "path", "steps", "guidance"}) {
    const bool ha = a.contains(key), hb = b.contains(key);
    if (ha != hb) return false;
    if (ha && a.at(key) != b.at(key)) return false;
  }
  // Runs stored before the digest was recorded lack it: their weights cannot be checked.
  if (a.contains("weights_sha256") && b.contains("weights_sha256") && a["weights_sha256"] != b["weights_sha256"])
    return false;
  return true;
}

[[noreturn]] void refuseSettings(const Suite& suite, const std::string& label, std::int64_t seed, const json& stored,
                                const json& config) {
  // The run's flagged judge answers are results, not settings: keep them out of the message.
  json shown = stored;
  if (shown.is_object()) shown.erase(kUnparsedKey);
  throw Error("label '" + label + "' on suite '" + suite.name + "' (seed " + std::to_string(seed) +
                  ") was run with different settings (" + (shown.is_object() ? shown.dump() : "?") + " vs " +
                  config.dump() + "); pass --label to keep both or --restart to replace it",
              ErrorCode::InvalidArgument);
}

/// The label's other seed replicates must have these settings too: the report pools a label's
/// seeds, so one label must never hold values of two evaluations (e.g. two semantic scorers).
void checkOtherSeeds(store::Database& db, const Suite& suite, const std::string& label, int firstSeed, int seeds,
                     const json& config) {
  auto q = db.prepare("SELECT seed, config FROM bench_runs WHERE suite = ? AND label = ? AND (seed < ? OR seed >= ?)");
  q.bind(1, std::string_view(suite.name))
      .bind(2, std::string_view(label))
      .bind(3, std::int64_t(firstSeed))
      .bind(4, std::int64_t(firstSeed) + seeds);
  while (q.step()) {
    const auto stored = json::parse(q.columnText(1), nullptr, false);
    if (!stored.is_object() || !sameEvaluation(stored, config)) refuseSettings(suite, label, q.columnInt(0), stored, config);
  }
}

RunRow openRun(store::Database& db, const Suite& suite, const std::string& label, int seed, const json& config,
               bool restart) {
  auto find = db.prepare("SELECT id, config FROM bench_runs WHERE suite = ? AND label = ? AND seed = ? ORDER BY id");
  find.bind(1, std::string_view(suite.name)).bind(2, std::string_view(label)).bind(3, std::int64_t(seed));
  RunRow row;
  row.seed = seed;
  if (find.step()) {
    row.id = find.columnInt(0);
    const auto stored = json::parse(find.columnText(1), nullptr, false);
    if (restart) {
      db.prepare("DELETE FROM bench_runs WHERE id = ?").bind(1, row.id).run();
      row.id = 0;
    } else if (!stored.is_object() || !sameEvaluation(stored, config)) {
      refuseSettings(suite, label, seed, stored, config);
    }
  }
  if (row.id == 0) {
    db.prepare("INSERT INTO bench_runs(checkpoint_id, label, suite, seed, config) VALUES (NULL, ?, ?, ?, ?)")
        .bind(1, std::string_view(label))
        .bind(2, std::string_view(suite.name))
        .bind(3, std::int64_t(seed))
        .bind(4, std::string_view(config.dump()))
        .run();
    row.id = db.lastInsertId();
  }
  return row;
}

std::set<std::int64_t> scoredSamples(store::Database& db, std::int64_t runId) {
  std::set<std::int64_t> out;
  auto q = db.prepare(
      "SELECT sample_id FROM bench_results WHERE run_id = ? GROUP BY sample_id HAVING count(DISTINCT metric) = 3");
  q.bind(1, runId);
  while (q.step()) out.insert(q.columnInt(0));
  return out;
}

void storeBatch(store::Workspace& ws, std::int64_t runId, const std::vector<Work>& batch) {
  auto& db = ws.db();
  store::Transaction tx(db);
  auto clear = db.prepare("DELETE FROM bench_results WHERE run_id = ? AND sample_id = ?");
  auto value = db.prepare("INSERT INTO bench_results(run_id, subset, sample_id, metric, value) VALUES (?, ?, ?, ?, ?)");
  auto output = db.prepare(
      "INSERT OR REPLACE INTO bench_outputs(run_id, sample_id, image_blob, error, generate_s, score_s) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  std::vector<std::pair<std::int64_t, const SemanticJudgment*>> judged;
  for (const auto& w : batch) {
    clear.reset();
    clear.bind(1, runId).bind(2, w.item->id).run();
    if (w.error.empty()) {
      const double values[3] = {w.psr, w.semantic, w.aesthetic};
      for (int m = 0; m < 3; ++m) {
        if (m == 1 && !w.semanticError.empty()) continue;  // left missing for a re-run to fill
        value.reset();
        value.bind(1, runId)
            .bind(2, std::string_view(pipeline::subsetName(w.item->subset)))
            .bind(3, w.item->id)
            .bind(4, std::string_view(kMetrics[std::size_t(m)]))
            .bind(5, values[m])
            .run();
      }
    }
    output.reset();
    output.bind(1, runId).bind(2, w.item->id);
    if (w.imageBlob.empty()) output.bindNull(3);
    else output.bind(3, std::string_view(w.imageBlob));
    const std::string& error = w.error.empty() ? w.semanticError : w.error;
    if (error.empty()) output.bindNull(4);
    else output.bind(4, std::string_view(error));
    output.bind(5, w.generateSeconds).bind(6, w.scoreSeconds).run();
    if (w.error.empty() && w.judged) judged.push_back({w.item->id, &w.judgment});
  }
  recordJudgeFlags(db, runId, judged);
  tx.commit();
}

class Evaluator {
 public:
  Evaluator(store::Workspace& ws, const Suite& suite, perceive::PerceptionModels& perception, const ModelSpec& spec,
            const RunOptions& o)
      : ws_(ws), suite_(suite), perception_(perception), spec_(spec), o_(o), lookup_(perception.vocabulary) {
    if (spec.kind == ModelSpec::Kind::Generator || spec.kind == ModelSpec::Kind::Blind) {
      generator_ = std::make_unique<model::Generator>(model::loadGenerator(spec.dir));
      size_ = generator_->config.codec.image_size;
    } else {
      size_ = suite.config.value("image_size", std::int64_t(64));
    }
  }

  /// Evaluates a batch of items for seed replicate `seed`; fills each Work's values or error.
  void evaluate(std::vector<Work>& batch, int seed) {
    // Inputs that can fail per item: references and the scoring request.
    const auto start = Clock::now();
    for (auto& w : batch) prepare(w);
    const double prepareEach = secondsSince(start) / double(batch.size());
    for (auto& w : batch) w.scoreSeconds = prepareEach;
    std::vector<Work*> ok;
    for (auto& w : batch) {
      if (w.error.empty()) ok.push_back(&w);
    }
    if (ok.empty()) return;
    produce(ok, seed);
    ok.erase(std::remove_if(ok.begin(), ok.end(), [](Work* w) { return !w->error.empty(); }), ok.end());
    score(ok);
  }

 private:
  void prepare(Work& w) {
    const SuiteItem& item = *w.item;
    try {
      if (!item.error.empty()) throw Error(item.error, ErrorCode::InvalidArgument);
      if (item.referenceBlobs.size() != item.categories.size() || item.categories.empty())
        throw Error("item has " + std::to_string(item.referenceBlobs.size()) + " references for " +
                        std::to_string(item.categories.size()) + " subjects",
                    ErrorCode::InvalidArgument);
      for (const auto& blob : item.referenceBlobs) {
        w.refsForScore.push_back(train_data::loadModelImage(ws_.blobs().pathOf(blob), kReferenceSize));
        w.request.categories.push_back(lookup_(item.categories[w.refsForScore.size() - 1]));
      }
      w.request.requirements = perceive::parseInstruction(item.instruction, w.request.categories, perception_.vocabulary);
      w.request.positionOnly = item.subset == pipeline::Subset::Position;
    } catch (const std::exception& e) {
      w.error = describe(e);
    }
  }

  at::Tensor generate(const std::vector<Work*>& items, int seed) {
    model::GenerationRequest gr;
    gr.steps = o_.steps;
    gr.guidance = o_.guidance;
    const std::size_t slots = items.front()->item->referenceBlobs.size();
    std::vector<std::vector<at::Tensor>> refs(slots);
    for (Work* w : items) {
      gr.prompts.push_back(w->item->instruction);
      gr.seeds.push_back(sampleNoiseSeed(suite_.seed, seed, w->item->id));
      if (spec_.kind == ModelSpec::Kind::Generator) {
        for (std::size_t k = 0; k < slots; ++k) {
          auto image = train_data::loadModelImage(ws_.blobs().pathOf(w->item->referenceBlobs[k]), size_);
          // As `psr generate`: a model trained on cropped references gets the detector's crop.
          if (generator_->config.reference_crop)
            image = train_data::cropToDetectedSubjects(*perception_.detector, {image[0]}).front().unsqueeze(0);
          refs[k].push_back(image);
        }
      }
    }
    if (spec_.kind == ModelSpec::Kind::Generator) {
      for (auto& slot : refs) gr.references.push_back(at::cat(slot));
    }
    return model::generateImages(*generator_, gr);
  }

  at::Tensor single(Work& w, int seed) {
    switch (spec_.kind) {
      case ModelSpec::Kind::Oracle:
        if (w.item->oracleBlob.empty())
          throw Error("no ground-truth render (imported items have no scene)", ErrorCode::InvalidArgument);
        return train_data::loadModelImage(ws_.blobs().pathOf(w.item->oracleBlob), size_);
      case ModelSpec::Kind::External: {
        if (const auto bad = o_.externalErrors.find(w.item->id); bad != o_.externalErrors.end())
          throw Error("result: " + bad->second, ErrorCode::InvalidArgument);
        const auto it = o_.externalImages.find(w.item->id);
        if (it == o_.externalImages.end()) throw Error("no result image for this item", ErrorCode::NotFound);
        return loadExternal(it->second, o_.expectSize);
      }
      default:
        return generate({&w}, seed);
    }
  }

  static void checkFinite(Work& w) {
    if (!at::isfinite(w.image).all().item<bool>()) w.error = "the model produced non-finite pixels";
  }

  void produce(std::vector<Work*>& items, int seed) {
    const auto start = Clock::now();
    const bool generated = spec_.kind == ModelSpec::Kind::Generator || spec_.kind == ModelSpec::Kind::Blind;
    bool batched = false;
    if (generated) {
      // Samples with the same slot count share a generation call; a failing call is retried
      // per sample so one bad sample costs only itself.
      std::map<std::size_t, std::vector<Work*>> bySlots;
      for (Work* w : items) bySlots[w->item->referenceBlobs.size()].push_back(w);
      batched = true;
      for (auto& [slots, group] : bySlots) {
        try {
          const auto images = generate(group, seed);
          for (std::size_t i = 0; i < group.size(); ++i) group[i]->image = images[std::int64_t(i)];
        } catch (const std::exception&) {
          o_.cancel.throwIfCancelled();
          for (Work* w : group) {
            try {
              w->image = single(*w, seed)[0];
            } catch (const std::exception& e) {
              w->error = describe(e);
            }
          }
        }
      }
    }
    if (!batched) {
      for (Work* w : items) {
        try {
          w->image = single(*w, seed)[0];
        } catch (const std::exception& e) {
          w->error = describe(e);
        }
      }
    }
    const double each = secondsSince(start) / double(items.size());
    for (Work* w : items) {
      if (generated) w->generateSeconds = each;
      if (w->error.empty()) checkFinite(*w);
    }
  }

  void score(std::vector<Work*>& items) {
    // Images of one size are scored together (external results may differ in size).
    std::map<std::pair<std::int64_t, std::int64_t>, std::vector<Work*>> bySize;
    for (Work* w : items) bySize[{w->image.size(1), w->image.size(2)}].push_back(w);
    for (auto& [size, group] : bySize) {
      const auto start = Clock::now();
      try {
        scoreGroup(group);
      } catch (const std::exception&) {
        for (Work* w : group) {
          try {
            scoreGroup({w});
          } catch (const std::exception& e) {
            w->error = describe(e);
          }
        }
      }
      const double each = secondsSince(start) / double(group.size());
      for (Work* w : group) {
        w->scoreSeconds += each;
        if (!w->error.empty()) continue;
        std::string png;
        try {
          if (spec_.kind == ModelSpec::Kind::Oracle) {
            w->imageBlob = w->item->oracleBlob;
            if (o_.judge) png = ws_.blobs().read(w->imageBlob);
          } else {
            png = toPng(w->image);
            w->imageBlob = ws_.putBlob(png, "image/png");
          }
        } catch (const std::exception& e) {
          w->error = "cannot store the output image: " + describe(e);
          continue;
        }
        if (o_.judge) judge(*w, png);
      }
    }
  }

  /// The judge sees exactly the stored image, so a re-run that only fills its verdict judges the same.
  void judge(Work& w, const std::string& png) {
    const auto start = Clock::now();
    auto outcome = judgeOutput(*o_.judge, *w.item, png, o_.cancel);
    w.scoreSeconds += secondsSince(start);
    if (!outcome.error.empty()) {
      w.semanticError = std::move(outcome.error);
      return;
    }
    w.judged = true;
    w.judgment = std::move(outcome.judgment);
    w.semantic = w.judgment.score;
  }

  void scoreGroup(const std::vector<Work*>& group) {
    std::vector<at::Tensor> images, refs;
    std::vector<perceive::RewardRequest> requests;
    for (Work* w : group) {
      images.push_back(w->image);
      auto request = w->request;
      request.references.clear();
      for (const auto& r : w->refsForScore) {
        request.references.push_back(std::int64_t(refs.size()));
        refs.push_back(r);
      }
      requests.push_back(std::move(request));
    }
    const auto unit = [](const at::Tensor& x) { return x.add(1.0).div(2.0).clamp(0, 1); };
    const auto results =
        perceive::computeRewards(perception_, unit(at::stack(images)), unit(at::cat(refs)), requests);
    for (std::size_t i = 0; i < group.size(); ++i) {
      group[i]->psr = results[i].psr.psr;
      group[i]->semantic = results[i].semantic.score;
      group[i]->aesthetic = results[i].aesthetic;
    }
  }

  store::Workspace& ws_;
  const Suite& suite_;
  perceive::PerceptionModels& perception_;
  const ModelSpec& spec_;
  const RunOptions& o_;
  CategoryLookup lookup_;
  std::unique_ptr<model::Generator> generator_;
  std::int64_t size_ = 64;
};

}  // namespace

std::uint64_t sampleNoiseSeed(std::uint64_t suiteSeed, int seedIndex, std::int64_t sampleId) {
  world::Rng rng(suiteSeed * 0x9E3779B97F4A7C15ull ^ (std::uint64_t(seedIndex) + 1) * 0xBF58476D1CE4E5B9ull ^
                 std::uint64_t(sampleId) * 0x94D049BB133111EBull);
  return rng.next() >> 1;
}

ModelSpec parseModelSpec(const std::string& model) {
  ModelSpec spec;
  spec.argument = model;
  if (model == "oracle") {
    spec.kind = ModelSpec::Kind::Oracle;
  } else if (model == "external") {
    spec.kind = ModelSpec::Kind::External;
  } else if (model.rfind("blind:", 0) == 0) {
    spec.kind = ModelSpec::Kind::Blind;
    if (model.size() == 6) throw Error("blind: needs a model, e.g. blind:sft", ErrorCode::InvalidArgument);
    spec.dir = train_data::resolveGenerator(model.substr(6));
  } else {
    if (model.empty()) throw Error("--model is empty", ErrorCode::InvalidArgument);
    spec.dir = train_data::resolveGenerator(model);
  }
  return spec;
}

json runBench(store::Workspace& ws, const Suite& suite, perceive::PerceptionModels& perception,
              const RunOptions& o) {
  if (o.seeds < 1 || o.seeds > 100) throw Error("--seeds must be 1..100", ErrorCode::InvalidArgument);
  if (o.firstSeed < 0) throw Error("--first-seed must not be negative", ErrorCode::InvalidArgument);
  if (o.batch < 1 || o.batch > 256) throw Error("--batch must be 1..256", ErrorCode::InvalidArgument);
  if (o.steps < 1 || o.steps > 1000) throw Error("--steps must be 1..1000", ErrorCode::InvalidArgument);
  const ModelSpec spec = parseModelSpec(o.model);
  if (spec.kind == ModelSpec::Kind::External && o.label.empty())
    throw Error("external results need a label", ErrorCode::InvalidArgument);
  const std::string label = o.label.empty() ? o.model : o.label;
  const json config = runConfig(spec, o);
  const auto items = suite.select(o.subsets);
  const auto totalStart = Clock::now();

  // Open every run row first (so settings conflicts fail before any work) and find what is missing.
  // A sample whose outputs are stored but the judge gave no verdict only needs the judge (fills).
  std::vector<RunRow> rows;
  std::vector<std::vector<const SuiteItem*>> pending;
  std::vector<std::vector<std::pair<const SuiteItem*, std::string>>> fills;
  long long total = 0;
  {
    store::Transaction tx(ws.db());
    checkOtherSeeds(ws.db(), suite, label, o.firstSeed, o.seeds, config);
    for (int k = 0; k < o.seeds; ++k) {
      rows.push_back(openRun(ws.db(), suite, label, o.firstSeed + k, config, o.restart));
      const auto done = scoredSamples(ws.db(), rows.back().id);
      const auto unjudged = o.judge ? unjudgedOutputs(ws.db(), rows.back().id) : std::map<std::int64_t, std::string>{};
      std::vector<const SuiteItem*> missing;
      std::vector<std::pair<const SuiteItem*, std::string>> fill;
      for (const SuiteItem* item : items) {
        if (done.count(item->id)) ++rows.back().skipped;
        else if (const auto it = unjudged.find(item->id); it != unjudged.end()) fill.push_back({item, it->second});
        else missing.push_back(item);
      }
      total += (long long)(missing.size() + fill.size());
      pending.push_back(std::move(missing));
      fills.push_back(std::move(fill));
    }
    tx.commit();
  }

  std::unique_ptr<Evaluator> evaluator;
  long long done = 0;
  double generateSeconds = 0, scoreSeconds = 0;
  long long timed = 0;
  if (o.progress) o.progress(0, total);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    auto& row = rows[k];
    const auto& missing = pending[k];
    for (const auto& [item, imageBlob] : fills[k]) {
      o.cancel.throwIfCancelled();
      const auto outcome = fillSemantic(ws, row.id, *item, imageBlob, *o.judge, o.cancel);
      if (outcome.error.empty()) {
        ++row.computed;
        ++row.judged;
      } else {
        ++row.judgeFailed;
        row.fail(*item, outcome.error);
      }
      if (o.progress) o.progress(++done, total);
    }
    // Batches never mix subsets (one slot count and one rubric per generation call).
    for (std::size_t first = 0; first < missing.size();) {
      o.cancel.throwIfCancelled();
      if (!evaluator) evaluator = std::make_unique<Evaluator>(ws, suite, perception, spec, o);
      std::vector<Work> batch;
      for (std::size_t i = first; i < missing.size() && batch.size() < std::size_t(o.batch); ++i) {
        if (!batch.empty() && missing[i]->subset != batch.front().item->subset) break;
        Work w;
        w.item = missing[i];
        batch.push_back(std::move(w));
      }
      first += batch.size();
      evaluator->evaluate(batch, row.seed);
      if (o.cancel.isCancelled()) {
        // Stopped during this batch: keep what it finished, drop failures the stop may have caused.
        std::vector<Work> finished;
        for (auto& w : batch) {
          if (w.error.empty() && w.semanticError.empty()) finished.push_back(std::move(w));
        }
        storeBatch(ws, row.id, finished);
        o.cancel.throwIfCancelled();
      }
      storeBatch(ws, row.id, batch);
      for (const auto& w : batch) {
        if (w.judged) ++row.judged;
        if (w.error.empty() && w.semanticError.empty()) {
          ++row.computed;
          generateSeconds += w.generateSeconds;
          scoreSeconds += w.scoreSeconds;
          ++timed;
        } else if (w.error.empty()) {
          ++row.judgeFailed;
          row.fail(*w.item, w.semanticError);
        } else {
          row.fail(*w.item, w.error);
        }
      }
      done += (long long)batch.size();
      if (o.progress) o.progress(done, total);
    }
  }

  json out = {{"label", label}, {"model", o.model}, {"kind", kindName(spec.kind)}, {"suite", suite.name},
              {"config", config}, {kScorerKey, config[kScorerKey]}};
  json runs = json::array();
  long long computed = 0, skipped = 0, failed = 0, judged = 0, judgeFailed = 0, unparsed = 0;
  for (const auto& r : rows) {
    json run = {{"seed", r.seed}, {"run_id", r.id}, {"computed", r.computed}, {"skipped", r.skipped},
                {"failed", r.failed}, {"errors", r.errors}};
    if (o.judge) {
      // Unparsed counts what is stored now, so a re-run that computes nothing still shows them.
      const auto flagged = unparsedSamples(ws.db(), r.id);
      run["judge"] = {{"judged", r.judged}, {"failed", r.judgeFailed}, {"unparsed", flagged.size()},
                      {"unparsed_samples", flagged}};
      unparsed += (long long)flagged.size();
    }
    runs.push_back(std::move(run));
    computed += r.computed;
    skipped += r.skipped;
    failed += r.failed;
    judged += r.judged;
    judgeFailed += r.judgeFailed;
  }
  out["runs"] = runs;
  out["computed"] = computed;
  out["skipped"] = skipped;
  out["failed"] = failed;
  if (o.judge) out["judge"] = {{"judged", judged}, {"failed", judgeFailed}, {"unparsed", unparsed}};
  const double perGen = timed ? generateSeconds / double(timed) : 0.0;
  const double perScore = timed ? scoreSeconds / double(timed) : 0.0;
  out["cost"] = {{"samples_timed", timed},
                 {"generate_s_per_sample", perGen},
                 {"eval_s_per_sample_without_generation", perScore},
                 {"eval_s_per_sample_with_generation", perGen + perScore},
                 {"suite_350_s_estimate", 350.0 * (perGen + perScore)},
                 {"wall_s", secondsSince(totalStart)}};

  // Plain means of what is stored now (the report adds intervals).
  json means = json::object();
  auto q = ws.db().prepare(
      "SELECT b.subset, b.metric, avg(b.value), count(*) FROM bench_results b JOIN bench_runs r ON r.id = b.run_id "
      "WHERE r.suite = ? AND r.label = ? GROUP BY b.subset, b.metric");
  q.bind(1, std::string_view(suite.name)).bind(2, std::string_view(label));
  while (q.step()) means[q.columnText(0)][q.columnText(1)] = q.columnDouble(2);
  out["means"] = means;
  return out;
}

}  // namespace psr::bench
