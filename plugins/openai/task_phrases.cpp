#include "openai/task_phrases.h"

namespace psr::openai {

std::string taskPhrase(pipeline::Subset task) {
  switch (task) {
    case pipeline::Subset::Attribute:
      return "each subject gets an accessory (something it wears or holds)";
    case pipeline::Subset::Action:
      return "each subject starts doing something (an action or pose)";
    case pipeline::Subset::Background:
      return "the background is replaced by another one";
    case pipeline::Subset::Position:
      return "the subjects take another spatial arrangement (left of, right of, above, below, next to)";
    case pipeline::Subset::Complex:
      return "the background changes, each subject gets an accessory or an action, and the subjects' spatial "
             "arrangement changes";
    case pipeline::Subset::Three:
    case pipeline::Subset::Four:
      return "the subjects appear together in a new scene";
  }
  return "the image is edited";
}

std::string listedCategories(const std::vector<std::string>& categories) {
  std::string out;
  for (std::size_t i = 0; i < categories.size(); ++i) {
    if (i > 0) out += i + 1 == categories.size() ? " and " : ", ";
    out += categories[i];
  }
  return out;
}

}  // namespace psr::openai
