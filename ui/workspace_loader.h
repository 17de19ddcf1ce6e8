#pragma once
#include <memory>

#include <QObject>
#include <QThread>

namespace psr::store {
class Workspace;
}

namespace psr::ui {

/** Opens or creates workspaces on a worker thread (migrations and checks can take a while). */
class WorkspaceLoader : public QObject {
  Q_OBJECT

 public:
  enum class Mode {
    Open,    ///< the folder must already be a workspace
    Create,  ///< a missing or empty folder becomes one; an existing workspace is opened
  };

  explicit WorkspaceLoader(QObject* parent = nullptr);
  ~WorkspaceLoader() override;

  /// Queues a request; requests run one after the other and answer in order.
  void load(const QString& dir, Mode mode);

 signals:
  void loaded(std::shared_ptr<psr::store::Workspace> workspace);
  /// `headline` names what is wrong in a few words; `detail` is core's message (what to do).
  void failed(const QString& dir, const QString& headline, const QString& detail);

 private:
  QThread thread_;
  QObject* worker_;  // lives in thread_; requests run as functors queued to it
};

}  // namespace psr::ui
