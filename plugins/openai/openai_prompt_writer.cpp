#include "openai/openai_prompt_writer.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "openai/answer_json.h"
#include "openai/chat_protocol.h"
#include "openai/task_phrases.h"

namespace psr::openai {
namespace {

constexpr const char* kSystemPrompt =
    "You write prompts for a text-to-image model that makes multi-subject training images. You get a list of "
    "subject categories and the edit that will later be applied to the image. Write:\n"
    "1. t2i_prompt: one prompt showing all the subjects together in one scene, each named by its category noun.\n"
    "2. subject_prompts: for each category, in the given order, one prompt showing that subject alone in a "
    "different scene, named by its category noun.\n"
    "Answer with one JSON object and nothing else: "
    "{\"t2i_prompt\": \"...\", \"subject_prompts\": [\"...\", ...]}, exactly one subject prompt per category.";

std::string userMessage(const pipeline::GroupPlan& plan) {
  return std::string("Task: ") + pipeline::subsetName(plan.subset) + " (later, " + taskPhrase(plan.subset) +
         ").\nCategories (in order): " + nlohmann::json(plan.categories).dump() + "\nWrite " +
         std::to_string(plan.categories.size()) + " subject prompts.";
}

/// A JSON value quoted in a message, cut to a readable excerpt.
std::string shown(const nlohmann::json& j) {
  return bodyExcerpt(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 300);
}

std::string nonEmptyString(const nlohmann::json& j, const std::string& what, const std::string& source) {
  if (!j.is_string() || j.get_ref<const std::string&>().find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error(source + ": " + what + " must be a non-empty string, got " + shown(j), ErrorCode::Corrupt);
  }
  return j.get<std::string>();
}

}  // namespace

OpenAiPromptWriter::OpenAiPromptWriter(std::shared_ptr<ChatClient> client, std::string model)
    : client_(std::move(client)), model_(std::move(model)) {}

pipeline::GroupPrompts OpenAiPromptWriter::write(const pipeline::GroupPlan& plan, const pipeline::StageContext& ctx) {
  const std::string source = name() + " prompt writer";
  const std::string answer =
      client_->complete({ChatMessage::system(kSystemPrompt), ChatMessage::user(userMessage(plan))}, ctx.cancel);
  const nlohmann::json j = jsonObjectInAnswer(answer, source);
  const std::size_t n = plan.categories.size();
  const auto t2i = j.find("t2i_prompt");
  const auto subjects = j.find("subject_prompts");
  if (t2i == j.end() || subjects == j.end()) {
    throw Error(source + ": the answer lacks \"t2i_prompt\" or \"subject_prompts\": " + shown(j), ErrorCode::Corrupt);
  }
  if (!subjects->is_array() || subjects->size() != n) {
    throw Error(source + ": expected \"subject_prompts\" to list " + std::to_string(n) +
                    " prompts, one per category (" + listedCategories(plan.categories) + "), got " + shown(*subjects),
                ErrorCode::Corrupt);
  }
  pipeline::GroupPrompts out;
  out.t2iPrompt = nonEmptyString(*t2i, "\"t2i_prompt\"", source);
  for (std::size_t i = 0; i < n; ++i) {
    pipeline::SubjectPrompt p;
    p.category = plan.categories[i];
    p.prompt = nonEmptyString((*subjects)[i], "subject prompt " + std::to_string(i + 1), source);
    out.subjects.push_back(std::move(p));
  }
  return out;
}

}  // namespace psr::openai
