#pragma once
#include <optional>

#include <QHash>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QThreadPool>

#include "store/blob_store.h"

namespace psr::ui {

/** Benchmark images (references, outputs, oracle renders; ≤ 256 px) decoded at their own size
 *  on a private thread, so the drill-down can enlarge them with sharp pixels and draw boxes in
 *  the scorer's coordinates. The GUI thread only looks up; `ready` follows a decode. */
class BenchImageLoader : public QObject {
  Q_OBJECT

 public:
  explicit BenchImageLoader(QObject* parent = nullptr);
  ~BenchImageLoader() override;

  /// Where blobs live; clears the cache when it changes.
  void setBlobStore(const psr::store::BlobStore& blobs);
  /// The decoded image; null while it decodes (`ready` follows) or when it is unreadable.
  QImage image(const QString& sha);
  bool failed(const QString& sha) const { return failed_.contains(sha); }
  /// The blob's file ("" when there is no store or the name is not a blob digest).
  QString pathOf(const QString& sha) const;

 signals:
  void ready(const QString& sha);

 private:
  std::optional<psr::store::BlobStore> blobs_;
  QThreadPool pool_;
  QHash<QString, QImage> images_;  // a drill-down shows a few dozen small images
  QSet<QString> pending_;
  QSet<QString> failed_;
  int generation_ = 0;
};

}  // namespace psr::ui
