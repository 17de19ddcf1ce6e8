#include "test_providers.h"

#include "pipeline/world_providers.h"

namespace pp = psr::pipeline;

namespace {

class GroupAsReference : public pp::SingleSubjectGenerator {
 public:
  std::string name() const override { return "leaky-reference"; }
  pp::SceneImage generate(const pp::SubjectCrop&, const pp::StageContext&) override { return last; }
  pp::SceneImage last;
};

// Remembers the group image for the reference generator; the pipeline calls T2I first.
class RecordingT2I : public pp::T2IGenerator {
 public:
  RecordingT2I(std::shared_ptr<pp::T2IGenerator> inner, std::shared_ptr<GroupAsReference> sink)
      : inner_(std::move(inner)), sink_(std::move(sink)) {}
  std::string name() const override { return inner_->name(); }
  pp::SceneImage generate(const pp::GroupPlan& plan, const pp::GroupPrompts& prompts,
                          const pp::StageContext& ctx) override {
    sink_->last = inner_->generate(plan, prompts, ctx);
    return sink_->last;
  }

 private:
  std::shared_ptr<pp::T2IGenerator> inner_;
  std::shared_ptr<GroupAsReference> sink_;
};

class NoEdit : public pp::Editor {
 public:
  std::string name() const override { return "no-edit"; }
  pp::SceneImage edit(const pp::EditRequest& request, const pp::StageContext&) override { return request.source; }
};

class LowScorer : public pp::ConsistencyScorer {
 public:
  std::string name() const override { return "always-low"; }
  double score(const pp::MaskedCrop&, const pp::MaskedCrop&) override { return 0.1; }
};

class UnsureDetector : public pp::Detector {
 public:
  explicit UnsureDetector(std::shared_ptr<pp::Detector> inner) : inner_(std::move(inner)) {}
  std::string name() const override { return "unsure"; }
  std::vector<pp::Detection> detect(const pp::SceneImage& image, const std::string& category,
                                    const pp::StageContext& ctx) override {
    auto found = inner_->detect(image, category, ctx);
    for (auto& d : found) d.confidence = 0.2;
    return found;
  }

 private:
  std::shared_ptr<pp::Detector> inner_;
};

}  // namespace

pp::ProviderSet leakyProviders(const psr::world::WorldCatalog& catalog) {
  auto set = pp::worldProviders(catalog, 64);
  auto reference = std::make_shared<GroupAsReference>();
  set.t2i = std::make_shared<RecordingT2I>(set.t2i, reference);
  set.singleSubject = reference;
  set.editor = std::make_shared<NoEdit>();
  return set;
}

pp::ProviderSet inconsistentProviders(const psr::world::WorldCatalog& catalog) {
  auto set = pp::worldProviders(catalog, 64);
  set.scorer = std::make_shared<LowScorer>();
  return set;
}

pp::ProviderSet unsureProviders(const psr::world::WorldCatalog& catalog) {
  auto set = pp::worldProviders(catalog, 64);
  set.detector = std::make_shared<UnsureDetector>(set.detector);
  return set;
}
