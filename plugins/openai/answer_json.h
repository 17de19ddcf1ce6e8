#pragma once
// Chat models wrap the JSON they were asked for in prose or Markdown code fences; this finds it.
#include <string>

#include <nlohmann/json.hpp>

namespace psr::openai {

/// The JSON object in a model's answer: the whole answer, else the first ``` fenced block that
/// parses, else the text from the first '{' to the last '}'. Throws psr::Error(Corrupt) naming
/// `source` and quoting the answer when none of these is a JSON object.
nlohmann::json jsonObjectInAnswer(const std::string& answer, const std::string& source);

}  // namespace psr::openai
