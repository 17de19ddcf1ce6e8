#include "workspace_loader.h"

#include <exception>

#include "common/error.h"
#include "common/logging.h"
#include "path_conversion.h"
#include "store/workspace.h"

namespace psr::ui {
namespace {

QString headlineFor(psr::ErrorCode code) {
  switch (code) {
    case psr::ErrorCode::NotAWorkspace: return WorkspaceLoader::tr("This folder is not a PSR Studio workspace.");
    case psr::ErrorCode::NewerSchema: return WorkspaceLoader::tr("This workspace was written by a newer PSR Studio.");
    case psr::ErrorCode::Corrupt: return WorkspaceLoader::tr("The workspace database is damaged.");
    case psr::ErrorCode::ReadOnly: return WorkspaceLoader::tr("The workspace is read-only.");
    case psr::ErrorCode::NotFound: return WorkspaceLoader::tr("The workspace folder does not exist.");
    default: return WorkspaceLoader::tr("The workspace could not be opened.");
  }
}

}  // namespace

WorkspaceLoader::WorkspaceLoader(QObject* parent) : QObject(parent), worker_(new QObject) {
  thread_.setObjectName(QStringLiteral("workspace-loader"));
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  thread_.start();
}

WorkspaceLoader::~WorkspaceLoader() {
  // A request in progress finishes (core never leaves a half-opened workspace); queued ones and
  // undelivered results are dropped with their objects.
  thread_.quit();
  thread_.wait();
}

void WorkspaceLoader::load(const QString& dir, Mode mode) {
  QMetaObject::invokeMethod(
      worker_,
      [this, dir, mode] {
        std::shared_ptr<psr::store::Workspace> workspace;
        QString headline;
        QString detail;
        try {
          psr::logger()->info("{} workspace {}", mode == Mode::Create ? "opening (creating if new)" : "opening",
                              dir.toStdString());
          workspace = mode == Mode::Create ? psr::store::Workspace::create(toPath(dir))
                                           : psr::store::Workspace::open(toPath(dir));
        } catch (const psr::Error& e) {
          headline = headlineFor(e.code());
          detail = QString::fromStdString(e.what());
        } catch (const std::exception& e) {
          headline = headlineFor(psr::ErrorCode::Generic);
          detail = QString::fromStdString(e.what());
        }
        if (!workspace) psr::logger()->error("cannot open workspace {}: {}", dir.toStdString(), detail.toStdString());
        QMetaObject::invokeMethod(
            this,
            [this, workspace, dir, headline, detail] {
              if (workspace) {
                emit loaded(workspace);
              } else {
                emit failed(dir, headline, detail);
              }
            },
            Qt::QueuedConnection);
      },
      Qt::QueuedConnection);
}

}  // namespace psr::ui
