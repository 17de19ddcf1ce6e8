#include "pipeline/export_psrbench.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "pipeline/subset.h"
#include "store/workspace.h"

namespace psr::pipeline {
namespace {

namespace fs = std::filesystem;

void writeFile(const fs::path& file, const std::string& bytes) {
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

}  // namespace

PsrBenchExportReport exportPsrBench(store::Workspace& ws, const PsrBenchExportOptions& o) {
  if (o.split != "train" && o.split != "heldout")
    throw Error("--split must be train or heldout", ErrorCode::InvalidArgument);
  if (o.perSubset < 0) throw Error("--per-subset must not be negative", ErrorCode::InvalidArgument);
  auto& db = ws.db();
  auto count = db.prepare(
      "SELECT count(*) FROM samples s JOIN datasets d ON d.id = s.dataset_id WHERE d.name = ? AND s.split = ?");
  count.bind(1, std::string_view(o.dataset)).bind(2, std::string_view(o.split));
  count.step();
  if (count.columnInt(0) == 0) {
    throw Error("dataset '" + o.dataset + "' has no " + o.split +
                    " samples; synthesise some with `psr data synth --split " + o.split + "`",
                ErrorCode::NotFound);
  }
  PsrBenchExportReport report;
  auto samples = db.prepare(
      "SELECT s.id, s.instruction FROM samples s JOIN datasets d ON d.id = s.dataset_id "
      "LEFT JOIN reviews v ON v.sample_id = s.id "
      "WHERE d.name = ? AND s.split = ? AND s.subset = ? AND (v.verdict IS NULL OR v.verdict <> 'rejected') "
      "ORDER BY s.id LIMIT ?");
  auto refs = db.prepare("SELECT slot, blob, category FROM sample_references WHERE sample_id = ? ORDER BY slot");
  for (Subset subset : kAllSubsets) {
    const std::string title = subsetTitle(subset);
    const fs::path folder = o.outDir / "subjects" / title;
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) throw Error("cannot create " + folder.string() + ": " + ec.message(), ErrorCode::Io);
    nlohmann::json items = nlohmann::json::array();
    samples.reset();
    samples.bind(1, std::string_view(o.dataset))
        .bind(2, std::string_view(o.split))
        .bind(3, std::string_view(subsetName(subset)))
        .bind(4, std::int64_t(o.perSubset > 0 ? o.perSubset : -1));
    while (samples.step()) {
      const long long id = samples.columnInt(0);
      nlohmann::json item = {{"instruction", samples.columnText(1)}, {"input_path", nlohmann::json::array()}};
      refs.reset();
      refs.bind(1, std::int64_t(id));
      while (refs.step()) {
        const long long slot = refs.columnInt(0);
        const std::string rel = "subjects/" + title + "/" + std::to_string(id) + "_" + std::to_string(slot) + ".png";
        writeFile(o.outDir / rel, ws.blobs().read(refs.columnText(1)));
        item["input_path"].push_back(rel);
        item["category" + std::to_string(slot)] = refs.columnText(2);
        ++report.images;
      }
      items.push_back(std::move(item));
    }
    report.itemsBySubset[title] = (long long)items.size();
    // Instructions and categories come from the workspace; invalid UTF-8 there is replaced, not fatal.
    writeFile(o.outDir / (title + ".json"), items.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  }
  return report;
}

}  // namespace psr::pipeline
