#include "openai/openai_captioner.h"

#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

#include "common/error.h"
#include "openai/task_phrases.h"
#include "world/image_codec.h"

namespace psr::openai {
namespace {

constexpr const char* kSystemPrompt =
    "You write instructions for an image-generation dataset. You see two images of the same subjects: the first "
    "before an edit, the second after it. Write the instruction that asks for the second image: one or two "
    "sentences that name every subject by the category noun given to you and say what the subjects do, wear, "
    "where they are and where they stand relative to each other. Never describe how a subject looks: no colours, "
    "materials, shapes, sizes or styles. Answer with the instruction only.";

std::vector<std::uint8_t> png(const world::Image& image) {
  const std::string bytes = world::encodePng(image);
  return {bytes.begin(), bytes.end()};
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

/// Whether `noun` (lower case) occurs in `text` (lower case) as a word, optionally plural.
bool namesWord(const std::string& text, const std::string& noun) {
  for (std::size_t pos = text.find(noun); pos != std::string::npos; pos = text.find(noun, pos + 1)) {
    if (pos > 0 && isWordChar(text[pos - 1])) continue;
    std::size_t end = pos + noun.size();
    for (const char* suffix : {"es", "s", ""}) {
      if (text.compare(end, std::char_traits<char>::length(suffix), suffix) == 0) {
        const std::size_t after = end + std::char_traits<char>::length(suffix);
        if (after >= text.size() || !isWordChar(text[after])) return true;
      }
    }
  }
  return false;
}

}  // namespace

OpenAiCaptioner::OpenAiCaptioner(std::shared_ptr<ChatClient> client, std::string model)
    : client_(std::move(client)), model_(std::move(model)) {}

std::string OpenAiCaptioner::caption(const pipeline::CaptionRequest& request, const pipeline::StageContext& ctx) {
  const std::string source = name() + " captioner";
  if (!request.before || !request.after || request.before->image.empty() || request.after->image.empty()) {
    throw Error(source + " needs both the image before and the image after the edit", ErrorCode::InvalidArgument);
  }
  const std::string text = std::string("Task: ") + pipeline::subsetName(request.task) + " (" +
                           taskPhrase(request.task) + ").\nCategories: " + listedCategories(request.categories) +
                           "\nThe first image is before the edit, the second after it. Write the instruction.";
  const std::string answer = strippedAnswer(client_->complete(
      {ChatMessage::system(kSystemPrompt),
       ChatMessage::user(text, {png(request.before->image), png(request.after->image)})},
      ctx.cancel));
  if (answer.empty()) throw Error(source + ": the model answered with an empty instruction", ErrorCode::Corrupt);
  const auto missing = missingCategories(answer, request.categories);
  if (!missing.empty()) {
    throw Error(source + ": the instruction \"" + answer + "\" does not name " + listedCategories(missing),
                ErrorCode::Corrupt);
  }
  return answer;
}

std::string strippedAnswer(std::string answer) {
  static const std::pair<std::string_view, std::string_view> kQuotes[] = {
      {"\"", "\""}, {"'", "'"}, {"`", "`"}, {"\u201c", "\u201d"}, {"\u2018", "\u2019"}};
  // Narrows a view and copies once: a copy per layer made answers of many quotes quadratic.
  std::string_view s(answer);
  for (bool changed = true; changed;) {
    changed = false;
    const auto first = s.find_first_not_of(" \t\r\n");
    s = first == std::string_view::npos ? std::string_view() : s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
    for (const auto& [open, close] : kQuotes) {
      if (s.size() >= open.size() + close.size() && s.substr(0, open.size()) == open &&
          s.substr(s.size() - close.size()) == close) {
        s = s.substr(open.size(), s.size() - open.size() - close.size());
        changed = true;
        break;
      }
    }
  }
  return std::string(s);
}

std::vector<std::string> missingCategories(const std::string& text, const std::vector<std::string>& categories) {
  const std::string haystack = lower(text);
  std::vector<std::string> missing;
  for (const auto& category : categories) {
    const bool listed = std::find(missing.begin(), missing.end(), category) != missing.end();
    if (!listed && !namesWord(haystack, lower(category))) missing.push_back(category);
  }
  return missing;
}

}  // namespace psr::openai
