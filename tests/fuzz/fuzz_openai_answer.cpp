// What a chat model answers to the prompt writer and the captioner: JSON found in prose or code
// fences, the prompt writer's fields, quote stripping and category checks. The first byte picks
// how many categories the plan has; the rest is the model's answer.
#include <memory>

#include <nlohmann/json.hpp>

#include "fuzz_common.h"
#include "openai/answer_json.h"
#include "openai/openai_captioner.h"
#include "openai/openai_prompt_writer.h"

namespace {

class ScriptedClient final : public psr::openai::ChatClient {
 public:
  std::string answer;
  std::string complete(const std::vector<psr::openai::ChatMessage>&, const psr::CancellationToken&) override {
    return answer;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t categories = 1 + data[0] % 4;
  const std::string answer(fuzzText(data + 1, size - 1));

  refusalOk([&] {
    const auto j = psr::openai::jsonObjectInAnswer(answer, "fuzz");
    PSR_FUZZ_CHECK(j.is_object());
  });

  static const char* kNouns[] = {"crab", "dog", "box", "apple"};
  static auto client = std::make_shared<ScriptedClient>();
  client->answer = answer;
  psr::openai::OpenAiPromptWriter writer(client, "fuzz");
  psr::pipeline::GroupPlan plan;
  for (std::size_t i = 0; i < categories; ++i) plan.categories.push_back(kNouns[i]);
  const psr::pipeline::StageContext ctx;
  refusalOk([&] {
    const auto prompts = writer.write(plan, ctx);
    PSR_FUZZ_CHECK(prompts.subjects.size() == categories);
    PSR_FUZZ_CHECK(!prompts.t2iPrompt.empty());
  });

  const std::string stripped = psr::openai::strippedAnswer(answer);
  PSR_FUZZ_CHECK(stripped.size() <= answer.size());
  const auto missing = psr::openai::missingCategories(stripped, plan.categories);
  PSR_FUZZ_CHECK(missing.size() <= categories);
  return 0;
}
