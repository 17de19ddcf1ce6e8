#include "bench/bench_psrbench.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <map>
#include <sstream>

#include "bench/psrbench_items.h"
#include "common/error.h"
#include "perceive/perception_models.h"
#include "pipeline/subset.h"
#include "store/workspace.h"
#include "world/image_codec.h"

namespace psr::bench {

using nlohmann::json;
namespace fs = std::filesystem;
using pipeline::Subset;

namespace {

/// References are stored at most this large (the scorer reads 64 px, generators up to 128 px).
constexpr int kMaxReferenceSide = 256;
/// A subset or results file larger than this is refused (PSRBench's are a few kB).
constexpr std::uintmax_t kMaxSubsetFileBytes = kMaxPsrBenchFileBytes;

std::string readSmallFile(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) throw Error("cannot read " + file.string() + ": " + ec.message(), ErrorCode::Io);
  if (size > kMaxSubsetFileBytes) throw Error(file.string() + " is larger than 64 MiB", ErrorCode::InvalidArgument);
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) throw Error("cannot read " + file.string(), ErrorCode::Io);
  return text.str();
}

void writeFileAtomic(const fs::path& file, std::string_view bytes) {
  fs::create_directories(file.parent_path());
  const fs::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out) throw Error("cannot write " + tmp.string(), ErrorCode::Io);
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) throw Error("cannot write " + file.string() + ": " + ec.message(), ErrorCode::Io);
}

/// A reference image copied into the blob store as PNG (RGBA kept, at most 256 px a side).
std::string storeReference(store::Workspace& ws, const fs::path& file) {
  auto image = world::readImageFile(file);
  if (image.width < 8 || image.height < 8) {
    throw Error("is " + std::to_string(image.width) + "x" + std::to_string(image.height) + " px (at least 8x8 needed)",
                ErrorCode::InvalidArgument);
  }
  const int side = std::max(image.width, image.height);
  if (side > kMaxReferenceSide) {
    const double f = double(kMaxReferenceSide) / double(side);
    image = world::resizeRgba(image, std::max(1, int(image.width * f)), std::max(1, int(image.height * f)));
  }
  return ws.putBlob(world::encodePng(image), "image/png");
}

/// Result paths from a --results file: (subset title, item index) -> relative path.
std::map<std::pair<std::string, std::size_t>, std::string> readResultsFile(const fs::path& file) {
  const auto j = json::parse(readSmallFile(file), nullptr, false);
  if (j.is_discarded()) throw Error(file.string() + " is not valid JSON", ErrorCode::InvalidArgument);
  std::map<std::pair<std::string, std::size_t>, std::string> out;
  if (j.is_object()) {
    for (const auto& [subset, list] : j.items()) {
      if (list.is_array()) {
        for (std::size_t i = 0; i < list.size(); ++i) {
          if (list[i].is_string()) out[{subset, i}] = list[i].get<std::string>();
          else if (list[i].is_object() && list[i].contains("result_path") && list[i]["result_path"].is_string())
            out[{subset, i}] = list[i]["result_path"].get<std::string>();
        }
      } else if (list.is_object()) {
        for (const auto& [index, path] : list.items()) {
          if (path.is_string() && !index.empty() && index.find_first_not_of("0123456789") == std::string::npos)
            out[{subset, std::size_t(std::stoull(index))}] = path.get<std::string>();
        }
      }
    }
  } else if (j.is_array()) {
    for (const auto& e : j) {
      if (e.is_object() && e.contains("subset") && e["subset"].is_string() && e.contains("index") &&
          e["index"].is_number_unsigned() && e.contains("result_path") && e["result_path"].is_string())
        out[{e["subset"].get<std::string>(), e["index"].get<std::size_t>()}] = e["result_path"].get<std::string>();
    }
  } else {
    throw Error(file.string() + ": expected an object of subset lists or a list of entries", ErrorCode::InvalidArgument);
  }
  return out;
}

std::string folderName(const fs::path& dir) {
  auto name = fs::weakly_canonical(dir).filename().string();
  return name.empty() ? "psrbench" : name;
}

}  // namespace

