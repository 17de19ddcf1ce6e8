#pragma once
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace psr::store {
class BlobStore;
}

namespace psr::pipeline {

/// Writes blob files on a few threads with deferred durability and makes them durable with one
/// syncfs per batch (sync()) instead of an fsync per file: at ~3 ms per fsync, per-file syncing
/// capped synthesis at ~1000 files/s (~150 samples/s). The caller writes the `blobs` rows after
/// sync() returned, so no row ever points at a file that is not on disk.
class BlobWriter {
 public:
  BlobWriter(const store::BlobStore& blobs, int threads);
  ~BlobWriter();
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  /// Queues bytes whose SHA-256 is `sha256`; a file already in place is kept.
  void submit(std::string sha256, std::string bytes);
  /// Blocks until every submitted blob is written; rethrows the first write error.
  void wait();
  /// wait(), then flushes the blob store's file system (syncfs) so the files survive a power loss.
  void sync();
  /// Seconds the writer threads spent writing, summed over threads (the blob_write stage time).
  double busySeconds();

 private:
  struct Job {
    std::string sha256, bytes;
  };
  void loop();

  const store::BlobStore& blobs_;
  std::mutex mutex_;
  std::condition_variable work_, idle_;
  std::deque<Job> queue_;
  int busy_ = 0;
  double busySeconds_ = 0;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::vector<std::thread> threads_;
};

}  // namespace psr::pipeline
