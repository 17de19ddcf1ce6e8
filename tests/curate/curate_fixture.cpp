#include "curate_fixture.h"

#include <nlohmann/json.hpp>

#include "store/database.h"
#include "store/workspace.h"

namespace psr::curate::fixture {
namespace {

const char* const kSubsets[] = {"attribute", "action", "background", "position", "complex", "three", "four"};
const char* const kCategories[] = {"crab", "cat", "dog", "fox", "owl", "cactus", "rocket", "teapot", "guitar", "apple"};
const char* const kPlaces[] = {"on a beach", "in a forest", "under the stars", "in a kitchen", "on the moon"};

}  // namespace

FixtureSample fixtureSample(int i) {
  FixtureSample s;
  s.subset = kSubsets[i % 7];
  s.split = i % 5 == 4 ? "heldout" : "train";
  const int refs = s.subset == "three" ? 3 : s.subset == "four" ? 4 : 2;
  for (int k = 0; k < refs; ++k) s.categories.emplace_back(kCategories[(i + k * 3) % 10]);
  s.consistency = double((i * 37) % 100) / 100.0;
  std::string names;
  for (int k = 0; k < refs; ++k) {
    names += (k == 0 ? "the " : k + 1 == refs ? " and the " : ", the ") + s.categories[std::size_t(k)];
  }
  s.instruction = "Put " + names + " together " + kPlaces[i % 5];
  return s;
}

long long insertSamples(psr::store::Workspace& workspace, int count, const std::vector<std::string>& blobs) {
  auto& db = workspace.db();
  store::Transaction tx(db);
  auto sample = db.prepare(
      "INSERT INTO samples(subset, split, instruction, target_blob, provenance, scores, n_subjects, prompt, scene, "
      "consistency) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  auto reference = db.prepare("INSERT INTO sample_references(sample_id, slot, blob, category, scene) VALUES (?, ?, ?, ?, ?)");
  long long first = 0;
  for (int i = 0; i < count; ++i) {
    const FixtureSample s = fixtureSample(i);
    const int n = int(s.categories.size());
    nlohmann::json subjects = nlohmann::json::array();
    nlohmann::json perSubject = nlohmann::json::array();
    for (int k = 0; k < n; ++k) {
      const int w = 64 / n;
      subjects.push_back({{"identity", "fluent/" + s.categories[std::size_t(k)]},
                          {"category", s.categories[std::size_t(k)]},
                          {"box_px", {k * w + 2, 20, (k + 1) * w - 2, 44}}});
      perSubject.push_back({{"category", s.categories[std::size_t(k)]},
                            {"consistency", s.consistency + 0.01 * k}});
    }
    const nlohmann::json scene = {{"size", 64}, {"background", "beach"}, {"subjects", subjects}};
    const nlohmann::json scores = {{"subjects", perSubject}, {"detector", 0.9}};
    const nlohmann::json provenance = {{"t2i", {{"provider", "emoji-world"}, {"seed", i}}},
                                       {"editor", {{"provider", "emoji-world"}, {"seed", i + 1}}}};
    sample.reset();
    sample.bind(1, std::string_view(s.subset))
        .bind(2, std::string_view(s.split))
        .bind(3, std::string_view(s.instruction))
        .bind(4, std::string_view(blobs[std::size_t(i) % blobs.size()]))
        .bind(5, std::string_view(provenance.dump()))
        .bind(6, std::string_view(scores.dump()))
        .bind(7, std::int64_t(n))
        .bind(8, std::string_view(s.instruction))
        .bind(9, std::string_view(scene.dump()))
        .bind(10, s.consistency)
        .run();
    const long long id = db.lastInsertId();
    if (i == 0) first = id;
    for (int k = 0; k < n; ++k) {
      reference.reset();
      reference.bind(1, std::int64_t(id))
          .bind(2, std::int64_t(k + 1))
          .bind(3, std::string_view(blobs[std::size_t(i + k + 1) % blobs.size()]))
          .bind(4, std::string_view(s.categories[std::size_t(k)]))
          .bind(5, std::string_view(R"({"size":64})"))
          .run();
    }
  }
  tx.commit();
  return first;
}

}  // namespace psr::curate::fixture
