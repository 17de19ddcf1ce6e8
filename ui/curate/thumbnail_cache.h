#pragma once
#include <optional>

#include <QCache>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QString>
#include <QThreadPool>

#include "store/blob_store.h"

namespace psr::ui {

/** Blob images scaled to a size, decoded on a private thread pool and kept in an LRU cache.
 *  The GUI thread only looks up and paints; `ready` tells views to repaint when an image lands. */
class ThumbnailCache : public QObject {
  Q_OBJECT

 public:
  explicit ThumbnailCache(QObject* parent = nullptr);
  ~ThumbnailCache() override;

  /// Where blobs live (a workspace's blob store); clears the cache when it changes.
  void setBlobStore(const psr::store::BlobStore& blobs);

  /// The image of blob `sha` fitted into side×side with rounded corners, or nullptr while it decodes (then `ready`
  /// follows) or when it cannot be read (failed() is true).
  const QImage* image(const QString& sha, int side);
  bool failed(const QString& sha, int side) const { return failed_.contains(key(sha, side)); }
  /// Decodes queued or running right now.
  int pending() const { return int(pending_.size()); }
  /// Blocks until every queued decode has run; for benchmarks and shutdown, never the GUI loop.
  void waitForDone() { pool_.waitForDone(); }

 signals:
  void ready(const QString& sha, int side);

 private:
  static QString key(const QString& sha, int side) { return sha + QLatin1Char('@') + QString::number(side); }
  void deliver(const QString& key, const QString& sha, int side, const QImage& image);

  std::optional<psr::store::BlobStore> blobs_;
  QThreadPool pool_;
  QCache<QString, QImage> images_;
  QSet<QString> pending_;
  QSet<QString> failed_;
  int generation_ = 0;  // bumped by setBlobStore so results for an old workspace are dropped
};

}  // namespace psr::ui
