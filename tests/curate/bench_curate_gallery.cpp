// On-demand benchmark (not under CTest): fills a workspace with N samples (default 100,000),
// times the curation queries and a review write, then scrolls the Curate gallery and reports
// the cost per frame against an empty list view of the same size painted the same way.
//   bench_curate_gallery [samples]      QT_QPA_PLATFORM defaults to offscreen
#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

#include <QApplication>
#include <QBuffer>
#include <QElapsedTimer>
#include <QImage>
#include <QKeyEvent>
#include <QListView>
#include <QPainter>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QStringListModel>
#include <QTemporaryDir>

#include "curate/gallery_model.h"
#include "curate/gallery_view.h"
#include "curate/review_session.h"
#include "curate/review_store.h"
#include "curate/sample_query.h"
#include "curate/thumbnail_cache.h"
#include "curate_fixture.h"
#include "curate_panel.h"
#include "store/workspace.h"

namespace {

double msSince(const QElapsedTimer& t) { return double(t.nsecsElapsed()) / 1e6; }

/// Mean milliseconds of `fn` over `n` runs.
double timeMs(int n, const std::function<void()>& fn) {
  QElapsedTimer t;
  t.start();
  for (int i = 0; i < n; ++i) fn();
  return msSince(t) / n;
}

std::string pngBytes(int seed) {
  QImage image(64, 64, QImage::Format_ARGB32);
  image.fill(QColor::fromHsv((seed * 47) % 360, 90, 240));
  QPainter p(&image);
  p.setRenderHint(QPainter::Antialiasing);
  p.setBrush(QColor::fromHsv((seed * 47 + 180) % 360, 200, 200));
  p.drawEllipse(QRect(12 + seed % 8, 14, 36, 36));
  p.end();
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  image.save(&buffer, "PNG");
  return bytes.toStdString();
}

/// Frame times of `frames` scroll steps: move the scroll bar, let the view lay out, paint it.
std::vector<double> scrollFrames(QAbstractItemView* view, int frames, const std::function<int(int)>& next) {
  std::vector<double> out;
  QImage canvas(view->viewport()->size(), QImage::Format_ARGB32_Premultiplied);
  for (int i = 0; i < frames; ++i) {
    QElapsedTimer t;
    t.start();
    view->verticalScrollBar()->setValue(next(view->verticalScrollBar()->value()));
    QCoreApplication::processEvents();
    view->viewport()->render(&canvas);
    out.push_back(msSince(t));
  }
  return out;
}

void report(const char* name, std::vector<double> ms, double reference) {
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double v : ms) sum += v;
  const double mean = sum / double(ms.size());
  std::printf("%-34s mean %7.3f ms  p50 %7.3f  p95 %7.3f  max %7.3f  (%.1fx empty view)\n", name, mean,
              ms[ms.size() / 2], ms[ms.size() * 95 / 100], ms.back(), reference > 0 ? mean / reference : 0.0);
}

}  // namespace