json importPsrBench(store::Workspace& ws, perceive::PerceptionModels& perception, const PsrBenchImportOptions& o) {
  if (!fs::is_directory(o.dir)) throw Error("not a folder: " + o.dir.string(), ErrorCode::NotFound);
  const std::string name = o.name.empty() ? "psrbench:" + folderName(o.dir) : o.name;
  const std::string label = o.label.empty() ? "external:" + folderName(o.dir) : o.label;
  std::map<std::pair<std::string, std::size_t>, std::string> resultPaths;
  if (!o.results.empty()) resultPaths = readResultsFile(o.results);

  Suite suite;
  suite.name = name;
  suite.source = "psrbench";
  suite.config = {{"dir", fs::weakly_canonical(o.dir).string()}};
  json files = json::object(), itemErrors = json::array(), bySubset = json::object();
  std::map<std::int64_t, fs::path> results;
  std::map<std::int64_t, std::string> resultErrors;
  std::int64_t next = 0;
  bool anyFile = false;
  for (Subset subset : pipeline::kAllSubsets) {
    const std::string title = pipeline::subsetTitle(subset);
    const std::string fileName = title + ".json";
    const fs::path file = o.dir / fileName;
    if (!fs::exists(file)) {
      files[fileName] = "missing";
      continue;
    }
    anyFile = true;
    std::vector<PsrBenchItem> list;
    try {
      list = parsePsrBenchItems(readSmallFile(file), fileName);
      files[fileName] = "ok";
    } catch (const std::exception& e) {
      files[fileName] = e.what();
      continue;
    }
    long long count = 0;
    for (std::size_t index = 0; index < list.size(); ++index) {
      const PsrBenchItem& parsed = list[index];
      SuiteItem item;
      item.id = next++;
      item.subset = subset;
      item.source = {{"file", fileName}, {"index", index}};
      item.instruction = parsed.instruction;
      try {
        const auto& inputs = parsed.inputPaths;
        if (!inputs.empty()) item.source["input_path"] = inputs;
        // Categories up to the first problem, then that problem (the order the fields are checked in).
        for (std::size_t k = 0; k < parsed.categories.size(); ++k) {
          const std::string key = "category" + std::to_string(k + 1);
          const std::string& phrase = parsed.categories[k];
          try {
            const auto found = perception.vocabulary.findCategory(phrase);
            item.categories.push_back({perception.vocabulary.categories[std::size_t(found)].name, phrase});
          } catch (const Error&) {
            throw Error(key + " '" + phrase + "' is unknown to the detector (" +
                            std::to_string(perception.vocabulary.categories.size()) + " categories)",
                        ErrorCode::InvalidArgument);
          }
        }
        if (!parsed.error.empty()) throw Error(parsed.error, ErrorCode::InvalidArgument);
        for (std::size_t k = 0; k < inputs.size(); ++k) {
          const auto path = resolveInside(o.dir, inputs[k]);
          try {
            item.referenceBlobs.push_back(storeReference(ws, path));
          } catch (const Error& e) {
            throw Error("reference " + std::to_string(k + 1) + " (" + inputs[k] + "): " + e.what(), e.code());
          }
        }
      } catch (const std::exception& e) {
        item.error = e.what();
        itemErrors.push_back({{"file", fileName}, {"index", index}, {"sample_id", item.id}, {"error", item.error}});
      }
      // The result image, if any (its own problems are reported by the run, per item).
      std::string result;
      if (const auto it = resultPaths.find({title, index}); it != resultPaths.end()) result = it->second;
      else result = parsed.resultPath;
      if (!result.empty()) {
        item.source["result_path"] = result;
        try {
          results[item.id] = resolveInside(o.dir, result);
        } catch (const std::exception& e) {
          item.source["result_error"] = e.what();
          results[item.id] = fs::path();  // the run reports it for this item
          resultErrors[item.id] = e.what();
          if (item.error.empty())
            itemErrors.push_back({{"file", fileName}, {"index", index}, {"sample_id", item.id},
                                  {"error", std::string("result: ") + e.what()}});
        }
      }
      ++count;
      suite.items.push_back(std::move(item));
    }
    bySubset[title] = count;
  }
  if (!anyFile) {
    throw Error(o.dir.string() + " holds none of Attribute.json ... Four.json (the PSRBench layout)",
                ErrorCode::NotFound);
  }

  // Freeze the suite (or reuse the frozen one of an earlier import of the same folder).
  bool reused = false;
  if (auto existing = findSuite(ws, name)) {
    if (o.replace) {
      deleteSuite(ws, name);
      storeSuite(ws, suite);
    } else if (existing->items.size() != suite.items.size()) {
      throw Error("suite '" + name + "' exists with " + std::to_string(existing->items.size()) +
                      " items, the folder now has " + std::to_string(suite.items.size()) +
                      "; pass --replace or another --name",
                  ErrorCode::InvalidArgument);
    } else {
      suite = std::move(*existing);
      reused = true;
    }
  } else {
    storeSuite(ws, suite);
  }

  json out = {{"suite", name}, {"items", suite.items.size()}, {"reused", reused},
              {"usable", std::count_if(suite.items.begin(), suite.items.end(),
                                       [](const SuiteItem& i) { return i.error.empty(); })},
              {"by_subset", bySubset}, {"files", files}, {"item_errors", itemErrors}, {"results", results.size()}};
  if (!results.empty()) {
    RunOptions run = o.run;
    run.model = "external";
    run.label = label;
    run.seeds = 1;
    run.firstSeed = 0;
    for (auto& [id, path] : results) {
      if (!path.empty()) run.externalImages[id] = path;
    }
    run.externalErrors = resultErrors;
    // Only items that have a result are scored; items without one are not "failed".
    std::set<std::int64_t> withResult;
    for (const auto& [id, path] : results) withResult.insert(id);
    Suite scored = suite;
    scored.items.erase(std::remove_if(scored.items.begin(), scored.items.end(),
                                      [&](const SuiteItem& i) { return !withResult.count(i.id); }),
                       scored.items.end());
    out["label"] = label;
    out["run"] = runBench(ws, scored, perception, run);
  }
  return out;
}

