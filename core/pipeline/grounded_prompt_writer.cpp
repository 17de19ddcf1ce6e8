#include "pipeline/grounded_prompt_writer.h"

#include "common/error.h"

namespace psr::pipeline {

GroupPrompts GroundedPromptWriter::write(const GroupPlan& plan, const StageContext& ctx) {
  // The world's writer first: it is local and cheap, the text writer may be a paid request.
  GroupPrompts grounded = scenes_->write(plan, ctx);
  GroupPrompts out = text_->write(plan, ctx);
  if (out.subjects.size() != grounded.subjects.size()) {
    throw Error(text_->name() + " wrote " + std::to_string(out.subjects.size()) + " subject prompts where " +
                    scenes_->name() + " planned " + std::to_string(grounded.subjects.size()) + " subjects",
                ErrorCode::Corrupt);
  }
  for (std::size_t i = 0; i < out.subjects.size(); ++i) out.subjects[i].scene = std::move(grounded.subjects[i].scene);
  return out;
}

}  // namespace psr::pipeline
