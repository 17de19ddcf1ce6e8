#include "bench_image_loader.h"

#include <QImageReader>
#include <QMetaObject>

#include "path_conversion.h"

namespace psr::ui {
namespace {

// Drill-downs of many samples would otherwise keep every image they ever showed.
constexpr int kMaxImages = 512;

}  // namespace

BenchImageLoader::BenchImageLoader(QObject* parent) : QObject(parent) { pool_.setMaxThreadCount(1); }

BenchImageLoader::~BenchImageLoader() {
  pool_.clear();
  pool_.waitForDone();
}

void BenchImageLoader::setBlobStore(const psr::store::BlobStore& blobs) {
  if (blobs_ && blobs_->root() == blobs.root()) return;
  blobs_ = blobs;
  pool_.clear();
  images_.clear();
  pending_.clear();
  failed_.clear();
  ++generation_;
}

QString BenchImageLoader::pathOf(const QString& sha) const {
  if (!blobs_ || !psr::store::isSha256Hex(sha.toStdString())) return {};
  return toQString(blobs_->pathOf(sha.toStdString()));
}

QImage BenchImageLoader::image(const QString& sha) {
  const auto hit = images_.constFind(sha);
  if (hit != images_.constEnd()) return *hit;
  if (pending_.contains(sha) || failed_.contains(sha)) return {};
  const QString path = pathOf(sha);
  if (path.isEmpty()) {
    if (!sha.isEmpty()) failed_.insert(sha);
    return {};
  }
  pending_.insert(sha);
  const int generation = generation_;
  pool_.start([this, path, sha, generation] {
    QImageReader reader(path);
    QImage decoded = reader.read();
    // Queued to the GUI thread; the destructor waits for the pool, so `this` is alive here.
    QMetaObject::invokeMethod(
        this,
        [this, sha, generation, decoded = std::move(decoded)] {
          if (generation != generation_) return;
          pending_.remove(sha);
          if (decoded.isNull()) {
            failed_.insert(sha);
          } else {
            if (images_.size() >= kMaxImages) images_.clear();
            images_.insert(sha, decoded);
          }
          emit ready(sha);
        },
        Qt::QueuedConnection);
  });
  return {};
}

}  // namespace psr::ui
