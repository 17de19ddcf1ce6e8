#pragma once
#include <QStringList>

namespace psr::ui {

/** What one `psr score` run gets: the reference of each subject with its category noun (same
 *  order), the generated image, its prompt and, for PSRBench samples, the subset. */
struct ScoreRequest {
  QStringList references;
  QStringList categories;
  QString image;
  QString prompt;
  QString subset;

  /// The CLI arguments after `psr`: `score --refs … --image … --prompt … --categories … --json`.
  QStringList arguments() const;
};

}  // namespace psr::ui
