#include "openai/judge_rubric.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "common/error.h"

namespace psr::openai {
namespace {

constexpr const char* kFormat =
    "Answer in exactly this form:\n[Thought]: one or two sentences on what matches and what does not.\n"
    "[Score]: an integer from 0 to 10.";

const std::map<std::string, std::string>& rubrics() {
  static const std::map<std::string, std::string> r = {
      {"attribute",
       "Judge only whether each named subject carries the accessory or attribute the instruction gives it. "
       "10: every subject has exactly its own attribute. 5: some attributes are missing or given to the wrong "
       "subject. 0: none of the attributes is visible."},
      {"action",
       "Judge only whether each named subject performs the action or pose the instruction asks of it. "
       "10: every subject clearly does its own action. 5: some actions are missing, unclear or swapped. "
       "0: no asked action is visible."},
      {"background",
       "Judge only whether the scene is set where the instruction says and all named subjects are in it. "
       "10: the background is the asked one and every subject is present. 5: the setting is only partly "
       "right or a subject is missing. 0: the setting is wrong."},
      {"position",
       "Judge only whether the named subjects stand in the spatial relation the instruction asks. "
       "10: the relation clearly holds and the subjects do not overlap. 5: the relation is ambiguous. "
       "0: the relation is reversed or a subject is missing."},
      {"complex",
       "Judge every requirement of the instruction together: background, each subject's attribute or action, "
       "and their spatial relation. 10: all hold. Deduct in proportion to the requirements that fail."},
      {"three",
       "Judge whether all three named subjects appear, each distinct and complete, and whatever the "
       "instruction asks of them holds. 10: all three are present and correct. Deduct about three points "
       "per missing or merged subject."},
      {"four",
       "Judge whether all four named subjects appear, each distinct and complete, and whatever the "
       "instruction asks of them holds. 10: all four are present and correct. Deduct about two and a half "
       "points per missing or merged subject."},
  };
  return r;
}

std::string lowered(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

}  // namespace

std::string judgeRubric(const std::string& subset) {
  const auto it = rubrics().find(lowered(subset));
  if (it == rubrics().end()) {
    throw Error("no judge rubric for subset '" + subset + "' (attribute, action, background, position, complex, three, four)",
                ErrorCode::InvalidArgument);
  }
  return "You are a strict judge of generated images. Do not judge how the subjects look, only whether the "
         "image does what the instruction asks.\n" +
         it->second + "\n" + kFormat;
}

VlmJudge::VlmJudge(std::shared_ptr<ChatClient> client) : client_(std::move(client)) {
  if (!client_) throw Error("the VLM judge needs a chat client", ErrorCode::InvalidArgument);
}

JudgeVerdict VlmJudge::judge(const JudgeRequest& request, const CancellationToken& cancel) {
  if (request.png.empty()) throw Error("the VLM judge got no image", ErrorCode::InvalidArgument);
  const std::vector<ChatMessage> messages = {
      ChatMessage::system(judgeRubric(request.subset)),
      ChatMessage::user("Instruction: " + request.instruction, {request.png})};
  JudgeVerdict verdict;
  verdict.answer = client_->complete(messages, cancel);
  verdict.score = parseJudgeScore(verdict.answer);
  if (!verdict.score.parsed) ++unparsed_;
  return verdict;
}

}  // namespace psr::openai
