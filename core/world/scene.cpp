#include "world/scene.h"

#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "io/json_limits.h"
#include "world/catalog.h"

namespace psr::world {
namespace {

using nlohmann::json;

constexpr const char* kRelationNames[] = {"left_of", "right_of", "above", "below", "next_to"};

RelationKind relationFrom(const std::string& name) {
  for (int i = 0; i < 5; ++i) {
    if (name == kRelationNames[i]) return RelationKind(i);
  }
  throw Error("scene: unknown relation '" + name + "' (left_of, right_of, above, below, next_to)",
              ErrorCode::InvalidArgument);
}

[[noreturn]] void invalid(const std::string& message) { throw Error("scene: " + message, ErrorCode::InvalidArgument); }

std::string subjectLabel(std::size_t i, const SubjectInstance& s) {
  return "subject " + std::to_string(i + 1) + " (" + s.identity + ")";
}

}  // namespace

const char* sizeName(SubjectSize size) { return size == SubjectSize::Large ? "large" : "small"; }

const char* relationName(RelationKind kind) { return kRelationNames[int(kind)]; }

json toJson(const Scene& scene) {
  json subjects = json::array();
  for (const auto& s : scene.subjects) {
    subjects.push_back({{"identity", s.identity},
                        {"box", {s.box.x, s.box.y, s.box.w, s.box.h}},
                        {"size", sizeName(s.size)},
                        {"action", s.action},
                        {"accessories", s.accessories},
                        {"z", s.z}});
  }
  json relations = json::array();
  for (const auto& r : scene.relations) relations.push_back({{"a", r.a}, {"b", r.b}, {"kind", relationName(r.kind)}});
  return {{"background", scene.background}, {"subjects", subjects}, {"relations", relations}};
}

Scene sceneFromJson(const json& j) {
  try {
    if (!j.is_object()) invalid("expected a JSON object");
    io::checkJsonDepth(j, "scene", ErrorCode::InvalidArgument);
    Scene scene;
    scene.background = j.at("background").get<std::string>();
    const auto& subjects = j.at("subjects");
    if (!subjects.is_array()) invalid("'subjects' must be an array");
    for (const auto& s : subjects) {
      if (!s.is_object()) invalid("each subject must be an object");
      SubjectInstance inst;
      inst.identity = s.at("identity").get<std::string>();
      const auto& box = s.at("box");
      if (!box.is_array() || box.size() != 4) invalid("box of " + inst.identity + " must be [x, y, w, h]");
      inst.box = {box[0].get<double>(), box[1].get<double>(), box[2].get<double>(), box[3].get<double>()};
      const std::string size = s.value("size", "small");
      if (size != "small" && size != "large") invalid("size of " + inst.identity + " must be small or large");
      inst.size = size == "large" ? SubjectSize::Large : SubjectSize::Small;
      inst.action = s.value("action", "");
      if (const auto acc = s.find("accessories"); acc != s.end()) inst.accessories = acc->get<std::vector<std::string>>();
      if (const auto z = s.find("z"); z != s.end())
        inst.z = io::jsonInteger<int>(*z, "scene: z of " + inst.identity, ErrorCode::InvalidArgument);
      scene.subjects.push_back(std::move(inst));
    }
    if (const auto relations = j.find("relations"); relations != j.end()) {
      if (!relations->is_array()) invalid("'relations' must be an array");
      for (const auto& r : *relations) {
        if (!r.is_object()) invalid("each relation must be an object");
        const int a = io::jsonInteger<int>(r.at("a"), "scene: relation subject a", ErrorCode::InvalidArgument);
        const int b = io::jsonInteger<int>(r.at("b"), "scene: relation subject b", ErrorCode::InvalidArgument);
        scene.relations.push_back({a, b, relationFrom(r.at("kind").get<std::string>())});
      }
    }
    return scene;
  } catch (const json::exception& e) {
    throw Error(std::string("scene: malformed JSON: ") + e.what(), ErrorCode::InvalidArgument);
  }
}

Scene sceneFromText(std::string_view text) {
  return sceneFromJson(io::parseJsonInput(text, "scene", ErrorCode::InvalidArgument, kMaxSceneJsonBytes));
}

bool relationHolds(const Scene& scene, const Relation& r) {
  const Box& a = scene.subjects.at(std::size_t(r.a)).box;
  const Box& b = scene.subjects.at(std::size_t(r.b)).box;
  const double dx = b.centreX() - a.centreX(), dy = b.centreY() - a.centreY();
  switch (r.kind) {
    case RelationKind::LeftOf: return dx > 0 && std::abs(dx) > std::abs(dy);
    case RelationKind::RightOf: return dx < 0 && std::abs(dx) > std::abs(dy);
    case RelationKind::Above: return dy > 0;
    case RelationKind::Below: return dy < 0;
    case RelationKind::NextTo: return true;
  }
  return false;
}

void validateScene(const Scene& scene, const WorldCatalog& catalog) {
  if (scene.subjects.empty() || scene.subjects.size() > 4) {
    invalid("needs 1 to 4 subjects, has " + std::to_string(scene.subjects.size()));
  }
  if (!catalog.findBackground(scene.background)) invalid("unknown background '" + scene.background + "'");
  constexpr double eps = 1e-9;
  for (std::size_t i = 0; i < scene.subjects.size(); ++i) {
    const auto& s = scene.subjects[i];
    const std::string who = subjectLabel(i, s);
    if (!catalog.findIdentity(s.identity)) invalid(who + ": unknown identity '" + s.identity + "'");
    const Box& b = s.box;
    if (!(b.w > 0 && b.h > 0) || b.x < -eps || b.y < -eps || b.x + b.w > 1 + eps || b.y + b.h > 1 + eps ||
        !std::isfinite(b.x + b.y + b.w + b.h)) {
      invalid(who + ": box [" + std::to_string(b.x) + ", " + std::to_string(b.y) + ", " + std::to_string(b.w) + ", " +
              std::to_string(b.h) + "] is not inside the canvas [0, 1]");
    }
    if (!s.action.empty() && !catalog.findAction(s.action)) invalid(who + ": unknown action '" + s.action + "'");
    std::set<std::string> seen;
    for (const auto& a : s.accessories) {
      if (!catalog.findAccessory(a)) invalid(who + ": unknown accessory '" + a + "'");
      if (!seen.insert(a).second) invalid(who + ": accessory '" + a + "' listed twice");
    }
  }
  for (const auto& r : scene.relations) {
    const int n = int(scene.subjects.size());
    if (r.a < 0 || r.b < 0 || r.a >= n || r.b >= n || r.a == r.b) {
      invalid("relation " + std::string(relationName(r.kind)) + " must join two different subjects");
    }
    if (!relationHolds(scene, r)) {
      invalid("relation: subject " + std::to_string(r.a + 1) + " is not " + relationName(r.kind) + " subject " +
              std::to_string(r.b + 1) + " by their boxes");
    }
  }
}

}  // namespace psr::world