int main(int argc, char* argv[]) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  const int samples = argc > 1 ? std::max(1, std::atoi(argv[1])) : 100000;
  QTemporaryDir dir;
  auto workspace = psr::store::Workspace::create(dir.filePath(QStringLiteral("ws")).toStdString());
  std::vector<std::string> blobs;
  for (int i = 0; i < 6; ++i) blobs.push_back(workspace->putBlob(pngBytes(i), "image/png"));

  QElapsedTimer t;
  t.start();
  const long long first = psr::curate::fixture::insertSamples(*workspace, samples, blobs);
  const double insertMs = msSince(t);
  std::printf("samples: %d  inserted in %.0f ms (%.0f samples/s, one transaction)\n", samples, insertMs,
              samples / (insertMs / 1000));

  psr::curate::SampleQuery query(workspace->db());
  psr::curate::SampleFilter all;
  psr::curate::SampleFilter byScore;
  byScore.sort = psr::curate::SortKey::Consistency;
  psr::curate::SampleFilter narrow;
  narrow.subsets = {"three"};
  narrow.review = psr::curate::ReviewState::Unreviewed;
  narrow.minConsistency = 0.3;
  psr::curate::SampleFilter text;
  text.text = "teapot";
  std::printf("count(): all %.2f ms, subset+unreviewed+score %.2f ms, text search %.2f ms\n",
              timeMs(20, [&] { query.count(all); }), timeMs(20, [&] { query.count(narrow); }),
              timeMs(5, [&] { query.count(text); }));
  const long long last = samples - psr::ui::GalleryModel::kPageSize;
  std::vector<std::int64_t> page;
  std::printf("fetchIds(128) by id: first page %.2f ms, last page %.2f ms; by consistency: last page %.2f ms\n",
              timeMs(20, [&] { page = query.fetchIds(all, 0, 128); }), timeMs(20, [&] { query.fetchIds(all, last, 128); }),
              timeMs(20, [&] { query.fetchIds(byScore, last, 128); }));
  std::printf("fetchCards(128): %.2f ms\n", timeMs(20, [&] { query.fetchCards(page); }));
  psr::curate::ReviewStore reviews(workspace->db());
  int next = 0;
  std::printf("setReview (one transaction, WAL): %.3f ms\n",
              timeMs(200, [&] { reviews.setReview(first + next++, psr::curate::Verdict::Accepted, std::nullopt, "bench"); }));
  workspace->db().exec("DELETE FROM reviews");

  psr::ui::CuratePanel panel;
  panel.resize(1280, 800);
  panel.show();
  t.restart();
  panel.setWorkspace(workspace.get());
  auto* view = panel.galleryView();
  // Batched layout finishes over a few event-loop passes; the scroll range is final then.
  int stable = 0;
  int lastMax = -1;
  while (stable < 3) {
    QCoreApplication::processEvents();
    stable = view->verticalScrollBar()->maximum() == lastMax ? stable + 1 : 0;
    lastMax = view->verticalScrollBar()->maximum();
  }
  std::printf("open panel at %d samples (count + reset + layout): %.1f ms; gallery viewport %dx%d\n", samples,
              msSince(t), view->viewport()->width(), view->viewport()->height());
  panel.thumbnails()->waitForDone();
  QCoreApplication::processEvents();

  QListView empty;
  empty.resize(view->size());
  empty.setModel(new QStringListModel(&empty));
  empty.show();
  QCoreApplication::processEvents();
  const std::vector<double> reference = scrollFrames(&empty, 200, [](int v) { return v; });
  std::vector<double> refSorted = reference;
  double refMean = 0;
  for (double v : reference) refMean += v;
  refMean /= double(reference.size());
  report("empty QListView (reference)", refSorted, refMean);

  const int step = view->verticalScrollBar()->pageStep();
  // Warm pass over the first screens so thumbnails are decoded (a handful of shared blobs).
  scrollFrames(view, 20, [step](int v) { return v + step; });
  panel.thumbnails()->waitForDone();
  QCoreApplication::processEvents();
  view->verticalScrollBar()->setValue(0);
  report("gallery: scroll one page", scrollFrames(view, 300, [step](int v) { return v + step; }), refMean);
  report("gallery: scroll 3 rows of 204 px", scrollFrames(view, 300, [](int v) { return v + 612; }), refMean);
  auto* rng = QRandomGenerator::global();
  const int maximum = view->verticalScrollBar()->maximum();
  report("gallery: jump to random position", scrollFrames(view, 200, [&](int) { return int(rng->bounded(maximum)); }),
         refMean);
  std::printf("scroll range %d px, pending decodes %d\n", maximum, panel.thumbnails()->pending());

  // A review key end to end: write, cached card, summary counts, auto-advance, repaint.
  view->setCurrentIndex(view->model()->index(samples / 2, 0));
  std::vector<double> keys;
  for (int i = 0; i < 100; ++i) {
    QKeyEvent press(QEvent::KeyPress, i % 2 ? Qt::Key_A : Qt::Key_3, Qt::NoModifier, i % 2 ? "a" : "3");
    t.restart();
    QCoreApplication::sendEvent(view, &press);
    QCoreApplication::processEvents();
    keys.push_back(msSince(t));
  }
  report("review key (write+summary+advance)", keys, refMean);
  std::printf("review write alone (last): %.3f ms\n", panel.reviewSession()->lastWriteMs());
  std::printf("periodic panel refresh (overview table + fingerprint): %.1f ms\n", timeMs(5, [&] { panel.refresh(); }));
  return 0;
}
