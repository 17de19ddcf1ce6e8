#pragma once
#include <QList>
#include <QWidget>

class QHBoxLayout;
class QLabel;
class QPlainTextEdit;
class QToolButton;

namespace psr::ui {

/** The instruction, with a chip per filled subject slot: clicking a chip writes that subject's
 *  name at the cursor, so the prompt names the subjects the way the slots do. */
class PromptEditor : public QWidget {
  Q_OBJECT

 public:
  explicit PromptEditor(QWidget* parent = nullptr);

  QString prompt() const;
  void setPrompt(const QString& text);
  /// One chip per entry: (slot number, subject name).
  void setSubjects(const QList<QPair<int, QString>>& subjects);
  QList<QToolButton*> chips() const { return chips_; }
  QPlainTextEdit* editor() const { return edit_; }
  /// Writes `name` at the cursor with a space either side where words would run together.
  void insertName(const QString& name);

 signals:
  void promptChanged();

 private:
  QPlainTextEdit* edit_;
  QHBoxLayout* chipRow_;
  QLabel* chipHint_;
  QList<QToolButton*> chips_;
};

}  // namespace psr::ui
