#include "score_request.h"

namespace psr::ui {

QStringList ScoreRequest::arguments() const {
  QStringList args{QStringLiteral("score"), QStringLiteral("--refs")};
  args += references;
  // The `=` form keeps a prompt that starts with a dash from reading as an option.
  args << QStringLiteral("--image=") + image << QStringLiteral("--prompt=") + prompt << QStringLiteral("--categories");
  args += categories;
  if (!subset.isEmpty()) args << QStringLiteral("--subset") << subset;
  args << QStringLiteral("--json");
  return args;
}

}  // namespace psr::ui