json exportPsrBenchSuite(store::Workspace& ws, const PsrBenchExportOptions& o) {
  const Suite suite = loadSuite(ws, o.suite);
  std::map<std::int64_t, std::string> outputs;
  if (!o.model.empty()) {
    auto run = ws.db().prepare("SELECT id FROM bench_runs WHERE suite = ? AND label = ? AND seed = ?");
    run.bind(1, std::string_view(o.suite)).bind(2, std::string_view(o.model)).bind(3, std::int64_t(o.seed));
    if (!run.step()) {
      throw Error("model '" + o.model + "' has no run on suite '" + o.suite + "' with seed " + std::to_string(o.seed) +
                      "; run `psr bench run --model " + o.model + " --suite " + o.suite + "` first",
                  ErrorCode::NotFound);
    }
    auto rows = ws.db().prepare("SELECT sample_id, image_blob FROM bench_outputs WHERE run_id = ? AND image_blob IS NOT NULL");
    rows.bind(1, run.columnInt(0));
    while (rows.step()) outputs[rows.columnInt(0)] = rows.columnText(1);
  }
  fs::create_directories(o.outDir);
  json bySubset = json::object();
  long long references = 0, resultsWritten = 0, skipped = 0, items = 0;
  for (Subset subset : pipeline::kAllSubsets) {
    const std::string title = pipeline::subsetTitle(subset);
    json list = json::array();
    for (const SuiteItem* item : suite.select({subset})) {
      if (!item->error.empty() || item->referenceBlobs.size() != item->categories.size()) {
        ++skipped;
        continue;
      }
      json entry = {{"instruction", item->instruction}, {"input_path", json::array()}};
      for (std::size_t k = 0; k < item->referenceBlobs.size(); ++k) {
        const std::string rel =
            "subjects/" + title + "/" + std::to_string(item->id) + "_" + std::to_string(k + 1) + ".png";
        writeFileAtomic(o.outDir / rel, ws.blobs().read(item->referenceBlobs[k]));
        entry["input_path"].push_back(rel);
        entry["category" + std::to_string(k + 1)] = item->categories[k].noun;
        ++references;
      }
      if (const auto it = outputs.find(item->id); it != outputs.end()) {
        const std::string rel = "results/" + title + "/" + std::to_string(item->id) + ".png";
        writeFileAtomic(o.outDir / rel, ws.blobs().read(it->second));
        entry["result_path"] = rel;
        ++resultsWritten;
      }
      list.push_back(std::move(entry));
    }
    bySubset[title] = list.size();
    items += (long long)list.size();
    writeFileAtomic(o.outDir / (title + ".json"), list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  }
  return {{"out", o.outDir.string()}, {"suite", o.suite}, {"items", items},      {"by_subset", bySubset},
          {"references", references}, {"results", resultsWritten}, {"skipped", skipped}};
}

}  // namespace psr::bench
