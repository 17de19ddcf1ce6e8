#include "thumbnail_cache.h"

#include <QImageReader>
#include <QPainter>
#include <QMetaObject>
#include <QRunnable>

namespace psr::ui {
namespace {

// Cost is counted in kibibytes of decoded pixels; 64 MiB holds thousands of card thumbnails.
constexpr int kCacheKiB = 64 * 1024;

/// The image fitted into a side×side square with rounded corners, ready to blit: scaling and
/// the corner mask happen here, once, instead of a clip path in every paint.
QImage decode(const QString& path, int side) {
  QImageReader reader(path);
  const QImage image = reader.read();
  if (image.isNull()) return image;
  const QImage scaled = image.scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation);
  QImage out(scaled.size(), QImage::Format_ARGB32_Premultiplied);
  out.fill(Qt::transparent);
  QPainter p(&out);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(Qt::NoPen);
  p.setBrush(scaled);
  const qreal radius = qMax(3, side / 16);
  p.drawRoundedRect(QRectF(out.rect()), radius, radius);
  return out;
}

}  // namespace

ThumbnailCache::ThumbnailCache(QObject* parent) : QObject(parent) {
  images_.setMaxCost(kCacheKiB);
  // Two decoders keep up with scrolling and leave a core for the GUI on small machines.
  pool_.setMaxThreadCount(2);
}

ThumbnailCache::~ThumbnailCache() {
  pool_.clear();
  pool_.waitForDone();
}

void ThumbnailCache::setBlobStore(const psr::store::BlobStore& blobs) {
  if (blobs_ && blobs_->root() == blobs.root()) return;
  blobs_ = blobs;
  pool_.clear();
  images_.clear();
  pending_.clear();
  failed_.clear();
  ++generation_;
}

const QImage* ThumbnailCache::image(const QString& sha, int side) {
  if (sha.isEmpty() || !blobs_) return nullptr;
  const QString k = key(sha, side);
  if (const QImage* hit = images_.object(k)) return hit;
  if (pending_.contains(k) || failed_.contains(k)) return nullptr;
  if (!psr::store::isSha256Hex(sha.toStdString())) {
    failed_.insert(k);
    return nullptr;
  }
  pending_.insert(k);
  const QString path = QString::fromStdString(blobs_->pathOf(sha.toStdString()).string());
  const int generation = generation_;
  pool_.start([this, path, k, sha, side, generation] {
    QImage decoded = decode(path, side);
    // Queued back to the GUI thread; the destructor waits for the pool, so `this` is alive here,
    // and a queued call to a destroyed receiver is dropped by Qt.
    QMetaObject::invokeMethod(
        this,
        [this, k, sha, side, generation, decoded = std::move(decoded)] {
          if (generation_ == generation) deliver(k, sha, side, decoded);
        },
        Qt::QueuedConnection);
  });
  return nullptr;
}

void ThumbnailCache::deliver(const QString& k, const QString& sha, int side, const QImage& image) {
  pending_.remove(k);
  if (image.isNull()) {
    failed_.insert(k);
  } else {
    images_.insert(k, new QImage(image), qMax(1, int(image.sizeInBytes() / 1024)));
  }
  emit ready(sha, side);
}

}  // namespace psr::ui
