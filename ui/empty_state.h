#pragma once
#include <QStringList>
#include <QWidget>

class QLabel;

namespace psr::ui {

/** What a panel shows when it has nothing yet: what it is for and what to do next. */
class EmptyState : public QWidget {
  Q_OBJECT

 public:
  explicit EmptyState(QWidget* parent = nullptr);

  /// `commands` are shell lines shown verbatim (selectable, monospace); may be empty.
  void setContent(const QString& headline, const QString& body, const QStringList& commands = {});

  QString headline() const;
  QString body() const;
  QStringList commands() const { return commands_; }

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void applyColours();

  QLabel* headline_;
  QLabel* body_;
  QLabel* commandsLabel_;
  QStringList commands_;
};

}  // namespace psr::ui
