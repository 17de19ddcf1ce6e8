#pragma once
#include <optional>

#include <QList>
#include <QPair>
#include <QString>
#include <Qt>

namespace psr::ui {

/// What a review key asks for.
struct ReviewCommand {
  enum Kind { Accept, Reject, Undo, ToggleOverlay, HideOverlay };
  Kind kind = Accept;
  std::optional<int> reason;  ///< 1..9 with Reject from a digit key

  bool operator==(const ReviewCommand& o) const { return kind == o.kind && reason == o.reason; }
};

/// The review command bound to `key` with `modifiers`, if any. Arrow keys are not here: the
/// gallery view moves the selection itself.
std::optional<ReviewCommand> reviewCommandFor(int key, Qt::KeyboardModifiers modifiers, const QString& text);

/// (keys, what they do) rows for the hotkey overlay, in reading order.
QList<QPair<QString, QString>> reviewKeyHelp();

}  // namespace psr::ui
